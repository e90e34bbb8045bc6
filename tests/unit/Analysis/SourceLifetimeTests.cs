using System;
using System.Collections.Generic;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>Sources that hold connections are disposed after every profile and plan, failed ones included.</summary>
    public class SourceLifetimeTests
    {
        private sealed class DisposableSource : ITraceSource, IDisposable
        {
            public int Disposed;

            public string Description => "fake";

            public IReadOnlyList<string> Plan(ProfileRequest request) => new[] { "nothing" };

            public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) => Array.Empty<SpanRecord>();

            public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) => Array.Empty<SpanRecord>();

            public void Dispose() => Disposed++;
        }

        [Fact]
        public void RunAndPlanDisposeTheirSources()
        {
            var created = new List<DisposableSource>();
            var engine = new ProfileEngine(_ =>
            {
                var s = new DisposableSource();
                created.Add(s);
                return s;
            });
            var config = ConfigLoader.Load(Repo.SampleConfig);

            engine.Plan(Run.Request("run", "run-1004"), config);
            var e = Run.Fails(() => engine.Run(Run.Request("run", "run-1004"), config));

            Assert.Equal("TargetNotFound", e.ErrorId);
            Assert.Equal(2, created.Count);
            Assert.All(created, s => Assert.Equal(1, s.Disposed));
        }
    }
}
