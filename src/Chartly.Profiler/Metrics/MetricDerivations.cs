using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Metrics
{
    /// <summary>
    /// Canonical metrics computed from others, for sources that do not deliver them directly:
    /// the CFS throttle ratio (throttled periods over periods, same resource and interval end), the
    /// CPU limit from quota over period, and CPU and memory use as a share of their limit (the limit
    /// in force at the sample's time: the latest at or before it, else the first after). A resource
    /// that already has the metric directly keeps its own samples; nothing is derived over them.
    /// </summary>
    public static class MetricDerivations
    {
        /// <summary>cAdvisor reports "no memory limit" as a huge number near 2^63; such a limit divides nothing.</summary>
        private const double UnlimitedBytes = 1L << 60;

        public static List<MetricSample> Apply(List<MetricSample> samples)
        {
            var result = new List<MetricSample>(samples);
            var index = Index(samples);

            Ratio(index, result, CanonicalMetrics.CpuThrottleRatio, CanonicalMetrics.CpuCfsThrottledPeriods, CanonicalMetrics.CpuCfsPeriods, sameTimeOnly: true, clampToOne: true, maxDenominator: double.MaxValue);
            Ratio(index, result, CanonicalMetrics.CpuLimit, CanonicalMetrics.CpuCfsQuota, CanonicalMetrics.CpuCfsPeriod, sameTimeOnly: true, clampToOne: false, maxDenominator: double.MaxValue);
            index = Index(result);
            Ratio(index, result, CanonicalMetrics.CpuLimitUtilization, CanonicalMetrics.CpuUsage, CanonicalMetrics.CpuLimit, sameTimeOnly: false, clampToOne: false, maxDenominator: double.MaxValue);
            Ratio(index, result, CanonicalMetrics.MemoryLimitUtilization, CanonicalMetrics.MemoryWorkingSet, CanonicalMetrics.MemoryLimit, sameTimeOnly: false, clampToOne: false, maxDenominator: UnlimitedBytes);
            return result;
        }

        private static Dictionary<(string Metric, MetricResource Resource), List<MetricSample>> Index(List<MetricSample> samples)
        {
            var index = new Dictionary<(string, MetricResource), List<MetricSample>>();
            foreach (var s in samples)
            {
                var key = (s.Metric, s.Resource);
                if (!index.TryGetValue(key, out var list))
                {
                    index[key] = list = new List<MetricSample>();
                }

                list.Add(s);
            }

            foreach (var list in index.Values)
            {
                list.Sort(SampleOrder.Instance);
            }

            return index;
        }

        private static void Ratio(
            Dictionary<(string Metric, MetricResource Resource), List<MetricSample>> index,
            List<MetricSample> into,
            string output,
            string numerator,
            string denominator,
            bool sameTimeOnly,
            bool clampToOne,
            double maxDenominator)
        {
            var resources = index.Keys.Where(k => k.Metric == numerator).Select(k => k.Resource).OrderBy(r => r, Comparer<MetricResource>.Create(MetricResource.Compare)).ToList();
            foreach (var resource in resources)
            {
                if (index.ContainsKey((output, resource)) || !index.TryGetValue((denominator, resource), out var dens))
                {
                    continue;
                }

                var byTime = new Dictionary<long, MetricSample>();
                foreach (var d in dens)
                {
                    if (!byTime.ContainsKey(d.TimeUnixNano))
                    {
                        byTime[d.TimeUnixNano] = d;
                    }
                }

                // Numerators and denominators are both in time order: one forward walk finds the limit in force.
                var cursor = -1;
                foreach (var n in index[(numerator, resource)])
                {
                    MetricSample? d;
                    if (sameTimeOnly)
                    {
                        byTime.TryGetValue(n.TimeUnixNano, out d);
                    }
                    else
                    {
                        while (cursor + 1 < dens.Count && dens[cursor + 1].TimeUnixNano <= n.TimeUnixNano)
                        {
                            cursor++;
                        }

                        d = cursor >= 0 ? dens[cursor] : dens[0];
                    }

                    // A CFS quota of -1 (or 0) is "no limit": no limit is derived from it.
                    if (d is null || !(d.Value > 0) || d.Value >= maxDenominator || (output == CanonicalMetrics.CpuLimit && !(n.Value > 0)))
                    {
                        continue;
                    }

                    var value = n.Value / d.Value;
                    if (clampToOne)
                    {
                        value = Math.Max(0, Math.Min(1, value));
                    }

                    into.Add(new MetricSample(output, resource, n.TimeUnixNano, Math.Max(n.IntervalNanos, sameTimeOnly ? d.IntervalNanos : 0), value, n.Source + "/" + d.Source));
                }
            }
        }
    }
}
