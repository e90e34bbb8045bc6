using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// One trace's spans in a fixed order (start, then span id) with parent and children as index
    /// arrays: no recursion anywhere, and the same tree whatever order the files delivered spans in.
    /// Children are ordered by end time descending, the order the critical-path walk consumes them.
    /// </summary>
    public sealed class TraceTree
    {
        private readonly int[] _childStart;
        private readonly int[] _children;

        private TraceTree(TraceId traceId, SpanRecord[] spans, int[] parent, int[] childStart, int[] children, int duplicates, int orphans, int cycles)
        {
            TraceId = traceId;
            Spans = spans;
            Parent = parent;
            _childStart = childStart;
            _children = children;
            Duplicates = duplicates;
            Orphans = orphans;
            Cycles = cycles;
        }

        public TraceId TraceId { get; }

        public SpanRecord[] Spans { get; }

        /// <summary>Index of each span's parent, or -1 for a root or an orphan.</summary>
        public int[] Parent { get; }

        public int Duplicates { get; }

        /// <summary>Whether any span is a CONSUMER: most traces have none, and the walk then skips looking for awaited messages.</summary>
        public bool HasConsumers { get; private set; }

        /// <summary>Spans whose parent id names no span of the trace.</summary>
        public int Orphans { get; }

        /// <summary>Spans whose parent chain loops (a span that is its own ancestor).</summary>
        public int Cycles { get; }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public ReadOnlySpan<int> ChildrenOf(int index) => new(_children, _childStart[index], _childStart[index + 1] - _childStart[index]);

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public int IndexOf(ulong spanId)
        {
            // Spans are few per lookup site; a binary search over a sorted copy would cost more to build.
            for (var i = 0; i < Spans.Length; i++)
            {
                if (Spans[i].SpanId == spanId)
                {
                    return i;
                }
            }

            return -1;
        }

        public static TraceTree Build(TraceId traceId, List<SpanRecord> input) => Build(traceId, input, null);

        /// <param name="buffers">Kept by a caller that builds many trees on one thread; null allocates the index afresh.</param>
        internal static TraceTree Build(TraceId traceId, List<SpanRecord> input, RootWalkBuffers? buffers) => Build(traceId, input.ToArray(), buffers ?? new RootWalkBuffers());

        /// <param name="sorted">The trace's spans, sorted in place: the tree keeps the array (the caller hands it over).</param>
        [MethodImpl(HotPath.Optimised)]
        internal static TraceTree Build(TraceId traceId, SpanRecord[] sorted, RootWalkBuffers buffers)
        {
            SortCanonical(sorted, buffers);

            // Duplicate span ids: keep the first in the canonical order, count the rest.
            var index = buffers.Index;
            index.Reset(sorted.Length);
            List<SpanRecord>? kept = null;
            var duplicates = 0;
            for (var i = 0; i < sorted.Length; i++)
            {
                var s = sorted[i];
                if (!index.TryAdd(s.SpanId, kept?.Count ?? i))
                {
                    // The first duplicate: the spans before it are kept as they are, copied once.
                    kept ??= new List<SpanRecord>(new ArraySegment<SpanRecord>(sorted, 0, i));
                    duplicates++;
                    continue;
                }

                kept?.Add(s);
            }

            var spans = kept?.ToArray() ?? sorted;
            var n = spans.Length;
            var parent = new int[n];
            var orphans = 0;
            var selfLoops = 0;
            var hasConsumers = false;

            // Counts and fill positions are scratch: only the parent, start and child arrays stay with the tree.
            var childCount = buffers.Ints(0, n + 1);
            for (var i = 0; i < n; i++)
            {
                var s = spans[i];
                hasConsumers |= s.Kind == SpanKind.Consumer;
                var p = s.ParentSpanId;
                if (p == 0)
                {
                    parent[i] = -1;
                }
                else if (index.TryGet(p, out var pi))
                {
                    if (pi == i)
                    {
                        // A span that is its own parent: a loop of one.
                        parent[i] = -1;
                        selfLoops++;
                        continue;
                    }

                    parent[i] = pi;
                    childCount[pi]++;
                }
                else
                {
                    parent[i] = -1;
                    orphans++;
                }
            }

            var cycles = selfLoops + BreakCycles(parent, childCount, buffers);

            var childStart = new int[n + 1];
            for (var i = 0; i < n; i++)
            {
                childStart[i + 1] = childStart[i] + childCount[i];
            }

            var fill = buffers.Ints(1, n);
            var children = new int[childStart[n]];
            for (var i = 0; i < n; i++)
            {
                var p = parent[i];
                if (p >= 0)
                {
                    children[childStart[p] + fill[p]++] = i;
                }
            }

            EndDescending? byEnd = null;
            for (var i = 0; i < n; i++)
            {
                var len = childStart[i + 1] - childStart[i];
                if (len > SmallChildren)
                {
                    SortWideEndDescending(spans, children, childStart[i], len, buffers, ref byEnd);
                }
                else if (len > 1)
                {
                    InsertionSortEndDescending(spans, children, childStart[i], len);
                }
            }

            return new TraceTree(traceId, spans, parent, childStart, children, duplicates, orphans, cycles)
            {
                HasConsumers = hasConsumers,
            };
        }

        /// <summary>Up to this many spans a trace is sorted by insertion.</summary>
        private const int SmallTrace = 32;

        /// <summary>Up to this many children an insertion sort beats the general sort (most spans have a handful).</summary>
        private const int SmallChildren = 16;

        /// <summary>
        /// Sorts into <see cref="CompareSpans"/> order: by start alone first (a sort over plain
        /// numbers, no comparer call per step), then each run of equal starts by the full order.
        /// The full order decides every pair the start does not, so the result is the one a sort
        /// by <see cref="CompareSpans"/> gives.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static void SortCanonical(SpanRecord[] spans, RootWalkBuffers buffers)
        {
            // One pass reads every span once: its start as the key, and whether the spans are in order already.
            var n = spans.Length;
            var starts = buffers.Longs(n);
            var ordered = true;
            for (var i = 0; i < n; i++)
            {
                starts[i] = spans[i].StartUnixNano;
                if (ordered && i > 0 && starts[i] <= starts[i - 1])
                {
                    ordered = starts[i] == starts[i - 1] && CompareSpans(spans[i - 1], spans[i]) <= 0;
                }
            }

            if (ordered)
            {
                return;
            }

            if (n <= SmallTrace)
            {
                // Most traces are a few dozen spans: an insertion sort on the keys beats the general sort's set-up.
                for (var i = 1; i < n; i++)
                {
                    var key = starts[i];
                    var span = spans[i];
                    var j = i - 1;
                    while (j >= 0 && (starts[j] > key || (starts[j] == key && CompareSpans(spans[j], span) > 0)))
                    {
                        starts[j + 1] = starts[j];
                        spans[j + 1] = spans[j];
                        j--;
                    }

                    starts[j + 1] = key;
                    spans[j + 1] = span;
                }

                return;
            }

            // The starts sort a permutation, not the spans: a sort with plain numbers on both sides
            // runs specialised code, where one carrying the spans runs the runtime's shared code for
            // objects. The spans are then laid out once in the permutation's order.
            var order = buffers.Ints(0, n);
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }

            Array.Sort(starts, order, 0, n);
            var copy = buffers.SpanCopy(spans, n);
            for (var i = 0; i < n; i++)
            {
                spans[i] = copy[order[i]];
            }

            for (var i = 0; i < n;)
            {
                var j = i + 1;
                while (j < n && starts[j] == starts[i])
                {
                    j++;
                }

                if (j - i > SmallTrace)
                {
                    Array.Sort(spans, i, j - i, CanonicalOrder.Instance);
                }
                else if (j - i > 1)
                {
                    // Runs of equal starts are mostly two or three spans (millisecond clocks): the
                    // general sort would build a comparison delegate for each of them.
                    for (var k = i + 1; k < j; k++)
                    {
                        var span = spans[k];
                        var m = k - 1;
                        while (m >= i && CompareSpans(spans[m], span) > 0)
                        {
                            spans[m + 1] = spans[m];
                            m--;
                        }

                        spans[m + 1] = span;
                    }
                }

                i = j;
            }
        }

        /// <summary>
        /// A wide fan-out in <see cref="EndDescending"/> order: by end alone first (plain numbers,
        /// latest first), then each run of equal ends by the full order, which decides every pair
        /// the end does not.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static void SortWideEndDescending(SpanRecord[] spans, int[] children, int from, int count, RootWalkBuffers buffers, ref EndDescending? byEnd)
        {
            var keys = buffers.Longs(count);
            for (var k = 0; k < count; k++)
            {
                // Bitwise complement: ascending order of ~end is descending order of end.
                keys[k] = ~spans[children[from + k]].EndUnixNano;
            }

            var items = buffers.Ints(2, count);
            Array.Copy(children, from, items, 0, count);
            Array.Sort(keys, items, 0, count);
            Array.Copy(items, 0, children, from, count);
            for (var k = 0; k < count;)
            {
                var j = k + 1;
                while (j < count && keys[j] == keys[k])
                {
                    j++;
                }

                if (j - k > SmallChildren)
                {
                    Array.Sort(children, from + k, j - k, byEnd ??= new EndDescending(spans));
                }
                else if (j - k > 1)
                {
                    InsertionSortEndDescending(spans, children, from + k, j - k);
                }

                k = j;
            }
        }

        /// <summary>The same order as <see cref="EndDescending"/>, for the few children most spans have.</summary>
        [MethodImpl(HotPath.Optimised)]
        private static void InsertionSortEndDescending(SpanRecord[] spans, int[] children, int from, int count)
        {
            var end = from + count;
            for (var i = from + 1; i < end; i++)
            {
                var x = children[i];
                var j = i - 1;
                while (j >= from && CompareEndDescending(spans, children[j], x) > 0)
                {
                    children[j + 1] = children[j];
                    j--;
                }

                children[j + 1] = x;
            }
        }

        /// <summary>
        /// Cuts every parent loop at one deterministic point so later walks terminate; returns how
        /// many spans sat on a loop.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static int BreakCycles(int[] parent, int[] childCount, RootWalkBuffers buffers)
        {
            var n = parent.Length;
            var state = buffers.Ints(2, n); // 0 unvisited, 1 on the current path, 2 done (slot 2 is free again once the search is over)
            var path = buffers.Path;
            path.Clear();
            var cycles = 0;
            for (var i = 0; i < n; i++)
            {
                if (state[i] != 0)
                {
                    continue;
                }

                path.Clear();
                var j = i;
                while (j >= 0 && state[j] == 0)
                {
                    state[j] = 1;
                    path.Add(j);
                    j = parent[j];
                }

                if (j >= 0 && state[j] == 1)
                {
                    // j is on the current path: the loop is path[pos(j)..]. Cut it at j.
                    var pos = path.IndexOf(j);
                    cycles += path.Count - pos;
                    childCount[parent[j]]--;
                    parent[j] = -1;
                }

                foreach (var k in path)
                {
                    state[k] = 2;
                }
            }

            return cycles;
        }

        [MethodImpl(HotPath.Optimised)]
        private static int CompareSpans(SpanRecord a, SpanRecord b)
        {
            var c = a.StartUnixNano.CompareTo(b.StartUnixNano);
            if (c != 0) return c;
            c = a.SpanId.CompareTo(b.SpanId);
            if (c != 0) return c;
            c = a.EndUnixNano.CompareTo(b.EndUnixNano);
            if (c != 0) return c;
            c = ((int)a.Kind).CompareTo((int)b.Kind);
            if (c != 0) return c;
            return string.CompareOrdinal(a.Label, b.Label);
        }

        /// <summary>The order the critical-path walk consumes children in: latest end first, then latest start, then index.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static int CompareEndDescending(SpanRecord[] spans, int x, int y)
        {
            var a = spans[x];
            var b = spans[y];
            var c = b.EndUnixNano.CompareTo(a.EndUnixNano);
            if (c != 0) return c;
            c = b.StartUnixNano.CompareTo(a.StartUnixNano);
            if (c != 0) return c;
            return x.CompareTo(y);
        }

        private sealed class CanonicalOrder : IComparer<SpanRecord>
        {
            public static readonly CanonicalOrder Instance = new();

            public int Compare(SpanRecord? x, SpanRecord? y) => CompareSpans(x!, y!);
        }

        private sealed class EndDescending : IComparer<int>
        {
            private readonly SpanRecord[] _spans;

            public EndDescending(SpanRecord[] spans) => _spans = spans;

            public int Compare(int x, int y) => CompareEndDescending(_spans, x, y);
        }
    }
}
