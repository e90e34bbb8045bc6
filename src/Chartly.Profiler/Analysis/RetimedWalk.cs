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
        private sealed class Frame
        {
            public int Span;
            public long Start;
            public long End;
            public long Cursor;
            public int[] Children = Array.Empty<int>();
            public int Next;
            public long PendingChildStart;
            public bool WaitingForChild;
        }

        /// <summary>Adds the re-timed root's critical time per component to <paramref name="critical"/>.</summary>
        public static void AddCriticalNanos(RootAnalysis analysis, BlockingGraph graph, WhatIfTimeline.Result t, Dictionary<string, long> critical)
        {
            var tree = analysis.Tree;
            var spans = tree.Spans;
            var root = analysis.RootIndex;
            var stack = new Stack<Frame>();
            stack.Push(Open(graph, t, root, t.FrameStarts[root], t.Ends[root]));
            while (stack.Count > 0)
            {
                var f = stack.Pop();
                if (f.WaitingForChild)
                {
                    f.Cursor = f.PendingChildStart;
                    f.WaitingForChild = false;
                }

                var tolerance = (f.End - f.Start) * CriticalPath.SkewToleranceBasisPoints / 10_000;
                var found = false;
                while (f.Next < f.Children.Length)
                {
                    var ci = f.Children[f.Next++];
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
                    if (graph.Children[ci].Length == 0)
                    {
                        // A leaf holds its whole stretch; the parent goes on before it without a frame.
                        Add(critical, spans[ci].Label, ce - cs);
                        f.Cursor = cs;
                        continue;
                    }

                    f.WaitingForChild = true;
                    f.PendingChildStart = cs;
                    stack.Push(f);
                    var child = Open(graph, t, ci, cs, ce);
                    stack.Push(child);
                    found = true;
                    break;
                }

                if (!found)
                {
                    Add(critical, spans[f.Span].Label, f.Cursor - f.Start);
                }
            }
        }

        /// <summary>The re-timed root's critical time per component.</summary>
        public static Dictionary<string, long> CriticalNanos(RootAnalysis analysis, BlockingGraph graph, WhatIfTimeline.Result t)
        {
            var critical = new Dictionary<string, long>(StringComparer.Ordinal);
            AddCriticalNanos(analysis, graph, t, critical);
            return critical;
        }

        /// <summary>A span's blocking children, latest new end first (then latest new start, then index), as the walk consumes them.</summary>
        private static Frame Open(BlockingGraph graph, WhatIfTimeline.Result t, int span, long start, long end)
        {
            var byStart = graph.Children[span];
            var children = byStart;
            if (byStart.Length > 1)
            {
                children = (int[])byStart.Clone();
                Array.Sort(children, (x, y) =>
                {
                    var c = t.Ends[y].CompareTo(t.Ends[x]);
                    if (c != 0) return c;
                    c = t.FrameStarts[y].CompareTo(t.FrameStarts[x]);
                    return c != 0 ? c : x.CompareTo(y);
                });
            }

            return new Frame { Span = span, Start = start, End = end, Cursor = end, Children = children };
        }

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
