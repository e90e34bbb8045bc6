using System.Linq;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>The demo data (samples/telemetry): the signals and the taxonomy on real-shaped telemetry.</summary>
    public class SampleSignalTests
    {
        [Fact]
        public void Run1004IsThrottlingAndTheFindingCitesTheThrottleRatio()
        {
            var p = Run.Sample("run", "run-1004");

            Assert.Equal("analytics_query_exec", p.Summary.Bottleneck);
            Assert.Equal("throttling", p.Summary.BottleneckKind);
            var f = p.Findings.Single(x => x.Id == "bottleneck.throttling");
            Assert.StartsWith("analytics_query_exec held 65.8% of the critical path (4,941 ms); its container was CFS-throttled in 38.0% of periods while it ran", f.Text);
            Assert.Equal(0.380m, f.Metrics.Single(m => m.Metric == "throttling.cfs_throttle_ratio.avg{component=\"analytics_query_exec\"}").Value);
            Assert.Equal(65.8m, f.Metrics.Single(m => m.Metric == "critical_path.pct{component=\"analytics_query_exec\"}").Value);

            // The throttle ratio of the scrape that covers the query (10:30:00-10:30:15), from the cAdvisor counters.
            var throttling = p.Signals.Single(s => s.Name == "throttling");
            Assert.Equal(new[] { "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total" }, throttling.Metrics);
            var exec = throttling.Components.Single(c => c.Component == "analytics_query_exec");
            Assert.Equal(0.380m, exec.Avg);
            Assert.Equal(1, exec.Samples);

            // Every finding cites at least one metric; ids are unique.
            Assert.All(p.Findings, x => Assert.NotEmpty(x.Metrics));
            Assert.Equal(p.Findings.Count, p.Findings.Select(x => x.Id).Distinct().Count());
            Assert.Equal("critical-path.dominant", p.Findings[0].Id);
            Assert.Equal("bottleneck.throttling", p.Findings[1].Id);
        }

        [Fact]
        public void Run1004JoinsTheNodeAndEveryPodItRanOn()
        {
            var p = Run.Sample("run", "run-1004");
            var io = p.Signals.Single(s => s.Name == "io_wait");
            Assert.Equal("ok", io.Status);
            Assert.Equal(new[] { "system.cpu.utilization" }, io.Metrics);
            Assert.True(io.Max < 0.05m);
            Assert.Equal(0, p.DataQuality.MetricResourcesUncovered);
            Assert.Equal(0, p.DataQuality.MetricSeriesGaps);
            Assert.True(p.DataQuality.MetricPointsUsed > 0);
            Assert.True(p.DataQuality.MetricSeriesUsed > 0);
        }

        [Fact]
        public void ConnectorRunWithA429IsThrottlingAndItsConsumerWaitIsMeasured()
        {
            var p = Run.Sample("connector", "conn-salesforce/cr-502");
            Assert.Equal("fetch_page", p.Summary.Bottleneck);
            Assert.Equal("throttling", p.Summary.BottleneckKind);
            Assert.Contains("rule http-429", p.Findings.Single(f => f.Id == "bottleneck.throttling").Text);
            var queue = p.Signals.Single(s => s.Name == "backpressure").Measures.Single(m => m.Name == "queue_wait");
            Assert.Equal("ok", queue.Status);
            Assert.Equal(1, queue.Samples);
        }

        [Fact]
        public void AQuietRunIsUnknownWithTheValuesItWasJudgedOn()
        {
            var p = Run.Sample("run", "run-1001");
            Assert.Equal("unknown", p.Summary.BottleneckKind);
            var f = p.Findings.Single(x => x.Id == "bottleneck.unknown");
            Assert.Contains(f.Metrics, m => m.Metric.StartsWith("cpu_utilization.limit_utilization.avg{", System.StringComparison.Ordinal));
        }

        [Fact]
        public void OverManyRunsOneThrottledIntervalIsAPeakNotTheKind()
        {
            var p = Run.Sample("workflow", "wf-daily-report");
            Assert.Equal(7, p.Summary.Roots.Count);
            Assert.Equal("unknown", p.Summary.BottleneckKind);
            var peak = p.Findings.Single(f => f.Id == "signal.cfs-throttle-peak:analytics_query_exec");
            Assert.Equal("info", peak.Severity);
            Assert.Equal(0.380m, peak.Metrics.Single(m => m.Metric == "throttling.cfs_throttle_ratio.max{component=\"analytics_query_exec\"}").Value);
            var avg = peak.Metrics.Single(m => m.Metric == "throttling.cfs_throttle_ratio.avg{component=\"analytics_query_exec\"}").Value;
            Assert.True(avg < 0.25m);
        }

        [Theory]
        [InlineData("run", "run-1004")]
        [InlineData("connector", "conn-salesforce/cr-502")]
        [InlineData("workflow", "wf-daily-report")]
        public void SignalsSurviveAJsonAndYamlRoundTrip(string type, string id)
        {
            var p = Run.Sample(type, id);
            foreach (var format in new[] { DocumentFormat.Json, DocumentFormat.Yaml })
            {
                var text = ProfileDocument.Write(p, format);
                var back = ProfileDocumentReader.Read(text);
                Assert.Equal(text, ProfileDocument.Write(back, format));
                Assert.Equal(p.Summary.BottleneckKind, back.Summary.BottleneckKind);
                Assert.Equal(p.DataQuality, back.DataQuality);
            }
        }

        [Fact]
        public void SecondsPrecisionRoundsMillisecondSignalsToWholeSeconds()
        {
            var p = Run.Sample("connector", "conn-salesforce/cr-502", precision: "s");
            var wait = p.Signals.Single(s => s.Name == "backpressure").Measures.Single(m => m.Name == "queue_wait");
            Assert.Equal(0m, wait.Avg! % 1000m);
            var lost = p.Signals.Single(s => s.Name == "throttling").Measures.Single(m => m.Name == "http_429_time");
            Assert.Equal(1000m, lost.Total);
        }
    }
}
