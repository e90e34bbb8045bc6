using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Analysis.Scaling
{
    /// <summary>
    /// The contract's third question, "are scaling limits being hit or respected?", answered from
    /// samples already read (docs/signals.md, "Scaling limits"; docs/taxonomy.md, "Scaling limits").
    /// Pure and deterministic: the same samples and windows give the same report.
    /// <list type="bullet">
    /// <item>Autoscaler: the HPAs whose scale target ran the dominant component's critical sections
    /// (<see cref="MetricResource.MatchScore"/> at workload level). At its maximum when a current
    /// replicas sample overlapping that time reached the maximum in force; only from series (current
    /// and maximum) that cover all of that time, else no_data.</item>
    /// <item>Restarts: the restart counter's increase in samples overlapping the target's time on
    /// each container (the rate times the interval; resets are handled where the samples are made
    /// and counted in <c>metric_counter_resets</c>), matched at the most specific level, as signals are.</item>
    /// <item>OOM kills: containers that restarted in that time and whose last termination reason,
    /// read at or after the restart, was OOMKilled: one per container (the reason names only the
    /// latest termination, so this is a lower bound).</item>
    /// </list>
    /// </summary>
    public static class ScalingEvidence
    {
        /// <summary>The canonical metrics the scaling evidence reads, in a fixed order.</summary>
        public static IReadOnlyList<string> Metrics { get; } = new[]
        {
            CanonicalMetrics.ContainerOomKilled,
            CanonicalMetrics.ContainerRestarts,
            CanonicalMetrics.DeploymentAvailable,
            CanonicalMetrics.DeploymentDesired,
            CanonicalMetrics.HpaCurrentReplicas,
            CanonicalMetrics.HpaMaxReplicas,
        };

        /// <summary>The signals the evidence is attached to: it is read when any of them is included.</summary>
        public static IReadOnlyList<string> AttachedTo { get; } = new[] { SignalCatalog.CpuUtilization, SignalCatalog.MemoryUtilization, SignalCatalog.Backpressure };

        /// <summary>The scaling metrics to add to the metric query for an <c>--include-metrics</c> allowlist (empty: all signals).</summary>
        public static IReadOnlyList<string> MetricsFor(IReadOnlyList<string> allowlist) =>
            AttachedTo.Any(s => SignalCatalog.IsIncluded(s, allowlist)) ? Metrics : Array.Empty<string>();

        private const double NanosPerSecond = 1_000_000_000.0;

        public static ScalingReport Analyze(IReadOnlyList<MetricSample> samples, string? component, WindowSet componentWindows, WindowSet targetWindows)
        {
            var byMetric = Index(samples);
            var critical = component is null ? WindowSet.Empty : componentWindows;
            var hpa = WorkloadPairs.Read(Of(byMetric, CanonicalMetrics.HpaCurrentReplicas), Of(byMetric, CanonicalMetrics.HpaMaxReplicas), critical);
            var deployment = WorkloadPairs.Read(Of(byMetric, CanonicalMetrics.DeploymentAvailable), Of(byMetric, CanonicalMetrics.DeploymentDesired), critical);
            var containers = Containers(byMetric, targetWindows);

            var citations = new List<MetricCitation>();
            var findings = new List<Finding>();
            var status = hpa.Pairs.Any(p => p.Value >= p.Limit) ? AutoscalerStatus.AtMax : hpa.AllCovered ? AutoscalerStatus.BelowMax : AutoscalerStatus.NoData;
            decimal? maxCurrent = null, maxReplicas = null;
            if (component is not null && status != AutoscalerStatus.NoData)
            {
                maxCurrent = hpa.Pairs.Max(p => p.Value);
                maxReplicas = hpa.Pairs.Max(p => p.Limit);
                var current = new MetricCitation(ScalingFindings.Label("scaling.hpa_current_replicas.max", component), maxCurrent.Value, "replicas");
                var max = new MetricCitation(ScalingFindings.Label("scaling.hpa_max_replicas.max", component), maxReplicas.Value, "replicas");
                citations.Add(current);
                citations.Add(max);
                findings.Add(ScalingFindings.Autoscaler(component, status, hpa.Workloads, current, max));
            }

            // Fewer replicas available than desired: scaling out was asked for and did not happen (pods pending, crashing).
            var shortfall = deployment.Pairs.Where(p => p.Value < p.Limit).ToList();
            decimal? minAvailable = null, maxDesired = null;
            if (component is not null && deployment.Pairs.Count > 0)
            {
                minAvailable = deployment.Pairs.Min(p => p.Value);
                maxDesired = deployment.Pairs.Max(p => p.Limit);
                var available = new MetricCitation(ScalingFindings.Label("scaling.deployment_available_replicas.min", component), minAvailable.Value, "replicas");
                var desired = new MetricCitation(ScalingFindings.Label("scaling.deployment_desired_replicas.max", component), maxDesired.Value, "replicas");
                citations.Add(available);
                citations.Add(desired);
                if (shortfall.Count > 0)
                {
                    // The sample furthest short of its desired count, the fewer available first: one moment, stated as it was.
                    var worst = shortfall.OrderByDescending(p => p.Limit - p.Value).ThenBy(p => p.Value).First();
                    findings.Add(ScalingFindings.Unavailable(
                        component,
                        deployment.Workloads,
                        new MetricCitation(ScalingFindings.Label("scaling.deployment_available_replicas.at_worst", component), worst.Value, "replicas"),
                        new MetricCitation(ScalingFindings.Label("scaling.deployment_desired_replicas.at_worst", component), worst.Limit, "replicas")));
                }
            }

            long? restarts = containers.RestartData ? containers.Items.Sum(c => c.Restarts) : null;
            long? oomKills = containers.OomData ? containers.Items.LongCount(c => c.OomKilled) : null;
            if (restarts is { } r)
            {
                var cite = new MetricCitation("scaling.container_restarts.total", r, "count");
                citations.Add(cite);
                if (r > 0)
                {
                    findings.Add(ScalingFindings.Restarts(containers.Items, cite));
                }
            }

            if (oomKills is { } o)
            {
                var cite = new MetricCitation("scaling.oom_kills.total", o, "count");
                citations.Add(cite);
                if (o > 0)
                {
                    findings.Add(ScalingFindings.OomKilled(containers.Items, cite));
                }
            }

            return new ScalingReport(
                new ScalingSummary(
                    component,
                    component is null ? AutoscalerStatus.NoData : status,
                    component is null || status == AutoscalerStatus.NoData ? Array.Empty<string>() : hpa.Workloads,
                    maxCurrent,
                    maxReplicas,
                    minAvailable,
                    maxDesired,
                    restarts,
                    oomKills),
                containers.Items,
                citations,
                findings,
                new ScalingDataQuality(hpa.NotCovering + deployment.NotCovering, hpa.Matched));
        }

        private static Dictionary<string, Dictionary<MetricResource, List<MetricSample>>> Index(IReadOnlyList<MetricSample> samples)
        {
            var index = new Dictionary<string, Dictionary<MetricResource, List<MetricSample>>>(StringComparer.Ordinal);
            foreach (var s in samples)
            {
                if (!Metrics.Contains(s.Metric, StringComparer.Ordinal))
                {
                    continue;
                }

                if (!index.TryGetValue(s.Metric, out var byResource))
                {
                    index[s.Metric] = byResource = new Dictionary<MetricResource, List<MetricSample>>();
                }

                if (!byResource.TryGetValue(s.Resource, out var list))
                {
                    byResource[s.Resource] = list = new List<MetricSample>();
                }

                list.Add(s);
            }

            foreach (var byResource in index.Values)
            {
                foreach (var list in byResource.Values)
                {
                    list.Sort(SampleOrder.Instance);
                }
            }

            return index;
        }

        private static IReadOnlyDictionary<MetricResource, List<MetricSample>> Of(Dictionary<string, Dictionary<MetricResource, List<MetricSample>>> index, string metric) =>
            index.TryGetValue(metric, out var byResource) ? byResource : new Dictionary<MetricResource, List<MetricSample>>();

        private static IEnumerable<MetricResource> Ordered(IEnumerable<MetricResource> resources) =>
            resources.OrderBy(r => r, Comparer<MetricResource>.Create(MetricResource.Compare));

        private sealed record ContainerResult(IReadOnlyList<ContainerRestarts> Items, bool RestartData, bool OomData);

        private static ContainerResult Containers(Dictionary<string, Dictionary<MetricResource, List<MetricSample>>> index, WindowSet windows)
        {
            var restarts = Select(Of(index, CanonicalMetrics.ContainerRestarts), windows);
            var oom = Select(Of(index, CanonicalMetrics.ContainerOomKilled), windows);
            var items = new List<ContainerRestarts>();
            foreach (var resource in Ordered(restarts.Keys.Concat(oom.Keys).Distinct()))
            {
                if (resource.Pod is null)
                {
                    continue;
                }

                var increase = 0.0;
                long firstRestartStart = long.MaxValue;
                if (restarts.TryGetValue(resource, out var rs))
                {
                    foreach (var s in rs)
                    {
                        var n = s.Value * (s.IntervalNanos / NanosPerSecond);
                        increase += n;
                        if (Math.Round(n, MidpointRounding.AwayFromZero) >= 1)
                        {
                            firstRestartStart = Math.Min(firstRestartStart, s.StartUnixNano);
                        }
                    }
                }

                var count = (long)Math.Round(increase, MidpointRounding.AwayFromZero);
                var killed = count > 0 && oom.TryGetValue(resource, out var os) && os.Any(s => s.Value > 0 && s.TimeUnixNano >= firstRestartStart);
                if (count > 0)
                {
                    items.Add(new ContainerRestarts(resource.Namespace, resource.Pod, resource.Container, count, killed));
                }
            }

            return new ContainerResult(items, restarts.Count > 0, oom.Count > 0);
        }

        /// <summary>Per metric resource, its samples overlapping the time a span resource it describes (at the most specific level with samples) ran.</summary>
        private static Dictionary<MetricResource, List<MetricSample>> Select(IReadOnlyDictionary<MetricResource, List<MetricSample>> byResource, WindowSet windows)
        {
            var result = new Dictionary<MetricResource, List<MetricSample>>();
            var seen = new HashSet<(MetricResource, long)>();
            foreach (var spanResource in windows.Resources)
            {
                var best = 0;
                var matches = new List<MetricResource>();
                foreach (var mr in Ordered(byResource.Keys))
                {
                    var score = mr.MatchScore(spanResource);
                    if (score == 0 || score < best)
                    {
                        continue;
                    }

                    if (score > best)
                    {
                        best = score;
                        matches.Clear();
                    }

                    matches.Add(mr);
                }

                foreach (var mr in matches)
                {
                    foreach (var s in byResource[mr])
                    {
                        if (windows.Overlaps(spanResource, s) && seen.Add((mr, s.TimeUnixNano)))
                        {
                            if (!result.TryGetValue(mr, out var list))
                            {
                                result[mr] = list = new List<MetricSample>();
                            }

                            list.Add(s);
                        }
                    }
                }
            }

            foreach (var list in result.Values)
            {
                list.Sort(SampleOrder.Instance);
            }

            return result;
        }
    }
}
