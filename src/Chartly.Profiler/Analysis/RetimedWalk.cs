using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// The critical-path walk of <see cref="CriticalPath"/> over a re-timed root
    /// (<see cref="WhatIfTimeline"/>), giving only the critical time per component. It keeps the
    /// recorded trace's blocking graph (which children block whom, which consumers were awaited)
    /// and reads the new times, so no trace is rebuilt: what-if costs a walk, not a copy.
    /// </summary>
    public static class RetimedWalk
    {
        internal struct Frame
        {
            public int Span;
            public long Start;
            public long End;
            public long Cursor;
            public int ChildFrom;
            public int ChildTo;
            public int Next;
            public long PendingChildStart;
            public bool WaitingForChild;
        }

        /// <summary>
        /// Buffers one caller reuses across walks (a what-if walks every root several times): the
        /// frames, and every open frame's children one after another (frames close in the order
        /// they open, so each frame's children sit above its parent's).
        /// </summary>
        public sealed class Scratch
        {
            internal Frame[] Frames = new Frame[64];
            internal int[] Children = new int[256];
            internal readonly NewEndDescending ByNewEnd = new();

            internal int Reserve(int from, int count)
            {
                if (from + count > Children.Length)
                {
                    Array.Resize(ref Children, Math.Max(from + count, Children.Length * 2));
                }

                return from;
            }
        }

        /// <summary>The walk's order of a frame's children over the new times: latest end first, then latest start, then index.</summary>
        internal sealed class NewEndDescending : IComparer<int>
        {
            public WhatIfTimeline.Result? Times;

            public int Compare(int x, int y)
            {
                var t = Times!;
                var c = t.Ends[y].CompareTo(t.Ends[x]);
                if (c != 0) return c;
                c = t.FrameStarts[y].CompareTo(t.FrameStarts[x]);
                return c != 0 ? c : x.CompareTo(y);
            }
        }

        /// <summary>Adds the re-timed root's critical time per component to <paramref name="critical"/>.</summary>
        public static void AddCriticalNanos(RootAnalysis analysis, BlockingGraph graph, WhatIfTimeline.Result t, Dictionary<string, long> critical) =>
            AddCriticalNanos(analysis, graph, t, critical, new Scratch());

        /// <summary>The same, with buffers kept from the caller's previous walks.</summary>
        // AggressiveOptimization (512): the what-if walks every root twice per top component in one
        // burst; the unoptimised first tier would run most of those walks.
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static void AddCriticalNanos(RootAnalysis analysis, BlockingGraph graph, WhatIfTimeline.Result t, Dictionary<string, long> critical, Scratch scratch)
        {
            var spans = analysis.Tree.Spans;
            var root = analysis.RootIndex;
            scratch.ByNewEnd.Times = t;
            var depth = 0;
            scratch.Frames[0] = Open(graph, t, root, t.FrameStarts[root], t.Ends[root], scratch, 0);
            while (depth >= 0)
            {
                ref var f = ref scratch.Frames[depth];
                if (f.WaitingForChild)
                {
                    f.Cursor = f.PendingChildStart;
                    f.WaitingForChild = false;
                }

                var tolerance = (f.End - f.Start) * CriticalPath.SkewToleranceBasisPoints / 10_000;
                var found = false;
                while (f.Next < f.ChildTo)
                {
                    var ci = scratch.Children[f.Next++];
                    var cs = Math.Max(t.FrameStarts[ci], f.Start);
                    var ce = Math.Min(t.Ends[ci], f.End);
                    if (ce <= cs)
                    {
                        continue;
                    }

                    if (ce > f.Cursor)
                    {
                        if (ce - f.Cursor > tolerance || cs >= f.Cursor)
                        {
                            continue;
                        }

                        ce = f.Cursor;
                    }

                    Add(critical, spans[f.Span].Label, f.Cursor - ce);
                    if (graph.ChildCount(ci) == 0)
                    {
                        // A leaf holds its whole stretch; the parent goes on before it without a frame.
                        Add(critical, spans[ci].Label, ce - cs);
                        f.Cursor = cs;
                        continue;
                    }

                    f.WaitingForChild = true;
                    f.PendingChildStart = cs;
                    var childFrom = f.ChildTo;
                    if (depth + 1 == scratch.Frames.Length)
                    {
                        Array.Resize(ref scratch.Frames, scratch.Frames.Length * 2);
                    }

                    scratch.Frames[depth + 1] = Open(graph, t, ci, cs, ce, scratch, childFrom);
                    depth++;
                    found = true;
                    break;
                }

                if (!found)
                {
                    Add(critical, spans[scratch.Frames[depth].Span].Label, scratch.Frames[depth].Cursor - scratch.Frames[depth].Start);
                    depth--;
                }
            }

            scratch.ByNewEnd.Times = null;
        }

        /// <summary>The re-timed root's critical time per component.</summary>
        public static Dictionary<string, long> CriticalNanos(RootAnalysis analysis, BlockingGraph graph, WhatIfTimeline.Result t)
        {
            var critical = new Dictionary<string, long>(StringComparer.Ordinal);
            AddCriticalNanos(analysis, graph, t, critical);
            return critical;
        }

        /// <summary>A span's blocking children, latest new end first (then latest new start, then index), as the walk consumes them, copied to <paramref name="from"/> in the scratch.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static Frame Open(BlockingGraph graph, WhatIfTimeline.Result t, int span, long start, long end, Scratch scratch, int from)
        {
            var count = graph.ChildCount(span);
            scratch.Reserve(from, count);
            Array.Copy(graph.Children, graph.ChildFrom(span), scratch.Children, from, count);
            if (count > 1)
            {
                Array.Sort(scratch.Children, from, count, scratch.ByNewEnd);
            }

            return new Frame { Span = span, Start = start, End = end, Cursor = end, ChildFrom = from, ChildTo = from + count, Next = from };
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static void Add(Dictionary<string, long> map, string key, long value)
        {
            if (value == 0)
            {
                return;
            }

            map.TryGetValue(key, out var v);
            map[key] = v + value;
        }
    }
}
