using System.IO;
using System.Linq;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>
    /// tests/fixtures/otel-js: the OpenTelemetry JS SDK's protobuf serializers' bytes in the
    /// collector's framing, zstd frames and streams by the zstd program, gzip by gzip. Each layout
    /// must give exactly what the SDK's own JSON of the same requests gives.
    /// </summary>
    public class SdkLayoutTests
    {
        /// <summary>2026-11-24T09:00:00Z, the base time of the JS SDK fixture.</summary>
        private const long JsBase = 1_795_510_800_000_000_000L;

        public static TheoryData<string, string> Layouts => new()
        {
            { ".pb", "Framed" },
            { "-zstd.pb", "Framed" },
            { "-zstd.jsonl", "Framed" },
            { ".jsonl.zst", "Compressed" },
            { ".jsonl.gz", "Compressed" },
        };

        private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "fixtures", "otel-js", name));

        [Theory]
        [MemberData(nameof(Layouts))]
        public void SpansAreTheSameAsFromTheSdksJson(string suffix, string layout)
        {
            var (expected, _) = LayoutRead.Spans(Fixture("traces.jsonl"));
            var reader = new OtlpFileReader();
            var (actual, q) = LayoutRead.Spans(Fixture("traces" + suffix), reader);

            Assert.Equal(layout, reader.Layout.ToString());
            Assert.Equal(2, q.RecordsRead);
            Assert.Equal(0, q.MalformedRecords);
            Assert.Equal(0, q.InvalidSpans);
            Assert.Equal(5, actual.Count);
            Assert.Equal(expected.Select(LayoutRead.Describe), actual.Select(LayoutRead.Describe));
            Assert.Equal("run-js-1", actual.Single(s => s.ParentSpanId == 0).Identity.RunId);
        }

        [Theory]
        [MemberData(nameof(Layouts))]
        public void MetricSamplesAreTheSameAsFromTheSdksJson(string suffix, string layout)
        {
            _ = layout;
            var span = new MetricResource("dev", "chartly-core", "chartly-workflow-engine", "wf-engine-0", "engine", null);
            var query = new MetricQuery(new[] { span }, JsBase, JsBase + 60_000_000_000L, CanonicalMetrics.All.Select(m => m.Name).ToList(), MetricQuery.DefaultLookbackNanos);
            var (expected, expectedStats, _) = LayoutRead.Metrics(Fixture("metrics.jsonl"), query);
            var (actual, stats, q) = LayoutRead.Metrics(Fixture("metrics" + suffix), query);

            Assert.Equal(0, q.MalformedRecords);
            Assert.Equal(2, q.MetricRecords);
            Assert.Equal(8, stats.PointsUsed);
            Assert.Equal(expectedStats.PointsUsed, stats.PointsUsed);
            Assert.NotEmpty(actual);
            Assert.Equal(expected, actual);
        }
    }
}
