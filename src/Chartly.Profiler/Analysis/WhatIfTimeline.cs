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
        /// <summary>Above this many children, pending siblings are kept ordered instead of scanned.</summary>
        private const int WideFanOut = 32;

        /// <summary>New start and end per span index; spans the blocking graph does not reach keep their times.</summary>
        public sealed class Result
        {
            public Result(long[] starts, long[] frameStarts, long[] ends, long durationNanos)
            {
                Starts = starts;
                FrameStarts = frameStarts;
                Ends = ends;
                DurationNanos = durationNanos;
            }

            public long[] Starts { get; }

            /// <summary>Where each span's stretch on its parent's timeline begins: its clipped start, or for an awaited consumer the hand-over of its message.</summary>
            public long[] FrameStarts { get; }

            public long[] Ends { get; }

            /// <summary>The root's new duration.</summary>
            public long DurationNanos { get; }
        }

        /// <summary>
        /// Buffers one caller reuses across roots (a what-if re-times every root of a target several
        /// times): the arrays of a <see cref="Result"/> stay valid until the next call with the same scratch.
        /// </summary>
        public sealed class Scratch
        {
            internal long[] Starts = Array.Empty<long>();
            internal long[] FrameStarts = Array.Empty<long>();
            internal long[] Ends = Array.Empty<long>();
            internal readonly Stack<Frame> Frames = new();
            internal readonly Stack<Frame> Free = new();

            /// <summary>The root whose unreached spans hold their recorded times in the arrays.</summary>
            internal RootAnalysis? TimesOf;

            [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
            internal void Ensure(int n)
            {
                if (Starts.Length < n)
                {
                    TimesOf = null;
                    var size = Math.Max(n, Starts.Length * 2);
                    Starts = new long[size];
                    FrameStarts = new long[size];
                    Ends = new long[size];
                }
            }
        }

        internal sealed class Frame
        {
            public int Span;

            /// <summary>Whether the span is of the component whose own time is scaled (decided once per frame, read per child).</summary>
            public bool Scaled;
            public long OrigStart;
            public long OrigEnd;
            public long NewStart;
            public int[] Children = Array.Empty<int>();
            public int ChildCount;
            public int Next;
            public int End;
            public long MaxChildOrigEnd = long.MinValue;
            public long MaxChildNewEnd = long.MinValue;

            // Siblings processed but not yet ended by the current child's start: a short list
            // scanned in place, or, for a wide fan-out, ordered by original end.
            public List<(long OrigEnd, long NewEnd, int Index)>? Few;
            public SortedSet<(long OrigEnd, long NewEnd, int Index)>? Many;
            public bool HasPredecessor;
            public long PredOrigEnd;
            public long PredNewEnd;
        }

        // AggressiveOptimization (512): called twice per root and top component in one burst, so
        // compiled optimised at once rather than after the unoptimised tier has run most calls.
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static Result Retime(RootAnalysis analysis, BlockingGraph graph, string component, long keep, long of, Scratch? scratch = null)
        {
            var tree = analysis.Tree;
            var spans = tree.Spans;
            scratch ??= new Scratch();
            scratch.Ensure(spans.Length);
            var starts = scratch.Starts;
            var frameStarts = scratch.FrameStarts;
            var ends = scratch.Ends;
            if (!ReferenceEquals(scratch.TimesOf, analysis))
            {
                // Every span the graph reaches is written below and nothing reads it first, so the
                // recorded times of the others stay valid for every re-timing of the same root.
                for (var i = 0; i < spans.Length; i++)
                {
                    starts[i] = frameStarts[i] = spans[i].StartUnixNano;
                    ends[i] = spans[i].EndUnixNano;
                }

                scratch.TimesOf = analysis;
            }

            var root = spans[analysis.RootIndex];
            var stack = scratch.Frames;
            stack.Clear();
            stack.Push(Open(scratch, graph, analysis.RootIndex, root.StartUnixNano, component, spans));
            long rootEnd = root.EndUnixNano;
            while (stack.Count > 0)
            {
                var f = stack.Peek();
                var own = spans[f.Span];
                var scaled = f.Scaled;
                if (f.Next < f.End)
                {
                    var ci = f.Children[f.Next++];
                    var cs = graph.FrameStart[ci];
                    var tolerance = (f.OrigEnd - f.OrigStart) * CriticalPath.SkewToleranceBasisPoints / 10_000;
                    TakeEnded(f, cs + tolerance);

                    var newStart = f.HasPredecessor
                        ? f.PredNewEnd + Own(own, Math.Min(cs, f.PredOrigEnd), cs, scaled, keep, of)
                        : f.NewStart + Own(own, f.OrigStart, cs, scaled, keep, of);
                    if (graph.ChildCount(ci) == 0)
                    {
                        // A leaf needs no frame of its own: most spans are leaves.
                        var leaf = spans[ci];
                        var leafEnd = newStart + Own(leaf, cs, graph.FrameEnd[ci], string.Equals(leaf.Label, component, StringComparison.Ordinal), keep, of);
                        starts[ci] = newStart + Math.Max(0, leaf.StartUnixNano - cs);
                        frameStarts[ci] = newStart;
                        ends[ci] = leafEnd;
                        Ended(f, ci, graph.FrameEnd[ci], leafEnd);
                        continue;
                    }

                    stack.Push(Open(scratch, graph, ci, newStart, component, spans));
                    continue;
                }

                // All children done: the span ends its trailing own time after its last blocking child.
                stack.Pop();
                scratch.Free.Push(f);
                long newEnd;
                if (f.ChildCount == 0)
                {
                    newEnd = f.NewStart + Own(own, f.OrigStart, f.OrigEnd, scaled, keep, of);
                }
                else
                {
                    newEnd = f.MaxChildNewEnd + Own(own, Math.Min(f.MaxChildOrigEnd, f.OrigEnd), f.OrigEnd, scaled, keep, of);
                }

                starts[f.Span] = f.NewStart + Math.Max(0, spans[f.Span].StartUnixNano - f.OrigStart);
                frameStarts[f.Span] = f.NewStart;
                ends[f.Span] = newEnd;
                if (stack.Count == 0)
                {
                    rootEnd = newEnd;
                    break;
                }

                Ended(stack.Peek(), f.Span, f.OrigEnd, newEnd);
            }

            return new Result(starts, frameStarts, ends, rootEnd - root.StartUnixNano);
        }

        /// <summary>A child of <paramref name="parent"/> has its new end: the parent's last child end, and a predecessor candidate for later siblings.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static void Ended(Frame parent, int child, long origEnd, long newEnd)
        {
            parent.MaxChildOrigEnd = Math.Max(parent.MaxChildOrigEnd, origEnd);
            parent.MaxChildNewEnd = Math.Max(parent.MaxChildNewEnd, newEnd);
            if (parent.Many is not null)
            {
                parent.Many.Add((origEnd, newEnd, child));
            }
            else if (parent.ChildCount > 1)
            {
                (parent.Few ??= new List<(long, long, int)>()).Add((origEnd, newEnd, child));
            }
        }

        /// <summary>Siblings that ended by <paramref name="bound"/> become predecessor candidates; the latest-ending one wins.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static void TakeEnded(Frame f, long bound)
        {
            if (f.Many is not null)
            {
                while (f.Many.Count > 0 && f.Many.Min.OrigEnd <= bound)
                {
                    var p = f.Many.Min;
                    f.Many.Remove(p);
                    Consider(f, p.OrigEnd, p.NewEnd);
                }

                return;
            }

            if (f.Few is null)
            {
                return;
            }

            for (var i = f.Few.Count - 1; i >= 0; i--)
            {
                var p = f.Few[i];
                if (p.OrigEnd <= bound)
                {
                    Consider(f, p.OrigEnd, p.NewEnd);
                    f.Few[i] = f.Few[f.Few.Count - 1];
                    f.Few.RemoveAt(f.Few.Count - 1);
                }
            }
        }

        private static void Consider(Frame f, long origEnd, long newEnd)
        {
            if (!f.HasPredecessor || origEnd > f.PredOrigEnd || (origEnd == f.PredOrigEnd && newEnd > f.PredNewEnd))
            {
                f.HasPredecessor = true;
                f.PredOrigEnd = origEnd;
                f.PredNewEnd = newEnd;
            }
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

        /// <summary>A frame for a span over its recorded stretch, starting at <paramref name="newStart"/> on the new timeline.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static Frame Open(Scratch scratch, BlockingGraph graph, int span, long newStart, string component, SpanRecord[] spans)
        {
            var count = graph.ChildCount(span);
            var f = scratch.Free.Count > 0 ? scratch.Free.Pop() : new Frame();
            f.Span = span;
            f.Scaled = string.Equals(spans[span].Label, component, StringComparison.Ordinal);
            f.OrigStart = graph.FrameStart[span];
            f.OrigEnd = graph.FrameEnd[span];
            f.NewStart = newStart;
            f.Children = graph.Children;
            f.ChildCount = count;
            f.Next = graph.ChildFrom(span);
            f.End = f.Next + count;
            f.MaxChildOrigEnd = long.MinValue;
            f.MaxChildNewEnd = long.MinValue;
            f.Few?.Clear();

            // A wide fan-out keeps its pending siblings ordered, so the scan stays O(n log n).
            f.Many = count > WideFanOut ? new SortedSet<(long, long, int)>() : null;
            f.HasPredecessor = false;
            f.PredOrigEnd = 0;
            f.PredNewEnd = 0;
            return f;
        }
    }
}
