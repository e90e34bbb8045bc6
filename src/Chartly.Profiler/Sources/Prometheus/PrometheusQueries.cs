using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Chartly.Profiler.Metrics;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>One PromQL query and what its answer means: samples of <see cref="Canonical"/>, attributed to <see cref="Source"/>.</summary>
    /// <remarks><see cref="WorkloadLabels"/>: for a workload metric, the labels that name the workload, first non-empty wins.</remarks>
    internal sealed record PromQuery(string Canonical, string Source, int Priority, string Expression, double Scale, IReadOnlyList<string>? WorkloadLabels = null);

    /// <summary>
    /// Builds the PromQL for a metric query, with the work pushed to the server: counters become
    /// rates (<c>irate</c>: the rate over the last scrape interval before each step, the same
    /// interval a file's consecutive points give), gauges the last value of each step
    /// (<c>last_over_time</c>, so a gap stays a gap), series are reduced to one per container
    /// (<c>sum</c>/<c>avg by</c> the identity labels, as the alias table says), and the ratios
    /// (CFS throttle ratio, CPU and memory use of the limit) are divided on the server. Only the
    /// pods and nodes the target's spans ran on are selected. Every label value enters a query
    /// through <see cref="PromQl.String"/>, regex-escaped first.
    /// </summary>
    internal sealed class PrometheusQueries
    {
        /// <summary>cAdvisor reports "no memory limit" as a number near 2^63; such a limit divides nothing (as in the file path).</summary>
        private const string UnlimitedBytes = "1152921504606846976";

        private readonly PrometheusSettings _settings;

        public PrometheusQueries(PrometheusSettings settings) => _settings = settings;

        /// <summary>The identity labels every query groups by, in a fixed order.</summary>
        public IReadOnlyList<string> GroupLabels
        {
            get
            {
                var labels = new List<string> { _settings.NamespaceLabel, _settings.PodLabel, _settings.ContainerLabel, _settings.NodeLabel };
                if (_settings.ServiceLabel is not null)
                {
                    labels.Add(_settings.ServiceLabel);
                }

                if (_settings.EnvironmentLabel is not null)
                {
                    labels.Add(_settings.EnvironmentLabel);
                }

                return labels.Distinct(StringComparer.Ordinal).ToList();
            }
        }

        /// <summary>
        /// The queries for <paramref name="metrics"/> over the given resources, in priority order
        /// (the alias table's order, server-side derivations last). Null selectors (a plan without
        /// resources) print a placeholder instead of matchers.
        /// </summary>
        /// <param name="rateRangeSeconds">The range of <c>irate</c>; by default twice the step and at least a minute.</param>
        public IReadOnlyList<PromQuery> Build(IReadOnlyList<string> metrics, IReadOnlyList<MetricResource>? resources, long stepSeconds, long lookbackSeconds, long? rateRangeSeconds = null)
        {
            var podSelector = resources is null ? "<pods of the target's spans>" : PodSelector(resources);
            var nodeSelector = resources is null ? "<nodes of the target's spans>" : NodeSelector(resources);
            var wanted = new HashSet<string>(metrics, StringComparer.Ordinal);
            var result = new List<PromQuery>();
            var by = " by (" + string.Join(", ", GroupLabels) + ") ";
            var rateRange = PromQl.Duration(rateRangeSeconds ?? Math.Max(2 * stepSeconds, 60));
            var gaugeRange = PromQl.Duration(stepSeconds);

            foreach (var alias in MetricAliases.All)
            {
                if (!wanted.Contains(alias.Canonical))
                {
                    continue;
                }

                if (alias.ResourceFlagKey is not null)
                {
                    continue; // a flag read from a resource attribute of a file; in Prometheus the same series carries the counter
                }

                if (alias.WorkloadKeys is not null)
                {
                    result.Add(WorkloadQuery(alias, resources, gaugeRange));
                    continue;
                }

                var nodeLevel = IsNodeLevel(alias);
                var selector = nodeLevel ? nodeSelector : podSelector;
                if (selector is null)
                {
                    continue;
                }

                var priority = MetricAliases.PriorityOf(alias);
                string Series(string nameMatcher, string? filter) =>
                    "{" + nameMatcher + (filter is null ? string.Empty : ", " + filter) + (selector.Length == 0 ? string.Empty : ", " + selector) + "}";

                var filters = Filters(alias);
                if (alias.Combine == SeriesCombine.WeightedMean)
                {
                    // A histogram's mean: rate of its sum over rate of its count, per unit variant.
                    foreach (var (baseName, scale) in HistogramNames(alias))
                    {
                        var expr = Or(filters.Select(f =>
                            "sum" + by + "(irate(" + Series("__name__=" + PromQl.String(baseName + "_sum"), f) + "[" + rateRange + "]))" +
                            " / sum" + by + "(irate(" + Series("__name__=" + PromQl.String(baseName + "_count"), f) + "[" + rateRange + "]))"));
                        result.Add(new PromQuery(alias.Canonical, alias.Source, priority, expr, scale));
                    }

                    continue;
                }

                var aggregate = alias.Combine == SeriesCombine.Mean ? "avg" : "sum";
                var names = NameMatcher(alias);
                if (alias.Events)
                {
                    result.Add(new PromQuery(alias.Canonical, alias.Source, priority, ExactIncrease(by, Series(names, null), stepSeconds), alias.Scale));
                    continue;
                }

                var expression = Or(filters.Select(f => alias.Counter
                    ? aggregate + by + "(irate(" + Series(names, f) + "[" + rateRange + "]))"
                    : aggregate + by + "(last_over_time(" + Series(names, f) + "[" + gaugeRange + "]))"));
                result.Add(new PromQuery(alias.Canonical, alias.Source, priority, expression, alias.Scale));
            }

            if (podSelector is not null)
            {
                AddDerivations(result, wanted, podSelector, by, rateRange, gaugeRange, PromQl.Duration(Math.Max(stepSeconds, lookbackSeconds)));
            }

            return result;
        }

        /// <summary>The ratios the profile reads, computed on the server from the cAdvisor names (and their OTel counterparts).</summary>
        private void AddDerivations(List<PromQuery> into, HashSet<string> wanted, string selector, string by, string rateRange, string gaugeRange, string limitRange)
        {
            string Sel(string canonical, bool counterOnly) =>
                "{__name__=~" + PromQl.String(string.Join("|", MetricAliases.All
                    .Where(a => a.Canonical == canonical && a.Combine != SeriesCombine.WeightedMean && (!counterOnly || a.Counter))
                    .SelectMany(PrometheusNames)
                    .Distinct(StringComparer.Ordinal)
                    .Select(System.Text.RegularExpressions.Regex.Escape))) +
                (selector.Length == 0 ? string.Empty : ", " + selector) + "}";

            string Rate(string canonical) => "sum" + by + "(irate(" + Sel(canonical, counterOnly: true) + "[" + rateRange + "]))";
            string Last(string canonical, string range) => "sum" + by + "(last_over_time(" + Sel(canonical, counterOnly: false) + "[" + range + "]))";

            const int Derived = 1_000_000;
            if (wanted.Contains(CanonicalMetrics.CpuThrottleRatio))
            {
                into.Add(new PromQuery(
                    CanonicalMetrics.CpuThrottleRatio,
                    "container_cpu_cfs_throttled_periods_total/container_cpu_cfs_periods_total",
                    Derived,
                    "clamp_min(clamp_max(" + Rate(CanonicalMetrics.CpuCfsThrottledPeriods) + " / " + Rate(CanonicalMetrics.CpuCfsPeriods) + ", 1), 0)",
                    1.0));
            }

            if (wanted.Contains(CanonicalMetrics.CpuLimitUtilization))
            {
                into.Add(new PromQuery(
                    CanonicalMetrics.CpuLimitUtilization,
                    "container_cpu_usage_seconds_total/container_spec_cpu_quota/container_spec_cpu_period",
                    Derived + 1,
                    Rate(CanonicalMetrics.CpuUsage) + " / (" + Last(CanonicalMetrics.CpuCfsQuota, limitRange) + " / " + Last(CanonicalMetrics.CpuCfsPeriod, limitRange) + " > 0)",
                    1.0));
            }

            if (wanted.Contains(CanonicalMetrics.MemoryLimitUtilization))
            {
                into.Add(new PromQuery(
                    CanonicalMetrics.MemoryLimitUtilization,
                    "container_memory_working_set_bytes/container_spec_memory_limit_bytes",
                    Derived + 2,
                    Last(CanonicalMetrics.MemoryWorkingSet, gaugeRange) + " / (" + Last(CanonicalMetrics.MemoryLimit, limitRange) + " > 0 < " + UnlimitedBytes + ")",
                    1.0));
            }
        }

        /// <summary>
        /// Events counted exactly per step (restarts): the counter's last value at the step minus
        /// its last value one step earlier, or after a reset (the difference is negative) the value
        /// since the reset, per second of the step. A series' first step has no earlier value and
        /// gives nothing: never its whole history as one step's increase. Neither <c>increase</c>
        /// (extrapolated, blind between its windows) nor <c>irate</c> (the last scrape interval
        /// only) counts every restart once.
        /// </summary>
        private static string ExactIncrease(string by, string series, long stepSeconds)
        {
            var now = "sum" + by + "(" + series + ")";
            var before = "sum" + by + "(" + series + " offset " + PromQl.Duration(stepSeconds) + ")";
            return "((" + now + " - " + before + ") >= 0 or (" + now + " and " + before + ")) / " + stepSeconds.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// An autoscaler's or deployment's metric: one series per workload in the namespaces the
        /// target's spans ran in (all namespaces when no span names one), grouped by the labels
        /// that name the workload. kube-state-metrics names the autoscaler, not its target; its
        /// <c>kube_horizontalpodautoscaler_info</c> carries the target as <c>scaletargetref_name</c>
        /// and is joined on the server where it exists.
        /// </summary>
        private PromQuery WorkloadQuery(MetricAlias alias, IReadOnlyList<MetricResource>? resources, string gaugeRange)
        {
            var scope = new List<string>();
            if (resources is null)
            {
                scope.Add(_settings.NamespaceLabel + "=~\"<namespaces of the target's spans>\"");
            }
            else
            {
                var namespaces = Distinct(resources.Select(r => r.Namespace));
                if (namespaces.Count > 0 && resources.All(r => r.Namespace is not null))
                {
                    scope.Add(In(_settings.NamespaceLabel, namespaces));
                }

                AddEnvironment(scope, resources);
            }

            string Series(string name) => "{__name__=" + PromQl.String(name) + string.Concat(scope.Select(p => ", " + p)) + "}";

            var identity = new List<string> { _settings.NamespaceLabel };
            if (_settings.EnvironmentLabel is not null)
            {
                identity.Add(_settings.EnvironmentLabel);
            }

            var workloadLabels = alias.WorkloadKeys!.Select(Sanitize).Distinct(StringComparer.Ordinal).ToList();
            var name = PrometheusNames(alias)[0];
            var plain = (alias.Combine == SeriesCombine.Mean ? "avg" : "sum") + " by (" + string.Join(", ", identity.Concat(workloadLabels).Distinct(StringComparer.Ordinal)) + ") (last_over_time(" + Series(name) + "[" + gaugeRange + "]))";
            var expression = plain;
            if (alias.Family == "prometheus" && alias.Source.StartsWith(HpaPrefix, StringComparison.Ordinal))
            {
                var on = string.Join(", ", identity.Concat(new[] { HpaLabel }));
                var info = "max by (" + on + ", " + TargetLabel + ") (last_over_time(" + Series(HpaPrefix + "info") + "[" + gaugeRange + "]))";
                expression = "(" + plain + " * on (" + on + ") group_left (" + TargetLabel + ") " + info + ") or on (" + on + ") " + plain;
                workloadLabels.Insert(0, TargetLabel);
            }

            return new PromQuery(alias.Canonical, alias.Source, MetricAliases.PriorityOf(alias), expression, alias.Scale, workloadLabels);
        }

        private const string HpaPrefix = "kube_horizontalpodautoscaler_";
        private const string HpaLabel = "horizontalpodautoscaler";
        private const string TargetLabel = "scaletargetref_name";

        /// <summary>Node-level quantities: the node's I/O wait and node_exporter/system names.</summary>
        private static bool IsNodeLevel(MetricAlias alias) =>
            alias.Canonical == CanonicalMetrics.IoWait
            || alias.Source.StartsWith("node_", StringComparison.Ordinal)
            || alias.Source.StartsWith("system.", StringComparison.Ordinal);

        /// <summary>
        /// The Prometheus names an alias can have: a Prometheus-family name as it is; an
        /// OpenTelemetry name translated as the collector's Prometheus exporters do (invalid
        /// characters to '_', then the unit suffix and <c>_total</c> where they apply).
        /// </summary>
        internal static IReadOnlyList<string> PrometheusNames(MetricAlias alias)
        {
            if (alias.Family == "prometheus")
            {
                return new[] { alias.Source };
            }

            var b = Sanitize(alias.Source);
            var unit = CanonicalMetrics.All.FirstOrDefault(m => m.Name == alias.Canonical).Unit;
            if (alias.Events)
            {
                return new[] { b }; // the receiver's restart count is a gauge, exported under its own name
            }

            if (alias.Counter)
            {
                // Counts per second stay counts; everything else the table counts is time (CPU seconds).
                return unit == "1/s" ? new[] { b + "_total" } : new[] { b + "_total", b + "_seconds_total" };
            }

            return unit switch
            {
                "ratio" => new[] { b, b + "_ratio" },
                "bytes" => b.EndsWith("_bytes", StringComparison.Ordinal) ? new[] { b } : new[] { b, b + "_bytes" },
                _ => new[] { b },
            };
        }

        private static string NameMatcher(MetricAlias alias)
        {
            var names = PrometheusNames(alias);
            return names.Count == 1
                ? "__name__=" + PromQl.String(names[0])
                : "__name__=~" + PromQl.String(string.Join("|", names.Select(System.Text.RegularExpressions.Regex.Escape)));
        }

        /// <summary>Histogram base names with the scale into the alias's canonical unit.</summary>
        private static IEnumerable<(string Name, double Scale)> HistogramNames(MetricAlias alias)
        {
            var b = Sanitize(alias.Source);
            if (alias.TimeUnit == "ms")
            {
                yield return (b + "_seconds", 1000.0);
                yield return (b + "_milliseconds", 1.0);
            }

            yield return (b, alias.Scale);
        }

        /// <summary>The alias's attribute filter as label matchers, one per candidate key (joined with <c>or</c>).</summary>
        private static IReadOnlyList<string?> Filters(MetricAlias alias)
        {
            if (alias.FilterKeys is null || alias.FilterValues is null)
            {
                return new string?[] { null };
            }

            var values = PromQl.String(string.Join("|", alias.FilterValues.Select(System.Text.RegularExpressions.Regex.Escape)));
            return alias.FilterKeys.Select(Sanitize).Distinct(StringComparer.Ordinal).Select(k => (string?)(k + "=~" + values)).ToList();
        }

        private static string Or(IEnumerable<string> parts)
        {
            var list = parts.ToList();
            return list.Count == 1 ? list[0] : string.Join(" or ", list.Select(p => "(" + p + ")"));
        }

        /// <summary>Pods (and their namespaces) of the spans; null when no span carries a pod.</summary>
        private string? PodSelector(IReadOnlyList<MetricResource> resources)
        {
            var pods = Distinct(resources.Select(r => r.Pod));
            if (pods.Count == 0)
            {
                return null;
            }

            var parts = new List<string> { In(_settings.PodLabel, pods) };
            var namespaces = Distinct(resources.Where(r => r.Pod is not null).Select(r => r.Namespace));
            if (namespaces.Count > 0 && resources.Where(r => r.Pod is not null).All(r => r.Namespace is not null))
            {
                parts.Insert(0, In(_settings.NamespaceLabel, namespaces));
            }

            AddEnvironment(parts, resources);
            return string.Join(", ", parts);
        }

        private string? NodeSelector(IReadOnlyList<MetricResource> resources)
        {
            var nodes = Distinct(resources.Select(r => r.Node));
            if (nodes.Count == 0)
            {
                return null;
            }

            var parts = new List<string> { In(_settings.NodeLabel, nodes) };
            AddEnvironment(parts, resources);
            return string.Join(", ", parts);
        }

        private void AddEnvironment(List<string> parts, IReadOnlyList<MetricResource> resources)
        {
            if (_settings.EnvironmentLabel is null)
            {
                return;
            }

            var envs = Distinct(resources.Select(r => r.Environment));
            if (envs.Count > 0 && resources.All(r => r.Environment is not null))
            {
                parts.Add(In(_settings.EnvironmentLabel, envs));
            }
        }

        private static List<string> Distinct(IEnumerable<string?> values) =>
            values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).OrderBy(v => v, StringComparer.Ordinal).ToList();

        /// <summary><c>label=~"a|b"</c> (anchored by PromQL) or <c>label="a"</c> for one value.</summary>
        private static string In(string label, IReadOnlyList<string> values) =>
            values.Count == 1
                ? PromQl.Eq(label, values[0])
                : label + "=~" + PromQl.String(string.Join("|", values.Select(System.Text.RegularExpressions.Regex.Escape)));

        /// <summary>An attribute or metric name as a Prometheus name: invalid characters become '_', runs of '_' collapse.</summary>
        internal static string Sanitize(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
                var w = ok ? c : '_';
                if (w == '_' && sb.Length > 0 && sb[sb.Length - 1] == '_')
                {
                    continue;
                }

                sb.Append(w);
            }

            return sb.ToString();
        }

        /// <summary>Steps a human reads easily; the smallest that keeps a query under the point limit is used.</summary>
        private static readonly long[] NiceSteps = { 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400 };

        /// <summary>
        /// The step for [start, end): the configured one, else the smallest of 15 s, 30 s, 1 m, ...
        /// that keeps the range under <see cref="PrometheusSettings.MaxPointsPerSeries"/> points.
        /// </summary>
        public long StepSeconds(long startUnixNano, long endUnixNano)
        {
            if (_settings.Step is { } configured)
            {
                return Math.Max(1, (long)configured.TotalSeconds);
            }

            foreach (var s in NiceSteps)
            {
                if (Evaluations(startUnixNano, endUnixNano, s).Count <= PrometheusSettings.MaxPointsPerSeries)
                {
                    return s;
                }
            }

            return NiceSteps[NiceSteps.Length - 1] * (1 + (endUnixNano - startUnixNano) / (NiceSteps[NiceSteps.Length - 1] * 1_000_000_000L * PrometheusSettings.MaxPointsPerSeries));
        }

        /// <summary>
        /// The raw samples of the target's CPU usage counters (the series every container has)
        /// over the <paramref name="rangeSeconds"/> before the instant it is evaluated at: what
        /// <see cref="ScrapeCadence"/> reads the scrape interval from. Null without pods.
        /// </summary>
        public string? ScrapeProbe(IReadOnlyList<MetricResource>? resources, long rangeSeconds)
        {
            var selector = resources is null ? "<pods of the target's spans>" : PodSelector(resources);
            if (selector is null)
            {
                return null;
            }

            var names = MetricAliases.All
                .Where(a => a.Canonical == CanonicalMetrics.CpuUsage && a.Counter && a.Combine != SeriesCombine.WeightedMean)
                .SelectMany(PrometheusNames)
                .Distinct(StringComparer.Ordinal)
                .Select(System.Text.RegularExpressions.Regex.Escape);
            return "{__name__=~" + PromQl.String(string.Join("|", names)) + (selector.Length == 0 ? string.Empty : ", " + selector) + "}[" + PromQl.Duration(rangeSeconds) + "]";
        }

        /// <summary>
        /// The evaluation instants for [start, end): multiples of the step since the epoch, shifted
        /// by <paramref name="phaseMs"/> (so the same instant always gives the same value, whatever
        /// the window), from the first after start to the first at or after end. A sample at t
        /// describes (t - step, t].
        /// </summary>
        public static (long FirstMs, long LastMs, long Count) Evaluations(long startUnixNano, long endUnixNano, long stepSeconds, long phaseMs = 0)
        {
            var stepMs = stepSeconds * 1000;
            var startMs = FloorDiv(startUnixNano, 1_000_000) - phaseMs;
            var endMs = -FloorDiv(-endUnixNano, 1_000_000) - phaseMs;
            var first = (FloorDiv(startMs, stepMs) + 1) * stepMs + phaseMs;
            var last = -FloorDiv(-endMs, stepMs) * stepMs + phaseMs;
            if (last < first)
            {
                last = first;
            }

            return (first, last, (last - first) / stepMs + 1);
        }

        public static string FormatStep(long seconds) => seconds.ToString(CultureInfo.InvariantCulture) + "s";

        private static long FloorDiv(long a, long b)
        {
            var q = a / b;
            return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
        }
    }
}
