using System;
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
    /// And with the plain-text reader as well: the same counts and candidates, and for each record
    /// the same trace ids noted (a reader that gives up midway asks again for those it had met,
    /// which the index collapses by record as this comparison does).
    /// </summary>
    public static class FilterComparison
    {
        /// <summary>Asserts the reads agree; returns how many records the filtered read skimmed.</summary>
        public static long AssertSame(byte[] input, string type, string id, string because)
        {
            var target = TargetSpec.Parse(TargetTypes.Parse(type), id);
            var parsed = Read(input, target, filtered: false, plainReader: false);
            var filtered = Read(input, target, filtered: true, plainReader: false);
            foreach (var plain in new[] { Read(input, target, filtered: false, plainReader: true), Read(input, target, filtered: true, plainReader: true) })
            {
                Assert.True(parsed.Counts == plain.Counts, $"{because} ({type}:{id}): counts {parsed.Counts} parsed, {plain.Counts} with the plain reader");
                Assert.Equal(parsed.ByRecord, plain.ByRecord);
                Assert.Equal(parsed.Candidates, plain.Candidates);
            }

            Assert.True(parsed.Counts == filtered.Counts, $"{because} ({type}:{id}): counts {parsed.Counts} unfiltered, {filtered.Counts} filtered");
            Assert.True(parsed.Probed.Count == filtered.Probed.Count, $"{because} ({type}:{id}): {parsed.Probed.Count} trace ids probed unfiltered, {filtered.Probed.Count} filtered");
            Assert.Equal(parsed.Probed, filtered.Probed);
            Assert.Equal(parsed.Candidates, filtered.Candidates);
            return filtered.Skimmed;
        }

        private static (string Counts, List<TraceId> Probed, List<string> ByRecord, List<(ulong, long, long, string?)> Candidates, long Skimmed) Read(byte[] input, TargetSpec target, bool filtered, bool plainReader)
        {
            var sink = new ProbeSink(new TargetMatcher(target));
            var quality = new DataQualityCounters();
            var filter = filtered ? NeedleFilter.For(target) : null;
            var reader = new OtlpFileReader { PreFilter = filter, PlainReader = plainReader, Observer = sink };
            reader.Read(new MemoryStream(input, writable: false), sink, quality, CancellationToken.None);
            var counts = $"records={quality.RecordsRead} malformed={quality.MalformedRecords} spans={quality.SpansRead} invalid={quality.InvalidSpans} metric_records={quality.MetricRecords} bytes={quality.BytesRead} unsupported={quality.UnsupportedFiles}";
            return (counts, sink.Probed, sink.ByRecord, sink.Candidates, filter?.Skimmed ?? 0);
        }

        /// <summary>Pass one's sink: every trace probed, the spans that can begin the target kept.</summary>
        private sealed class ProbeSink : ISpanSink, IRecordObserver
        {
            private readonly TargetMatcher _matcher;
            private readonly SortedSet<string> _pending = new(StringComparer.Ordinal);

            public ProbeSink(TargetMatcher matcher) => _matcher = matcher;

            public List<TraceId> Probed { get; } = new();

            /// <summary>Each record that parsed: where it is and the distinct trace ids probed in it.</summary>
            public List<string> ByRecord { get; } = new();

            public List<(ulong, long, long, string?)> Candidates { get; } = new();

            public SpanInterest Interest(TraceId traceId)
            {
                Probed.Add(traceId);
                _pending.Add(traceId.ToString());
                return SpanInterest.Probe;
            }

            public void Accept(SpanDraft d)
            {
                if (_matcher.Matches(d))
                {
                    Candidates.Add((d.SpanId, d.StartUnixNano, d.EndUnixNano, d.EffectiveEnvironment));
                }
            }

            public void OnRecord(long offset, int length, bool parsed)
            {
                if (parsed)
                {
                    ByRecord.Add(offset + "+" + length + ": " + string.Join(",", _pending));
                }

                _pending.Clear();
            }
        }
    }
}
