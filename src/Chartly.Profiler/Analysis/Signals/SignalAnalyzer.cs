using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Model;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>Everything the signals are computed from.</summary>
    public sealed record SignalInputs(
        IReadOnlyList<string> Allowlist,
        bool Seconds,
        IReadOnlyList<BreakdownEntry> Breakdown,
        long TotalMs,
        IReadOnlyList<RootAnalysis> Roots,
        SpanEvidence Spans,
        IReadOnlyList<MetricSample> Samples);

    /// <summary>The signals, and the facts the taxonomy and the findings read.</summary>
    public sealed class SignalReport
    {
        public SignalReport(IReadOnlyList<Signal> signals, IReadOnlyList<MeasureResult> measures, IReadOnlyList<string> topComponents, IReadOnlyDictionary<string, decimal> clientShare, long resourcesUncovered, long resources, IReadOnlyDictionary<string, WindowSet> componentWindows)
        {
            ComponentWindows = componentWindows;
            Signals = signals;
            Measures = measures;
            TopComponents = topComponents;
            ClientShare = clientShare;
            ResourcesUncovered = resourcesUncovered;
            Resources = resources;
        }

        public IReadOnlyList<Signal> Signals { get; }

        /// <summary>Every measure of every included signal, in the document's order.</summary>
        public IReadOnlyList<MeasureResult> Measures { get; }

        public IReadOnlyList<string> TopComponents { get; }

        /// <summary>Per top component: where and when it held the critical path (its work, not its messages' queue waits).</summary>
        public IReadOnlyDictionary<string, WindowSet> ComponentWindows { get; }

        /// <summary>Per top component: the share of its critical time spent in CLIENT spans, 3 decimals.</summary>
        public IReadOnlyDictionary<string, decimal> ClientShare { get; }

        /// <summary>Resources the target's spans ran on that no metric sample described.</summary>
        public long ResourcesUncovered { get; }

        public long Resources { get; }

        public MeasureResult? Measure(string signal, string measure) =>
            Measures.FirstOrDefault(m => string.Equals(m.Signal, signal, StringComparison.Ordinal) && string.Equals(m.Name, measure, StringComparison.Ordinal));
    }

    /// <summary>
    /// Computes the signals: each measure over the whole target (the resources its spans ran on,
    /// while they ran there) and over the critical-path time of each top component (the sections
    /// the component held, on the resource each ran on). A metric sample counts when its interval
    /// overlaps such a time on a resource it describes, at the most specific level available for
    /// that resource (container before pod before service before node). avg is the mean of the
    /// samples, max the largest; counts have a total instead. Nothing measured is null, never 0.
    /// </summary>
    public static class SignalAnalyzer
    {
        /// <summary>At most this many components get their own window.</summary>
        public const int MaxTopComponents = 5;

        /// <summary>Components below this share of the critical path (percent) get none, except the first.</summary>
        public const decimal MinTopComponentPct = 5.0m;

        public static SignalReport Analyze(SignalInputs inputs)
        {
            var top = TopComponents(inputs.Breakdown);
            var targetWindows = inputs.Spans.Windows();
            var (componentWindows, clientShare) = Sections(inputs.Roots, top, inputs.Spans);
            var join = new SampleJoin(inputs.Samples);

            var measures = new List<MeasureResult>();
            var signals = new List<Signal>();
            foreach (var def in SignalCatalog.All)
            {
                if (!SignalCatalog.IsIncluded(def.Name, inputs.Allowlist))
                {
                    signals.Add(new Signal(def.Name, SignalStatus.Excluded, def.DefaultUnit, null, null, 0, Array.Empty<string>(), Array.Empty<ComponentSignal>(), null, Array.Empty<SignalMeasure>()));
                    continue;
                }

                var results = def.Measures.Select(m => Measure(def.Name, m, inputs, top, targetWindows, componentWindows, join)).ToList();
                measures.AddRange(results);
                var head = results.FirstOrDefault(r => r.HasData);
                var models = results.Select(r => r.ToModel()).ToList();
                signals.Add(head is null
                    ? new Signal(def.Name, SignalStatus.NoData, def.DefaultUnit, null, null, 0, Array.Empty<string>(), Array.Empty<ComponentSignal>(), null, models)
                    : new Signal(def.Name, SignalStatus.Ok, head.Unit, head.Whole.Avg, head.Whole.Max, head.Whole.Samples, head.Metrics, head.ComponentModels(), head.Whole.Total, models, head.Name));
            }

            // A resource is covered when a sample of a measured metric describes it while the target ran there.
            var measured = SignalCatalog.All.Where(d => SignalCatalog.IsIncluded(d.Name, inputs.Allowlist))
                .SelectMany(d => d.Measures)
                .Where(m => m.Source == MeasureSource.Metric)
                .Select(m => m.Metric!)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var uncovered = targetWindows.Resources.LongCount(r => !join.Covers(r, targetWindows, measured));
            var anyMetric = SignalCatalog.MetricsFor(inputs.Allowlist).Count > 0;
            return new SignalReport(signals, measures, top, clientShare, anyMetric ? uncovered : 0, targetWindows.Resources.Count, componentWindows);
        }

        /// <summary>The breakdown's leading components: at most five, each at least 5% of the critical path, the first always.</summary>
        public static IReadOnlyList<string> TopComponents(IReadOnlyList<BreakdownEntry> breakdown)
        {
            var result = new List<string>();
            foreach (var b in breakdown)
            {
                if (result.Count >= MaxTopComponents || b.DurationMs <= 0 || (result.Count > 0 && b.Pct < MinTopComponentPct))
                {
                    break;
                }

                result.Add(b.Component);
            }

            return result;
        }

        /// <summary>
        /// One pass over the critical sections: each top component's windows (per resource) and its
        /// CLIENT share. The roots are summed in contiguous chunks (over the cores the evidence
        /// allows) and the chunks merged in order: every list gets its intervals in the order one
        /// pass gives, every resource its place in first-seen order, every sum is an integer.
        /// </summary>
        private static (Dictionary<string, WindowSet> Windows, IReadOnlyDictionary<string, decimal> ClientShare) Sections(IReadOnlyList<RootAnalysis> roots, IReadOnlyList<string> top, SpanEvidence spans)
        {
            var slots = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var k = 0; k < top.Count; k++)
            {
                slots[top[k]] = k;
            }

            var chunks = WorkChunks.Of(roots.Count, spans.MaxParallelism, perCore: 4, WorkChunks.MinRootsPerSum);
            var partial = new SectionSums[chunks.Count];
            WorkChunks.Run(chunks, spans.MaxParallelism, (c, from, to) => partial[c] = SectionSums.Of(roots, from, to, top.Count, slots, spans));

            var intervals = new Dictionary<MetricResource, List<(long, long)>>[top.Count];
            var client = new long[top.Count];
            var all = new long[top.Count];
            for (var k = 0; k < top.Count; k++)
            {
                intervals[k] = new Dictionary<MetricResource, List<(long, long)>>();
                foreach (var p in partial)
                {
                    client[k] += p.Client[k];
                    all[k] += p.All[k];
                    foreach (var kv in p.Intervals[k])
                    {
                        if (intervals[k].TryGetValue(kv.Key, out var list))
                        {
                            list.AddRange(kv.Value);
                        }
                        else
                        {
                            intervals[k][kv.Key] = kv.Value;
                        }
                    }
                }
            }

            var shares = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var windows = new Dictionary<string, WindowSet>(StringComparer.Ordinal);
            for (var k = 0; k < top.Count; k++)
            {
                shares[top[k]] = all[k] <= 0 ? 0m : Round((decimal)client[k] / all[k], 3);
                windows[top[k]] = WindowSet.From(intervals[k]);
            }

            return (windows, shares);
        }

        private static MeasureResult Measure(
            string signal,
            MeasureDefinition def,
            SignalInputs inputs,
            IReadOnlyList<string> top,
            WindowSet targetWindows,
            Dictionary<string, WindowSet> componentWindows,
            SampleJoin join)
        {
            switch (def.Source)
            {
                case MeasureSource.Metric:
                {
                    var whole = join.Select(def.Metric!, targetWindows);
                    if (whole.Count == 0)
                    {
                        return NoData(signal, def);
                    }

                    var metrics = whole.SelectMany(s => s.Source.Split('/')).Distinct(StringComparer.Ordinal).OrderBy(m => m, StringComparer.Ordinal).ToList();
                    var components = top.Select(t => new KeyValuePair<string, Stat>(t, FromSamples(join.Select(def.Metric!, componentWindows[t]), def.Unit, inputs.Seconds))).ToList();
                    return new MeasureResult(signal, def, SignalStatus.Ok, FromSamples(whole, def.Unit, inputs.Seconds), metrics, components);
                }

                case MeasureSource.Http429Responses:
                case MeasureSource.Http429Time:
                case MeasureSource.Http429TimeOnPath:
                case MeasureSource.HttpResends:
                {
                    var t = inputs.Spans.Target;
                    if (t.HttpSpans == 0 && t.Resends == 0)
                    {
                        return NoData(signal, def);
                    }

                    var metrics = def.Source switch
                    {
                        MeasureSource.Http429Responses => new[] { SignalCatalog.SpanHttpStatus },
                        MeasureSource.Http429Time => new[] { SignalCatalog.SpanHttpStatus, SignalCatalog.SpanResendCount },
                        MeasureSource.Http429TimeOnPath => new[] { SignalCatalog.SpanCriticalPath, SignalCatalog.SpanHttpStatus, SignalCatalog.SpanResendCount },
                        _ => new[] { SignalCatalog.SpanResendCount },
                    };
                    var components = top.Select(c => new KeyValuePair<string, Stat>(c, FromHttp(def.Source, inputs.Spans.For(c), inputs.Seconds))).ToList();
                    return new MeasureResult(signal, def, SignalStatus.Ok, FromHttp(def.Source, t, inputs.Seconds), metrics, components);
                }

                case MeasureSource.QueueWait:
                case MeasureSource.QueueWaitOnPath:
                {
                    var onPath = def.Source == MeasureSource.QueueWaitOnPath;
                    var waits = onPath ? inputs.Spans.Target.QueueWaitsOnPath : inputs.Spans.Target.QueueWaits;
                    if (waits.Count == 0)
                    {
                        return NoData(signal, def);
                    }

                    var components = top.Select(c => new KeyValuePair<string, Stat>(c, FromWaits(onPath ? inputs.Spans.For(c)?.QueueWaitsOnPath : inputs.Spans.For(c)?.QueueWaits, inputs.Seconds))).ToList();
                    var metrics = onPath ? new[] { SignalCatalog.SpanCriticalPath, SignalCatalog.SpanProducerConsumer } : new[] { SignalCatalog.SpanProducerConsumer };
                    return new MeasureResult(signal, def, SignalStatus.Ok, FromWaits(waits, inputs.Seconds), metrics, components);
                }

                default:
                    return NoData(signal, def);
            }
        }

        private static MeasureResult NoData(string signal, MeasureDefinition def) =>
            new(signal, def, SignalStatus.NoData, Stat.None, Array.Empty<string>(), Array.Empty<KeyValuePair<string, Stat>>());

        private static Stat FromSamples(IReadOnlyList<MetricSample> samples, string unit, bool seconds)
        {
            if (samples.Count == 0)
            {
                return Stat.None;
            }

            double sum = 0, max = double.MinValue;
            foreach (var s in samples)
            {
                sum += s.Value;
                max = Math.Max(max, s.Value);
            }

            return new Stat(Value(sum / samples.Count, unit, seconds), Value(max, unit, seconds), null, samples.Count);
        }

        private static Stat FromHttp(MeasureSource source, LabelEvidence? e, bool seconds)
        {
            if (e is null || (e.HttpSpans == 0 && e.Resends == 0))
            {
                return Stat.None;
            }

            switch (source)
            {
                case MeasureSource.Http429Responses:
                    return new Stat(null, null, e.Http429, e.HttpSpans);
                case MeasureSource.Http429Time:
                    return new Stat(
                        e.Http429 == 0 ? null : Ms((double)e.Http429Nanos / e.Http429, seconds),
                        e.Http429 == 0 ? null : Ms(e.Http429MaxNanos, seconds),
                        Ms(e.Http429Nanos, seconds),
                        e.Http429);
                case MeasureSource.Http429TimeOnPath:
                    return new Stat(
                        e.Http429OnPath == 0 ? null : Ms((double)e.Http429OnPathNanos / e.Http429OnPath, seconds),
                        e.Http429OnPath == 0 ? null : Ms(e.Http429OnPathMaxNanos, seconds),
                        Ms(e.Http429OnPathNanos, seconds),
                        e.Http429OnPath);
                default:
                    return new Stat(null, e.ResendSpans == 0 ? null : e.MaxResendCount, e.Resends, e.HttpSpans);
            }
        }

        private static Stat FromWaits(List<long>? waits, bool seconds)
        {
            if (waits is null || waits.Count == 0)
            {
                return Stat.None;
            }

            long total = 0, max = 0;
            foreach (var w in waits)
            {
                total += w;
                max = Math.Max(max, w);
            }

            return new Stat(Ms((double)total / waits.Count, seconds), Ms(max, seconds), Ms(total, seconds), waits.Count);
        }

        private static decimal Ms(double nanos, bool seconds) => Value(nanos / 1_000_000.0, "ms", seconds);

        /// <summary>Rounds a value to its unit's precision in the document (<see cref="Units.Round"/>).</summary>
        public static decimal Value(double v, string unit, bool seconds) => Units.Round(v, unit, seconds);

        public static decimal Round(decimal v, int digits) => Units.RoundTo(v, digits);

        /// <summary>
        /// Samples by metric and resource, and which of them describe a span resource: only those at
        /// the most specific level that has any for it (a container's own series over its pod's).
        /// </summary>
        private sealed class SampleJoin
        {
            private readonly Dictionary<string, Dictionary<MetricResource, List<MetricSample>>> _byMetric = new(StringComparer.Ordinal);
            private readonly Dictionary<(string Metric, MetricResource Span), List<MetricResource>> _matches = new();

            public SampleJoin(IReadOnlyList<MetricSample> samples)
            {
                foreach (var s in samples)
                {
                    if (!_byMetric.TryGetValue(s.Metric, out var byResource))
                    {
                        _byMetric[s.Metric] = byResource = new Dictionary<MetricResource, List<MetricSample>>();
                    }

                    if (!byResource.TryGetValue(s.Resource, out var list))
                    {
                        byResource[s.Resource] = list = new List<MetricSample>();
                    }

                    list.Add(s);
                }

                foreach (var byResource in _byMetric.Values)
                {
                    foreach (var list in byResource.Values)
                    {
                        list.Sort(SampleOrder.Instance);
                    }
                }
            }

            /// <summary>Whether a sample of any of <paramref name="metrics"/> describes <paramref name="spanResource"/> in the windows.</summary>
            public bool Covers(MetricResource spanResource, WindowSet windows, IReadOnlyList<string> metrics)
            {
                foreach (var metric in metrics)
                {
                    if (!_byMetric.TryGetValue(metric, out var byResource))
                    {
                        continue;
                    }

                    foreach (var mr in Matching(metric, spanResource, byResource))
                    {
                        foreach (var s in byResource[mr])
                        {
                            if (windows.Overlaps(spanResource, s))
                            {
                                return true;
                            }
                        }
                    }
                }

                return false;
            }

            /// <summary>The samples of <paramref name="metric"/> that describe any time in the windows, each once, in a fixed order.</summary>
            public List<MetricSample> Select(string metric, WindowSet windows)
            {
                var result = new List<MetricSample>();
                if (!_byMetric.TryGetValue(metric, out var byResource))
                {
                    return result;
                }

                var seen = new HashSet<MetricSample>(SameObject<MetricSample>.Instance);
                foreach (var spanResource in windows.Resources)
                {
                    foreach (var mr in Matching(metric, spanResource, byResource))
                    {
                        foreach (var s in byResource[mr])
                        {
                            if (windows.Overlaps(spanResource, s) && seen.Add(s))
                            {
                                result.Add(s);
                            }
                        }
                    }
                }

                result.Sort(SampleOrder.Instance);
                return result;
            }

            private List<MetricResource> Matching(string metric, MetricResource spanResource, Dictionary<MetricResource, List<MetricSample>> byResource)
            {
                if (_matches.TryGetValue((metric, spanResource), out var cached))
                {
                    return cached;
                }

                var best = 0;
                var list = new List<MetricResource>();
                foreach (var mr in byResource.Keys.OrderBy(r => r, Comparer<MetricResource>.Create(MetricResource.Compare)))
                {
                    var score = mr.MatchScore(spanResource);
                    if (score == 0 || score < best)
                    {
                        continue;
                    }

                    if (score > best)
                    {
                        best = score;
                        list.Clear();
                    }

                    list.Add(mr);
                }

                _matches[(metric, spanResource)] = list;
                return list;
            }
        }

        /// <summary>The critical sections of a contiguous range of roots, summed per top component.</summary>
        private sealed class SectionSums
        {
            private SectionSums(int components)
            {
                Intervals = new Dictionary<MetricResource, List<(long, long)>>[components];
                Client = new long[components];
                All = new long[components];
                for (var k = 0; k < components; k++)
                {
                    Intervals[k] = new Dictionary<MetricResource, List<(long, long)>>();
                }
            }

            public Dictionary<MetricResource, List<(long, long)>>[] Intervals { get; }

            public long[] Client { get; }

            public long[] All { get; }

            [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
            public static SectionSums Of(IReadOnlyList<RootAnalysis> roots, int from, int to, int components, Dictionary<string, int> slots, SpanEvidence spans)
            {
                var sums = new SectionSums(components);
                var intervals = sums.Intervals;
                var client = sums.Client;
                var all = sums.All;

                // Labels are shared strings and a walk's sections repeat them: the last label's answer
                // is reused by reference before any hashing (millions of sections). Resources likewise.
                string? lastLabel = null;
                var lastSlot = -1;
                ResourceInfo? lastInfo = null;
                MetricResource? resource = null;
                var lastListSlot = -1;
                MetricResource? lastListResource = null;
                List<(long, long)>? lastList = null;

                // Sections alternate between resources (a service, its database, the service again):
                // each resource and each component's list is looked up by identity before by value.
                var resources = new Dictionary<ResourceInfo, MetricResource>(SameObject<ResourceInfo>.Instance);
                var lists = new Dictionary<MetricResource, List<(long, long)>>[components];
                for (var k = 0; k < components; k++)
                {
                    lists[k] = new Dictionary<MetricResource, List<(long, long)>>(SameObject<MetricResource>.Instance);
                }

                for (var i = from; i < to; i++)
                {
                    var sections = roots[i].Sections;
                    for (var j = 0; j < sections.Count; j++)
                    {
                        var s = sections[j];
                        if (s.End <= s.Start)
                        {
                            continue;
                        }

                        var span = s.Span;
                        if (!ReferenceEquals(span.Label, lastLabel))
                        {
                            lastLabel = span.Label;
                            lastSlot = slots.TryGetValue(lastLabel, out var found) ? found : -1;
                        }

                        var k = lastSlot;
                        if (k < 0)
                        {
                            continue;
                        }

                        // A message waiting in a queue is the consumer's time on the path, but its
                        // container was not working on it: its resource samples do not describe that time.
                        all[k] += s.End - s.Start;
                        if (s.Queued)
                        {
                            continue;
                        }

                        if (!ReferenceEquals(span.Resource, lastInfo))
                        {
                            lastInfo = span.Resource;
                            if (!resources.TryGetValue(lastInfo, out resource))
                            {
                                resources[lastInfo] = resource = spans.KnownResourceOf(lastInfo);
                            }
                        }

                        if (k != lastListSlot || !ReferenceEquals(resource, lastListResource))
                        {
                            if (!lists[k].TryGetValue(resource!, out lastList))
                            {
                                if (!intervals[k].TryGetValue(resource!, out lastList))
                                {
                                    intervals[k][resource!] = lastList = new List<(long, long)>();
                                }

                                lists[k][resource!] = lastList;
                            }

                            lastListSlot = k;
                            lastListResource = resource;
                        }

                        WindowSet.AddToUnion(lastList!, s.Start, s.End);
                        if (span.Kind == SpanKind.Client)
                        {
                            client[k] += s.End - s.Start;
                        }
                    }
                }

                return sums;
            }
        }
    }
}
