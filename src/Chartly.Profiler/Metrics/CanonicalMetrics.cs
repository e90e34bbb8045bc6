using System.Collections.Generic;

namespace Chartly.Profiler.Metrics
{
    /// <summary>
    /// The canonical metric set every source feeds (docs/signals.md): one name, one unit and one
    /// meaning per quantity, whatever the emitter called it. Values of counters are already rates.
    /// </summary>
    public static class CanonicalMetrics
    {
        /// <summary>CPU used as a share of the container's CPU limit, 0..1 (and above when bursting).</summary>
        public const string CpuLimitUtilization = "cpu.limit_utilization";

        /// <summary>CPU used, in cores (CPU seconds per second).</summary>
        public const string CpuUsage = "cpu.usage";

        /// <summary>The container's CPU limit, in cores.</summary>
        public const string CpuLimit = "cpu.limit";

        /// <summary>The CFS quota per period, in microseconds (with <see cref="CpuCfsPeriod"/> gives the limit).</summary>
        public const string CpuCfsQuota = "cpu.cfs_quota";

        /// <summary>The CFS period, in microseconds.</summary>
        public const string CpuCfsPeriod = "cpu.cfs_period";

        /// <summary>A process's CPU use as a share of the CPUs available to it, 0..1.</summary>
        public const string ProcessCpuUtilization = "process.cpu.utilization";

        /// <summary>Elapsed CFS enforcement periods per second.</summary>
        public const string CpuCfsPeriods = "cpu.cfs_periods";

        /// <summary>Throttled CFS periods per second.</summary>
        public const string CpuCfsThrottledPeriods = "cpu.cfs_throttled_periods";

        /// <summary>Throttled periods / elapsed periods over an interval, 0..1.</summary>
        public const string CpuThrottleRatio = "cpu.throttle_ratio";

        /// <summary>Memory working set, in bytes.</summary>
        public const string MemoryWorkingSet = "memory.working_set";

        /// <summary>The container's memory limit, in bytes (0 or absent: unlimited).</summary>
        public const string MemoryLimit = "memory.limit";

        /// <summary>Memory working set as a share of the container's memory limit, 0..1.</summary>
        public const string MemoryLimitUtilization = "memory.limit_utilization";

        /// <summary>Share of the node's CPU time spent waiting for I/O, 0..1.</summary>
        public const string IoWait = "io.wait";

        /// <summary>PSI: share of time some task waited for CPU (seconds per second).</summary>
        public const string PressureCpuSome = "pressure.cpu.some";

        /// <summary>PSI: share of time some task stalled on memory.</summary>
        public const string PressureMemorySome = "pressure.memory.some";

        /// <summary>PSI: share of time every non-idle task stalled on memory.</summary>
        public const string PressureMemoryFull = "pressure.memory.full";

        /// <summary>PSI: share of time some task stalled on I/O.</summary>
        public const string PressureIoSome = "pressure.io.some";

        /// <summary>PSI: share of time every non-idle task stalled on I/O.</summary>
        public const string PressureIoFull = "pressure.io.full";

        /// <summary>Mean time to obtain a pooled database connection over an interval, in milliseconds.</summary>
        public const string DbPoolWaitTime = "db.pool.wait_time";

        /// <summary>An autoscaler's current replicas; a sample describes the HPA's scale target (<see cref="MetricResource.Workload"/>).</summary>
        public const string HpaCurrentReplicas = "k8s.hpa.current_replicas";

        /// <summary>The most replicas an autoscaler may scale its target to.</summary>
        public const string HpaMaxReplicas = "k8s.hpa.max_replicas";

        /// <summary>A deployment's desired replicas (its spec, which an autoscaler sets).</summary>
        public const string DeploymentDesired = "k8s.deployment.desired";

        /// <summary>A deployment's available replicas (ready for at least minReadySeconds).</summary>
        public const string DeploymentAvailable = "k8s.deployment.available";

        /// <summary>Container restarts per second (the restart count is a counter: resets handled, the rate times the interval is the count).</summary>
        public const string ContainerRestarts = "k8s.container.restarts";

        /// <summary>1 while the container's last termination was an OOM kill, 0 while it was something else; no sample when it never terminated.</summary>
        public const string ContainerOomKilled = "k8s.container.oom_killed";

        /// <summary>Every canonical name with its unit, in a fixed order.</summary>
        public static IReadOnlyList<(string Name, string Unit)> All { get; } = new[]
        {
            (CpuLimitUtilization, "ratio"),
            (CpuUsage, "cores"),
            (CpuLimit, "cores"),
            (CpuCfsQuota, "us"),
            (CpuCfsPeriod, "us"),
            (ProcessCpuUtilization, "ratio"),
            (CpuCfsPeriods, "1/s"),
            (CpuCfsThrottledPeriods, "1/s"),
            (CpuThrottleRatio, "ratio"),
            (MemoryWorkingSet, "bytes"),
            (MemoryLimit, "bytes"),
            (MemoryLimitUtilization, "ratio"),
            (IoWait, "ratio"),
            (PressureCpuSome, "ratio"),
            (PressureMemorySome, "ratio"),
            (PressureMemoryFull, "ratio"),
            (PressureIoSome, "ratio"),
            (PressureIoFull, "ratio"),
            (DbPoolWaitTime, "ms"),
            (HpaCurrentReplicas, "replicas"),
            (HpaMaxReplicas, "replicas"),
            (DeploymentDesired, "replicas"),
            (DeploymentAvailable, "replicas"),
            (ContainerRestarts, "1/s"),
            (ContainerOomKilled, "flag"),
        };
    }
}
