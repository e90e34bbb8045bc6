using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Model;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// What-if impact for the top components: every root re-timed with the component's own time
    /// halved and removed (<see cref="WhatIfTimeline"/>), summed over the roots and read on the
    /// median root; the halved traces are walked again to name the component that would then hold
    /// the most critical-path time. Integer nanoseconds throughout, rounded once to the profile's
    /// precision: the same roots give the same numbers.
    /// </summary>
    public static class WhatIfAnalysis
    {
        public static IReadOnlyList<WhatIf> Build(IReadOnlyList<RootAnalysis> roots, IReadOnlyList<BreakdownEntry> breakdown, bool seconds)
        {
            var top = SignalAnalyzer.TopComponents(breakdown);
            if (top.Count == 0 || roots.Count == 0)
            {
                return Array.Empty<WhatIf>();
            }

            var median = MedianRoot(roots);
            var result = new List<WhatIf>(top.Count);
            foreach (var component in top)
            {
                long current = 0, half = 0, removed = 0;
                long medianHalf = 0, medianRemoved = 0;
                var criticalAtHalf = new Dictionary<string, long>(StringComparer.Ordinal);
                var criticalWithout = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var r in roots)
                {
                    current += r.DurationNanos;
                    long h, x;
                    if (!r.SpanCounts.ContainsKey(component))
                    {
                        // The component did not run under this root: nothing moves.
                        h = x = r.DurationNanos;
                        Add(criticalAtHalf, r.CriticalNanos);
                        Add(criticalWithout, r.CriticalNanos);
                    }
                    else
                    {
                        var halved = WhatIfTimeline.Retime(r, component, 1, 2);
                        var without = WhatIfTimeline.Retime(r, component, 0, 1);
                        h = halved.DurationNanos;
                        x = without.DurationNanos;
                        Add(criticalAtHalf, Rewalk(r, halved).CriticalNanos);
                        Add(criticalWithout, Rewalk(r, without).CriticalNanos);
                    }

                    half += h;
                    removed += x;
                    if (ReferenceEquals(r, median))
                    {
                        medianHalf = h;
                        medianRemoved = x;
                    }
                }

                var currentMs = Apportion.ToMs(current, seconds);
                var halfMs = Apportion.ToMs(half, seconds);
                var removedMs = Apportion.ToMs(removed, seconds);
                result.Add(new WhatIf(
                    component,
                    currentMs,
                    halfMs,
                    removedMs,
                    DeltaPct(halfMs, currentMs),
                    DeltaPct(removedMs, currentMs),
                    Dominant(criticalAtHalf, null),
                    Dominant(criticalWithout, component),
                    Apportion.ToMs(median.DurationNanos, seconds),
                    Apportion.ToMs(medianHalf, seconds),
                    Apportion.ToMs(medianRemoved, seconds)));
            }

            return result;
        }

        /// <summary>The finding for the dominant component: what halving it would buy, and what would then dominate.</summary>
        public static Finding? Finding(IReadOnlyList<WhatIf> whatIf, string targetType, long roots)
        {
            if (whatIf.Count == 0)
            {
                return null;
            }

            var w = whatIf[0];
            var c = w.Component;
            string scope;
            if (roots == 1)
            {
                scope = string.Format(CultureInfo.InvariantCulture, "the {0} would take {1:#,0} ms instead of {2:#,0} ms ({3}); without it, {4:#,0} ms ({5})", Noun(targetType), w.HalfMs, w.CurrentMs, Signed(w.HalfDeltaPct), w.RemovedMs, Signed(w.RemovedDeltaPct));
            }
            else
            {
                scope = string.Format(
                    CultureInfo.InvariantCulture,
                    "the {0:#,0} roots would take {1:#,0} ms instead of {2:#,0} ms in all ({3}) and the median root {4:#,0} ms instead of {5:#,0} ms; without it, {6:#,0} ms in all ({7})",
                    roots,
                    w.HalfMs,
                    w.CurrentMs,
                    Signed(w.HalfDeltaPct),
                    w.MedianRootHalfMs,
                    w.MedianRootCurrentMs,
                    w.RemovedMs,
                    Signed(w.RemovedDeltaPct));
            }

            var atHalf = string.Equals(w.CriticalAtHalf, c, StringComparison.Ordinal)
                ? "at half it would still hold the most critical-path time"
                : "at half, " + w.CriticalAtHalf + " would hold the most critical-path time";
            var beyond = w.NextCritical == "none" ? "." : "; beyond that, " + w.NextCritical + " becomes critical.";
            var key = "{component=\"" + c + "\"}";
            var citations = new List<MetricCitation>
            {
                new("what_if.current_ms" + key, w.CurrentMs, "ms"),
                new("what_if.half_ms" + key, w.HalfMs, "ms"),
                new("what_if.half_delta_pct" + key, w.HalfDeltaPct, "percent"),
                new("what_if.removed_ms" + key, w.RemovedMs, "ms"),
            };
            if (roots > 1)
            {
                citations.Add(new MetricCitation("what_if.median_root.half_ms" + key, w.MedianRootHalfMs, "ms"));
            }

            return new Finding("what-if.half:" + c, "info", "If " + c + " took half as long, " + scope + "; " + atHalf + beyond, citations);
        }

        /// <summary>The root at the nearest-rank median of the durations (ties by trace and span id), as summary.roots.p50_ms picks it.</summary>
        public static RootAnalysis MedianRoot(IReadOnlyList<RootAnalysis> roots)
        {
            var ordered = roots.OrderBy(r => r.DurationNanos)
                .ThenBy(r => r.Root.TraceId)
                .ThenBy(r => r.Root.SpanId)
                .ToList();
            var rank = (int)Math.Ceiling(0.5 * ordered.Count);
            return ordered[Math.Max(0, rank - 1)];
        }

        /// <summary>The halved trace as spans at their new times, walked again.</summary>
        private static RootAnalysis Rewalk(RootAnalysis r, WhatIfTimeline.Result timeline)
        {
            var spans = r.Tree.Spans;
            var moved = new List<SpanRecord>(spans.Length);
            for (var i = 0; i < spans.Length; i++)
            {
                moved.Add(spans[i].StartUnixNano == timeline.Starts[i] && spans[i].EndUnixNano == timeline.Ends[i] ? spans[i] : spans[i].WithTimes(timeline.Starts[i], timeline.Ends[i]));
            }

            var tree = TraceTree.Build(r.Tree.TraceId, moved);
            return CriticalPath.Analyze(tree, tree.IndexOf(r.Root.SpanId), new DataQualityCounters());
        }

        /// <summary>The component with the most critical-path time (ties by name), leaving out <paramref name="except"/>; "none" when nothing is left.</summary>
        private static string Dominant(Dictionary<string, long> critical, string? except) =>
            critical.Where(kv => kv.Value > 0 && !string.Equals(kv.Key, except, StringComparison.Ordinal))
                .OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => kv.Key)
                .FirstOrDefault() ?? "none";

        private static decimal DeltaPct(long value, long current) =>
            current == 0 ? 0m : Apportion.OneDecimal((decimal)(value - current) * 100m / current);

        private static string Signed(decimal pct) =>
            (pct > 0 ? "+" : string.Empty) + pct.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static string Noun(string targetType) => targetType switch
        {
            "run" => "run",
            "workflow" => "workflow run",
            "operation" => "operation",
            "connector" => "connector run",
            _ => "request",
        };

        private static void Add(Dictionary<string, long> into, Dictionary<string, long> from)
        {
            foreach (var kv in from)
            {
                into.TryGetValue(kv.Key, out var v);
                into[kv.Key] = v + kv.Value;
            }
        }
    }
}
