using System.Collections.Generic;
using System.IO;
using System.Threading;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Support
{
    /// <summary>
    /// Pass one over the same bytes with and without the needle pre-filter: what it counts, the
    /// trace ids it notes for the index (in order) and the candidates it keeps must be the same.
    /// </summary>
    public static class FilterComparison
    {
        /// <summary>Asserts both reads agree; returns how many records the filtered read skimmed.</summary>
        public static long AssertSame(byte[] input, string type, string id, string because)
        {
            var target = TargetSpec.Parse(TargetTypes.Parse(type), id);
            var plain = Read(input, target, filtered: false);
            var filtered = Read(input, target, filtered: true);
            Assert.True(plain.Counts == filtered.Counts, $"{because} ({type}:{id}): counts {plain.Counts} unfiltered, {filtered.Counts} filtered");
            Assert.True(plain.Probed.Count == filtered.Probed.Count, $"{because} ({type}:{id}): {plain.Probed.Count} trace ids probed unfiltered, {filtered.Probed.Count} filtered");
            Assert.Equal(plain.Probed, filtered.Probed);
            Assert.Equal(plain.Candidates, filtered.Candidates);
            return filtered.Skimmed;
        }

        private static (string Counts, List<TraceId> Probed, List<(ulong, long, long, string?)> Candidates, long Skimmed) Read(byte[] input, TargetSpec target, bool filtered)
        {
            var sink = new ProbeSink(new TargetMatcher(target));
            var quality = new DataQualityCounters();
            var filter = filtered ? NeedleFilter.For(target) : null;
            var reader = new OtlpFileReader { PreFilter = filter };
            reader.Read(new MemoryStream(input, writable: false), sink, quality, CancellationToken.None);
            var counts = $"records={quality.RecordsRead} malformed={quality.MalformedRecords} spans={quality.SpansRead} invalid={quality.InvalidSpans} metric_records={quality.MetricRecords} bytes={quality.BytesRead} unsupported={quality.UnsupportedFiles}";
            return (counts, sink.Probed, sink.Candidates, filter?.Skimmed ?? 0);
        }

        /// <summary>Pass one's sink: every trace probed, the spans that can begin the target kept.</summary>
        private sealed class ProbeSink : ISpanSink
        {
            private readonly TargetMatcher _matcher;

            public ProbeSink(TargetMatcher matcher) => _matcher = matcher;

            public List<TraceId> Probed { get; } = new();

            public List<(ulong, long, long, string?)> Candidates { get; } = new();

            public SpanInterest Interest(TraceId traceId)
            {
                Probed.Add(traceId);
                return SpanInterest.Probe;
            }

            public void Accept(SpanDraft d)
            {
                if (_matcher.Matches(d))
                {
                    Candidates.Add((d.SpanId, d.StartUnixNano, d.EndUnixNano, d.EffectiveEnvironment));
                }
            }
        }
    }
}
