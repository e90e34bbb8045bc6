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

        /// <summary>The pass-1 columns the root statistics and the sample predicate are written over.</summary>
        KustoRootColumns RootColumns { get; }
    }

    /// <summary>
    /// How far pass 2 and the nearest-starts query look, how many traces one query loads at most,
    /// the roots above which the target is sampled, and the answer size pass 2 aims under.
    /// </summary>
    internal sealed record KustoPassLimits(TimeSpan TraceMargin, TimeSpan NearestLookaround, int TracesPerQuery, int RootBudget = KustoPassLimits.DefaultRootBudget, long AnswerBytes = KustoPassLimits.MaxAnswerBytes, int AnswerRows = KustoPassLimits.MaxAnswerRows)
    {
        /// <summary>
        /// 20,000 roots: the dominant share's 95% margin is then at most about 0.7 percentage points
        /// (1.96 * 0.5 / sqrt(20,000)), and pass 2 loads 20,000 traces, which the engine analyses in
        /// seconds and holds in a few hundred MB at the spans per trace seen in practice.
        /// </summary>
        public const int DefaultRootBudget = 20_000;

        /// <summary>Pass 1 asks for budget + 1 rows in one answer: 100,000 candidate rows stay far below 500,000 rows and about 40 MB.</summary>
        public const int MaxRootBudget = 100_000;

        /// <summary>
        /// The rows one pass-2 answer aims under: a fifth of the 500,000-row truncation limit both
        /// Kusto services apply by default, so an estimate off by a factor of five still fits.
        /// </summary>
        public const int MaxAnswerRows = 100_000;

        /// <summary>The bytes one pass-2 answer aims under: a quarter of the 64 MB truncation limit.</summary>
        public const long MaxAnswerBytes = 16L * 1024 * 1024;

        /// <summary>The answer size for a source whose <c>max-response-mb</c> may be smaller than the service's limit.</summary>
        public static long AnswerBytesFor(long maxResponseBytes) => Math.Min(MaxAnswerBytes, Math.Max(1, maxResponseBytes / 4));
    }

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
    internal abstract class KustoSpanSource : ITraceSource, IProgressSource, IRootSampleSource
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

        public RootSample? RootSample { get; private set; }

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
            var candidates = _queries.Candidates(request.Target, w.StartUnixNano, w.EndUnixNano);
            var budget = _limits.RootBudget;
            var steps = new List<string>
            {
                PlanHeader,
                PlanStep($"pass 1, spans that begin {request.Target} (one row past the root budget of {budget} says the target is over it)", RootSampling.Then(candidates, RootSampling.Take(budget + 1)), w.StartUnixNano, w.EndUnixNano),
            };
            var (aroundFrom, aroundTo) = WithMargin(w);
            var around = _queries.Candidates(request.Target, aroundFrom, aroundTo);
            var statistics = RootSampling.Statistics(_queries.RootColumns, request.Target, around, w.StartUnixNano, w.EndUnixNano, request.Environment, request.ServiceVersion ?? request.Target.Version, request.Precision == Precision.Seconds);
            steps.Add(PlanStep("only if pass 1 returns more than the root budget, the statistics of every root, computed by the backend", statistics, aroundFrom, aroundTo));
            steps.Add(PlanStep(
                "then pass 1 again for the sample: the traces whose SHA-256 bucket is under budget / traces * 2^32 (shown for a sample of one in 16), candidates under a matching parent left out",
                RootSampling.SampledCandidates(_queries.RootColumns, around, candidates, RootSampling.Buckets / 16, request.Environment, request.ServiceVersion ?? request.Target.Version),
                aroundFrom,
                aroundTo));
            if (_limits.NearestLookaround > TimeSpan.Zero)
            {
                var (from, to) = LookAround(w);
                steps.Add(PlanStep("only if pass 1 finds nothing, the nearest starts", _queries.Nearest(request.Target, w.StartUnixNano, from, to, NearestRows), from, to));
            }

            steps.Add(
                $"pass 2, whole traces, in order of their roots' start, at most {_limits.TracesPerQuery} {TraceIdNoun} per query (fewer when the answers so far say more would pass {_limits.AnswerRows} rows or {_limits.AnswerBytes / (1024 * 1024)} MB), over the pass-1 roots' time plus {SettingsReader.Format(_limits.TraceMargin)} either side (shown here for the whole window):\n" +
                _queries.TracesTemplate(Math.Max(0, w.StartUnixNano - margin), w.EndUnixNano + margin));
            return steps;
        }

        /// <summary>What the backend calls a trace id, for the plan.</summary>
        protected virtual string TraceIdNoun => "trace ids";

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var w = request.Window;
            var budget = _limits.RootBudget;
            var candidates = _queries.Candidates(request.Target, w.StartUnixNano, w.EndUnixNano);
            RootSample = null;

            // One row past the budget says the target is over it, without loading every candidate.
            var found = Read(RootSampling.Then(candidates, RootSampling.Take(budget + 1)), w.StartUnixNano, w.EndUnixNano, withLabel: false, quality, countSpans: false, cancellation);
            if (found.Count > budget)
            {
                found = Sample(request, candidates, quality, cancellation);
            }
            else if (found.Count == 0 && _limits.NearestLookaround > TimeSpan.Zero)
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

        /// <summary>
        /// A target over the budget: the backend computes the statistics of every root, then pass 1
        /// returns the candidates of the traces whose SHA-256 bucket is under the threshold. A
        /// truncated sample is asked again at half the threshold (a smaller sample, the same rule).
        /// </summary>
        private List<SpanRecord> Sample(ProfileRequest request, string candidates, DataQualityCounters quality, CancellationToken cancellation)
        {
            var w = request.Window;
            var stats = Statistics(request, quality, cancellation);
            var threshold = RootSampling.Threshold(_limits.RootBudget, stats.Traces);
            if (threshold >= RootSampling.Buckets)
            {
                // More candidate rows than the budget, but no more traces of roots (other environments, nested matches): load them all.
                return Read(candidates, w.StartUnixNano, w.EndUnixNano, withLabel: false, quality, countSpans: false, cancellation);
            }

            var (from, to) = WithMargin(w);
            var around = _queries.Candidates(request.Target, from, to);
            var shrunk = false;
            while (true)
            {
                var answer = Query(RootSampling.SampledCandidates(_queries.RootColumns, around, candidates, threshold, request.Environment, request.ServiceVersion ?? request.Target.Version), from, to, cancellation);
                var rows = answer.Primary?.Rows.Count ?? 0;
                if (!answer.Truncated && rows == 0 && !shrunk && threshold < RootSampling.Buckets / 2)
                {
                    // A small budget over many traces can keep none: twice the threshold, until one is kept.
                    threshold *= 2;
                    continue;
                }

                if (!answer.Truncated && rows > 0)
                {
                    RootSample = stats;
                    return Read(answer, withLabel: false, quality, countSpans: false, cancellation);
                }

                if (threshold == 1 || !answer.Truncated)
                {
                    throw SourceErrors.Truncated(Description, "the sampled spans that can begin the target", "narrow the window (--start/--end) or lower 'root-budget'");
                }

                shrunk = true;
                threshold /= 2;
            }
        }

        /// <summary>The statistics row of every root of the target, computed by the backend.</summary>
        private RootSample Statistics(ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var w = request.Window;
            var (from, to) = WithMargin(w);
            var kql = RootSampling.Statistics(
                _queries.RootColumns,
                request.Target,
                _queries.Candidates(request.Target, from, to),
                w.StartUnixNano,
                w.EndUnixNano,
                request.Environment,
                request.ServiceVersion ?? request.Target.Version,
                request.Precision == Precision.Seconds);
            var answer = Query(kql, from, to, cancellation);

            // Statistics over part of the roots would be wrong, not approximate: never used.
            if (answer.Truncated)
            {
                throw SourceErrors.Truncated(Description, "the root statistics", "narrow the window (--start/--end) or the target");
            }

            if (answer.Partial)
            {
                throw SourceErrors.Partial(Description, "the root statistics");
            }

            var table = answer.Primary;
            if (table is null || table.Rows.Count != 1)
            {
                throw SourceErrors.Malformed(Description, "the root statistics are not one row");
            }

            quality.AddRecords(1);
            var row = table.Rows[0];
            long Cell(string column)
            {
                var i = table.IndexOf(column);
                return i >= 0 && long.TryParse(row[i], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0
                    ? v
                    : throw SourceErrors.Malformed(Description, "the root statistics have no whole '" + column + "'");
            }

            if (table.IndexOf("KeyCount") >= 0)
            {
                // The ambiguity check sees every candidate, not only the sampled ones.
                Analysis.TargetResolver.ThrowIfAmbiguous(request.Target, Keys(row[table.IndexOf("Keys")]), Cell("KeyCount"));
            }

            var roots = Cell("Roots");
            return roots == 0
                ? new RootSample(0, 0, 0, 0, 0)
                : new RootSample(roots, Cell("Traces"), Cell("P50Ms"), Cell("P95Ms"), Cell("MaxMs"));
        }

        /// <summary>The listed ambiguity keys: a JSON array of strings (Log Analytics may send the dynamic value as its JSON text).</summary>
        private IReadOnlyList<string> Keys(string? cell)
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(cell ?? "[]");
                var array = doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.String
                    ? System.Text.Json.JsonDocument.Parse(doc.RootElement.GetString()!).RootElement.Clone()
                    : doc.RootElement.Clone();
                return array.EnumerateArray().Select(e => e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString()! : throw new FormatException()).ToList();
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
            {
                throw SourceErrors.Malformed(Description, "the root statistics' 'Keys' is not a list of strings");
            }
        }

        /// <summary>
        /// Pass 2 pages by time and by trace batches: the traces in order of their roots' start (so
        /// each query's range is narrow), in batches sized from the rows and bytes per trace the
        /// answers so far held, so that an answer stays under <see cref="KustoPassLimits.AnswerRows"/>
        /// rows and <see cref="KustoPassLimits.AnswerBytes"/>; never more than <c>traces-per-query</c>.
        /// The same telemetry gives the same batches, so the same queries.
        /// </summary>
        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var margin = _limits.TraceMargin.Ticks * 100;
            var ordered = traces
                .Select(t => (Trace: t, Start: _extents.TryGetValue(t, out var e) ? e.Start : request.Window.StartUnixNano))
                .OrderBy(t => t.Start)
                .ThenBy(t => t.Trace)
                .Select(t => t.Trace)
                .ToList();
            var spans = new List<SpanRecord>();
            var size = _limits.TracesPerQuery;
            long rowsPerTrace = 0, bytesPerRow = 0;
            for (var i = 0; i < ordered.Count;)
            {
                cancellation.ThrowIfCancellationRequested();
                Progress?.Invoke(new ProfileProgress(Description, "Loading traces", "traces", i, ordered.Count, 0, 0, null));
                var chunk = ordered.GetRange(i, Math.Min(size, ordered.Count - i));
                var (rows, bytes) = LoadBatch(chunk, request, margin, spans, quality, cancellation);
                i += chunk.Count;
                if (rows > 0)
                {
                    rowsPerTrace = Math.Max(rowsPerTrace, (rows + chunk.Count - 1) / chunk.Count);
                    bytesPerRow = Math.Max(bytesPerRow, (bytes + rows - 1) / rows);
                    var fit = Math.Min(_limits.AnswerRows / rowsPerTrace, _limits.AnswerBytes / (rowsPerTrace * bytesPerRow));
                    size = (int)Math.Max(1, Math.Min(_limits.TracesPerQuery, fit));
                }
            }

            Progress?.Invoke(new ProfileProgress(Description, "Loading traces", "traces", ordered.Count, ordered.Count, 0, 0, null));
            return Sorted(spans);
        }

        /// <summary>
        /// One pass-2 batch, over the time its roots cover (the window for a trace pass 1 did not see);
        /// halved while the backend truncates. Returns the rows received and their size as text.
        /// </summary>
        private (long Rows, long Bytes) LoadBatch(List<TraceId> chunk, ProfileRequest request, long margin, List<SpanRecord> spans, DataQualityCounters quality, CancellationToken cancellation)
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
                var a = LoadBatch(chunk.GetRange(0, half), request, margin, spans, quality, cancellation);
                var b = LoadBatch(chunk.GetRange(half, chunk.Count - half), request, margin, spans, quality, cancellation);
                return (a.Rows + b.Rows, a.Bytes + b.Bytes);
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

            return (answer.Primary?.Rows.Count ?? 0, TextBytes(answer.Primary));
        }

        /// <summary>About the bytes of a table's rows as JSON text: each cell's text plus quotes and a separator.</summary>
        private static long TextBytes(KustoTable? table)
        {
            long bytes = 0;
            if (table is null)
            {
                return bytes;
            }

            foreach (var row in table.Rows)
            {
                bytes += 2;
                foreach (var cell in row)
                {
                    bytes += (cell?.Length ?? 4) + 3;
                }
            }

            return bytes;
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

        /// <summary>The window widened by the trace margin on either side: where a root's enclosing matches are looked for.</summary>
        private (long From, long To) WithMargin(TimeWindow w)
        {
            var margin = _limits.TraceMargin.Ticks * 100;
            return (Math.Max(0, w.StartUnixNano - margin), w.EndUnixNano + margin);
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
