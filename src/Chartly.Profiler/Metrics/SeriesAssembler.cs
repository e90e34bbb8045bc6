using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Metrics
{
    /// <summary>
    /// Turns raw points into canonical samples: each series in time order (the files' order does not
    /// matter), gauges as values over the step since the previous point, cumulative counters as
    /// rates between consecutive points with resets handled as Prometheus does (a value that goes
    /// back is the increase since the restart), delta sums as rates over their own interval,
    /// histograms as mean values (sum over count). Series of one alias on one resource at one
    /// time are then combined (summed or averaged, per the alias), the highest-priority alias per
    /// canonical metric and resource is kept, and ratios are derived (<see cref="MetricDerivations"/>).
    /// </summary>
    public static class SeriesAssembler
    {
        private const double NanosPerSecond = 1_000_000_000.0;

        public static IReadOnlyList<MetricSample> Assemble(IEnumerable<RawPoint> points, MetricQuery query, MetricReadStats stats)
        {
            var bySeries = new Dictionary<string, List<RawPoint>>(StringComparer.Ordinal);
            foreach (var p in points)
            {
                if (!bySeries.TryGetValue(p.SeriesKey, out var list))
                {
                    bySeries[p.SeriesKey] = list = new List<RawPoint>();
                }

                list.Add(p);
            }

            stats.AddSeriesUsed(bySeries.Count);
            var partials = new List<Partial>();
            foreach (var key in bySeries.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                var series = Canonical(bySeries[key]);
                stats.AddSeriesGaps(CountGaps(series));
                Convert(series, query.LookbackNanos, partials, stats);
            }

            // Derive before cutting to the range: a limit scraped once, before the range, still divides.
            var all = MetricDerivations.Apply(KeepHighestPriority(Combine(partials)).ToList());
            var wanted = new HashSet<string>(query.Metrics, StringComparer.Ordinal);
            return all
                .Where(s => wanted.Contains(s.Metric) && s.Overlaps(query.StartUnixNano, query.EndUnixNano))
                .OrderBy(s => s, SampleOrder.Instance)
                .ToList();
        }

        /// <summary>Time order with a full tie-break, and one point per timestamp (the first in that order).</summary>
        private static List<RawPoint> Canonical(List<RawPoint> series)
        {
            series.Sort((a, b) =>
            {
                var c = a.TimeUnixNano.CompareTo(b.TimeUnixNano);
                if (c != 0) return c;
                c = a.StartUnixNano.CompareTo(b.StartUnixNano);
                if (c != 0) return c;
                c = a.Value.CompareTo(b.Value);
                return c != 0 ? c : a.Count.CompareTo(b.Count);
            });
            var result = new List<RawPoint>(series.Count);
            foreach (var p in series)
            {
                if (result.Count == 0 || result[result.Count - 1].TimeUnixNano != p.TimeUnixNano)
                {
                    result.Add(p);
                }
            }

            return result;
        }

        /// <summary>Steps longer than twice the median step: scrapes that went missing.</summary>
        internal static long CountGaps(IReadOnlyList<RawPoint> series)
        {
            if (series.Count < 3)
            {
                return 0;
            }

            var steps = new long[series.Count - 1];
            for (var i = 1; i < series.Count; i++)
            {
                steps[i - 1] = series[i].TimeUnixNano - series[i - 1].TimeUnixNano;
            }

            var sorted = (long[])steps.Clone();
            Array.Sort(sorted);
            var median = sorted[(sorted.Length - 1) / 2];
            if (median <= 0)
            {
                return 0;
            }

            return steps.LongCount(s => s > 2 * median);
        }

        private static bool IsCounter(RawPoint p) =>
            p.Kind is PointKind.CumulativeSum or PointKind.CumulativeHistogram || (p.Kind == PointKind.Gauge && p.Alias.Counter);

        private static void Convert(List<RawPoint> series, long lookback, List<Partial> into, MetricReadStats stats)
        {
            for (var i = 0; i < series.Count; i++)
            {
                var p = series[i];
                var prev = i > 0 ? series[i - 1] : null;
                if (prev is not null && p.TimeUnixNano - prev.TimeUnixNano > lookback)
                {
                    prev = null; // too far back to describe this point's interval
                }

                switch (p.Kind)
                {
                    case PointKind.DeltaSum:
                    case PointKind.DeltaHistogram:
                        Delta(p, prev, into);
                        break;
                    default:
                        if (IsCounter(p))
                        {
                            Cumulative(p, prev, lookback, into, stats);
                        }
                        else
                        {
                            Gauge(p, prev, i + 1 < series.Count ? series[i + 1] : null, lookback, into);
                        }

                        break;
                }
            }
        }

        private static void Gauge(RawPoint p, RawPoint? prev, RawPoint? next, long lookback, List<Partial> into)
        {
            long interval = 0;
            if (prev is not null)
            {
                interval = p.TimeUnixNano - prev.TimeUnixNano;
            }
            else if (next is not null && next.TimeUnixNano - p.TimeUnixNano <= lookback)
            {
                // The first point of a series: assume the step that follows it.
                interval = next.TimeUnixNano - p.TimeUnixNano;
            }

            into.Add(new Partial(p, p.TimeUnixNano, interval, p.Value * p.Scale, 1));
        }

        private static void Cumulative(RawPoint p, RawPoint? prev, long lookback, List<Partial> into, MetricReadStats stats)
        {
            var histogram = p.Kind == PointKind.CumulativeHistogram;

            // A count of events published as a gauge (the k8s_cluster receiver's restarts) carries the
            // producer's start time, not the count's: it neither dates the first value nor marks a reset.
            var pStart = p.Kind == PointKind.Gauge && p.Alias.Events ? 0 : p.StartUnixNano;
            var prevStart = prev is null || (prev.Kind == PointKind.Gauge && prev.Alias.Events) ? 0 : prev.StartUnixNano;
            double deltaValue, deltaCount;
            long from;
            if (prev is null)
            {
                // A counter's first point gives a rate only from its own start time.
                if (pStart <= 0 || pStart >= p.TimeUnixNano || p.TimeUnixNano - pStart > lookback)
                {
                    return;
                }

                from = pStart;
                deltaValue = p.Value;
                deltaCount = p.Count;
            }
            else
            {
                var restarted = histogram ? p.Count < prev.Count : p.Value < prev.Value;
                restarted |= pStart > 0 && prevStart > 0 && pStart != prevStart && pStart >= prev.TimeUnixNano;
                if (restarted)
                {
                    stats.AddCounterResets(1);
                    from = pStart > prev.TimeUnixNano && pStart < p.TimeUnixNano ? pStart : prev.TimeUnixNano;
                    deltaValue = p.Value;
                    deltaCount = p.Count;
                }
                else
                {
                    from = prev.TimeUnixNano;
                    deltaValue = p.Value - prev.Value;
                    deltaCount = p.Count - prev.Count;
                }
            }

            var interval = p.TimeUnixNano - from;
            if (interval <= 0)
            {
                return;
            }

            if (histogram)
            {
                if (deltaCount > 0)
                {
                    into.Add(new Partial(p, p.TimeUnixNano, interval, deltaValue * p.Scale, deltaCount));
                }

                return;
            }

            into.Add(new Partial(p, p.TimeUnixNano, interval, deltaValue / (interval / NanosPerSecond) * p.Scale, 1));
        }

        private static void Delta(RawPoint p, RawPoint? prev, List<Partial> into)
        {
            long from;
            if (p.StartUnixNano > 0 && p.StartUnixNano < p.TimeUnixNano)
            {
                from = p.StartUnixNano;
            }
            else if (prev is not null)
            {
                from = prev.TimeUnixNano;
            }
            else
            {
                return;
            }

            var interval = p.TimeUnixNano - from;
            if (p.Kind == PointKind.DeltaHistogram)
            {
                if (p.Count > 0)
                {
                    into.Add(new Partial(p, p.TimeUnixNano, interval, p.Value * p.Scale, p.Count));
                }

                return;
            }

            into.Add(new Partial(p, p.TimeUnixNano, interval, p.Value / (interval / NanosPerSecond) * p.Scale, 1));
        }

        /// <summary>Series of one alias on one resource at one time become one value (sum, mean or weighted mean).</summary>
        private static List<MetricSample> Combine(List<Partial> partials)
        {
            var groups = new Dictionary<(MetricAlias Alias, MetricResource Resource, long Time), Accumulator>();
            var order = new List<(MetricAlias Alias, MetricResource Resource, long Time)>();
            foreach (var p in partials)
            {
                var key = (p.Point.Alias, p.Point.Resource, p.Time);
                if (!groups.TryGetValue(key, out var acc))
                {
                    groups[key] = acc = new Accumulator();
                    order.Add(key);
                }

                acc.Value += p.Value;
                acc.Weight += p.Weight;
                acc.Count++;
                acc.Interval = Math.Max(acc.Interval, p.Interval);
            }

            var result = new List<MetricSample>(order.Count);
            foreach (var key in order)
            {
                var acc = groups[key];
                var value = key.Alias.Combine switch
                {
                    SeriesCombine.Mean => acc.Value / acc.Count,
                    SeriesCombine.WeightedMean => acc.Weight > 0 ? acc.Value / acc.Weight : double.NaN,
                    _ => acc.Value,
                };
                if (double.IsNaN(value) || double.IsInfinity(value))
                {
                    continue;
                }

                result.Add(new MetricSample(key.Alias.Canonical, key.Resource, key.Time, acc.Interval, value, key.Alias.Source));
            }

            return result;
        }

        /// <summary>One alias per canonical metric and resource: the same quantity is never counted twice.</summary>
        private static IEnumerable<MetricSample> KeepHighestPriority(List<MetricSample> samples)
        {
            var best = new Dictionary<(string Metric, MetricResource Resource), int>();
            foreach (var s in samples)
            {
                var p = PriorityOfSource(s);
                var key = (s.Metric, s.Resource);
                if (!best.TryGetValue(key, out var b) || p < b)
                {
                    best[key] = p;
                }
            }

            return samples.Where(s => best[(s.Metric, s.Resource)] == PriorityOfSource(s));
        }

        private static int PriorityOfSource(MetricSample s)
        {
            foreach (var a in MetricAliases.For(s.Source))
            {
                if (string.Equals(a.Canonical, s.Metric, StringComparison.Ordinal))
                {
                    return MetricAliases.PriorityOf(a);
                }
            }

            return int.MaxValue;
        }

        private readonly struct Partial
        {
            public Partial(RawPoint point, long time, long interval, double value, double weight)
            {
                Point = point;
                Time = time;
                Interval = interval;
                Value = value;
                Weight = weight;
            }

            public RawPoint Point { get; }

            public long Time { get; }

            public long Interval { get; }

            public double Value { get; }

            public double Weight { get; }
        }

        private sealed class Accumulator
        {
            public double Value;
            public double Weight;
            public int Count;
            public long Interval;
        }
    }

    /// <summary>Metric, resource, time, interval, source, value: a total order for samples.</summary>
    public sealed class SampleOrder : IComparer<MetricSample>
    {
        public static SampleOrder Instance { get; } = new();

        public int Compare(MetricSample? a, MetricSample? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            if (a is null) return -1;
            if (b is null) return 1;
            var c = string.CompareOrdinal(a.Metric, b.Metric);
            if (c != 0) return c;
            c = MetricResource.Compare(a.Resource, b.Resource);
            if (c != 0) return c;
            c = a.TimeUnixNano.CompareTo(b.TimeUnixNano);
            if (c != 0) return c;
            c = a.IntervalNanos.CompareTo(b.IntervalNanos);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Source, b.Source);
            return c != 0 ? c : a.Value.CompareTo(b.Value);
        }
    }
}
