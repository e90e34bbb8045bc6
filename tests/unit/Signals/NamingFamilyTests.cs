using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.MetricRead;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>
    /// The same quantity under each emitter's name (OTel semantic conventions and collector receivers,
    /// cAdvisor, node_exporter, Docker stats) lands on the same canonical metric with the same value.
    /// </summary>
    public class NamingFamilyTests
    {
        private static readonly Dictionary<string, string> Pod = Scenario.Worker;

        /// <summary>A pod-level resource (no container), as kubeletstats reports k8s.pod.* metrics.</summary>
        private static readonly Dictionary<string, string> PodOnly = Otlp.Attrs("service.name", "worker", "k8s.namespace.name", "core", "k8s.pod.name", "worker-0", "deployment.environment.name", "dev");

        private static readonly Dictionary<string, string> Node = Otlp.Attrs("k8s.node.name", "node-1", "host.name", "node-1", "deployment.environment.name", "dev");

        private static readonly Dictionary<string, string> NodeExporter = Otlp.Attrs("service.name", "node-exporter", "service.instance.id", "10.0.0.5:9100");

        private static IEnumerable<long> Times => MetricJson.Scrapes(0, 60_000);

        private static IEnumerable<MPoint> Flat(double v, IReadOnlyDictionary<string, string>? attrs = null) => Times.Select(t => new MPoint(t, Double: v, Attrs: attrs));

        private static IEnumerable<MPoint> Rate(double perSecond, IReadOnlyDictionary<string, string>? attrs = null) => MetricJson.Counter(perSecond, perSecond, 0, 0, attrs).Take(5);

        private static string L(Dictionary<string, string> resource, params string[] metrics) => MetricJson.Line(resource, metrics);

        public static IEnumerable<object[]> Cases()
        {
            const double Cores = 0.5;
            var iowaitCpu0 = Otlp.Attrs("cpu", "0", "mode", "iowait", "node", "node-1");
            var iowaitCpu1 = Otlp.Attrs("cpu", "1", "mode", "iowait", "node", "node-1");
            var user = Otlp.Attrs("cpu", "0", "mode", "user", "node", "node-1");

            // Memory working set
            yield return Case("otel container.memory.working_set", CanonicalMetrics.MemoryWorkingSet, 1e9, L(Pod, MetricJson.Gauge("container.memory.working_set", "By", Times.Select(t => new MPoint(t, Int: 1_000_000_000)))));
            yield return Case("otel k8s.pod.memory.working_set", CanonicalMetrics.MemoryWorkingSet, 1e9, L(PodOnly, MetricJson.Gauge("k8s.pod.memory.working_set", "By", Flat(1e9))));
            yield return Case("cadvisor container_memory_working_set_bytes", CanonicalMetrics.MemoryWorkingSet, 1e9, L(Pod, MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, Flat(1e9))));

            // Memory as a share of the limit
            yield return Case("kubeletstats k8s.container.memory_limit_utilization", CanonicalMetrics.MemoryLimitUtilization, 0.75, L(Pod, MetricJson.Gauge("k8s.container.memory_limit_utilization", "1", Flat(0.75))));
            yield return Case("kubeletstats k8s.pod.memory_limit_utilization", CanonicalMetrics.MemoryLimitUtilization, 0.75, L(PodOnly, MetricJson.Gauge("k8s.pod.memory_limit_utilization", "1", Flat(0.75))));
            yield return Case("otel working set / k8s.container.memory_limit", CanonicalMetrics.MemoryLimitUtilization, 0.75, L(Pod, MetricJson.Gauge("container.memory.working_set", "By", Flat(0.75e9)), MetricJson.Gauge("k8s.container.memory_limit", "By", Flat(1e9))));
            yield return Case("cadvisor working set / spec limit", CanonicalMetrics.MemoryLimitUtilization, 0.75, L(Pod, MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, Flat(0.75e9)), MetricJson.Gauge("container_spec_memory_limit_bytes", string.Empty, Flat(1e9))));

            // CPU usage in cores
            yield return Case("otel container.cpu.usage", CanonicalMetrics.CpuUsage, Cores, L(Pod, MetricJson.Gauge("container.cpu.usage", "{cpu}", Flat(Cores))));
            yield return Case("otel k8s.pod.cpu.usage", CanonicalMetrics.CpuUsage, Cores, L(PodOnly, MetricJson.Gauge("k8s.pod.cpu.usage", "{cpu}", Flat(Cores))));
            yield return Case("otel container.cpu.time", CanonicalMetrics.CpuUsage, Cores, L(Pod, MetricJson.Sum("container.cpu.time", "s", 2, true, Rate(Cores))));
            yield return Case("otel k8s.pod.cpu.time", CanonicalMetrics.CpuUsage, Cores, L(PodOnly, MetricJson.Sum("k8s.pod.cpu.time", "s", 2, true, Rate(Cores))));
            yield return Case("otel process.cpu.time by mode", CanonicalMetrics.CpuUsage, Cores, L(Pod, MetricJson.Sum("process.cpu.time", "s", 2, true, Rate(0.4, Otlp.Attrs("cpu.mode", "user")).Concat(Rate(0.1, Otlp.Attrs("cpu.mode", "system"))))));
            yield return Case("cadvisor container_cpu_usage_seconds_total", CanonicalMetrics.CpuUsage, Cores, L(Pod, MetricJson.Sum("container_cpu_usage_seconds_total", "s", 2, true, Rate(Cores))));

            // CPU as a share of the limit
            yield return Case("kubeletstats k8s.container.cpu_limit_utilization", CanonicalMetrics.CpuLimitUtilization, 0.25, L(Pod, MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", Flat(0.25))));
            yield return Case("kubeletstats k8s.pod.cpu_limit_utilization", CanonicalMetrics.CpuLimitUtilization, 0.25, L(PodOnly, MetricJson.Gauge("k8s.pod.cpu_limit_utilization", "1", Flat(0.25))));
            yield return Case("otel usage / k8s.container.cpu_limit", CanonicalMetrics.CpuLimitUtilization, 0.25, L(Pod, MetricJson.Gauge("container.cpu.usage", "{cpu}", Flat(Cores)), MetricJson.Gauge("k8s.container.cpu_limit", "{cpu}", Flat(2))));
            yield return Case("cadvisor usage / quota over period", CanonicalMetrics.CpuLimitUtilization, 0.25, L(Pod, MetricJson.Sum("container_cpu_usage_seconds_total", "s", 2, true, Rate(Cores)), MetricJson.Gauge("container_spec_cpu_quota", string.Empty, Flat(200_000)), MetricJson.Gauge("container_spec_cpu_period", string.Empty, Flat(100_000))));
            yield return Case("otel process.cpu.utilization by mode", CanonicalMetrics.ProcessCpuUtilization, 0.25, L(Pod, MetricJson.Gauge("process.cpu.utilization", "1", Flat(0.2, Otlp.Attrs("cpu.mode", "user")).Concat(Flat(0.05, Otlp.Attrs("cpu.mode", "system"))))));

            // CFS throttling
            yield return Case("cadvisor cfs periods", CanonicalMetrics.CpuThrottleRatio, 0.4, L(Pod, MetricJson.Sum("container_cpu_cfs_periods_total", string.Empty, 2, true, Rate(10)), MetricJson.Sum("container_cpu_cfs_throttled_periods_total", string.Empty, 2, true, Rate(4))));
            yield return Case("docker stats throttling_data", CanonicalMetrics.CpuThrottleRatio, 0.4, L(Pod, MetricJson.Sum("container.cpu.throttling_data.periods", "{periods}", 2, true, Rate(10)), MetricJson.Sum("container.cpu.throttling_data.throttled_periods", "{periods}", 2, true, Rate(4))));
            yield return Case("cadvisor cfs periods as gauges (counter by name)", CanonicalMetrics.CpuThrottleRatio, 0.4, L(Pod, MetricJson.Gauge("container_cpu_cfs_periods_total", string.Empty, Rate(10)), MetricJson.Gauge("container_cpu_cfs_throttled_periods_total", string.Empty, Rate(4))));

            // I/O wait of the node
            yield return Case("hostmetrics system.cpu.utilization cpu.mode=iowait", CanonicalMetrics.IoWait, 0.2, L(Node, MetricJson.Gauge("system.cpu.utilization", "1", Flat(0.1, Otlp.Attrs("cpu", "cpu0", "cpu.mode", "iowait")).Concat(Flat(0.3, Otlp.Attrs("cpu", "cpu1", "cpu.mode", "iowait"))).Concat(Flat(0.6, Otlp.Attrs("cpu", "cpu0", "cpu.mode", "user"))))));
            yield return Case("hostmetrics (old) system.cpu.utilization state=wait", CanonicalMetrics.IoWait, 0.2, L(Node, MetricJson.Gauge("system.cpu.utilization", "1", Flat(0.2, Otlp.Attrs("state", "wait")).Concat(Flat(0.7, Otlp.Attrs("state", "idle"))))));
            yield return Case("hostmetrics system.cpu.time cpu.mode=iowait", CanonicalMetrics.IoWait, 0.2, L(Node, MetricJson.Sum("system.cpu.time", "s", 2, true, Rate(0.2, Otlp.Attrs("cpu", "cpu0", "cpu.mode", "iowait")).Concat(Rate(0.5, Otlp.Attrs("cpu", "cpu0", "cpu.mode", "user"))))));
            yield return Case("node_exporter node_cpu_seconds_total mode=iowait", CanonicalMetrics.IoWait, 0.2, L(NodeExporter, MetricJson.Sum("node_cpu_seconds_total", "s", 2, true, Rate(0.1, iowaitCpu0).Concat(Rate(0.3, iowaitCpu1)).Concat(Rate(0.9, user)))));

            // Pressure stall information
            yield return Case("node_exporter node_pressure_cpu_waiting", CanonicalMetrics.PressureCpuSome, 0.3, L(NodeExporter, MetricJson.Sum("node_pressure_cpu_waiting_seconds_total", "s", 2, true, Rate(0.3, Otlp.Attrs("node", "node-1")))));
            yield return Case("node_exporter node_pressure_memory_waiting", CanonicalMetrics.PressureMemorySome, 0.3, L(NodeExporter, MetricJson.Sum("node_pressure_memory_waiting_seconds_total", "s", 2, true, Rate(0.3, Otlp.Attrs("node", "node-1")))));
            yield return Case("node_exporter node_pressure_memory_stalled", CanonicalMetrics.PressureMemoryFull, 0.3, L(NodeExporter, MetricJson.Sum("node_pressure_memory_stalled_seconds_total", "s", 2, true, Rate(0.3, Otlp.Attrs("node", "node-1")))));
            yield return Case("node_exporter node_pressure_io_waiting", CanonicalMetrics.PressureIoSome, 0.3, L(NodeExporter, MetricJson.Sum("node_pressure_io_waiting_seconds_total", "s", 2, true, Rate(0.3, Otlp.Attrs("node", "node-1")))));
            yield return Case("node_exporter node_pressure_io_stalled", CanonicalMetrics.PressureIoFull, 0.3, L(NodeExporter, MetricJson.Sum("node_pressure_io_stalled_seconds_total", "s", 2, true, Rate(0.3, Otlp.Attrs("node", "node-1")))));
            yield return Case("cadvisor container_pressure_cpu_waiting", CanonicalMetrics.PressureCpuSome, 0.3, L(Pod, MetricJson.Sum("container_pressure_cpu_waiting_seconds_total", "s", 2, true, Rate(0.3))));
            yield return Case("cadvisor container_pressure_memory_waiting", CanonicalMetrics.PressureMemorySome, 0.3, L(Pod, MetricJson.Sum("container_pressure_memory_waiting_seconds_total", "s", 2, true, Rate(0.3))));
            yield return Case("cadvisor container_pressure_memory_stalled", CanonicalMetrics.PressureMemoryFull, 0.3, L(Pod, MetricJson.Sum("container_pressure_memory_stalled_seconds_total", "s", 2, true, Rate(0.3))));
            yield return Case("cadvisor container_pressure_io_waiting", CanonicalMetrics.PressureIoSome, 0.3, L(Pod, MetricJson.Sum("container_pressure_io_waiting_seconds_total", "s", 2, true, Rate(0.3))));
            yield return Case("cadvisor container_pressure_io_stalled", CanonicalMetrics.PressureIoFull, 0.3, L(Pod, MetricJson.Sum("container_pressure_io_stalled_seconds_total", "s", 2, true, Rate(0.3))));

            // Connection-pool wait: semconv in seconds, the older name in milliseconds
            var seconds = Times.Select((t, i) => new MPoint(t, StartMs: -60_000, Count: 10L * (i + 1), Sum: 0.25 * (i + 1)));
            var millis = Times.Select((t, i) => new MPoint(t, StartMs: -60_000, Count: 10L * (i + 1), Sum: 250.0 * (i + 1)));
            yield return Case("otel db.client.connection.wait_time (s)", CanonicalMetrics.DbPoolWaitTime, 25.0, L(Pod, MetricJson.Histogram("db.client.connection.wait_time", "s", 2, seconds)));
            yield return Case("otel db.client.connections.wait_time (ms)", CanonicalMetrics.DbPoolWaitTime, 25.0, L(Pod, MetricJson.Histogram("db.client.connections.wait_time", "ms", 2, millis)));

            // Scaling: autoscalers and deployments name the workload (worker-0 is the statefulset worker's pod 0)
            var hpa = Otlp.Attrs("k8s.namespace.name", "core", "k8s.hpa.name", "worker", "k8s.hpa.uid", "4b1c", "deployment.environment.name", "dev");
            var deployment = Otlp.Attrs("k8s.namespace.name", "core", "k8s.deployment.name", "worker", "k8s.deployment.uid", "9e0a", "deployment.environment.name", "dev");
            var ksmHpa = Otlp.Attrs("namespace", "core", "horizontalpodautoscaler", "worker");
            var ksmDeployment = Otlp.Attrs("namespace", "core", "deployment", "worker");
            var ksmContainer = Otlp.Attrs("namespace", "core", "pod", "worker-0", "container", "worker", "uid", "77f0");
            yield return Case("otel (k8s_cluster) k8s.hpa.current_replicas", CanonicalMetrics.HpaCurrentReplicas, 4, L(hpa, MetricJson.Gauge("k8s.hpa.current_replicas", "{pod}", Ints(4))));
            yield return Case("otel (k8s_cluster) k8s.hpa.max_replicas", CanonicalMetrics.HpaMaxReplicas, 6, L(hpa, MetricJson.Gauge("k8s.hpa.max_replicas", "{pod}", Ints(6))));
            yield return Case("kube-state-metrics current replicas", CanonicalMetrics.HpaCurrentReplicas, 4, L(KubeStateMetrics, MetricJson.Gauge("kube_horizontalpodautoscaler_status_current_replicas", string.Empty, Flat(4, ksmHpa))));
            yield return Case("kube-state-metrics max replicas", CanonicalMetrics.HpaMaxReplicas, 6, L(KubeStateMetrics, MetricJson.Gauge("kube_horizontalpodautoscaler_spec_max_replicas", string.Empty, Flat(6, ksmHpa))));
            yield return Case("otel (k8s_cluster) k8s.deployment.desired", CanonicalMetrics.DeploymentDesired, 3, L(deployment, MetricJson.Gauge("k8s.deployment.desired", "{pod}", Ints(3))));
            yield return Case("otel (k8s_cluster) k8s.deployment.available", CanonicalMetrics.DeploymentAvailable, 2, L(deployment, MetricJson.Gauge("k8s.deployment.available", "{pod}", Ints(2))));
            yield return Case("kube-state-metrics deployment spec replicas", CanonicalMetrics.DeploymentDesired, 3, L(KubeStateMetrics, MetricJson.Gauge("kube_deployment_spec_replicas", string.Empty, Flat(3, ksmDeployment))));
            yield return Case("kube-state-metrics deployment available", CanonicalMetrics.DeploymentAvailable, 2, L(KubeStateMetrics, MetricJson.Gauge("kube_deployment_status_replicas_available", string.Empty, Flat(2, ksmDeployment))));

            // Restarts: the receiver's gauge and kube-state-metrics' counter, both counted as a rate
            var restartCount = Times.Select((t, i) => new MPoint(t, Int: 3L * i));
            yield return Case("otel (k8s_cluster) k8s.container.restarts", CanonicalMetrics.ContainerRestarts, 0.2, L(Pod, MetricJson.Gauge("k8s.container.restarts", "{restart}", restartCount)));
            yield return Case("kube-state-metrics restarts", CanonicalMetrics.ContainerRestarts, 0.2, L(KubeStateMetrics, MetricJson.Sum("kube_pod_container_status_restarts_total", string.Empty, 2, true, Rate(0.2, ksmContainer))));

            // OOM kills: kube-state-metrics' reason gauge, the receiver's optional resource attribute
            var oomPod = new Dictionary<string, string>(Pod) { ["k8s.container.status.last_terminated_reason"] = "OOMKilled" };
            var reasons = Times.SelectMany(t => new[] { new MPoint(t, Double: 1, Attrs: new Dictionary<string, string>(ksmContainer) { ["reason"] = "OOMKilled" }), new MPoint(t, Double: 0, Attrs: new Dictionary<string, string>(ksmContainer) { ["reason"] = "Error" }) });
            yield return Case("kube-state-metrics last terminated reason OOMKilled", CanonicalMetrics.ContainerOomKilled, 1, L(KubeStateMetrics, MetricJson.Gauge("kube_pod_container_status_last_terminated_reason", string.Empty, reasons)));
            yield return Case("otel (k8s_cluster) k8s.container.status.last_terminated_reason", CanonicalMetrics.ContainerOomKilled, 1, L(oomPod, MetricJson.Gauge("k8s.container.restarts", "{restart}", restartCount)));
        }

        /// <summary>kube-state-metrics scraped by the collector's prometheus receiver: the resource is the scrape target.</summary>
        private static readonly Dictionary<string, string> KubeStateMetrics = Otlp.Attrs("service.name", "kube-state-metrics", "service.instance.id", "10.0.0.9:8080");

        /// <summary>The k8s_cluster receiver writes whole numbers as asInt.</summary>
        private static IEnumerable<MPoint> Ints(long v) => Times.Select(t => new MPoint(t, Int: v));

        private static object[] Case(string family, string canonical, double expected, string line) => new object[] { family, canonical, expected, line };

        [Theory]
        [MemberData(nameof(Cases))]
        public void EachFamilysNameLandsOnTheCanonicalMetric(string family, string canonical, double expected, string line)
        {
            var (samples, stats, quality) = Read(line, Query());
            Assert.Equal(0, quality.MalformedRecords);
            Assert.Equal(0, stats.PointsInvalid);
            var of = Of(samples, canonical);
            Assert.True(of.Count >= 3, family + ": " + of.Count + " samples");
            Assert.All(of, s => Assert.True(Math.Abs(s.Value - expected) < 1e-9, $"{family}: {s.Value} at {s.TimeUnixNano}"));
        }

        [Fact]
        public void EveryAliasOfTheTableIsExercised()
        {
            var covered = Cases().Select(c => (string)c[3]).ToList();
            var missing = MetricAliases.All.Where(a => !covered.Any(line => line.Contains("\"name\":\"" + a.Source + "\"", StringComparison.Ordinal))).Select(a => a.Source);
            Assert.Empty(missing);
        }
    }
}
