using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;

namespace Chartly.Profiler.Analysis.Scaling
{
    /// <summary>
    /// A workload quantity and its limit (current and maximum replicas, available and desired) over
    /// the time a component ran on the workload's pods, from series that cover that time only.
    /// </summary>
    /// <param name="Matched">Workloads with either series whose pods ran in the windows.</param>
    /// <param name="NotCovering">Series of those workloads that did not cover the time their pods ran.</param>
    /// <param name="AllCovered">At least one workload matched, and both series of every one covered.</param>
    /// <param name="Workloads">The workloads whose series covered, ordinal order.</param>
    /// <param name="Pairs">Each value sample overlapping the time, with the limit in force at its time (one decimal).</param>
    public sealed record WorkloadPairs(long Matched, long NotCovering, bool AllCovered, IReadOnlyList<string> Workloads, IReadOnlyList<(decimal Value, decimal Limit)> Pairs)
    {
        public static WorkloadPairs Read(
            IReadOnlyDictionary<MetricResource, List<MetricSample>> values,
            IReadOnlyDictionary<MetricResource, List<MetricSample>> limits,
            WindowSet windows)
        {
            var order = Comparer<MetricResource>.Create(MetricResource.Compare);
            var runs = new SortedDictionary<MetricResource, List<MetricResource>>(order);
            foreach (var w in values.Keys.Concat(limits.Keys).Where(w => w.Workload is not null).Distinct())
            {
                var on = windows.Resources.Where(r => windows.TotalNanos(r) > 0 && w.MatchScore(r) == MetricResource.WorkloadLevel).ToList();
                if (on.Count > 0)
                {
                    runs[w] = on;
                }
            }

            long notCovering = 0;
            var allCovered = runs.Count > 0;
            var names = new SortedSet<string>(StringComparer.Ordinal);
            var pairs = new List<(decimal, decimal)>();
            foreach (var kv in runs)
            {
                var value = values.TryGetValue(kv.Key, out var v) ? v : new List<MetricSample>();
                var limit = limits.TryGetValue(kv.Key, out var l) ? l : new List<MetricSample>();
                var valueCovers = value.Count > 0 && kv.Value.All(r => SampleCoverage.Covers(value, r, windows));
                var limitCovers = limit.Count > 0 && kv.Value.All(r => SampleCoverage.Covers(limit, r, windows));
                notCovering += (value.Count > 0 && !valueCovers ? 1 : 0) + (limit.Count > 0 && !limitCovers ? 1 : 0);
                if (!valueCovers || !limitCovers)
                {
                    allCovered = false;
                    continue;
                }

                names.Add(kv.Key.Workload!);
                foreach (var s in value.Where(s => kv.Value.Any(r => windows.Overlaps(r, s))))
                {
                    pairs.Add((Replicas(s.Value), Replicas(InForce(limit, s.TimeUnixNano).Value)));
                }
            }

            return new WorkloadPairs(runs.Count, notCovering, allCovered && pairs.Count > 0, names.ToList(), pairs);
        }

        /// <summary>The sample in force at a time: the latest at or before it, else the first after (the series covers the time, so one exists).</summary>
        private static MetricSample InForce(List<MetricSample> series, long time)
        {
            var result = series[0];
            foreach (var s in series)
            {
                if (s.TimeUnixNano > time)
                {
                    break;
                }

                result = s;
            }

            return result;
        }

        /// <summary>Replicas to one decimal (a mean of two series of one workload may not be whole), half away from zero.</summary>
        private static decimal Replicas(double v) => SignalAnalyzer.Round((decimal)v, 1);
    }
}
