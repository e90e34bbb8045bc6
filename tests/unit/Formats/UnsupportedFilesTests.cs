using System.IO;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>Files of no layout the source reads: counted, and named when they are all there is.</summary>
    public class UnsupportedFilesTests
    {
        private static readonly byte[] Zip = { 0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00 };

        private static readonly byte[] Parquet = { 0x50, 0x41, 0x52, 0x31, 0x15, 0x00, 0x00, 0x00 };

        [Fact]
        public void WhenEveryFileIsUnsupportedTheErrorSaysHowManyAndWhatTheyAre()
        {
            using var t = new TempTelemetry();
            File.WriteAllBytes(Path.Combine(t.TelemetryDir, "a.json"), Zip);
            File.WriteAllBytes(Path.Combine(t.TelemetryDir, "b.pb"), Parquet);
            File.WriteAllBytes(Path.Combine(t.TelemetryDir, "c.pb"), Parquet);

            var e = Run.Fails(() => Run.Profile(t.ConfigPath, "run", "run-1004"));

            Assert.Equal("TelemetryUnsupported", e.ErrorId);
            Assert.Equal(3, e.ExitCode);
            Assert.Contains("All 3 telemetry file(s)", e.Message, System.StringComparison.Ordinal);
            Assert.Contains("2 Parquet ('b.pb', 'c.pb'); 1 zip archive ('a.json')", e.Message, System.StringComparison.Ordinal);
        }

        [Fact]
        public void AnUnsupportedFileBesideReadableOnesIsCountedAndTheProfileStands()
        {
            using var t = new TempTelemetry();
            var root = new TestSpan(Otlp.Trace(1), Otlp.Span(1), null, "workflow w", 2, 0, 100, new System.Collections.Generic.Dictionary<string, string> { ["chartly.run.id"] = "run-u", ["chartly.workflow.id"] = "wf-u" });
            t.Write("traces.json", Otlp.Line(Otlp.Resource("engine"), new[] { root }));
            File.WriteAllBytes(Path.Combine(t.TelemetryDir, "b.pb"), Parquet);

            var p = Run.Profile(t.ConfigPath, "run", "run-u");

            Assert.Equal(1, p.DataQuality.UnsupportedFiles);
            Assert.Equal(2, p.DataQuality.FilesRead);
        }
    
        [Fact]
        public void ANulByteEarlyInAJsonFileSpoilsOneRecordNotTheFile()
        {
            // Issue 18, item 9: the same byte later in the file was always one malformed record.
            using var t = new TempTelemetry();
            var root = new TestSpan(Otlp.Trace(1), Otlp.Span(1), null, "workflow w", 2, 0, 100, new System.Collections.Generic.Dictionary<string, string> { ["chartly.run.id"] = "run-n", ["chartly.workflow.id"] = "wf-n" });
            var bad = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"x\":\"\0\"}]}";
            t.Write("traces.json", Otlp.Line(Otlp.Resource("engine"), new[] { root }), bad);
            Assert.Contains('\0', File.ReadAllText(Path.Combine(t.TelemetryDir, "traces.json")));

            var p = Run.Profile(t.ConfigPath, "run", "run-n");

            Assert.Equal(0, p.DataQuality.UnsupportedFiles);
            Assert.Equal(1, p.DataQuality.MalformedRecords);
            Assert.Equal(1, p.Summary.Roots.Count);
        }
    
        [Theory]
        [InlineData("\"9223372036854775807\"")]
        [InlineData("\"1795514400000000000\" ")]
        public void AbsurdTimesAreInvalidSpansNotNumbers(string endTime)
        {
            // Issue 18, item 11: a root ending at int64 max (or a year after it began) is a broken
            // clock; a start of "-0" is no time at all. Neither may reach a total.
            using var t = new TempTelemetry();
            var root = new TestSpan(Otlp.Trace(1), Otlp.Span(1), null, "workflow w", 2, 0, 100, new System.Collections.Generic.Dictionary<string, string> { ["chartly.run.id"] = "run-t", ["chartly.workflow.id"] = "wf-t" });
            var good = Otlp.Line(Otlp.Resource("engine"), new[] { root });
            var brokenEnd = Otlp.Line(Otlp.Resource("engine"), new[] { root with { TraceId = Otlp.Trace(2), Name = "workflow x" } })
                .Replace("\"endTimeUnixNano\":\"" + Otlp.At(100) + "\"", "\"endTimeUnixNano\":" + endTime.Replace("1795514400000000000", "1827136800000000001"));
            var minusZero = Otlp.Line(Otlp.Resource("engine"), new[] { root with { TraceId = Otlp.Trace(3), Name = "workflow y" } })
                .Replace("\"startTimeUnixNano\":\"" + Otlp.At(0) + "\"", "\"startTimeUnixNano\":\"-0\"");
            Assert.NotEqual(good, brokenEnd.Replace(Otlp.Trace(2), Otlp.Trace(1)).Replace("workflow x", "workflow w"));
            t.Write("traces.json", good, brokenEnd, minusZero);

            var p = Run.Profile(t.ConfigPath, "run", "run-t");

            Assert.Equal(2, p.DataQuality.InvalidSpans);
            Assert.Equal(1, p.Summary.Roots.Count);
            Assert.Equal(100, p.Summary.TotalDurationMs);
        }
    }
}
