using System;
using System.Collections.Generic;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;

namespace Chartly.Profiler.Analysis.Scaling
{
    /// <summary>
    /// Whether a series' samples describe every moment something ran on a resource: the union of
    /// their intervals must leave no gap (before the first, between two, after the last) that
    /// overlaps a window. A series that stops or starts mid-window, or misses a scrape there, does
    /// not cover it. Only <see cref="WindowSet.Overlaps"/> is asked, with each gap as a sample.
    /// </summary>
    public static class SampleCoverage
    {
        public static bool Covers(IReadOnlyList<MetricSample> series, MetricResource spanResource, WindowSet windows)
        {
            if (windows.TotalNanos(spanResource) <= 0)
            {
                return true;
            }

            var intervals = new List<(long Start, long End)>(series.Count);
            foreach (var s in series)
            {
                if (s.IntervalNanos > 0)
                {
                    intervals.Add((s.StartUnixNano, s.TimeUnixNano));
                }
            }

            if (intervals.Count == 0)
            {
                return false;
            }

            intervals.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
            var coveredTo = intervals[0].Start;
            if (Gap(spanResource, windows, 0, coveredTo))
            {
                return false;
            }

            foreach (var (start, end) in intervals)
            {
                if (start > coveredTo && Gap(spanResource, windows, coveredTo, start))
                {
                    return false;
                }

                coveredTo = Math.Max(coveredTo, end);
            }

            return !Gap(spanResource, windows, coveredTo, long.MaxValue);
        }

        /// <summary>Whether something ran on the resource within (from, to).</summary>
        private static bool Gap(MetricResource spanResource, WindowSet windows, long from, long to) =>
            to > from && windows.Overlaps(spanResource, new MetricSample(string.Empty, spanResource, to, to - from, 0, string.Empty));
    }
}
