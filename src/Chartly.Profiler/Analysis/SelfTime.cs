using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Step two of a root's analysis: self time and span counts over the root's whole subtree,
    /// blocking or not (Jaeger's definition: a span's duration minus the union of its children
    /// clipped to it, never negative), and the children the walk had to clip or drop.
    /// <code>
    ///   parent |0 ..................................... 100|     self = 100 - |[10,40) u [30,60) u [90,100)|
    ///   a         |10 ...... 40|                                  = 100 - 60 = 40
    ///   b                |30 ...... 60|                            (overlapping children count once)
    ///   c                                     |90 ....... 120|    clipped to 100 (clipped_spans)
    ///   d                                                  |130..140|  outside: dropped (spans_outside_parent)
    /// </code>
    /// </summary>
    public static class SelfTime
    {
        [MethodImpl(HotPath.Optimised)]
        public static (LabelTotals Self, LabelTotals Counts, long Clipped, long Outside) Of(TraceTree tree, int rootIndex, RootWalkBuffers? buffers = null)
        {
            var spans = tree.Spans;
            buffers ??= new RootWalkBuffers();
            var self = buffers.Self;
            var counts = buffers.Counts;
            self.Clear();
            counts.Clear();
            long clipped = 0, outside = 0;
            var todo = buffers.Spans;
            var intervals = buffers.Intervals;
            todo.Clear();
            todo.Push(rootIndex);
            while (todo.Count > 0)
            {
                var si = todo.Pop();
                var s = spans[si];
                counts.Add(s.Label, 1);
                intervals.Clear();
                foreach (var ci in tree.ChildrenOf(si))
                {
                    var c = spans[ci];
                    todo.Push(ci);
                    if (c.EndUnixNano <= s.StartUnixNano || c.StartUnixNano >= s.EndUnixNano)
                    {
                        // A consumer outside its producer is the normal asynchronous case, not a broken tree.
                        if (c.Kind != SpanKind.Consumer)
                        {
                            outside++;
                        }

                        continue;
                    }

                    if (c.StartUnixNano < s.StartUnixNano || c.EndUnixNano > s.EndUnixNano)
                    {
                        clipped++;
                    }

                    intervals.Add((Math.Max(c.StartUnixNano, s.StartUnixNano), Math.Min(c.EndUnixNano, s.EndUnixNano)));
                }

                self.Add(s.Label, s.DurationNanos - UnionLength(intervals));
            }

            return (self.ToTotals(), counts.ToTotals(), clipped, outside);
        }

        [MethodImpl(HotPath.Optimised)]
        private static long UnionLength(List<(long Start, long End)> intervals)
        {
            if (intervals.Count == 0)
            {
                return 0;
            }

            if (intervals.Count > 1)
            {
                intervals.Sort(ByStartThenEnd.Instance);
            }

            long total = 0;
            var curStart = intervals[0].Start;
            var curEnd = intervals[0].End;
            for (var i = 1; i < intervals.Count; i++)
            {
                var (s, e) = intervals[i];
                if (s > curEnd)
                {
                    total += curEnd - curStart;
                    curStart = s;
                    curEnd = e;
                }
                else if (e > curEnd)
                {
                    curEnd = e;
                }
            }

            return total + (curEnd - curStart);
        }

        private sealed class ByStartThenEnd : IComparer<(long Start, long End)>
        {
            public static readonly ByStartThenEnd Instance = new();

            public int Compare((long Start, long End) a, (long Start, long End) b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End);
        }
    }
}
