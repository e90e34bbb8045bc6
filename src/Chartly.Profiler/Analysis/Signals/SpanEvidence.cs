using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>Span-derived counts for one label (a breakdown component).</summary>
    public sealed class LabelEvidence
    {
        /// <summary>Spans with an HTTP status code, labelled so or called directly by a span labelled so.</summary>
        public long HttpSpans;

        public long Http429;

        /// <summary>Time lost to 429s: the throttled request plus the back-off before its resend (nanoseconds).</summary>
        public long Http429Nanos;

        public long Http429MaxNanos;

        /// <summary>The part of <see cref="Http429Nanos"/> that lay on the critical path: what removing the 429s could have saved.</summary>
        public long Http429OnPathNanos;

        public long Http429OnPathMaxNanos;

        /// <summary>429 responses of which some time (the call or its back-off) lay on the critical path.</summary>
        public long Http429OnPath;

        public long Resends;

        public long MaxResendCount;

        public long ResendSpans;

        /// <summary>Producer-to-consumer waits of the messages this label consumed (nanoseconds, in span order).</summary>
        public List<long> QueueWaits { get; } = new();

        /// <summary>The part of each wait in <see cref="QueueWaits"/> the target waited through on its critical path (same order).</summary>
        public List<long> QueueWaitsOnPath { get; } = new();

        /// <summary>
        /// Adds the evidence of later roots (<paramref name="later"/>) to <paramref name="into"/>:
        /// every field above must be here, or evidence gathered on several cores would differ from one.
        /// </summary>
        internal static void AddTo(LabelEvidence into, LabelEvidence later)
        {
            into.HttpSpans += later.HttpSpans;
            into.Http429 += later.Http429;
            into.Http429Nanos += later.Http429Nanos;
            into.Http429MaxNanos = Math.Max(into.Http429MaxNanos, later.Http429MaxNanos);
            into.Http429OnPathNanos += later.Http429OnPathNanos;
            into.Http429OnPathMaxNanos = Math.Max(into.Http429OnPathMaxNanos, later.Http429OnPathMaxNanos);
            into.Http429OnPath += later.Http429OnPath;
            into.Resends += later.Resends;
            into.MaxResendCount = Math.Max(into.MaxResendCount, later.MaxResendCount);
            into.ResendSpans += later.ResendSpans;
            into.QueueWaits.AddRange(later.QueueWaits);
            into.QueueWaitsOnPath.AddRange(later.QueueWaitsOnPath);
        }
    }

    /// <summary>
    /// What the target's spans say by themselves, gathered root by root as the engine walks them:
    /// where they ran (resource and time, for the metric join), HTTP 429 responses and resends,
    /// and how long messages waited between a PRODUCER and its CONSUMER. A span's HTTP facts count
    /// for its own label and for its parent's (a component owns the calls it makes directly).
    /// Each time cost is also measured on the critical path (docs/taxonomy.md): a 429's own time
    /// counts where the walk ran through the throttled call, its back-off where the walk ran
    /// through the caller's own time before the resend; a queue wait where the walk ran through
    /// the message's wait. Only that part could have made the target slower.
    /// </summary>
    public sealed class SpanEvidence
    {
        private readonly Dictionary<ResourceInfo, MetricResource> _resources = new();
        private readonly Dictionary<MetricResource, List<(long Start, long End)>> _intervals = new();
        private readonly Dictionary<string, LabelEvidence> _labels = new(StringComparer.Ordinal);
        private WindowSet? _windows;
        private ResourceInfo? _lastResource;
        private MetricResource? _lastMetricResource;
        private MetricResource? _lastIntervalsOf;
        private List<(long Start, long End)>? _lastIntervals;

        /// <summary>The subtree walk's stack, kept across roots (a service target adds a hundred thousand).</summary>
        private readonly Stack<int> _stack = new();

        public LabelEvidence Target { get; } = new();

        /// <summary>The roots' durations summed: the denominator of the time shares.</summary>
        public long RootNanos { get; private set; }

        public long Roots { get; private set; }

        public long MinStartUnixNano { get; private set; } = long.MaxValue;

        public long MaxEndUnixNano { get; private set; } = long.MinValue;

        public LabelEvidence? For(string label) => _labels.TryGetValue(label, out var e) ? e : null;

        /// <summary>
        /// The cores the stages that read this evidence may spread their sums over (the profile's
        /// max-parallelism, set by the engine); 1 unless set. Their results do not depend on it.
        /// </summary>
        internal int MaxParallelism { get; set; } = 1;

        /// <summary>
        /// <see cref="ResourceOf"/> for readers on several threads at once: it only looks up (every
        /// span of an added root's subtree has its resource here already) and caches nothing.
        /// </summary>
        internal MetricResource KnownResourceOf(ResourceInfo resource) =>
            _resources.TryGetValue(resource, out var r) ? r : MetricResource.FromSpan(resource);

        /// <summary>
        /// The evidence of consecutive runs of roots, each gathered on its own (on its own core),
        /// as one: what adding their roots one after another gives. Lists keep the parts' order,
        /// keys their first-seen order, counts are summed and maxima taken.
        /// </summary>
        internal static SpanEvidence Merge(IEnumerable<SpanEvidence> parts)
        {
            var all = new SpanEvidence();
            foreach (var p in parts)
            {
                all.RootNanos += p.RootNanos;
                all.Roots += p.Roots;
                all.MinStartUnixNano = Math.Min(all.MinStartUnixNano, p.MinStartUnixNano);
                all.MaxEndUnixNano = Math.Max(all.MaxEndUnixNano, p.MaxEndUnixNano);
                foreach (var kv in p._resources)
                {
                    if (!all._resources.ContainsKey(kv.Key))
                    {
                        all._resources[kv.Key] = kv.Value;
                    }
                }

                foreach (var kv in p._intervals)
                {
                    if (all._intervals.TryGetValue(kv.Key, out var list))
                    {
                        list.AddRange(kv.Value);
                    }
                    else
                    {
                        all._intervals[kv.Key] = kv.Value;
                    }
                }

                LabelEvidence.AddTo(all.Target, p.Target);
                foreach (var kv in p._labels)
                {
                    if (all._labels.TryGetValue(kv.Key, out var e))
                    {
                        LabelEvidence.AddTo(e, kv.Value);
                    }
                    else
                    {
                        all._labels[kv.Key] = kv.Value;
                    }
                }
            }

            return all;
        }

        /// <summary>Adds one target root and its whole subtree, asynchronous consumers included.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public void AddRoot(RootAnalysis analysis)
        {
            var tree = analysis.Tree;
            var rootIndex = analysis.RootIndex;
            var spans = tree.Spans;
            var root = spans[rootIndex];
            RootNanos += root.DurationNanos;
            Roots++;
            _windows = null;
            var onPath = new PathLookup(analysis);
            var stack = _stack;
            stack.Clear();
            stack.Push(rootIndex);
            while (stack.Count > 0)
            {
                var i = stack.Pop();
                var s = spans[i];
                foreach (var c in tree.ChildrenOf(i))
                {
                    stack.Push(c);
                }

                AddInterval(s);
                var parent = tree.Parent[i];
                var parentLabel = parent >= 0 ? spans[parent].Label : null;
                if (s.HttpStatusCode > 0 || s.ResendCount > 0)
                {
                    AddHttp(tree, i, parent, parentLabel, onPath);
                }

                if (s.Kind == SpanKind.Consumer && parent >= 0 && spans[parent].Kind == SpanKind.Producer)
                {
                    var wait = Math.Max(0, s.StartUnixNano - spans[parent].EndUnixNano);
                    var waitOnPath = onPath.Queued(i);
                    Target.QueueWaits.Add(wait);
                    Target.QueueWaitsOnPath.Add(waitOnPath);
                    var e = Label(s.Label);
                    e.QueueWaits.Add(wait);
                    e.QueueWaitsOnPath.Add(waitOnPath);
                }
            }
        }

        /// <summary>Every resource the target's spans ran on, with the merged times they ran there.</summary>
        public WindowSet Windows() => _windows ??= WindowSet.From(_intervals);

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public MetricResource ResourceOf(SpanRecord span)
        {
            // Resources are interned by the reader and a subtree's spans mostly share one: the
            // record's hash (seven strings) is paid only when the resource changes.
            if (ReferenceEquals(span.Resource, _lastResource))
            {
                return _lastMetricResource!;
            }

            if (!_resources.TryGetValue(span.Resource, out var r))
            {
                _resources[span.Resource] = r = MetricResource.FromSpan(span.Resource);
            }

            _lastResource = span.Resource;
            _lastMetricResource = r;
            return r;
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private void AddInterval(SpanRecord s)
        {
            var r = ResourceOf(s);
            if (!ReferenceEquals(r, _lastIntervalsOf) || _lastIntervals is null)
            {
                if (!_intervals.TryGetValue(r, out var found))
                {
                    _intervals[r] = found = new List<(long, long)>();
                }

                _lastIntervalsOf = r;
                _lastIntervals = found;
            }

            var list = _lastIntervals;
            MinStartUnixNano = Math.Min(MinStartUnixNano, s.StartUnixNano);
            MaxEndUnixNano = Math.Max(MaxEndUnixNano, s.EndUnixNano);

            // A subtree's spans mostly lie inside or beside each other: a large target's million
            // spans leave about one interval per root and resource.
            WindowSet.AddToUnion(list, s.StartUnixNano, s.EndUnixNano);
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private void AddHttp(TraceTree tree, int index, int parent, string? parentLabel, PathLookup onPath)
        {
            var s = tree.Spans[index];
            long lost = 0, lostOnPath = 0;
            if (s.HttpStatusCode == 429)
            {
                var backoff = BackoffBeforeResend(tree, index, parent);
                lost = s.DurationNanos + backoff;
                lostOnPath = onPath.Throttled(index, s.StartUnixNano, s.EndUnixNano) + onPath.OwnTime(parent, s.EndUnixNano, s.EndUnixNano + backoff);
            }

            Add(Target, s, lost, lostOnPath);
            Add(Label(s.Label), s, lost, lostOnPath);
            if (parentLabel is not null && !string.Equals(parentLabel, s.Label, StringComparison.Ordinal))
            {
                Add(Label(parentLabel), s, lost, lostOnPath);
            }
        }

        /// <summary>
        /// The wait between a 429 and the resend of the same call: the first later sibling with the
        /// same label and a resend count, after the throttled response ended. 0 when none follows.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static long BackoffBeforeResend(TraceTree tree, int index, int parent)
        {
            if (parent < 0)
            {
                return 0;
            }

            var s = tree.Spans[index];
            long best = long.MaxValue;
            foreach (var c in tree.ChildrenOf(parent))
            {
                var r = tree.Spans[c];
                if (c != index && r.ResendCount > 0 && r.StartUnixNano >= s.EndUnixNano && string.Equals(r.Label, s.Label, StringComparison.Ordinal))
                {
                    best = Math.Min(best, r.StartUnixNano);
                }
            }

            return best == long.MaxValue ? 0 : best - s.EndUnixNano;
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static void Add(LabelEvidence e, SpanRecord s, long lost, long lostOnPath)
        {
            if (s.HttpStatusCode > 0)
            {
                e.HttpSpans++;
            }

            if (s.HttpStatusCode == 429)
            {
                e.Http429++;
                e.Http429Nanos += lost;
                e.Http429MaxNanos = Math.Max(e.Http429MaxNanos, lost);
                e.Http429OnPathNanos += lostOnPath;
                e.Http429OnPath += lostOnPath > 0 ? 1 : 0;
                e.Http429OnPathMaxNanos = Math.Max(e.Http429OnPathMaxNanos, lostOnPath);
            }

            if (s.ResendCount > 0)
            {
                e.Resends += s.ResendCount;
                e.ResendSpans++;
                e.MaxResendCount = Math.Max(e.MaxResendCount, s.ResendCount);
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private LabelEvidence Label(string label)
        {
            if (!_labels.TryGetValue(label, out var e))
            {
                _labels[label] = e = new LabelEvidence();
            }

            return e;
        }
    }

    /// <summary>
    /// Answers "how much of this interval lay on the root's critical path, and in whose hands",
    /// from the walk's sections. Built lazily: most roots have no 429 and no queue.
    /// </summary>
    internal sealed class PathLookup
    {
        private readonly RootAnalysis _analysis;
        private Dictionary<int, List<(long Start, long End)>>? _own;
        private Dictionary<int, long>? _queued;

        public PathLookup(RootAnalysis analysis) => _analysis = analysis;

        /// <summary>Of [start, end) of a 429'd call, the part the walk spent in the call or below it.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public long Throttled(int span, long start, long end) =>
            _analysis.ThrottledOnPath.TryGetValue(span, out var held) ? Overlap(start, end, held.Start, held.End) : 0;

        /// <summary>Of [start, end), the part the walk spent in <paramref name="span"/>'s own time (no child running).</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public long OwnTime(int span, long start, long end)
        {
            if (span < 0 || end <= start)
            {
                return 0;
            }

            if (_own is null)
            {
                _own = new Dictionary<int, List<(long, long)>>();
                foreach (var s in _analysis.Sections)
                {
                    if (s.Queued || s.End <= s.Start)
                    {
                        continue;
                    }

                    if (!_own.TryGetValue(s.Index, out var list))
                    {
                        _own[s.Index] = list = new List<(long, long)>();
                    }

                    list.Add((s.Start, s.End));
                }
            }

            long total = 0;
            if (_own.TryGetValue(span, out var mine))
            {
                foreach (var (s, e) in mine)
                {
                    total += Overlap(start, end, s, e);
                }
            }

            return total;
        }

        /// <summary>How long the walk waited on the path for <paramref name="consumer"/>'s message.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public long Queued(int consumer)
        {
            if (_analysis.Awaited.IsEmpty)
            {
                return 0;
            }

            if (_queued is null)
            {
                _queued = new Dictionary<int, long>();
                foreach (var s in _analysis.Sections)
                {
                    if (s.Queued)
                    {
                        _queued.TryGetValue(s.Index, out var v);
                        _queued[s.Index] = v + (s.End - s.Start);
                    }
                }
            }

            return _queued.TryGetValue(consumer, out var q) ? q : 0;
        }

        private static long Overlap(long a, long b, long c, long d) => Math.Max(0, Math.Min(b, d) - Math.Max(a, c));
    }

    /// <summary>
    /// Per resource, the merged time intervals something ran there; answers "did this sample
    /// describe that time". A resource's intervals are merged when first asked about: a target
    /// with no metric sample never needs them, and has millions.
    /// </summary>
    public sealed class WindowSet
    {
        private readonly Dictionary<MetricResource, Lazy> _byResource;

        private WindowSet(Dictionary<MetricResource, Lazy> byResource, IReadOnlyList<MetricResource> resources)
        {
            _byResource = byResource;
            Resources = resources;
        }

        public static WindowSet Empty { get; } = new(new Dictionary<MetricResource, Lazy>(), Array.Empty<MetricResource>());

        /// <summary>The resources, in a fixed order.</summary>
        public IReadOnlyList<MetricResource> Resources { get; }

        /// <summary>
        /// Adds [start, end) to intervals whose union is all that is read of them: an interval that
        /// overlaps or touches the last one widens it instead of being added (the union merges
        /// touching intervals too), so the list changes only at its end. An empty interval widens
        /// nothing (the union leaves it out).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        internal static void AddToUnion(List<(long Start, long End)> intervals, long start, long end)
        {
            if (intervals.Count > 0 && end > start)
            {
                var last = intervals[intervals.Count - 1];
                if (start <= last.End && end >= last.Start)
                {
                    if (start < last.Start || end > last.End)
                    {
                        intervals[intervals.Count - 1] = (Math.Min(last.Start, start), Math.Max(last.End, end));
                    }

                    return;
                }
            }

            intervals.Add((start, end));
        }

        /// <summary>The windows of the intervals as they are now (later additions and widenings are not seen).</summary>
        public static WindowSet From(Dictionary<MetricResource, List<(long Start, long End)>> intervals)
        {
            var map = new Dictionary<MetricResource, Lazy>();
            foreach (var kv in intervals)
            {
                var list = kv.Value;
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i].End > list[i].Start)
                    {
                        map[kv.Key] = new Lazy(list, list.Count);
                        break;
                    }
                }
            }

            var resources = map.Keys.OrderBy(r => r, Comparer<MetricResource>.Create(MetricResource.Compare)).ToList();
            return new WindowSet(map, resources);
        }

        /// <summary>Whether the sample's interval overlaps any time something ran on <paramref name="resource"/>.</summary>
        public bool Overlaps(MetricResource resource, MetricSample sample)
        {
            if (!_byResource.TryGetValue(resource, out var lazy))
            {
                return false;
            }

            var w = lazy.Windows;
            var start = sample.IntervalNanos <= 0 ? sample.TimeUnixNano : sample.StartUnixNano;
            var end = sample.TimeUnixNano;

            // The last window starting before the sample's end is the only candidate (windows are disjoint and sorted).
            var i = Array.BinarySearch(w.Starts, end);
            i = i >= 0 ? (sample.IntervalNanos <= 0 ? i : i - 1) : ~i - 1;
            if (i < 0)
            {
                return false;
            }

            return sample.IntervalNanos <= 0 ? end >= w.Starts[i] && end < w.Ends[i] : w.Ends[i] > start;
        }

        public long TotalNanos(MetricResource resource)
        {
            if (!_byResource.TryGetValue(resource, out var lazy))
            {
                return 0;
            }

            var w = lazy.Windows;

            long total = 0;
            for (var i = 0; i < w.Starts.Length; i++)
            {
                total += w.Ends[i] - w.Starts[i];
            }

            return total;
        }

        /// <summary>
        /// The union of the intervals as disjoint, sorted windows. Sorted by start alone (a primitive
        /// key sort: a target has millions of spans); the order of equal starts cannot change a union.
        /// </summary>
        private static Merged Merge(List<(long Start, long End)> intervals, int count, (long Start, long End) last)
        {
            var starts = new long[count];
            var ends = new long[count];
            var n = 0;
            for (var i = 0; i < count; i++)
            {
                var (s, e) = i == count - 1 ? last : intervals[i];
                if (e > s)
                {
                    starts[n] = s;
                    ends[n] = e;
                    n++;
                }
            }

            Array.Sort(starts, ends, 0, n);
            var m = 0;
            for (var i = 0; i < n; i++)
            {
                if (m > 0 && starts[i] <= ends[m - 1])
                {
                    ends[m - 1] = Math.Max(ends[m - 1], ends[i]);
                }
                else
                {
                    starts[m] = starts[i];
                    ends[m] = ends[i];
                    m++;
                }
            }

            Array.Resize(ref starts, m);
            Array.Resize(ref ends, m);
            return new Merged(starts, ends);
        }

        /// <summary>One resource's disjoint windows, by start.</summary>
        private sealed class Merged
        {
            public Merged(long[] starts, long[] ends)
            {
                Starts = starts;
                Ends = ends;
            }

            public long[] Starts { get; }

            public long[] Ends { get; }
        }

        /// <summary>
        /// One resource's intervals as they were when the set was taken (the first <c>count</c> of a
        /// list that changes only at its end: a new interval, or the last one widened, whose value
        /// is kept here), merged on first use; two threads asking at once merge the same windows
        /// twice, harmlessly.
        /// </summary>
        private sealed class Lazy
        {
            private readonly List<(long Start, long End)> _intervals;
            private readonly int _count;
            private readonly (long Start, long End) _last;
            private Merged? _merged;

            public Lazy(List<(long Start, long End)> intervals, int count)
            {
                _intervals = intervals;
                _count = count;
                _last = intervals[count - 1];
            }

            public Merged Windows => _merged ??= Merge(_intervals, _count, _last);
        }
    }
}
