using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.Scenario;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>
    /// Evidence decides the kind only where it delayed the target (issue: causal conclusions).
    /// Each case pairs a trace with the answer its meaning calls for; the off-path evidence is
    /// still reported, with what it cost on the critical path.
    /// </summary>
    public class CausalEvidenceTests
    {
        private static Dictionary<string, string?> Worker(params (string Name, string? Json)[] metrics) =>
            metrics.ToDictionary(m => m.Name, m => m.Json);

        private static Finding Only(Profile p, string id) => p.Findings.Single(f => f.Id == id);

        private static decimal Cited(Finding f, string metric) => f.Metrics.Single(m => m.Metric == metric).Value;

        private static string[] CpuBoundStep() =>
            PodMetrics(Worker(("k8s.container.cpu_limit_utilization", MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", MetricJson.Stepped(0.2, 0.95, StepStart, StepEnd)))));

        private static string[] CfsThrottledStep() => PodMetrics(Worker(
            ("container_cpu_cfs_periods_total", null),
            ("container_cpu_cfs_throttled_periods_total", null),
            ("container.cpu.throttling_data.periods", MetricJson.Sum("container.cpu.throttling_data.periods", "{periods}", 2, true, MetricJson.Counter(10, 10, 0, 0))),
            ("container.cpu.throttling_data.throttled_periods", MetricJson.Sum("container.cpu.throttling_data.throttled_periods", "{periods}", 2, true, MetricJson.Counter(0.1, 4, StepStart, StepEnd)))));

        [Fact]
        public void RetriedThrottledCallsInAParallelBranchThatFinishedEarlyAreNotTheBottleneck()
        {
            // root   |60,000 ..................................................... 100,000|
            // crunch   |61,000 ................................................ 99,000|    CPU at 95% of its limit
            // sync       |60,100 ....... 70,000|                                           parallel, done early
            //  GET 429     |60,200..61,200|  back-off  |66,200 GET 200 .. 67,000|          20 s of 429s, none on the path
            var sync = new[]
            {
                Child(10, 1, "sync pages", 1, 60_100, 70_000, "sync"),
                Child(11, 10, "GET /pages/1", 3, 60_200, 61_200, ints: new Dictionary<string, long> { ["http.response.status_code"] = 429 }),
                Child(12, 10, "GET /pages/1", 3, 66_200, 67_000, ints: new Dictionary<string, long> { ["http.response.status_code"] = 200, ["http.request.resend_count"] = 1 }),
            };
            var p = Profile(Traces(moreEngine: sync), CpuBoundStep());

            Assert.Equal("crunch", p.Summary.Bottleneck);
            Assert.Equal("cpu", p.Summary.BottleneckKind);
            var time = Measure(p, "throttling", "http_429_time");
            Assert.Equal(6000m, time.Total);
            var onPath = Measure(p, "throttling", "http_429_time_on_path");
            Assert.Equal(0m, onPath.Total);
            var f = Only(p, "signal.http-429");
            Assert.Equal("info", f.Severity);
            Assert.Equal(6000m, Cited(f, "throttling.http_429_time.total"));
            Assert.Equal(0m, Cited(f, "throttling.http_429_time_on_path.total"));
            Assert.Contains("0 ms lay on the critical path", f.Text);
            Assert.Contains("would not have made the target faster", f.Text);
        }

        [Fact]
        public void AFireAndForgetMessageConsumedAfterTheRootEndedIsNotQueueing()
        {
            // root   |60,000 ................................ 100,000|
            // crunch   |61,000 ......................... 99,000|          CFS-throttled in 40% of periods
            // publish      |70,000..70,100|
            // process                                                    |120,000 ... 130,000|   after the root
            var messaging = new[]
            {
                Child(4, 3, "publish report", 4, 70_000, 70_100),
                Child(5, 4, "process report", 5, 120_000, 130_000),
            };
            var p = Profile(Traces(moreWorker: messaging), CfsThrottledStep());

            Assert.Equal("crunch", p.Summary.Bottleneck);
            Assert.Equal("throttling", p.Summary.BottleneckKind);
            Assert.Contains("rule cfs-throttle", p.Findings.Single(x => x.Id == "bottleneck.throttling").Text);
            Assert.Equal(49_900m, Measure(p, "backpressure", "queue_wait").Total);
            Assert.Equal(0m, Measure(p, "backpressure", "queue_wait_on_path").Total);
            var f = Only(p, "signal.queue-wait");
            Assert.Equal(0m, Cited(f, "backpressure.queue_wait_on_path.total"));
            Assert.Contains("the target did not wait for them", f.Text);
            Assert.Equal(1, p.DataQuality.NonBlockingSubtrees);
        }

        [Fact]
        public void A429OnTheCriticalPathCountsOnlyForItsPartThere()
        {
            // crunch's own 429 and back-off lie on the path: 500 + 2,500 ms; the same in a parallel
            // branch that finished early adds nothing.
            var own = new[]
            {
                Child(20, 3, "GET /quota", 3, 62_000, 62_500, ints: new Dictionary<string, long> { ["http.response.status_code"] = 429 }),
                Child(21, 3, "GET /quota", 3, 65_000, 66_000, ints: new Dictionary<string, long> { ["http.response.status_code"] = 200, ["http.request.resend_count"] = 1 }),
            };
            var side = new[]
            {
                Child(10, 1, "sync pages", 1, 60_100, 70_000, "sync"),
                Child(11, 10, "GET /pages/1", 3, 60_200, 60_700, ints: new Dictionary<string, long> { ["http.response.status_code"] = 429 }),
                Child(12, 10, "GET /pages/1", 3, 63_200, 64_000, ints: new Dictionary<string, long> { ["http.response.status_code"] = 200, ["http.request.resend_count"] = 1 }),
            };
            var p = Profile(Traces(moreWorker: own, moreEngine: side), PodMetrics());

            Assert.Equal(6000m, Measure(p, "throttling", "http_429_time").Total);
            Assert.Equal(3000m, Measure(p, "throttling", "http_429_time_on_path").Total);
            Assert.Equal("unknown", p.Summary.BottleneckKind);
            var f = Only(p, "signal.http-429");
            Assert.Equal(0.075m, Cited(f, "throttling.http_429_time_on_path.share_of_roots"));
        }
    
        [Fact]
        public void AStepAtItsAutoscalersMaximumSaysTheScalingLimitWasHit()
        {
            // The worker runs as StatefulSet "worker" (pod worker-0); its HPA sat at 5 of 5 replicas
            // all the while crunch held the critical path, which ran CPU-bound at 95% of its limit.
            var hpa = Otlp.Attrs("k8s.namespace.name", "core", "k8s.hpa.name", "worker", "k8s.hpa.uid", "4b1c-worker", "deployment.environment.name", "dev");
            var replicas = MetricJson.Line(
                hpa,
                MetricJson.Gauge("k8s.hpa.current_replicas", "{pod}", MetricJson.Scrapes().Select(t => new MPoint(t, Int: 5))),
                MetricJson.Gauge("k8s.hpa.max_replicas", "{pod}", MetricJson.Scrapes().Select(t => new MPoint(t, Int: 5))));
            var p = Profile(Traces(), CpuBoundStep().Append(replicas));

            Assert.Equal("cpu", p.Summary.BottleneckKind);
            Assert.NotNull(p.Scaling);
            Assert.Equal("at_max", p.Scaling!.Autoscaler);
            Assert.Equal("crunch", p.Scaling.Component);
            var f = Only(p, "scaling.at-max-replicas:crunch");
            Assert.Equal(5m, Cited(f, "scaling.hpa_current_replicas.max{component=\"crunch\"}"));
            Assert.Equal(5m, Cited(f, "scaling.hpa_max_replicas.max{component=\"crunch\"}"));
            Assert.Contains("\"autoscaler\": \"at_max\"", Chartly.Profiler.Output.ProfileDocument.Write(p, Chartly.Profiler.Output.DocumentFormat.Json));
        }

        [Fact]
        public void WithoutReplicaSeriesTheScalingSectionSaysNoData()
        {
            var p = Profile(Traces(), CpuBoundStep());
            Assert.Equal("no_data", p.Scaling!.Autoscaler);
            Assert.DoesNotContain(p.Findings, f => f.Id.StartsWith("scaling.", System.StringComparison.Ordinal));
        }
    }
}
