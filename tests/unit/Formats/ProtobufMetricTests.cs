using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Chartly.Profiler.Analysis.Scaling;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Tests.Signals;
using Chartly.Profiler.Tests.Support;
using Chartly.TelemetryGen;
using Xunit;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>Every metric shape the profiler reads gives the same samples from protobuf as from JSON.</summary>
    public class ProtobufMetricTests
    {
        [Fact]
        public void GaugesSumsAndHistogramsReadTheSameFromProtobuf()
        {
            var scrapes = MetricJson.Scrapes().ToList();
            var lines = Scenario.PodMetrics(new Dictionary<string, string?>
            {
                ["container.memory.working_set"] = MetricJson.Gauge("container.memory.working_set", "By", scrapes.Select(t => new MPoint(t, Int: 1_000_000 + t))),
                ["container.cpu.time"] = MetricJson.Sum("container.cpu.time", "s", 1, true, scrapes.Select(t => new MPoint(t, Double: 0.5, StartMs: t - 15_000))),
                ["db.client.connection.wait_time"] = MetricJson.Histogram("db.client.connection.wait_time", "s", 2, scrapes.Select((t, i) => new MPoint(t, StartMs: 0, Count: 10 * (i + 1), Sum: 0.25 * (i + 1)))),
            });
            var json = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
            var proto = CollectorFiles.Write(json, CollectorFormat.Proto);

            var (expected, expectedStats, _) = LayoutRead.Metrics(json, MetricRead.Query());
            var (actual, stats, q) = LayoutRead.Metrics(proto, MetricRead.Query());

            Assert.Equal(0, q.MalformedRecords);
            Assert.Equal(2, q.MetricRecords);
            Assert.Equal(expectedStats.PointsUsed, stats.PointsUsed);
            Assert.Equal(expectedStats.PointsInvalid, stats.PointsInvalid);
            foreach (var metric in new[] { CanonicalMetrics.MemoryWorkingSet, CanonicalMetrics.CpuUsage, CanonicalMetrics.DbPoolWaitTime, CanonicalMetrics.CpuCfsThrottledPeriods })
            {
                Assert.NotEmpty(MetricRead.Of(expected, metric));
            }

            Assert.Equal(expected, actual);
        }
    
        public static IEnumerable<object[]> Layouts => CollectorFiles.Names.Where(n => n != "json").Select(n => new object[] { n });

        /// <summary>
        /// The k8s_cluster receiver names the autoscaler (k8s.hpa.*) and a container's last
        /// termination reason only on the resource: every layout must read them, so the replica
        /// and OOM series are attributed alike and none is counted as unattributed.
        /// </summary>
        [Theory]
        [MemberData(nameof(Layouts))]
        public void ResourceAttributesGiveTheSameScalingEvidenceInEveryLayout(string layout)
        {
            // tests/fixtures/otel-js/scaling.jsonl, as ScalingEvidenceTests reads it.
            const long JsBase = 1_795_510_800_000_000_000L;
            var checkout = new MetricResource("dev", "shop", "checkout", "checkout-7d9f8c6b5-x2k4p", "app", "node-1");
            var json = File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "fixtures", "otel-js", "scaling.jsonl"));
            var critical = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [checkout] = new() { (JsBase + 50_000_000_000L, JsBase + 100_000_000_000L) } });
            var query = new MetricQuery(new[] { checkout }, JsBase, JsBase + 120_000_000_000L, ScalingEvidence.Metrics, MetricQuery.DefaultLookbackNanos);

            var (expected, expectedStats, expectedQuality) = LayoutRead.Metrics(json, query);
            var (actual, stats, quality) = LayoutRead.Metrics(CollectorFiles.Write(json, CollectorFiles.Parse(layout)), query);

            Assert.Equal(0, quality.MalformedRecords);
            Assert.Equal(expectedQuality.MetricRecords, quality.MetricRecords);
            Assert.Equal(0, expectedStats.PointsUnattributed);
            Assert.Equal(expectedStats.PointsUnattributed, stats.PointsUnattributed);
            Assert.Equal(expectedStats.PointsUsed, stats.PointsUsed);
            Assert.Equal(expectedStats.PointsInvalid, stats.PointsInvalid);
            Assert.Equal(expected, actual);

            var a = ScalingEvidence.Analyze(expected, "checkout", critical, critical);
            var b = ScalingEvidence.Analyze(actual, "checkout", critical, critical);
            Assert.Equal(AutoscalerStatus.AtMax, a.Autoscaler);
            Assert.Equal((1L, 1L), (a.Restarts!.Value, a.OomKills!.Value));
            Assert.Equal(Describe(a), Describe(b));
        }

        private static string Describe(ScalingReport r) => string.Join(
            "\n",
            new[] { $"{r.Summary with { Workloads = new List<string>() }} {string.Join(",", r.Workloads)} {r.Quality}" }
                .Concat(r.Findings.Select(f => $"{f.Id} {f.Severity} {f.Text} {string.Join(";", f.Metrics)}"))
                .Concat(r.Citations.Select(c => c.ToString())));
    }
}
