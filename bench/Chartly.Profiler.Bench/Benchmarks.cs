using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Bench
{
    /// <summary>Synthetic OTLP/JSON lines in the collector's shape, for the micro benchmarks.</summary>
    public static class MicroData
    {
        public static string Lines(int traces, int spansPerTrace)
        {
            var sb = new StringBuilder();
            for (var t = 0; t < traces; t++)
            {
                sb.Append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"bench\"}},{\"key\":\"deployment.environment.name\",\"value\":{\"stringValue\":\"prod\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"bench\"},\"spans\":[");
                for (var s = 0; s < spansPerTrace; s++)
                {
                    if (s > 0) sb.Append(',');
                    var start = 1_800_000_000_000_000_000L + t * 10_000_000L + s * 1000;
                    sb.Append("{\"traceId\":\"").Append(((long)t + 1).ToString("x32", CultureInfo.InvariantCulture))
                      .Append("\",\"spanId\":\"").Append(((long)s + 1).ToString("x16", CultureInfo.InvariantCulture)).Append('"');
                    if (s > 0) sb.Append(",\"parentSpanId\":\"").Append(((long)(s - 1) / 3 + 1).ToString("x16", CultureInfo.InvariantCulture)).Append('"');
                    sb.Append(",\"name\":\"step ").Append(s % 7).Append("\",\"kind\":").Append(s == 0 ? 2 : 1)
                      .Append(",\"startTimeUnixNano\":\"").Append(start).Append("\",\"endTimeUnixNano\":\"").Append(start + 5_000_000 - s * 1000)
                      .Append("\",\"attributes\":[{\"key\":\"chartly.component\",\"value\":{\"stringValue\":\"c").Append(s % 5)
                      .Append("\"}},{\"key\":\"http.method\",\"value\":{\"stringValue\":\"GET\"}}],\"status\":{}}");
                }

                sb.Append("]}]}]}\n");
            }

            return sb.ToString();
        }
    }

    [MemoryDiagnoser]
    public class ReaderBenchmarks
    {
        private byte[] _data = Array.Empty<byte>();

        [Params(2000)]
        public int Traces { get; set; }

        [GlobalSetup]
        public void Setup() => _data = Encoding.UTF8.GetBytes(MicroData.Lines(Traces, 30));

        [Benchmark(Description = "first pass (probe every span)")]
        public long Probe()
        {
            var sink = new Sink(SpanInterest.Probe);
            new OtlpFileReader().Read(new MemoryStream(_data, writable: false), sink, new DataQualityCounters(), CancellationToken.None);
            return sink.Count;
        }

        [Benchmark(Description = "second pass (skip unselected traces)")]
        public long Skip()
        {
            var sink = new Sink(SpanInterest.Skip);
            new OtlpFileReader().Read(new MemoryStream(_data, writable: false), sink, new DataQualityCounters(), CancellationToken.None);
            return sink.Count;
        }

        private sealed class Sink : ISpanSink
        {
            private readonly SpanInterest _interest;

            public Sink(SpanInterest interest) => _interest = interest;

            public long Count;

            public SpanInterest Interest(TraceId traceId) => _interest;

            public void Accept(SpanDraft draft) => Count++;
        }
    }

    [MemoryDiagnoser]
    public class CriticalPathBenchmarks
    {
        private List<SpanRecord> _spans = new();

        [Params(100_000)]
        public int Spans { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var trace = new TraceId(1, 1);
            _spans = new List<SpanRecord>(Spans);
            for (var i = 0; i < Spans; i++)
            {
                var parent = i == 0 ? 0UL : (ulong)((i - 1) / 4 + 1);
                long start = i * 10L;
                _spans.Add(new SpanRecord(trace, (ulong)i + 1, parent, start, start + 1_000_000 - i * 5L, SpanKind.Internal, 0, ResourceInfo.Empty, "c" + (i % 9).ToString(CultureInfo.InvariantCulture), TargetIdentity.None, 0, 0));
            }
        }

        [Benchmark(Description = "tree + critical path")]
        public long Walk()
        {
            var tree = TraceTree.Build(new TraceId(1, 1), _spans);
            return CriticalPath.Analyze(tree, 0, new DataQualityCounters()).DurationNanos;
        }
    }
}
