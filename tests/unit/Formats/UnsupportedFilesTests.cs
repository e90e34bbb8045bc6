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
    }
}
