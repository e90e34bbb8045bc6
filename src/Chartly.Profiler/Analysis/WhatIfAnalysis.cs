using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
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
        public static IReadOnlyList<WhatIf> Build(IReadOnlyList<RootAnalysis> roots, IReadOnlyList<BreakdownEntry> breakdown, bool seconds, int maxParallelism = 1)
        {
            var top = SignalAnalyzer.TopComponents(breakdown);
            if (top.Count == 0 || roots.Count == 0)
            {
                return Array.Empty<WhatIf>();
            }

            var median = MedianRoot(roots);
            var chunks = WorkChunks.Of(roots.Count, maxParallelism, perCore: 4);
            var partials = new Partial[chunks.Count];

            // Roots are independent: each chunk sums its own, and the sums are integers added in
            // chunk order, so any number of cores gives the same bytes.
            Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallelism) }, [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)] (c) =>
            {
                var p = partials[c] = new Partial(top.Count);
                var halfScratch = new WhatIfTimeline.Scratch();
                var withoutScratch = new WhatIfTimeline.Scratch();
                var walkScratch = new RetimedWalk.Scratch();
                BlockingGraph? spare = null;
                for (var i = chunks[c].From; i < chunks[c].To; i++)
                {
                    var r = roots[i];
                    var built = false;
                    for (var k = 0; k < top.Count; k++)
                    {
                        long h, x;
                        if (!r.CriticalNanos.ContainsKey(top[k]))
                        {
                            // Off this root's critical path, nothing on the path waited for the
                            // component (the walk's last-finishing child is the model's
                            // predecessor), so a faster one moves nothing that matters.
                            h = x = r.DurationNanos;
                            Add(p.AtHalf[k], r.CriticalNanos);
                            Add(p.Without[k], r.CriticalNanos);
                        }
                        else
                        {
                            // One graph per chunk, refilled once for each root that needs it.
                            if (!built)
                            {
                                spare = BlockingGraph.Build(r, spare);
                                built = true;
                            }

                            var graph = spare!;
                            var halved = WhatIfTimeline.Retime(r, graph, top[k], 1, 2, halfScratch);
                            var without = WhatIfTimeline.Retime(r, graph, top[k], 0, 1, withoutScratch);
                            h = halved.DurationNanos;
                            x = without.DurationNanos;
                            RetimedWalk.AddCriticalNanos(r, graph, halved, p.AtHalf[k], walkScratch);
                            RetimedWalk.AddCriticalNanos(r, graph, without, p.Without[k], walkScratch);
                        }

                        p.Half[k] += h;
                        p.Removed[k] += x;
                        if (ReferenceEquals(r, median))
                        {
                            p.MedianHalf[k] = h;
                            p.MedianRemoved[k] = x;
                        }
                    }
                }
            });

            long current = 0;
            foreach (var r in roots)
            {
                current += r.DurationNanos;
            }

            var result = new List<WhatIf>(top.Count);
            for (var k = 0; k < top.Count; k++)
            {
                var component = top[k];
                long half = 0, removed = 0, medianHalf = 0, medianRemoved = 0;
                var criticalAtHalf = new Dictionary<string, long>(StringComparer.Ordinal);
                var criticalWithout = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var p in partials)
                {
                    half += p.Half[k];
                    removed += p.Removed[k];
                    medianHalf += p.MedianHalf[k];
                    medianRemoved += p.MedianRemoved[k];
                    Add(criticalAtHalf, p.AtHalf[k]);
                    Add(criticalWithout, p.Without[k]);
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
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static RootAnalysis MedianRoot(IReadOnlyList<RootAnalysis> roots)
        {
            // Durations sorted as plain keys; the ids break ties only among the roots whose
            // duration equals the median's (the full ordering, read at one position).
            var n = roots.Count;
            var durations = new long[n];
            var index = new int[n];
            for (var i = 0; i < n; i++)
            {
                durations[i] = roots[i].DurationNanos;
                index[i] = i;
            }

            Array.Sort(durations, index);
            var at = Math.Max(0, (int)Math.Ceiling(0.5 * n) - 1);
            var lo = at;
            var hi = at;
            while (lo > 0 && durations[lo - 1] == durations[at])
            {
                lo--;
            }

            while (hi + 1 < n && durations[hi + 1] == durations[at])
            {
                hi++;
            }

            var tied = new int[hi - lo + 1];
            Array.Copy(index, lo, tied, 0, tied.Length);
            Array.Sort(tied, (a, b) =>
            {
                var c = roots[a].Root.TraceId.CompareTo(roots[b].Root.TraceId);
                if (c != 0) return c;
                c = roots[a].Root.SpanId.CompareTo(roots[b].Root.SpanId);
                return c != 0 ? c : a.CompareTo(b);
            });
            return roots[tied[at - lo]];
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

        /// <summary>One chunk's sums, per top component.</summary>
        private sealed class Partial
        {
            public Partial(int components)
            {
                Half = new long[components];
                Removed = new long[components];
                MedianHalf = new long[components];
                MedianRemoved = new long[components];
                AtHalf = new Dictionary<string, long>[components];
                Without = new Dictionary<string, long>[components];
                for (var k = 0; k < components; k++)
                {
                    // Keyed by the label string object, not its characters: the walks add a label
                    // per section of every root, and labels are shared strings, so this is a pointer
                    // hash instead of hashing the text millions of times. Two strings of one label
                    // are two keys here, added into one when the chunks merge (by characters).
                    AtHalf[k] = new Dictionary<string, long>(SameObject<string>.Instance);
                    Without[k] = new Dictionary<string, long>(SameObject<string>.Instance);
                }
            }

            public long[] Half { get; }

            public long[] Removed { get; }

            public long[] MedianHalf { get; }

            public long[] MedianRemoved { get; }

            public Dictionary<string, long>[] AtHalf { get; }

            public Dictionary<string, long>[] Without { get; }
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static void Add(Dictionary<string, long> into, LabelTotals from)
        {
            for (var i = 0; i < from.Count; i++)
            {
                var label = from.LabelAt(i);
                into.TryGetValue(label, out var v);
                into[label] = v + from.ValueAt(i);
            }
        }

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
