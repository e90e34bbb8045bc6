using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>What one root's walk found: nanoseconds per component, on the critical path and as self time.</summary>
    public sealed class RootAnalysis
    {
        public RootAnalysis(
            TraceTree tree,
            int rootIndex,
            long durationNanos,
            LabelTotals criticalNanos,
            LabelTotals selfNanos,
            LabelTotals spanCounts,
            IReadOnlyList<CriticalSection> sections,
            AwaitedConsumers awaited,
            IReadOnlyDictionary<int, (long Start, long End)> throttledOnPath)
        {
            Tree = tree;
            RootIndex = rootIndex;
            Root = tree.Spans[rootIndex];
            DurationNanos = durationNanos;
            CriticalNanos = criticalNanos;
            SelfNanos = selfNanos;
            SpanCounts = spanCounts;
            Sections = sections;
            Awaited = awaited;
            ThrottledOnPath = throttledOnPath;
        }

        /// <summary>The trace the root belongs to (what-if re-walks it).</summary>
        public TraceTree Tree { get; }

        public int RootIndex { get; }

        /// <summary>The root span, kept beside its index: the later stages read it for every root (version, ids, duration).</summary>
        public SpanRecord Root { get; }

        public long DurationNanos { get; }

        public LabelTotals CriticalNanos { get; }

        public LabelTotals SelfNanos { get; }

        public LabelTotals SpanCounts { get; }

        /// <summary>The critical path as time sections, latest first; they partition the root's duration.</summary>
        public IReadOnlyList<CriticalSection> Sections { get; }

        /// <summary>The consumers the root waited for (they block like children), and how many it did not.</summary>
        public AwaitedConsumers Awaited { get; }

        /// <summary>For each span answered 429 that the walk entered: the stretch of the path it (with its subtree) held.</summary>
        public IReadOnlyDictionary<int, (long Start, long End)> ThrottledOnPath { get; }
    }

    /// <summary>
    /// A stretch of the critical path: [Start, End) spent in one span (<see cref="Index"/> in its
    /// tree). <see cref="Queued"/> marks the stretch a message waited between its producer and the
    /// consumer the target waited for: it is the consumer's on the path, but no work ran.
    /// </summary>
    public readonly struct CriticalSection
    {
        public CriticalSection(SpanRecord span, int index, long start, long end, bool queued = false)
        {
            Span = span;
            Index = index;
            Start = start;
            End = end;
            Queued = queued;
        }

        public SpanRecord Span { get; }

        public int Index { get; }

        public long Start { get; }

        public long End { get; }

        public bool Queued { get; }
    }

    /// <summary>
    /// The critical path of one root, after Uber's CRISP and Jaeger's CriticalPath: from the root,
    /// take the last-finishing child before the current bound, give the gap after it to the parent,
    /// descend, then continue before that child's start; what no child covers is the parent's.
    /// Children are clipped to their parent, children wholly outside it are dropped, CONSUMER
    /// children (asynchronous hand-offs) block only the ancestor that waited for them
    /// (<see cref="AwaitedConsumers"/>), and an overlap under 1% of the parent's duration still
    /// counts as "happens before" (clock skew, as CRISP tolerates it).
    /// Iterative with an explicit stack: a million-span trace does not touch the call stack.
    /// </summary>
    public static class CriticalPath
    {
        /// <summary>Overlap tolerated between consecutive critical children, in parts per 10,000 of the parent's duration.</summary>
        public const int SkewToleranceBasisPoints = 100;

        internal struct Frame
        {
            public int Span;
            public long Start;
            public long End;
            public long Cursor;
            public int NextChild;
            public long PendingChildStart;
            public bool WaitingForChild;
        }

        /// <param name="buffers">Kept by a caller that walks many roots on one thread; null allocates new ones.</param>
        [MethodImpl(HotPath.Optimised)]
        public static RootAnalysis Analyze(TraceTree tree, int rootIndex, DataQualityCounters quality, bool keepSections = false, RootWalkBuffers? buffers = null)
        {
            buffers ??= new RootWalkBuffers();
            var spans = tree.Spans;
            var root = spans[rootIndex];
            var critical = buffers.Critical;
            critical.Clear();
            var sections = keepSections ? buffers.Sections : null;
            sections?.Clear();
            var awaited = AwaitedConsumers.Find(tree, rootIndex);
            Dictionary<int, (long, long)>? throttled = null;
            long tolerated = 0;

            var stack = buffers.Frames;
            stack.Clear();
            stack.Push(new Frame { Span = rootIndex, Start = root.StartUnixNano, End = root.EndUnixNano, Cursor = root.EndUnixNano });
            while (stack.Count > 0)
            {
                var f = stack.Pop();
                if (f.WaitingForChild)
                {
                    f.Cursor = f.PendingChildStart;
                    f.WaitingForChild = false;
                }

                var children = awaited.ChildrenOf(tree, f.Span);
                var tolerance = (f.End - f.Start) * SkewToleranceBasisPoints / 10_000;
                var found = false;
                while (f.NextChild < children.Length)
                {
                    var ci = children[f.NextChild++];
                    var c = spans[ci];
                    if (!awaited.Blocks(tree, f.Span, ci, out var childStart))
                    {
                        continue;
                    }

                    var cs = Math.Max(childStart, f.Start);
                    var ce = Math.Min(c.EndUnixNano, f.End);
                    if (ce <= cs)
                    {
                        continue;
                    }

                    if (ce > f.Cursor)
                    {
                        if (ce - f.Cursor > tolerance || cs >= f.Cursor)
                        {
                            continue; // runs concurrently with the section already attributed
                        }

                        ce = f.Cursor;
                        tolerated++;
                    }

                    critical.Add(spans[f.Span].Label, f.Cursor - ce);
                    sections?.Add(new CriticalSection(spans[f.Span], f.Span, ce, f.Cursor));
                    if (c.HttpStatusCode == 429)
                    {
                        (throttled ??= new Dictionary<int, (long, long)>())[ci] = (cs, ce);
                    }

                    f.WaitingForChild = true;
                    f.PendingChildStart = cs;
                    stack.Push(f);
                    stack.Push(new Frame { Span = ci, Start = cs, End = ce, Cursor = ce });
                    found = true;
                    break;
                }

                if (!found)
                {
                    // An awaited consumer's frame begins when its message was handed over; until the
                    // consumer itself started, the message sat in the queue.
                    var own = spans[f.Span];
                    var queuedUntil = Math.Min(f.Cursor, own.StartUnixNano);
                    if (queuedUntil > f.Start)
                    {
                        critical.Add(own.Label, f.Cursor - f.Start);
                        sections?.Add(new CriticalSection(own, f.Span, queuedUntil, f.Cursor));
                        sections?.Add(new CriticalSection(own, f.Span, f.Start, queuedUntil, queued: true));
                    }
                    else
                    {
                        critical.Add(own.Label, f.Cursor - f.Start);
                        sections?.Add(new CriticalSection(own, f.Span, f.Start, f.Cursor));
                    }
                }
            }

            var (self, counts, clipped, outside) = SelfTime.Of(tree, rootIndex, buffers);
            quality.AddClippedSpans(clipped);
            quality.AddSpansOutsideParent(outside);
            quality.AddOverlapsTolerated(tolerated);
            quality.AddNonBlockingSubtrees(awaited.NotAwaited);
            return new RootAnalysis(
                tree,
                rootIndex,
                root.DurationNanos,
                critical.ToTotals(),
                self,
                counts,
                sections is null || sections.Count == 0 ? Array.Empty<CriticalSection>() : sections.ToArray(),
                awaited,
                (IReadOnlyDictionary<int, (long, long)>?)throttled ?? Empty);
        }

        private static readonly IReadOnlyDictionary<int, (long, long)> Empty = new Dictionary<int, (long, long)>();
    }
}
