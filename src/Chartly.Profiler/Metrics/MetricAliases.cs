using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Metrics
{
    /// <summary>How series of one alias that land on the same resource and time become one value.</summary>
    public enum SeriesCombine
    {
        /// <summary>Added up (CPU seconds split by mode are one usage).</summary>
        Sum,
        /// <summary>Averaged (per-CPU iowait shares are one node share).</summary>
        Mean,
        /// <summary>Histogram sums over histogram counts (a mean wait per acquisition over all pools).</summary>
        WeightedMean,
    }

    /// <summary>
    /// One emitter's name for a canonical metric. <see cref="FilterKeys"/>/<see cref="FilterValues"/>
    /// keep only the points whose attribute (the first of the keys present) has one of the values;
    /// <see cref="Counter"/> treats a point that arrives as a gauge as a cumulative counter
    /// (Prometheus <c>_total</c> names); <see cref="Scale"/> converts the source unit to the
    /// canonical one and is replaced by the unit the metric declares where that is a known time unit.
    /// <see cref="NodeScope"/> marks a machine-wide metric: it is attributed to its node alone
    /// (node_exporter's resource is its scrape job, whose service name says nothing about workloads).
    /// <see cref="WorkloadKeys"/> marks a metric of a workload (an autoscaler, a deployment): the
    /// first of these attributes present (on the point, else on the resource) names it, and the
    /// sample describes that workload in its namespace, not a pod (<see cref="MetricResource.Workload"/>).
    /// <see cref="Events"/> marks a counter of discrete events (restarts): a remote source must
    /// give the exact increase per step, never an extrapolated or instantaneous rate.
    /// <see cref="ResourceFlagKey"/> makes the value a flag read from a resource attribute: 1 when
    /// it equals <see cref="ResourceFlagValue"/>, 0 when it has another value, no point when absent.
    /// </summary>
    public sealed record MetricAlias(
        string Source,
        string Canonical,
        string Family,
        SeriesCombine Combine,
        double Scale = 1.0,
        bool Counter = false,
        IReadOnlyList<string>? FilterKeys = null,
        IReadOnlyList<string>? FilterValues = null,
        string? TimeUnit = null,
        bool NodeScope = false,
        IReadOnlyList<string>? WorkloadKeys = null,
        bool Events = false,
        string? ResourceFlagKey = null,
        string? ResourceFlagValue = null);

    /// <summary>
    /// The alias table (docs/signals.md has it as a table): OpenTelemetry semantic conventions and
    /// the collector's receivers, Prometheus cAdvisor and node_exporter names. Order is priority:
    /// when two aliases of one canonical metric both have samples for a resource, the earlier wins,
    /// so the same quantity is never counted twice.
    /// </summary>
    public static class MetricAliases
    {
        private static readonly string[] ModeKeys = { "cpu.mode", "state", "mode" };
        private static readonly string[] IoWaitModes = { "iowait", "wait" };

        // The scale target names the workload when the receiver is configured to emit it; else the HPA's own name.
        private static readonly string[] HpaKeys = { "k8s.hpa.scaletargetref.name", "k8s.hpa.name", "horizontalpodautoscaler" };
        private static readonly string[] DeploymentKeys = { "k8s.deployment.name", "deployment" };
        private static readonly string[] ReasonKey = { "reason" };
        private static readonly string[] OomKilled = { "OOMKilled" };

        public static IReadOnlyList<MetricAlias> All { get; } = new[]
        {
            // CPU, relative to the limit
            new MetricAlias("k8s.container.cpu_limit_utilization", CanonicalMetrics.CpuLimitUtilization, "otel", SeriesCombine.Mean),
            new MetricAlias("k8s.pod.cpu_limit_utilization", CanonicalMetrics.CpuLimitUtilization, "otel", SeriesCombine.Mean),

            // CPU usage in cores, and the limit it is divided by
            new MetricAlias("container.cpu.usage", CanonicalMetrics.CpuUsage, "otel", SeriesCombine.Sum),
            new MetricAlias("k8s.pod.cpu.usage", CanonicalMetrics.CpuUsage, "otel", SeriesCombine.Sum),
            new MetricAlias("container.cpu.time", CanonicalMetrics.CpuUsage, "otel", SeriesCombine.Sum, Counter: true),
            new MetricAlias("k8s.pod.cpu.time", CanonicalMetrics.CpuUsage, "otel", SeriesCombine.Sum, Counter: true),
            new MetricAlias("container_cpu_usage_seconds_total", CanonicalMetrics.CpuUsage, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("process.cpu.time", CanonicalMetrics.CpuUsage, "otel", SeriesCombine.Sum, Counter: true),
            new MetricAlias("k8s.container.cpu_limit", CanonicalMetrics.CpuLimit, "otel", SeriesCombine.Sum),
            new MetricAlias("container_spec_cpu_quota", CanonicalMetrics.CpuCfsQuota, "prometheus", SeriesCombine.Sum),
            new MetricAlias("container_spec_cpu_period", CanonicalMetrics.CpuCfsPeriod, "prometheus", SeriesCombine.Sum),
            new MetricAlias("process.cpu.utilization", CanonicalMetrics.ProcessCpuUtilization, "otel", SeriesCombine.Sum),

            // CFS throttling
            new MetricAlias("container_cpu_cfs_periods_total", CanonicalMetrics.CpuCfsPeriods, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("container_cpu_cfs_throttled_periods_total", CanonicalMetrics.CpuCfsThrottledPeriods, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("container.cpu.throttling_data.periods", CanonicalMetrics.CpuCfsPeriods, "otel", SeriesCombine.Sum, Counter: true),
            new MetricAlias("container.cpu.throttling_data.throttled_periods", CanonicalMetrics.CpuCfsThrottledPeriods, "otel", SeriesCombine.Sum, Counter: true),

            // Memory
            new MetricAlias("k8s.container.memory_limit_utilization", CanonicalMetrics.MemoryLimitUtilization, "otel", SeriesCombine.Mean),
            new MetricAlias("k8s.pod.memory_limit_utilization", CanonicalMetrics.MemoryLimitUtilization, "otel", SeriesCombine.Mean),
            new MetricAlias("container.memory.working_set", CanonicalMetrics.MemoryWorkingSet, "otel", SeriesCombine.Sum),
            new MetricAlias("k8s.pod.memory.working_set", CanonicalMetrics.MemoryWorkingSet, "otel", SeriesCombine.Sum),
            new MetricAlias("container_memory_working_set_bytes", CanonicalMetrics.MemoryWorkingSet, "prometheus", SeriesCombine.Sum),
            new MetricAlias("k8s.container.memory_limit", CanonicalMetrics.MemoryLimit, "otel", SeriesCombine.Sum),
            new MetricAlias("container_spec_memory_limit_bytes", CanonicalMetrics.MemoryLimit, "prometheus", SeriesCombine.Sum),

            // I/O wait of the node
            new MetricAlias("system.cpu.utilization", CanonicalMetrics.IoWait, "otel", SeriesCombine.Mean, FilterKeys: ModeKeys, FilterValues: IoWaitModes, NodeScope: true),
            new MetricAlias("system.cpu.time", CanonicalMetrics.IoWait, "otel", SeriesCombine.Mean, Counter: true, FilterKeys: ModeKeys, FilterValues: IoWaitModes, NodeScope: true),
            new MetricAlias("node_cpu_seconds_total", CanonicalMetrics.IoWait, "prometheus", SeriesCombine.Mean, Counter: true, FilterKeys: ModeKeys, FilterValues: IoWaitModes, NodeScope: true),

            // Pressure stall information (seconds stalled per second)
            new MetricAlias("container_pressure_cpu_waiting_seconds_total", CanonicalMetrics.PressureCpuSome, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("node_pressure_cpu_waiting_seconds_total", CanonicalMetrics.PressureCpuSome, "prometheus", SeriesCombine.Sum, Counter: true, NodeScope: true),
            new MetricAlias("container_pressure_memory_waiting_seconds_total", CanonicalMetrics.PressureMemorySome, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("node_pressure_memory_waiting_seconds_total", CanonicalMetrics.PressureMemorySome, "prometheus", SeriesCombine.Sum, Counter: true, NodeScope: true),
            new MetricAlias("container_pressure_memory_stalled_seconds_total", CanonicalMetrics.PressureMemoryFull, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("node_pressure_memory_stalled_seconds_total", CanonicalMetrics.PressureMemoryFull, "prometheus", SeriesCombine.Sum, Counter: true, NodeScope: true),
            new MetricAlias("container_pressure_io_waiting_seconds_total", CanonicalMetrics.PressureIoSome, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("node_pressure_io_waiting_seconds_total", CanonicalMetrics.PressureIoSome, "prometheus", SeriesCombine.Sum, Counter: true, NodeScope: true),
            new MetricAlias("container_pressure_io_stalled_seconds_total", CanonicalMetrics.PressureIoFull, "prometheus", SeriesCombine.Sum, Counter: true),
            new MetricAlias("node_pressure_io_stalled_seconds_total", CanonicalMetrics.PressureIoFull, "prometheus", SeriesCombine.Sum, Counter: true, NodeScope: true),

            // Connection-pool wait: semconv 1.26+ in seconds, the older experimental name in milliseconds
            new MetricAlias("db.client.connection.wait_time", CanonicalMetrics.DbPoolWaitTime, "otel", SeriesCombine.WeightedMean, Scale: 1000.0, TimeUnit: "ms"),
            new MetricAlias("db.client.connections.wait_time", CanonicalMetrics.DbPoolWaitTime, "otel", SeriesCombine.WeightedMean, Scale: 1.0, TimeUnit: "ms"),

            // Scaling limits (docs/signals.md, "Scaling limits"): autoscalers and deployments are workloads, not pods
            new MetricAlias("k8s.hpa.current_replicas", CanonicalMetrics.HpaCurrentReplicas, "otel", SeriesCombine.Mean, WorkloadKeys: HpaKeys),
            new MetricAlias("kube_horizontalpodautoscaler_status_current_replicas", CanonicalMetrics.HpaCurrentReplicas, "prometheus", SeriesCombine.Mean, WorkloadKeys: HpaKeys),
            new MetricAlias("k8s.hpa.max_replicas", CanonicalMetrics.HpaMaxReplicas, "otel", SeriesCombine.Mean, WorkloadKeys: HpaKeys),
            new MetricAlias("kube_horizontalpodautoscaler_spec_max_replicas", CanonicalMetrics.HpaMaxReplicas, "prometheus", SeriesCombine.Mean, WorkloadKeys: HpaKeys),
            new MetricAlias("k8s.deployment.desired", CanonicalMetrics.DeploymentDesired, "otel", SeriesCombine.Mean, WorkloadKeys: DeploymentKeys),
            new MetricAlias("kube_deployment_spec_replicas", CanonicalMetrics.DeploymentDesired, "prometheus", SeriesCombine.Mean, WorkloadKeys: DeploymentKeys),
            new MetricAlias("k8s.deployment.available", CanonicalMetrics.DeploymentAvailable, "otel", SeriesCombine.Mean, WorkloadKeys: DeploymentKeys),
            new MetricAlias("kube_deployment_status_replicas_available", CanonicalMetrics.DeploymentAvailable, "prometheus", SeriesCombine.Mean, WorkloadKeys: DeploymentKeys),

            // Restarts and OOM kills, per container like cAdvisor's metrics
            new MetricAlias("k8s.container.restarts", CanonicalMetrics.ContainerRestarts, "otel", SeriesCombine.Sum, Counter: true, Events: true),
            new MetricAlias("kube_pod_container_status_restarts_total", CanonicalMetrics.ContainerRestarts, "prometheus", SeriesCombine.Sum, Counter: true, Events: true),
            new MetricAlias("kube_pod_container_status_last_terminated_reason", CanonicalMetrics.ContainerOomKilled, "prometheus", SeriesCombine.Sum, FilterKeys: ReasonKey, FilterValues: OomKilled),
            new MetricAlias("k8s.container.restarts", CanonicalMetrics.ContainerOomKilled, "otel", SeriesCombine.Sum, ResourceFlagKey: "k8s.container.status.last_terminated_reason", ResourceFlagValue: "OOMKilled"),
        };

        private static readonly Dictionary<string, MetricAlias[]> BySource = All
            .GroupBy(a => a.Source, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

        private static readonly Dictionary<MetricAlias, int> Priority = All.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i);

        /// <summary>The aliases a source metric name feeds; empty for names the profiler does not read.</summary>
        public static IReadOnlyList<MetricAlias> For(string source) =>
            BySource.TryGetValue(source, out var list) ? list : Array.Empty<MetricAlias>();

        /// <summary>The alias's place in the table: lower wins.</summary>
        public static int PriorityOf(MetricAlias alias) => Priority.TryGetValue(alias, out var p) ? p : int.MaxValue;

        /// <summary>The scale that turns a value in <paramref name="declaredUnit"/> into the alias's canonical time unit, or the alias's own scale.</summary>
        public static double ScaleFor(MetricAlias alias, string? declaredUnit)
        {
            if (alias.TimeUnit != "ms" || string.IsNullOrEmpty(declaredUnit))
            {
                return alias.Scale;
            }

            return declaredUnit switch
            {
                "s" => 1000.0,
                "ms" => 1.0,
                "us" => 0.001,
                "ns" => 0.000001,
                _ => alias.Scale,
            };
        }

        /// <summary>Whether a point's attributes pass the alias's filter.</summary>
        public static bool Accepts(MetricAlias alias, IReadOnlyList<KeyValuePair<string, string>> attributes)
        {
            if (alias.FilterKeys is null || alias.FilterValues is null)
            {
                return true;
            }

            foreach (var key in alias.FilterKeys)
            {
                foreach (var kv in attributes)
                {
                    if (string.Equals(kv.Key, key, StringComparison.Ordinal))
                    {
                        foreach (var v in alias.FilterValues)
                        {
                            if (string.Equals(kv.Value, v, StringComparison.Ordinal))
                            {
                                return true;
                            }
                        }

                        return false;
                    }
                }
            }

            return false;
        }
    }
}
