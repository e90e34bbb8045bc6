using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Step one of the walk: which CONSUMER spans the target actually waited for. A message handed
    /// to a queue delays the root only if something above the producer stayed open until the
    /// consumer had finished; then the time from the producer's end to the consumer's end lies on
    /// that ancestor's timeline like a child's, and the part before the consumer started is the
    /// message waiting in the queue. A consumer that ended after every ancestor up to the root
    /// (fire-and-forget) delayed nothing and stays off the critical path.
    /// <code>
    ///   root  |==========================================|         root waits: process blocks it
    ///   publish    |====|                                            (queue wait = gap)
    ///   process             |=========================|
    ///                  gap ^  ^ consumer starts
    ///
    ///   root  |====================|                              fire-and-forget: process ends
    ///   publish    |====|                                            after the root, off the path
    ///   process             |=========================|
    /// </code>
    /// The ancestor that waited is the nearest one still open when the consumer ended (within the
    /// walk's 1% skew tolerance of that ancestor's duration). The search stops at the target's root.
    /// </summary>
    public sealed class AwaitedConsumers
    {
        /// <summary>Ancestors looked at per consumer: a pathological chain cannot make the search quadratic.</summary>
        public const int MaxAncestors = 10_000;

        private readonly Dictionary<int, (int Ancestor, long EffectiveStart)> _byConsumer;
        private readonly Dictionary<int, int[]> _extraChildren;

        private AwaitedConsumers(Dictionary<int, (int, long)> byConsumer, Dictionary<int, int[]> extraChildren, long notAwaited)
        {
            _byConsumer = byConsumer;
            _extraChildren = extraChildren;
            NotAwaited = notAwaited;
        }

        public static AwaitedConsumers None { get; } = new(new Dictionary<int, (int, long)>(), new Dictionary<int, int[]>(), 0);

        /// <summary>Consumer subtrees under the root that nothing waited for (data_quality.non_blocking_subtrees).</summary>
        public long NotAwaited { get; }

        public bool IsEmpty => _byConsumer.Count == 0;

        /// <summary>The ancestor that waited for <paramref name="consumer"/> and when the message was handed over, if any.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public bool TryGet(int consumer, out int ancestor, out long effectiveStart)
        {
            if (_byConsumer.TryGetValue(consumer, out var a))
            {
                ancestor = a.Ancestor;
                effectiveStart = a.EffectiveStart;
                return true;
            }

            ancestor = -1;
            effectiveStart = 0;
            return false;
        }

        /// <summary>
        /// The children that can block <paramref name="span"/>, latest end first: its own children
        /// (consumers among them are filtered by the walk) plus the consumers it waited for deeper down.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public ReadOnlySpan<int> ChildrenOf(TraceTree tree, int span) =>
            _extraChildren.TryGetValue(span, out var merged) ? merged : tree.ChildrenOf(span);

        /// <summary>Whether <paramref name="child"/> blocks <paramref name="parent"/> in the walk, and from when.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public bool Blocks(TraceTree tree, int parent, int child, out long start)
        {
            var c = tree.Spans[child];
            if (c.Kind != Telemetry.SpanKind.Consumer)
            {
                start = c.StartUnixNano;
                return true;
            }

            if (_byConsumer.TryGetValue(child, out var a) && a.Ancestor == parent)
            {
                start = a.EffectiveStart;
                return true;
            }

            start = 0;
            return false;
        }

        [MethodImpl(HotPath.Optimised)]
        public static AwaitedConsumers Find(TraceTree tree, int rootIndex)
        {
            if (!tree.HasConsumers)
            {
                return None;
            }

            var spans = tree.Spans;
            Dictionary<int, (int, long)>? byConsumer = null;
            Dictionary<int, List<int>>? extra = null;
            long notAwaited = 0;

            var todo = new Stack<int>();
            todo.Push(rootIndex);
            while (todo.Count > 0)
            {
                var si = todo.Pop();
                foreach (var ci in tree.ChildrenOf(si))
                {
                    todo.Push(ci);
                    var c = spans[ci];
                    if (c.Kind != Telemetry.SpanKind.Consumer || spans[si].Kind == Telemetry.SpanKind.Consumer)
                    {
                        continue;
                    }

                    var ancestor = Awaiting(tree, rootIndex, ci);
                    if (ancestor < 0)
                    {
                        notAwaited++;
                        continue;
                    }

                    // The message was handed over when its producer ended (if that was before the consumer began).
                    var producer = spans[si];
                    var effectiveStart = producer.Kind == Telemetry.SpanKind.Producer && producer.EndUnixNano < c.StartUnixNano ? producer.EndUnixNano : c.StartUnixNano;
                    (byConsumer ??= new Dictionary<int, (int, long)>())[ci] = (ancestor, effectiveStart);
                    if (ancestor != si)
                    {
                        extra ??= new Dictionary<int, List<int>>();
                        if (!extra.TryGetValue(ancestor, out var list))
                        {
                            extra[ancestor] = list = new List<int>();
                        }

                        list.Add(ci);
                    }
                }
            }

            if (byConsumer is null)
            {
                return notAwaited == 0 ? None : new AwaitedConsumers(new Dictionary<int, (int, long)>(), new Dictionary<int, int[]>(), notAwaited);
            }

            var merged = new Dictionary<int, int[]>();
            if (extra is not null)
            {
                foreach (var kv in extra)
                {
                    var own = tree.ChildrenOf(kv.Key);
                    var all = new int[own.Length + kv.Value.Count];
                    own.CopyTo(all);
                    kv.Value.CopyTo(all, own.Length);
                    Array.Sort(all, (x, y) => TraceTree.CompareEndDescending(spans, x, y));
                    merged[kv.Key] = all;
                }
            }

            return new AwaitedConsumers(byConsumer, merged, notAwaited);
        }

        /// <summary>The nearest ancestor of <paramref name="consumer"/>, up to the root, still open when it ended; -1 if none.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static int Awaiting(TraceTree tree, int rootIndex, int consumer)
        {
            var spans = tree.Spans;
            var end = spans[consumer].EndUnixNano;
            var a = tree.Parent[consumer];
            for (var steps = 0; a >= 0 && steps < MaxAncestors; steps++)
            {
                var s = spans[a];
                var tolerance = (s.EndUnixNano - s.StartUnixNano) * CriticalPath.SkewToleranceBasisPoints / 10_000;
                if (end <= s.EndUnixNano + tolerance && spans[consumer].StartUnixNano < s.EndUnixNano)
                {
                    return a;
                }

                if (a == rootIndex)
                {
                    break;
                }

                a = tree.Parent[a];
            }

            return -1;
        }
    }
}
