using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Metrics;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>Where a measure's numbers come from.</summary>
    public enum MeasureSource
    {
        /// <summary>A canonical metric joined to the spans' resources and times.</summary>
        Metric,
        /// <summary>HTTP 429 responses on spans (<c>http.response.status_code</c>).</summary>
        Http429Responses,
        /// <summary>Time lost to 429 responses: the throttled request and the back-off before its resend.</summary>
        Http429Time,
        /// <summary>The part of <see cref="Http429Time"/> on the critical path.</summary>
        Http429TimeOnPath,
        /// <summary>Resends on spans (<c>http.request.resend_count</c>).</summary>
        HttpResends,
        /// <summary>The gap between a PRODUCER span's end and its CONSUMER child's start.</summary>
        QueueWait,
        /// <summary>The part of <see cref="QueueWait"/> the target waited through on its critical path.</summary>
        QueueWaitOnPath,
    }

    /// <summary>One quantity inside a signal: its name, unit, and what feeds it.</summary>
    public sealed record MeasureDefinition(string Name, string Unit, MeasureSource Source, string? Metric = null);

    /// <summary>A signal of the profile and its measures, the first with data being the signal's headline.</summary>
    public sealed record SignalDefinition(string Name, IReadOnlyList<MeasureDefinition> Measures, IReadOnlyList<string> Inputs)
    {
        public string DefaultUnit => Measures[0].Unit;
    }

    /// <summary>
    /// The five signals (their names and order are part of the document), the measures inside each,
    /// the canonical metrics each needs, and the <c>--include-metrics</c> allowlist rules
    /// (docs/signals.md).
    /// </summary>
    public static class SignalCatalog
    {
        public const string CpuUtilization = "cpu_utilization";
        public const string MemoryUtilization = "memory_utilization";
        public const string IoWait = "io_wait";
        public const string Throttling = "throttling";
        public const string Backpressure = "backpressure";

        /// <summary>Span-derived measures name their inputs like this in a signal's <c>metrics</c> list.</summary>
        public const string SpanHttpStatus = "span:http.response.status_code";
        public const string SpanResendCount = "span:http.request.resend_count";
        public const string SpanProducerConsumer = "span:producer_to_consumer";
        public const string SpanCriticalPath = "span:critical_path";

        public static IReadOnlyList<SignalDefinition> All { get; } = new[]
        {
            new SignalDefinition(
                CpuUtilization,
                new[]
                {
                    new MeasureDefinition("limit_utilization", "ratio", MeasureSource.Metric, CanonicalMetrics.CpuLimitUtilization),
                    new MeasureDefinition("process_utilization", "ratio", MeasureSource.Metric, CanonicalMetrics.ProcessCpuUtilization),
                    new MeasureDefinition("usage_cores", "cores", MeasureSource.Metric, CanonicalMetrics.CpuUsage),
                },
                new[] { CanonicalMetrics.CpuLimitUtilization, CanonicalMetrics.CpuUsage, CanonicalMetrics.CpuLimit, CanonicalMetrics.CpuCfsQuota, CanonicalMetrics.CpuCfsPeriod, CanonicalMetrics.ProcessCpuUtilization }),
            new SignalDefinition(
                MemoryUtilization,
                new[]
                {
                    new MeasureDefinition("limit_utilization", "ratio", MeasureSource.Metric, CanonicalMetrics.MemoryLimitUtilization),
                    new MeasureDefinition("working_set_bytes", "bytes", MeasureSource.Metric, CanonicalMetrics.MemoryWorkingSet),
                },
                new[] { CanonicalMetrics.MemoryLimitUtilization, CanonicalMetrics.MemoryWorkingSet, CanonicalMetrics.MemoryLimit }),
            new SignalDefinition(
                IoWait,
                new[]
                {
                    new MeasureDefinition("node_iowait", "ratio", MeasureSource.Metric, CanonicalMetrics.IoWait),
                },
                new[] { CanonicalMetrics.IoWait }),
            new SignalDefinition(
                Throttling,
                new[]
                {
                    new MeasureDefinition("cfs_throttle_ratio", "ratio", MeasureSource.Metric, CanonicalMetrics.CpuThrottleRatio),
                    new MeasureDefinition("http_429_responses", "count", MeasureSource.Http429Responses),
                    new MeasureDefinition("http_429_time", "ms", MeasureSource.Http429Time),
                    new MeasureDefinition("http_429_time_on_path", "ms", MeasureSource.Http429TimeOnPath),
                    new MeasureDefinition("http_resends", "count", MeasureSource.HttpResends),
                },
                new[] { CanonicalMetrics.CpuThrottleRatio, CanonicalMetrics.CpuCfsPeriods, CanonicalMetrics.CpuCfsThrottledPeriods }),
            new SignalDefinition(
                Backpressure,
                new[]
                {
                    new MeasureDefinition("queue_wait", "ms", MeasureSource.QueueWait),
                    new MeasureDefinition("queue_wait_on_path", "ms", MeasureSource.QueueWaitOnPath),
                    new MeasureDefinition("pool_wait", "ms", MeasureSource.Metric, CanonicalMetrics.DbPoolWaitTime),
                    new MeasureDefinition("psi_cpu", "ratio", MeasureSource.Metric, CanonicalMetrics.PressureCpuSome),
                    new MeasureDefinition("psi_memory", "ratio", MeasureSource.Metric, CanonicalMetrics.PressureMemorySome),
                    new MeasureDefinition("psi_memory_full", "ratio", MeasureSource.Metric, CanonicalMetrics.PressureMemoryFull),
                    new MeasureDefinition("psi_io", "ratio", MeasureSource.Metric, CanonicalMetrics.PressureIoSome),
                    new MeasureDefinition("psi_io_full", "ratio", MeasureSource.Metric, CanonicalMetrics.PressureIoFull),
                },
                new[] { CanonicalMetrics.DbPoolWaitTime, CanonicalMetrics.PressureCpuSome, CanonicalMetrics.PressureMemorySome, CanonicalMetrics.PressureMemoryFull, CanonicalMetrics.PressureIoSome, CanonicalMetrics.PressureIoFull }),
        };

        /// <summary>The signal names, in the document's order.</summary>
        public static IReadOnlyList<string> Names { get; } = All.Select(s => s.Name).ToArray();

        public static SignalDefinition Get(string name) => All.First(s => string.Equals(s.Name, name, StringComparison.Ordinal));

        /// <summary>
        /// Validates an <c>--include-metrics</c> allowlist and returns it with canonical spelling,
        /// de-duplicated and sorted ordinally (so the correlation id does not depend on how it was
        /// typed). Names match case-insensitively; an unknown one is an invalid argument (exit 2)
        /// whose message lists the valid names.
        /// </summary>
        public static IReadOnlyList<string> Canonicalize(IReadOnlyList<string>? names)
        {
            if (names is null || names.Count == 0)
            {
                return Array.Empty<string>();
            }

            var result = new SortedSet<string>(StringComparer.Ordinal);
            var unknown = new List<string>();
            foreach (var raw in names)
            {
                var n = (raw ?? string.Empty).Trim();
                if (n.Length == 0)
                {
                    continue;
                }

                var match = Names.FirstOrDefault(v => string.Equals(v, n, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    unknown.Add(n);
                }
                else
                {
                    result.Add(match);
                }
            }

            if (unknown.Count > 0)
            {
                var shown = unknown.Distinct(StringComparer.Ordinal).OrderBy(u => u, StringComparer.Ordinal).Take(5).Select(u => "'" + Sanitize.ForMessage(u) + "'");
                throw ProfilerException.Invalid(
                    "UnknownMetric",
                    $"Unknown signal name{(unknown.Count > 1 ? "s" : string.Empty)} {string.Join(", ", shown)} in --include-metrics / -IncludeMetric. Valid names: {string.Join(", ", Names)}.");
            }

            return result.ToList();
        }

        /// <summary>An empty allowlist includes every signal.</summary>
        public static bool IsIncluded(string signal, IReadOnlyList<string> allowlist) =>
            allowlist.Count == 0 || allowlist.Contains(signal, StringComparer.Ordinal);

        /// <summary>The canonical metrics to read for the included signals, in a fixed order.</summary>
        public static IReadOnlyList<string> MetricsFor(IReadOnlyList<string> allowlist) =>
            All.Where(s => IsIncluded(s.Name, allowlist))
                .SelectMany(s => s.Inputs)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(m => m, StringComparer.Ordinal)
                .ToList();
    }
}
