using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Formats;
using Chartly.Profiler.Tests.Support;
using TelemetryGen = Chartly.TelemetryGen;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Pass one keeps the spans of a busy service's or workflow's files so pass two need not parse
    /// them again: the profile must be the same bytes whether they were kept, kept in part (the
    /// budget ran out in a file) or read twice, in every collector layout.
    /// </summary>
    public class KeptRecordsTests : IClassFixture<CollectorLayoutFixture>
    {
        private readonly CollectorLayoutFixture _layouts;

        public KeptRecordsTests(CollectorLayoutFixture layouts) => _layouts = layouts;

        public static IEnumerable<object[]> Targets => new[]
        {
            new object[] { "service", "analytics-blue/chartly-analytics" },
            new object[] { "service", "chartly-workflow-engine" },
            new object[] { "workflow", "wf-daily-report" },
            new object[] { "run", "run-1004" },
        };

        public static IEnumerable<object[]> LayoutTargets =>
            TelemetryGen.CollectorFiles.Names.SelectMany(l => Targets.Select(t => new object[] { l, t[0], t[1] }));

        [Theory]
        [MemberData(nameof(Targets))]
        public void KeptReadTwiceOrCutShortTheSamplesGiveTheSameBytes(string type, string id)
        {
            var twice = Document(Repo.SampleConfig, type, id, keepBudget: 0);
            Assert.Equal(twice, Document(Repo.SampleConfig, type, id, keepBudget: 4_000_000));

            // A budget a few records deep: files kept, dropped half way and never kept, in one read.
            foreach (var budget in new[] { 1, 40, 200 })
            {
                Assert.Equal(twice, Document(Repo.SampleConfig, type, id, budget));
            }
        }

        [Theory]
        [MemberData(nameof(LayoutTargets))]
        public void EveryLayoutGivesTheSameBytesKeptOrReadTwice(string layout, string type, string id) =>
            Assert.Equal(Document(_layouts.Config(layout), type, id, keepBudget: 0), Document(_layouts.Config(layout), type, id, keepBudget: 4_000_000));

        [Fact]
        public void AFileWithFewCandidatesIsDroppedOnceSampled()
        {
            var sparse = new KeptRecords(new TraceRecordIndex(), new KeepBudget(1_000_000));
            var dense = new KeptRecords(new TraceRecordIndex(), new KeepBudget(1_000_000));
            var draft = Draft();
            for (var record = 0; record * 1_000 < KeptRecords.SampleSpans; record++)
            {
                Assert.True(sparse.Keeping);
                for (var s = 0; s < 1_000; s++)
                {
                    sparse.Add(draft);
                    dense.Add(draft);
                }

                sparse.Candidates = 1;
                dense.Candidates = KeptRecords.SampleSpans / KeptRecords.SpansPerCandidate;
                sparse.OnRecord(record * 10_000L, 10_000, parsed: true);
                dense.OnRecord(record * 10_000L, 10_000, parsed: true);
            }

            Assert.False(sparse.Keeping);
            Assert.False(sparse.TryGet(0, out _));
            Assert.True(dense.Keeping);
            Assert.True(dense.TryGet(0, out var spans) && spans.Length == 1_000);
        }

        [Fact]
        public void ADroppedFileGivesItsBudgetBack()
        {
            var budget = new KeepBudget(1_500);
            var a = new KeptRecords(new TraceRecordIndex(), budget);
            var b = new KeptRecords(new TraceRecordIndex(), budget);
            var draft = Draft();
            for (var s = 0; s < 1_000; s++)
            {
                a.Add(draft);
                b.Add(draft);
            }

            a.OnRecord(0, 10, parsed: true);
            b.OnRecord(0, 10, parsed: true); // 1,000 more than the 500 left: b lets go
            Assert.True(a.Keeping);
            Assert.False(b.Keeping);
            a.Drop();
            Assert.True(budget.Take(1_500));
        }

        private static SpanDraft Draft()
        {
            var d = new SpanDraft();
            d.Reset();
            d.TraceId = new TraceId(1, 2);
            d.SpanId = 3;
            d.StartUnixNano = 10;
            d.EndUnixNano = 20;
            d.Name = "GET /items/1";
            return d;
        }

        private static string Document(string config, string type, string id, long keepBudget)
        {
            var engine = new ProfileEngine(c =>
            {
                var source = ProfileEngine.DefaultSourceFactory(c);
                // The same files with the budget under test (the other options at their defaults,
                // which the samples' configurations use too).
                return source is OtlpFileSource files ? new OtlpFileSource(files.Paths, files.Description, keepBudgetSpans: keepBudget) : source;
            });
            return ProfileDocument.Write(engine.Run(Run.Request(type, id), ConfigLoader.Load(config)), DocumentFormat.Json);
        }
    }
}
