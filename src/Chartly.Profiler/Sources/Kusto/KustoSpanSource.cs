using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// One answer of a Kusto backend: its primary table (none when the answer holds no rows),
    /// whether the backend said part of it is missing, and whether what is missing was cut at the
    /// backend's row or size limit (then the rows are never used: see <see cref="KustoSpanSource"/>).
    /// </summary>
    internal sealed record KustoAnswer(KustoTable? Primary, bool Partial, bool Truncated = false)
    {
        /// <summary>
        /// The phrase both Kusto backends use when a result set is cut at the query limits
        /// ("Query result set has exceeded the internal record count limit", "... data size
        /// limit"), and Data Explorer's error code for it.
        /// </summary>
        public static bool SaysTruncated(string? text) =>
            text is not null
            && (text.IndexOf("result set has exceeded", StringComparison.OrdinalIgnoreCase) >= 0
                || text.IndexOf("E_QUERY_RESULT_SET_TOO_LARGE", StringComparison.Ordinal) >= 0);
    }

    /// <summary>Turns one row of a backend's projection into a span, or null when the row cannot be a span.</summary>
    internal interface IKustoRowMapper
    {
        SpanRecord? Map(string?[] row);
    }

    /// <summary>The KQL one backend sends: the same three questions, in its own tables and columns.</summary>
    internal interface IKustoSpanQueries
    {
        string Candidates(TargetSpec target, long fromUnixNano, long toUnixNano);

        string Nearest(TargetSpec target, long windowStartUnixNano, long fromUnixNano, long toUnixNano, int count);

        string Traces(IReadOnlyList<TraceId> traces, long fromUnixNano, long toUnixNano);

        /// <summary>Pass 2 as the plan shows it: the trace ids are only known after pass 1.</summary>
        string TracesTemplate(long fromUnixNano, long toUnixNano);
    }

    /// <summary>How far pass 2 and the nearest-starts query look, and how many traces one query loads.</summary>
    internal sealed record KustoPassLimits(TimeSpan TraceMargin, TimeSpan NearestLookaround, int TracesPerQuery);

    /// <summary>
    /// Spans from a backend that speaks KQL (Log Analytics, Azure Data Explorer). Pass 1 filters on
    /// the server and returns only the spans that can begin the target, with their identity; pass 2
    /// loads whole traces by trace id, in batches, over the time the pass-1 roots span (plus the
    /// trace margin). Rows come back in any order: the result is sorted, so the profile never
    /// depends on the server's order. A backend supplies its queries, its client and its row mapper.
    /// An answer cut at the backend's limits is never used: a pass-2 batch is split in halves and
    /// asked again (the same halves every time, so the same profile), and where no smaller question
    /// exists (pass 1, one trace) the profile fails with <c>SourceResultTruncated</c> (exit 3).
    /// </summary>
    internal abstract class KustoSpanSource : ITraceSource, IProgressSource
    {
        /// <summary>Starts the "nearest" query returns: enough for three distinct ones after the environment filter.</summary>
        private const int NearestRows = 10;

        private readonly KustoPassLimits _limits;
        private readonly IKustoSpanQueries _queries;
        private readonly Dictionary<TraceId, (long Start, long End)> _extents = new();

        protected KustoSpanSource(string description, KustoPassLimits limits, IKustoSpanQueries queries)
        {
            Description = description;
            _limits = limits;
            _queries = queries;
        }

        public string Description { get; }

        public Action<ProfileProgress>? Progress { get; set; }

        /// <summary>The plan's first line: where the queries go, with which credential.</summary>
        protected abstract string PlanHeader { get; }

        /// <summary>One query of the plan, titled, with the range it covers.</summary>
        protected abstract string PlanStep(string title, string kql, long fromUnixNano, long toUnixNano);

        /// <summary>Sends one query over [from, to) and returns its answer (partial answers included).</summary>
        protected abstract KustoAnswer Query(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation);

        protected abstract IKustoRowMapper Mapper(KustoTable table, bool withLabel);

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            var w = request.Window;
            var margin = _limits.TraceMargin.Ticks * 100;
            var steps = new List<string>
            {
                PlanHeader,
                PlanStep($"pass 1, spans that begin {request.Target}", _queries.Candidates(request.Target, w.StartUnixNano, w.EndUnixNano), w.StartUnixNano, w.EndUnixNano),
            };
            if (_limits.NearestLookaround > TimeSpan.Zero)
            {
                var (from, to) = LookAround(w);
                steps.Add(PlanStep("only if pass 1 finds nothing, the nearest starts", _queries.Nearest(request.Target, w.StartUnixNano, from, to, NearestRows), from, to));
            }

            steps.Add(
                $"pass 2, whole traces, {_limits.TracesPerQuery} {TraceIdNoun} per query, over the pass-1 roots' time plus {SettingsReader.Format(_limits.TraceMargin)} either side (shown here for the whole window):\n" +
                _queries.TracesTemplate(Math.Max(0, w.StartUnixNano - margin), w.EndUnixNano + margin));
            return steps;
        }

        /// <summary>What the backend calls a trace id, for the plan.</summary>
        protected virtual string TraceIdNoun => "trace ids";

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var w = request.Window;
            var found = Read(_queries.Candidates(request.Target, w.StartUnixNano, w.EndUnixNano), w.StartUnixNano, w.EndUnixNano, withLabel: false, quality, countSpans: false, cancellation);
            if (found.Count == 0 && _limits.NearestLookaround > TimeSpan.Zero)
            {
                var (from, to) = LookAround(w);
                found = Read(_queries.Nearest(request.Target, w.StartUnixNano, from, to, NearestRows), from, to, withLabel: false, quality, countSpans: false, cancellation);
            }

            _extents.Clear();
            foreach (var c in found)
            {
                _extents[c.TraceId] = _extents.TryGetValue(c.TraceId, out var e)
                    ? (Math.Min(e.Start, c.StartUnixNano), Math.Max(e.End, c.EndUnixNano))
                    : (c.StartUnixNano, c.EndUnixNano);
            }

            return Sorted(found);
        }

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var margin = _limits.TraceMargin.Ticks * 100;
            var perQuery = _limits.TracesPerQuery;
            var ordered = traces.OrderBy(t => t).ToList();
            var spans = new List<SpanRecord>();
            var batches = (ordered.Count + perQuery - 1) / perQuery;
            for (var i = 0; i < ordered.Count; i += perQuery)
            {
                cancellation.ThrowIfCancellationRequested();
                Progress?.Invoke(new ProfileProgress(Description, "Loading traces", "queries", i / perQuery, batches, 0, 0, null));
                var chunk = ordered.GetRange(i, Math.Min(perQuery, ordered.Count - i));
                LoadBatch(chunk, request, margin, spans, quality, cancellation);
            }

            Progress?.Invoke(new ProfileProgress(Description, "Loading traces", "queries", batches, batches, 0, 0, null));
            return Sorted(spans);
        }

        /// <summary>One pass-2 batch, over the time its roots cover (the window for a trace pass 1 did not see); halved while the backend truncates.</summary>
        private void LoadBatch(List<TraceId> chunk, ProfileRequest request, long margin, List<SpanRecord> spans, DataQualityCounters quality, CancellationToken cancellation)
        {
            long from = long.MaxValue, to = long.MinValue;
            foreach (var t in chunk)
            {
                var (s, e) = _extents.TryGetValue(t, out var x) ? x : (request.Window.StartUnixNano, request.Window.EndUnixNano);
                from = Math.Min(from, s);
                to = Math.Max(to, e);
            }

            from = Math.Max(0, from - margin);
            to = to + margin + 1;
            var answer = Query(_queries.Traces(chunk, from, to), from, to, cancellation);
            if (answer.Truncated)
            {
                if (chunk.Count == 1)
                {
                    throw SourceErrors.Truncated(Description, "the trace " + chunk[0], "that one trace holds more spans than one answer can; narrow the window so the target's roots exclude it, or lower 'trace-margin'");
                }

                var half = chunk.Count / 2;
                LoadBatch(chunk.GetRange(0, half), request, margin, spans, quality, cancellation);
                LoadBatch(chunk.GetRange(half, chunk.Count - half), request, margin, spans, quality, cancellation);
                return;
            }

            var wanted = new HashSet<TraceId>(chunk);
            foreach (var span in Read(answer, withLabel: true, quality, countSpans: true, cancellation))
            {
                // The server compares trace ids without case; keep only what was asked for.
                if (wanted.Contains(span.TraceId))
                {
                    spans.Add(span);
                }
            }
        }

        /// <summary>Pass 1 or the nearest starts: there is no smaller question to ask, so a truncated answer ends the profile.</summary>
        private List<SpanRecord> Read(string kql, long from, long to, bool withLabel, DataQualityCounters quality, bool countSpans, CancellationToken cancellation)
        {
            var answer = Query(kql, from, to, cancellation);
            if (answer.Truncated)
            {
                throw SourceErrors.Truncated(Description, "the spans that can begin the target", "narrow the window (--start/--end) or the target (a run or operation instead of a workflow or service)");
            }

            return Read(answer, withLabel, quality, countSpans, cancellation);
        }

        private List<SpanRecord> Read(KustoAnswer answer, bool withLabel, DataQualityCounters quality, bool countSpans, CancellationToken cancellation)
        {
            if (answer.Partial)
            {
                // HTTP 200 with an error: the rows are real but some are missing. Counted, never hidden.
                quality.AddSourcePartialErrors(1);
            }

            var result = new List<SpanRecord>();
            var table = answer.Primary;
            if (table is null)
            {
                return result;
            }

            quality.AddRecords(table.Rows.Count);
            var mapper = Mapper(table, withLabel);
            long invalid = 0;
            foreach (var row in table.Rows)
            {
                cancellation.ThrowIfCancellationRequested();
                var span = mapper.Map(row);
                if (span is null)
                {
                    invalid++;
                }
                else
                {
                    result.Add(span);
                }
            }

            if (invalid > 0)
            {
                quality.AddInvalidSpans(invalid);
            }

            if (countSpans)
            {
                quality.AddSpansRead(result.Count);
            }

            return result;
        }

        private (long From, long To) LookAround(TimeWindow w)
        {
            var around = _limits.NearestLookaround.Ticks * 100;
            return (Math.Max(0, w.StartUnixNano - around), w.EndUnixNano + around);
        }

        private static List<SpanRecord> Sorted(List<SpanRecord> spans)
        {
            spans.Sort((a, b) =>
            {
                var c = a.TraceId.CompareTo(b.TraceId);
                if (c != 0) return c;
                c = a.StartUnixNano.CompareTo(b.StartUnixNano);
                if (c != 0) return c;
                c = a.SpanId.CompareTo(b.SpanId);
                if (c != 0) return c;
                c = a.EndUnixNano.CompareTo(b.EndUnixNano);
                return c != 0 ? c : a.ParentSpanId.CompareTo(b.ParentSpanId);
            });
            return spans;
        }
    }
}
