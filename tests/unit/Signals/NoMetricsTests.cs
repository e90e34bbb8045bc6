using System.Linq;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.Scenario;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>Without metric data nothing is invented: every metric signal says no_data with nulls, and the kind is unknown.</summary>
    public class NoMetricsTests
    {
        [Fact]
        public void ARunWithoutMetricsIsUnknownAndEverySignalSaysNoData()
        {
            var p = Profile(Traces(), metrics: null);

            Assert.Equal("crunch", p.Summary.Bottleneck);
            Assert.Equal("unknown", p.Summary.BottleneckKind);
            Assert.Equal(new[] { "cpu_utilization", "memory_utilization", "io_wait", "throttling", "backpressure" }, p.Signals.Select(s => s.Name));
            foreach (var s in p.Signals)
            {
                Assert.Equal("no_data", s.Status);
                Assert.Null(s.Avg);
                Assert.Null(s.Max);
                Assert.Null(s.Total);
                Assert.Equal(0, s.Samples);
                Assert.Empty(s.Metrics);
                Assert.Empty(s.Components);
                Assert.Null(s.Measure);
                Assert.NotEmpty(s.Measures);
                Assert.All(s.Measures, m =>
                {
                    Assert.Equal("no_data", m.Status);
                    Assert.Null(m.Avg);
                    Assert.Null(m.Max);
                    Assert.Null(m.Total);
                    Assert.Equal(0, m.Samples);
                });
            }

            var f = p.Findings.Single(x => x.Id == "bottleneck.unknown");
            Assert.Equal(0m, f.Metrics.Single(m => m.Metric == "data_quality.metric_points_used").Value);
            Assert.Equal(0, p.DataQuality.MetricPointsUsed);
            Assert.Equal(0, p.DataQuality.MetricRecords);
            Assert.Equal(2, p.DataQuality.MetricResourcesUncovered);

            // The document writes nulls, never zeros, for what was not measured.
            using var json = System.Text.Json.JsonDocument.Parse(ProfileDocument.Write(p, DocumentFormat.Json));
            foreach (var s in json.RootElement.GetProperty("signals").EnumerateArray())
            {
                foreach (var key in new[] { "avg", "max", "total" })
                {
                    Assert.Equal(System.Text.Json.JsonValueKind.Null, s.GetProperty(key).ValueKind);
                }

                Assert.Equal("no_data", s.GetProperty("status").GetString());
            }
        }

        [Fact]
        public void MetricsOfOtherPodsOrEnvironmentsAreNotJoined()
        {
            var other = Pod("worker", "core", "worker-7", "worker", node: "node-9");
            var prod = Pod("worker", "core", "worker-0", "worker");
            prod["deployment.environment.name"] = "prod";
            var lines = new[]
            {
                MetricJson.Line(other, MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", MetricJson.Stepped(0.99, 0.99, 0, 0))),
                MetricJson.Line(prod, MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", MetricJson.Stepped(0.99, 0.99, 0, 0))),
            };
            var p = Profile(Traces(), lines);

            Assert.Equal("no_data", Signal(p, "cpu_utilization").Status);
            Assert.Equal("unknown", p.Summary.BottleneckKind);
            Assert.Equal(0, p.DataQuality.MetricPointsUsed);
            Assert.Equal(2, p.DataQuality.MetricRecords);
        }

        [Fact]
        public void SpanOnlySignalsStillSpeakWithoutMetrics()
        {
            var call = Child(4, 3, "GET /a", 3, 70_000, 71_000, ints: new System.Collections.Generic.Dictionary<string, long> { ["http.response.status_code"] = 200 });
            var p = Profile(Traces(moreWorker: new[] { call }), metrics: null);

            var throttling = Signal(p, "throttling");
            Assert.Equal("ok", throttling.Status);
            Assert.Equal("http_429_responses", throttling.Measure);
            Assert.Equal(0m, throttling.Total);
            Assert.Equal(1, throttling.Samples);
            Assert.Equal("no_data", Measure(p, "throttling", "cfs_throttle_ratio").Status);
        }
    }
}
