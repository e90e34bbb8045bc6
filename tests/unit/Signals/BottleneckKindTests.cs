using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.Scenario;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>One hand-built run per bottleneck kind: the taxonomy must name it, and the finding must cite the deciding metric.</summary>
    public class BottleneckKindTests
    {
        private static Dictionary<string, string?> Worker(params (string Name, string? Json)[] metrics) =>
            metrics.ToDictionary(m => m.Name, m => m.Json);

        private static Finding Bottleneck(Profile p) => p.Findings.Single(f => f.Id.StartsWith("bottleneck.", System.StringComparison.Ordinal));

        private static MetricCitation Cited(Finding f, string metric) => f.Metrics.Single(m => m.Metric == metric);

        [Fact]
        public void CpuBoundStepIsCpu()
        {
            var metrics = PodMetrics(Worker(("k8s.container.cpu_limit_utilization", MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", MetricJson.Stepped(0.2, 0.95, StepStart, StepEnd)))));
            var p = Profile(Traces(), metrics);

            Assert.Equal("crunch", p.Summary.Bottleneck);
            Assert.Equal("cpu", p.Summary.BottleneckKind);
            var cpu = Component(Measure(p, "cpu_utilization", "limit_utilization"), "crunch");
            Assert.Equal(0.950m, cpu.Avg);
            Assert.Equal(3, cpu.Samples);
            var f = Bottleneck(p);
            Assert.Equal("bottleneck.cpu", f.Id);
            Assert.Equal(0.950m, Cited(f, "cpu_utilization.limit_utilization.avg{component=\"crunch\"}").Value);
            Assert.Contains("95.0% of its CPU limit", f.Text);

            // The engine's pod stayed quiet: the whole-target average mixes both pods, the max is the worker's.
            var whole = Signal(p, "cpu_utilization");
            Assert.Equal("ok", whole.Status);
            Assert.Equal(0.950m, whole.Max);
            Assert.True(whole.Avg < 0.950m);
        }

        [Fact]
        public void MemoryPressuredStepIsMemoryFromPrometheusNames()
        {
            const long GiB = 1L << 30;
            var ws = MetricJson.Scrapes().Select(t => new MPoint(t, Double: t > StepStart && t - 15_000 < StepEnd ? 0.95 * GiB : 0.40 * GiB));
            var metrics = PodMetrics(Worker(
                ("k8s.container.memory_limit_utilization", null),
                ("container_memory_working_set_bytes", MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, ws)),
                ("container_spec_memory_limit_bytes", MetricJson.Gauge("container_spec_memory_limit_bytes", string.Empty, new[] { new MPoint(0, Double: GiB) }))));
            var p = Profile(Traces(), metrics);

            Assert.Equal("memory", p.Summary.BottleneckKind);
            var mem = Measure(p, "memory_utilization", "limit_utilization");
            Assert.Equal(0.950m, Component(mem, "crunch").Max);
            Assert.Contains("container_memory_working_set_bytes", mem.Metrics);
            Assert.Contains("container_spec_memory_limit_bytes", mem.Metrics);
            Assert.Equal(0.950m, Cited(Bottleneck(p), "memory_utilization.limit_utilization.max{component=\"crunch\"}").Value);
        }

        [Fact]
        public void IoBoundStepIsIoFromNodeExporter()
        {
            var points = new List<MPoint>();
            foreach (var cpu in new[] { "0", "1" })
            {
                points.AddRange(MetricJson.Counter(0.02, 0.40, StepStart, StepEnd, Otlp.Attrs("cpu", cpu, "mode", "iowait", "node", "node-1")));
                points.AddRange(MetricJson.Counter(0.50, 0.50, StepStart, StepEnd, Otlp.Attrs("cpu", cpu, "mode", "user", "node", "node-1")));
            }

            // node_exporter through the collector's prometheus receiver: the resource is the scrape job.
            var exporter = Otlp.Attrs("service.name", "node-exporter", "service.instance.id", "10.0.0.5:9100");
            var metrics = PodMetrics().Append(MetricJson.Line(exporter, MetricJson.Sum("node_cpu_seconds_total", "s", 2, true, points))).ToArray();
            var p = Profile(Traces(), metrics);

            Assert.Equal("io", p.Summary.BottleneckKind);
            var io = Measure(p, "io_wait", "node_iowait");
            Assert.Equal(0.400m, Component(io, "crunch").Avg);
            Assert.Equal(new[] { "node_cpu_seconds_total" }, io.Metrics);
            Assert.Equal(0.400m, Cited(Bottleneck(p), "io_wait.node_iowait.avg{component=\"crunch\"}").Value);
        }

        [Fact]
        public void StepWaitingOnASlowDependencyIsDependency()
        {
            var p = Profile(Traces(stepKind: 3, stepName: "GET /inventory/42", stepComponent: null), PodMetrics());

            Assert.Equal("GET /inventory/{id}", p.Summary.Bottleneck);
            Assert.Equal("dependency", p.Summary.BottleneckKind);
            var f = Bottleneck(p);
            Assert.Equal(1.000m, Cited(f, "critical_path.client_share{component=\"GET /inventory/{id}\"}").Value);
            Assert.Contains("CLIENT calls waiting on another service", f.Text);
        }

        [Fact]
        public void InternalStepWithSmallClientCallsIsNotDependency()
        {
            var calls = new[] { Child(4, 3, "GET /a", 3, 70_000, 71_000), Child(5, 3, "GET /b", 3, 80_000, 81_000) };
            var p = Profile(Traces(moreWorker: calls), PodMetrics());

            Assert.Equal("crunch", p.Summary.Bottleneck);
            Assert.Equal("unknown", p.Summary.BottleneckKind);
        }

        [Fact]
        public void ThrottledStepWith429sIsThrottling()
        {
            static Dictionary<string, long> Http(long status, long resend = 0) =>
                resend == 0 ? new() { ["http.response.status_code"] = status } : new() { ["http.response.status_code"] = status, ["http.request.resend_count"] = resend };

            var pages = new[]
            {
                Child(4, 3, "GET /pages/1", 3, 61_000, 62_000, "fetch_page", ints: Http(200)),
                Child(5, 3, "GET /pages/2", 3, 62_000, 62_500, "fetch_page", ints: Http(429)),
                Child(6, 3, "GET /pages/2", 3, 65_000, 66_000, "fetch_page", ints: Http(200, 1)),
                Child(7, 3, "GET /pages/3", 3, 66_000, 66_500, "fetch_page", ints: Http(429)),
                Child(8, 3, "GET /pages/3", 3, 69_000, 70_000, "fetch_page", ints: Http(200, 1)),
                Child(9, 3, "GET /pages/4", 3, 70_000, 70_500, "fetch_page", ints: Http(429)),
                Child(10, 3, "GET /pages/4", 3, 73_000, 74_000, "fetch_page", ints: Http(200, 1)),
            };
            var p = Profile(Traces(stepName: "sync pages", stepComponent: "sync", moreWorker: pages), PodMetrics());

            Assert.Equal("throttling", p.Summary.BottleneckKind);
            var responses = Measure(p, "throttling", "http_429_responses");
            Assert.Equal(3m, responses.Total);
            Assert.Equal(7, responses.Samples);
            Assert.Equal(3m, Measure(p, "throttling", "http_resends").Total);

            // Each 429 cost its own 500 ms and the 2,500 ms back-off before its resend: 9 s of the 40 s run.
            var time = Measure(p, "throttling", "http_429_time");
            Assert.Equal(9000m, time.Total);
            var f = Bottleneck(p);
            Assert.Equal("bottleneck.throttling", f.Id);
            Assert.Contains("rule http-429", f.Text);
            Assert.Equal(0.225m, Cited(f, "throttling.http_429_time_on_path.share_of_roots").Value);
            Assert.Equal(9000m, Cited(f, "throttling.http_429_time_on_path.total").Value);
            Assert.Equal(3m, Cited(f, "throttling.http_429_time_on_path.samples").Value);

            // The CFS ratio stays the headline of the signal: the run's containers were not throttled.
            Assert.Equal("cfs_throttle_ratio", Signal(p, "throttling").Measure);
        }

        [Fact]
        public void A429ThatCostLittleIsAFindingNotTheBottleneck()
        {
            var pages = new[]
            {
                Child(4, 3, "GET /pages/1", 3, 61_000, 61_100, "fetch_page", ints: new Dictionary<string, long> { ["http.response.status_code"] = 429 }),
                Child(5, 3, "GET /pages/1", 3, 61_200, 61_300, "fetch_page", ints: new Dictionary<string, long> { ["http.response.status_code"] = 200, ["http.request.resend_count"] = 1 }),
            };
            var p = Profile(Traces(moreWorker: pages), PodMetrics());

            Assert.Equal("unknown", p.Summary.BottleneckKind);
            var f = p.Findings.Single(x => x.Id == "signal.http-429");
            Assert.Equal(0.005m, f.Metrics.Single(m => m.Metric == "throttling.http_429_time_on_path.share_of_roots").Value);
        }

        [Fact]
        public void QueueBacklogIsQueueing()
        {
            var messaging = new[]
            {
                Child(4, 3, "publish export", 4, 61_000, 61_100),
                Child(5, 4, "process export", 5, 91_000, 98_000),
            };
            var p = Profile(Traces(stepName: "await export", stepComponent: "await_export", moreWorker: messaging), PodMetrics());

            // The step stayed open until the message was processed: the wait and the processing are
            // on the critical path, held by the consumer's component.
            Assert.Equal("process export", p.Summary.Bottleneck);
            Assert.Equal("queueing", p.Summary.BottleneckKind);
            var wait = Measure(p, "backpressure", "queue_wait");
            Assert.Equal(29_900.0m, wait.Avg);
            Assert.Equal(1, wait.Samples);
            Assert.Equal(new[] { "span:producer_to_consumer" }, wait.Metrics);
            var f = Bottleneck(p);
            Assert.Contains("rule queue-wait", f.Text);
            Assert.Equal(0.748m, Cited(f, "backpressure.queue_wait_on_path.share_of_roots").Value);
            Assert.Equal(29_900m, Cited(f, "backpressure.queue_wait_on_path.total").Value);
        }

        [Fact]
        public void ConnectionPoolWaitIsQueueing()
        {
            // 100 acquisitions per scrape; while the step ran each waited 200 ms, else 1 ms (seconds, as semconv says).
            var points = new List<MPoint>();
            long count = 0;
            double sum = 0;
            foreach (var t in MetricJson.Scrapes())
            {
                if (t > 0)
                {
                    count += 100;
                    sum += t > StepStart && t - 15_000 < StepEnd ? 20.0 : 0.1;
                }

                points.Add(new MPoint(t, StartMs: -60_000, Count: count, Sum: sum, Attrs: Otlp.Attrs("db.client.connection.pool.name", "main")));
            }

            var metrics = PodMetrics(Worker(("db.client.connection.wait_time", MetricJson.Histogram("db.client.connection.wait_time", "s", 2, points))));
            var p = Profile(Traces(), metrics);

            Assert.Equal("queueing", p.Summary.BottleneckKind);
            Assert.Equal(200.0m, Component(Measure(p, "backpressure", "pool_wait"), "crunch").Avg);
            Assert.Contains("rule pool-wait", Bottleneck(p).Text);
        }

        [Fact]
        public void MemoryStallFromPsiIsMemory()
        {
            var psi = MetricJson.Sum("container_pressure_memory_waiting_seconds_total", "s", 2, true, MetricJson.Counter(0.01, 0.30, StepStart, StepEnd));
            var p = Profile(Traces(), PodMetrics(Worker(("container_pressure_memory_waiting_seconds_total", psi))));

            Assert.Equal("memory", p.Summary.BottleneckKind);
            Assert.Equal(0.300m, Component(Measure(p, "backpressure", "psi_memory"), "crunch").Avg);
            Assert.Contains("rule psi-memory", Bottleneck(p).Text);
        }

        [Fact]
        public void CfsThrottledStepIsThrottlingFromDockerStatsNames()
        {
            var metrics = PodMetrics(Worker(
                ("container_cpu_cfs_periods_total", null),
                ("container_cpu_cfs_throttled_periods_total", null),
                ("container.cpu.throttling_data.periods", MetricJson.Sum("container.cpu.throttling_data.periods", "{periods}", 2, true, MetricJson.Counter(10, 10, 0, 0))),
                ("container.cpu.throttling_data.throttled_periods", MetricJson.Sum("container.cpu.throttling_data.throttled_periods", "{periods}", 2, true, MetricJson.Counter(0.1, 4, StepStart, StepEnd)))));
            var p = Profile(Traces(), metrics);

            Assert.Equal("throttling", p.Summary.BottleneckKind);
            var f = Bottleneck(p);
            Assert.Contains("CFS-throttled in 40.0% of periods", f.Text);
            Assert.Equal(0.400m, Cited(f, "throttling.cfs_throttle_ratio.avg{component=\"crunch\"}").Value);
        }

        [Fact]
        public void QuietMetricsGiveUnknownWithTheValuesThatWereBelowThresholds()
        {
            var p = Profile(Traces(), PodMetrics());

            Assert.Equal("unknown", p.Summary.BottleneckKind);
            var f = Bottleneck(p);
            Assert.Equal("bottleneck.unknown", f.Id);
            Assert.Equal(0.200m, Cited(f, "cpu_utilization.limit_utilization.avg{component=\"crunch\"}").Value);
            Assert.Equal(0.010m, Cited(f, "throttling.cfs_throttle_ratio.avg{component=\"crunch\"}").Value);
        }
    }
}
