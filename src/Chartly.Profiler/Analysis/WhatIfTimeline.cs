using System;
using System.Collections.Generic;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Re-times one root's trace as if one component had been faster, so the critical path can be
    /// walked again (docs/critical-path.md, "What if"). The model, over the same blocking graph
    /// the walk uses (children clipped to their parent, awaited consumers included):
    /// <list type="bullet">
    /// <item>every span of the component keeps <c>keep/of</c> of its own (self) time; waiting in a
    /// queue is not the consumer's own time and keeps its length;</item>
    /// <item>a child that started after a sibling had ended is taken to have waited for it: it keeps
    /// its distance to the latest such sibling and moves with it;</item>
    /// <item>a child that started while its siblings ran (parallel) keeps its offset from its
    /// parent's start;</item>
    /// <item>a parent ends its trailing own time after its last blocking child ends.</item>
    /// </list>
    /// <code>
    ///   before:  step |---[a: 3,700 .. 6,000]----------------------|   root +300
    ///                 |---[a: 3,700 ........... 9,500]-------------|+200
    ///                 |---[a: 3,700 .... 7,000]--------------------|
    ///   a at x0.5:    |---[a: 3,700 .. 4,850]
    ///                 |---[a: 3,700 .... 6,600]|+200 -> step 6,800, root 7,100
    ///                 |---[a: 3,700 .. 5,350]
    /// </code>
    /// With keep/of = 1/1 every span gets its own times back, so the model changes nothing it is
    /// not asked to. Iterative: a million-deep chain does not touch the call stack.
    /// </summary>
    public static class WhatIfTimeline
    {
        /// <summary>New start and end per span index; spans the blocking graph does not reach keep their times.</summary>
        public sealed class Result
        {
            public Result(long[] starts, long[] ends, long durationNanos)
            {
                Starts = starts;
                Ends = ends;
                DurationNanos = durationNanos;
            }

            public long[] Starts { get; }

            public long[] Ends { get; }

            /// <summary>The root's new duration.</summary>
            public long DurationNanos { get; }
        }

        private sealed class Frame
        {
            public int Span;
            public long OrigStart;
            public long OrigEnd;
            public long NewStart;
            public (int Index, long Start, long End)[] Children = Array.Empty<(int, long, long)>();
            public int Next;
            public long MaxChildOrigEnd = long.MinValue;
            public long MaxChildNewEnd = long.MinValue;

            // Siblings processed but not yet ended by the current child's start, by original end.
            public SortedSet<(long OrigEnd, long NewEnd, int Index)> Pending = new();
            public bool HasPredecessor;
            public long PredOrigEnd;
            public long PredNewEnd;
        }

        public static Result Retime(RootAnalysis analysis, string component, long keep, long of)
        {
            var tree = analysis.Tree;
            var spans = tree.Spans;
            var starts = new long[spans.Length];
            var ends = new long[spans.Length];
            for (var i = 0; i < spans.Length; i++)
            {
                starts[i] = spans[i].StartUnixNano;
                ends[i] = spans[i].EndUnixNano;
            }

            var root = spans[analysis.RootIndex];
            var stack = new Stack<Frame>();
            stack.Push(Open(analysis, analysis.RootIndex, root.StartUnixNano, root.EndUnixNano, root.StartUnixNano));
            long rootEnd = root.EndUnixNano;
            while (stack.Count > 0)
            {
                var f = stack.Peek();
                var own = spans[f.Span];
                var scaled = string.Equals(own.Label, component, StringComparison.Ordinal);
                if (f.Next < f.Children.Length)
                {
                    var (ci, cs, ce) = f.Children[f.Next++];
                    var tolerance = (f.OrigEnd - f.OrigStart) * CriticalPath.SkewToleranceBasisPoints / 10_000;
                    while (f.Pending.Count > 0 && f.Pending.Min.OrigEnd <= cs + tolerance)
                    {
                        var p = f.Pending.Min;
                        f.Pending.Remove(p);
                        if (!f.HasPredecessor || p.OrigEnd > f.PredOrigEnd || (p.OrigEnd == f.PredOrigEnd && p.NewEnd > f.PredNewEnd))
                        {
                            f.HasPredecessor = true;
                            f.PredOrigEnd = p.OrigEnd;
                            f.PredNewEnd = p.NewEnd;
                        }
                    }

                    var newStart = f.HasPredecessor
                        ? f.PredNewEnd + Own(own, Math.Min(cs, f.PredOrigEnd), cs, scaled, keep, of)
                        : f.NewStart + Own(own, f.OrigStart, cs, scaled, keep, of);
                    stack.Push(Open(analysis, ci, cs, ce, newStart));
                    continue;
                }

                // All children done: the span ends its trailing own time after its last blocking child.
                stack.Pop();
                long newEnd;
                if (f.Children.Length == 0)
                {
                    newEnd = f.NewStart + Own(own, f.OrigStart, f.OrigEnd, scaled, keep, of);
                }
                else
                {
                    newEnd = f.MaxChildNewEnd + Own(own, Math.Min(f.MaxChildOrigEnd, f.OrigEnd), f.OrigEnd, scaled, keep, of);
                }

                starts[f.Span] = f.NewStart + Math.Max(0, spans[f.Span].StartUnixNano - f.OrigStart);
                ends[f.Span] = newEnd;
                if (stack.Count == 0)
                {
                    rootEnd = newEnd;
                    break;
                }

                var parent = stack.Peek();
                parent.MaxChildOrigEnd = Math.Max(parent.MaxChildOrigEnd, f.OrigEnd);
                parent.MaxChildNewEnd = Math.Max(parent.MaxChildNewEnd, newEnd);
                parent.Pending.Add((f.OrigEnd, newEnd, f.Span));
            }

            return new Result(starts, ends, rootEnd - root.StartUnixNano);
        }

        /// <summary>
        /// The length [from, to) of a span's own time as the model keeps it: scaled for the
        /// component, except the part before the span itself began (a message waiting in a queue).
        /// </summary>
        private static long Own(SpanRecord span, long from, long to, bool scaled, long keep, long of)
        {
            if (to <= from)
            {
                return 0;
            }

            var queued = Math.Max(0, Math.Min(to, span.StartUnixNano) - from);
            var work = to - from - queued;
            return queued + (scaled ? work * keep / of : work);
        }

        /// <summary>A frame for a span entered over [start, end) (clipped, and from the hand-over for an awaited consumer).</summary>
        private static Frame Open(RootAnalysis analysis, int span, long start, long end, long newStart)
        {
            var tree = analysis.Tree;
            var spans = tree.Spans;
            var list = new List<(int, long, long)>();
            foreach (var ci in analysis.Awaited.ChildrenOf(tree, span))
            {
                if (!analysis.Awaited.Blocks(tree, span, ci, out var childStart))
                {
                    continue;
                }

                var cs = Math.Max(childStart, start);
                var ce = Math.Min(spans[ci].EndUnixNano, end);
                if (ce > cs)
                {
                    list.Add((ci, cs, ce));
                }
            }

            var children = list.ToArray();
            Array.Sort(children, (a, b) =>
            {
                var c = a.Item2.CompareTo(b.Item2);
                if (c != 0) return c;
                c = a.Item3.CompareTo(b.Item3);
                return c != 0 ? c : a.Item1.CompareTo(b.Item1);
            });
            return new Frame { Span = span, OrigStart = start, OrigEnd = end, NewStart = newStart, Children = children };
        }
    }
}
