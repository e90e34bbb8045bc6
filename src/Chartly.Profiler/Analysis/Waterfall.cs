using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// One span on the critical path of a root: its extent (clipped to the root) and the sections of
    /// the path it holds, in nanoseconds from the root's start. Only the label and kind of the span
    /// are kept: a picture names components, never requests.
    /// </summary>
    public sealed record WaterfallRow(
        string Label,
        string Kind,
        int Depth,
        long StartNanos,
        long EndNanos,
        long CriticalNanos,
        IReadOnlyList<WaterfallSection> Sections)
    {
        /// <summary>The span's HTTP response status (0: none), so throttled requests (429) can be marked.</summary>
        public int HttpStatusCode { get; init; }

        /// <summary>How many times the request was sent again (http.request.resend_count), so retries can be marked.</summary>
        public int ResendCount { get; init; }
    }

    public readonly record struct WaterfallSection(long StartNanos, long EndNanos);

    /// <summary>
    /// The critical path of one root drawn as a waterfall: rows in start order (parents before their
    /// children), at most <see cref="MaxRows"/>; the rest are counted in <see cref="OmittedRows"/>.
    /// </summary>
    public sealed record Waterfall(
        string RootLabel,
        long RootStartUnixNano,
        long DurationNanos,
        long RootCount,
        IReadOnlyList<WaterfallRow> Rows,
        int OmittedRows,
        long OmittedCriticalNanos)
    {
        public const int MaxRows = 200;

        /// <summary>
        /// The waterfall of the slowest root of a profile: the engine runs the request again (same
        /// sources, same access check, same root selection) and, as each root is analysed, keeps the
        /// slowest (longest; ties: earliest start, then trace id, then span id) with its trace. Returns
        /// the recomputed profile too, so a caller can check it still matches the profile the picture
        /// is for. Reads only; the canonical document is untouched.
        /// </summary>
        public static (Profile Profile, Waterfall Waterfall) OfSlowestRoot(
            ProfileRequest request,
            ProfilerConfig config,
            CancellationToken cancellation,
            Action<string>? verbose = null,
            Action<ProfileProgress>? progress = null,
            Func<SourceConfig, ITraceSource?>? sourceFactory = null)
        {
            TraceTree? bestTree = null;
            RootAnalysis? bestAnalysis = null;
            var best = -1;
            long roots = 0;
            var engine = new ProfileEngine(sourceFactory)
            {
                Verbose = verbose,
                Progress = progress,
                RootAnalysed = (tree, r, analysis) =>
                {
                    roots++;
                    if (bestTree is null || Slower(tree.Spans[r], bestTree.Spans[best]))
                    {
                        bestTree = tree;
                        best = r;
                        bestAnalysis = analysis;
                    }
                },
            };

            var profile = engine.Run(request, config, cancellation);
            if (bestTree is null || bestAnalysis is null)
            {
                // Run throws when it finds no root, so only an engine that stopped reporting roots gets here.
                throw new ProfilerException(ProfilerErrorKind.ValidationFailed, "WaterfallRootMissing", "The slowest root of the profile could not be found again.");
            }

            // The engine may or may not have kept the sections of its walk; walking once more is cheap and the same.
            var analysis = bestAnalysis.Sections.Count > 0 || bestAnalysis.DurationNanos == 0
                ? bestAnalysis
                : CriticalPath.Analyze(bestTree, best, new DataQualityCounters(), keepSections: true);
            return (profile, From(bestTree, best, analysis, roots));
        }

        /// <summary>Lays out a walked root (its <see cref="RootAnalysis.Sections"/> kept) as rows.</summary>
        public static Waterfall From(TraceTree tree, int rootIndex, RootAnalysis analysis, long rootCount)
        {
            var spans = tree.Spans;
            var root = spans[rootIndex];
            var origin = root.StartUnixNano;
            var indexOf = new Dictionary<SpanRecord, int>(SameObject<SpanRecord>.Instance);
            for (var i = 0; i < spans.Length; i++)
            {
                indexOf[spans[i]] = i;
            }

            var sections = new Dictionary<int, List<WaterfallSection>>();
            foreach (var s in analysis.Sections)
            {
                if (s.End <= s.Start)
                {
                    continue;
                }

                var i = indexOf[s.Span];
                if (!sections.TryGetValue(i, out var list))
                {
                    sections[i] = list = new List<WaterfallSection>();
                }

                list.Add(new WaterfallSection(s.Start - origin, s.End - origin));
            }

            var rows = new List<(int Index, WaterfallRow Row)>();
            foreach (var kv in sections)
            {
                var i = kv.Key;
                // Depth below the root, and the extent clipped to every ancestor (as the walk clips it).
                var depth = 0;
                var start = spans[i].StartUnixNano;
                var end = spans[i].EndUnixNano;
                for (var p = i; p != rootIndex && p >= 0 && depth <= spans.Length;)
                {
                    p = tree.Parent[p];
                    depth++;
                    if (p >= 0)
                    {
                        start = Math.Max(start, spans[p].StartUnixNano);
                        end = Math.Min(end, spans[p].EndUnixNano);
                    }
                }

                var parts = kv.Value.OrderBy(x => x.StartNanos).ThenBy(x => x.EndNanos).ToList();
                var critical = parts.Sum(x => x.EndNanos - x.StartNanos);
                rows.Add((i, new WaterfallRow(spans[i].Label, KindName(spans[i].Kind), depth, start - origin, Math.Max(start, end) - origin, critical, parts)
                {
                    HttpStatusCode = spans[i].HttpStatusCode,
                    ResendCount = spans[i].ResendCount,
                }));
            }

            var omitted = 0;
            long omittedNanos = 0;
            if (rows.Count > MaxRows)
            {
                var keep = new HashSet<int>(rows
                    .OrderByDescending(r => r.Row.CriticalNanos)
                    .ThenBy(r => r.Index)
                    .Take(MaxRows)
                    .Select(r => r.Index));
                foreach (var r in rows.Where(r => !keep.Contains(r.Index)))
                {
                    omitted++;
                    omittedNanos += r.Row.CriticalNanos;
                }

                rows = rows.Where(r => keep.Contains(r.Index)).ToList();
            }

            var ordered = rows
                .OrderBy(r => r.Row.StartNanos)
                .ThenBy(r => r.Row.Depth)
                .ThenBy(r => r.Index)
                .Select(r => r.Row)
                .ToList();
            return new Waterfall(root.Label, origin, root.DurationNanos, rootCount, ordered, omitted, omittedNanos);
        }

        private static bool Slower(SpanRecord a, SpanRecord b)
        {
            if (a.DurationNanos != b.DurationNanos)
            {
                return a.DurationNanos > b.DurationNanos;
            }

            if (a.StartUnixNano != b.StartUnixNano)
            {
                return a.StartUnixNano < b.StartUnixNano;
            }

            var c = a.TraceId.CompareTo(b.TraceId);
            return c != 0 ? c < 0 : a.SpanId < b.SpanId;
        }

        private static string KindName(SpanKind kind) => kind switch
        {
            SpanKind.Server => "server",
            SpanKind.Client => "client",
            SpanKind.Producer => "producer",
            SpanKind.Consumer => "consumer",
            SpanKind.Internal => "internal",
            _ => "unspecified",
        };
    }
}
