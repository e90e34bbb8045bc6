using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>Reads bytes of any layout through the file reader, for spans or for the metric samples of a query.</summary>
    internal static class LayoutRead
    {
        public static (List<SpanRecord> Spans, DataQualityCounters Quality) Spans(byte[] bytes, OtlpFileReader? reader = null)
        {
            var sink = new SpanCollector();
            var quality = new DataQualityCounters();
            (reader ?? new OtlpFileReader()).Read(new MemoryStream(bytes), sink, quality, CancellationToken.None);
            return (sink.Spans, quality);
        }

        public static (IReadOnlyList<MetricSample> Samples, MetricReadStats Stats, DataQualityCounters Quality) Metrics(byte[] bytes, MetricQuery query)
        {
            var stats = new MetricReadStats();
            var sink = new OtlpMetricSink(query, stats);
            var reader = new OtlpFileReader { MetricSink = sink };
            var quality = new DataQualityCounters();
            reader.Read(new MemoryStream(bytes), SkipAllSpans.Instance, quality, CancellationToken.None);
            return (SeriesAssembler.Assemble(sink.Points, query, stats), stats, quality);
        }

        /// <summary>A span as text with every field the reader fills, for comparing two reads.</summary>
        public static string Describe(SpanRecord s) =>
            $"{s.TraceId} {s.SpanId:x16} {s.ParentSpanId:x16} {s.StartUnixNano} {s.EndUnixNano} {s.Kind} {s.StatusCode} {s.Label} {s.HttpStatusCode} {s.ResendCount} {s.Identity} {s.Resource}";

        /// <summary>The collector's framing: each payload preceded by its length, 4 bytes big-endian.</summary>
        public static byte[] Framed(params byte[][] payloads)
        {
            using var ms = new MemoryStream();
            foreach (var p in payloads)
            {
                ms.Write(new[] { (byte)(p.Length >> 24), (byte)(p.Length >> 16), (byte)(p.Length >> 8), (byte)p.Length });
                ms.Write(p);
            }

            return ms.ToArray();
        }

        public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    }
}
