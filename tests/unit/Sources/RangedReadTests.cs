using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Pass two reads the selected records again by their ranges in the file. A range holds its
    /// line's end; the record it hands on must be the one the sequential read hands on, so that a
    /// record of plain text goes to the plain-text reader there too (before, every ranged record
    /// went to the slower JSON parser) and gives the same spans.
    /// </summary>
    public class RangedReadTests
    {
        [Theory]
        [InlineData("\n")]
        [InlineData("\r\n")]
        [InlineData("  \n")]
        public void RangedRecordsAreReadAsTheSequentialReadReadsThem(string lineEnd)
        {
            var lines = File.ReadAllLines(Path.Combine(Repo.Root, "samples", "telemetry", "traces.json")).Where(l => l.Length > 0).ToList();
            var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + lineEnd)));
            var path = Path.Combine(Path.GetTempPath(), "chartly-ranged-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllBytes(path, bytes);
            try
            {
                // The ranges as pass one's index records them: each line with its end.
                var ranges = new List<RecordRange>();
                for (var pos = 0; pos < bytes.Length;)
                {
                    var next = Array.IndexOf(bytes, (byte)'\n', pos) + 1;
                    ranges.Add(new RecordRange(pos, next - pos));
                    pos = next;
                }

                var sequential = new OtlpFileReader();
                var expected = new FieldSink();
                sequential.Read(new MemoryStream(bytes), expected, new DataQualityCounters(), CancellationToken.None);

                var ranged = new OtlpFileReader();
                var actual = new FieldSink();
                ranged.ReadRanges(path, TelemetryLayout.JsonLines, ranges, actual, new DataQualityCounters(), CancellationToken.None);

                Assert.True(sequential.PlainRecords > 0, "the sample's records are plain text");
                Assert.Equal(sequential.PlainRecords, ranged.PlainRecords);
                Assert.NotEmpty(expected.Spans);
                Assert.Equal(expected.Spans, actual.Spans);
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>Every span whole, as text: what the two reads handed on, in order.</summary>
        private sealed class FieldSink : ISpanSink
        {
            public List<string> Spans { get; } = new();

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Full;

            public void Accept(SpanDraft d) => Spans.Add(string.Join(
                "|",
                d.TraceId,
                d.SpanId,
                d.ParentSpanId,
                d.StartUnixNano,
                d.EndUnixNano,
                d.Kind,
                d.StatusCode,
                d.Name,
                d.Component,
                d.EffectiveServiceName,
                d.BuildIdentity().RunId,
                d.HttpStatusCode));
        }
    }
}
