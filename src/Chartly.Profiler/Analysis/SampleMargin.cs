using System;
using System.Collections.Generic;
using System.Globalization;
using Chartly.Profiler.Model;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// How far the dominant component's share in a sampled breakdown may be from its share over
    /// every root (docs/sources.md, "Targets with more roots than the budget"). The share is a ratio
    /// of sums, the component's critical-path time over the roots' critical-path time, so its
    /// interval is the ratio estimator's (Cochran, Sampling Techniques, 3rd ed., section 6.4):
    /// variance (1 - n/N) / (n * mean(x)^2) * sum((y_i - R x_i)^2) / (n - 1), with x_i a root's
    /// critical-path time, y_i the component's part of it, n the sampled roots and N every root;
    /// the margin is 1.96 standard errors (95%). Each root is a unit; the roots are summed in the
    /// order the engine analyses them (trace id, then span), so the figure is the same every time.
    /// </summary>
    public static class SampleMargin
    {
        private const double Z95 = 1.96;

        /// <summary>The 95% margin of the component's share, in percentage points; null for fewer than two roots or no time.</summary>
        public static double? MarginPoints(IReadOnlyList<RootAnalysis> roots, string component, long allRoots)
        {
            var parts = new (long Root, long Component)[roots.Count];
            for (var i = 0; i < roots.Count; i++)
            {
                parts[i] = (roots[i].DurationNanos, roots[i].CriticalNanos.TryGetValue(component, out var y) ? y : 0);
            }

            return MarginPoints(parts, allRoots);
        }

        /// <summary>The margin from each sampled root's critical-path time and the component's part of it, in analysis order.</summary>
        public static double? MarginPoints(IReadOnlyList<(long Root, long Component)> roots, long allRoots)
        {
            var n = roots.Count;
            if (n < 2)
            {
                return null;
            }

            double sumX = 0, sumY = 0;
            foreach (var (x, y) in roots)
            {
                sumX += x;
                sumY += y;
            }

            if (sumX <= 0)
            {
                return null;
            }

            var ratio = sumY / sumX;
            double squares = 0;
            foreach (var (x, y) in roots)
            {
                var d = y - (ratio * x);
                squares += d * d;
            }

            var meanX = sumX / n;
            var finite = Math.Max(0, 1 - ((double)n / Math.Max(n, allRoots)));
            var variance = finite / (n * meanX * meanX) * (squares / (n - 1));
            return Z95 * Math.Sqrt(variance) * 100;
        }

        /// <summary>The finding that says the breakdown is a sample: its size, and the dominant share with its margin.</summary>
        public static Finding Finding(IReadOnlyList<RootAnalysis> roots, IReadOnlyList<BreakdownEntry> breakdown, RootSample sample, long tracesSampled)
        {
            var size = string.Format(
                CultureInfo.InvariantCulture,
                "The breakdown is from a deterministic sample of {0:#,0} of the {1:#,0} traces that hold the target's {2:#,0} roots ({3:#,0} roots analysed; traces chosen by the SHA-256 of their id); the root count, p50, p95 and max are over every root.",
                tracesSampled,
                sample.Traces,
                sample.Roots,
                roots.Count);
            var citations = new List<MetricCitation>
            {
                new("data_quality.traces_sampled", tracesSampled, "count"),
                new("data_quality.traces_in_target", sample.Traces, "count"),
            };
            if (breakdown.Count > 0 && breakdown[0].DurationMs > 0 && MarginPoints(roots, breakdown[0].Component, sample.Roots) is { } margin)
            {
                var top = breakdown[0];
                var m = Math.Round((decimal)margin, 1, MidpointRounding.AwayFromZero);
                size += string.Format(
                    CultureInfo.InvariantCulture,
                    " {0} held {1:0.0}% of the sampled critical path, within {2:0.0} percentage points of its share over every root at 95% confidence ({3:0.0}% to {4:0.0}%).",
                    top.Component,
                    top.Pct,
                    m,
                    Math.Max(0m, top.Pct - m),
                    Math.Min(100m, top.Pct + m));
                citations.Add(new MetricCitation("critical_path.pct{component=\"" + top.Component + "\"}", top.Pct, "percent"));
            }

            return new Finding("critical-path.sample", "info", size, citations);
        }
    }
}
