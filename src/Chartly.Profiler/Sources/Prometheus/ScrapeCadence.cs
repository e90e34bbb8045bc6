using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>
    /// How often, and at which instant of the interval, the target's series were scraped: read
    /// from their raw samples. A query evaluated every <see cref="StepSeconds"/> at the scrape
    /// instants (plus <see cref="DelayMs"/>, so a scrape a few milliseconds late is still seen)
    /// gives one rate per pair of consecutive raw samples, which is what a file's points give.
    /// </summary>
    internal sealed record ScrapeCadence(long StepSeconds, long PhaseMs)
    {
        /// <summary>How far after a scrape instant the query is evaluated: a quarter of the interval, at most one second.</summary>
        public long DelayMs => Math.Min(StepSeconds * 1000 / 4, 1000);

        /// <summary>The range of <c>irate</c>: two intervals, so it holds the scrape before and the one before that, never a pair across a missed scrape.</summary>
        public long RateRangeSeconds => 2 * StepSeconds;

        /// <summary>
        /// The most common gap between consecutive raw samples of a series (whole seconds, at
        /// least one; a tie goes to the shorter), and the most common instant within it. Null
        /// when no series has two samples.
        /// </summary>
        public static ScrapeCadence? From(IEnumerable<PromSeries> series)
        {
            var gaps = new Dictionary<long, int>();
            foreach (var s in series)
            {
                for (var i = 1; i < s.Points.Count; i++)
                {
                    var gap = Math.Max(1, (s.Points[i].UnixMs - s.Points[i - 1].UnixMs + 500) / 1000);
                    gaps[gap] = gaps.TryGetValue(gap, out var n) ? n + 1 : 1;
                }
            }

            if (gaps.Count == 0)
            {
                return null;
            }

            var step = Mode(gaps);
            var phases = new Dictionary<long, int>();
            foreach (var p in series.SelectMany(s => s.Points))
            {
                var phase = ((p.UnixMs % (step * 1000)) + step * 1000) % (step * 1000);
                phases[phase] = phases.TryGetValue(phase, out var n) ? n + 1 : 1;
            }

            return new ScrapeCadence(step, Mode(phases));
        }

        private static long Mode(Dictionary<long, int> counts) =>
            counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
    }
}
