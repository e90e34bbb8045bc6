using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Azure.Core;
using Chartly.Profiler.Access;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// Spans from a Log Analytics workspace (Application Insights tables <c>AppRequests</c> and
    /// <c>AppDependencies</c>). Pass 1 filters on the server and returns only the spans that can
    /// begin the target, with their identity; pass 2 loads whole traces by operation id, in
    /// batches, over the time the pass-1 roots span (plus <c>trace-margin</c>). Rows come back in
    /// any order: the result is sorted, so the profile never depends on the server's order.
    /// </summary>
    internal sealed class AzureMonitorLogsSource : ITraceSource, IPrincipalSource, IProgressSource, IDisposable
    {
        /// <summary>Starts the "nearest" query returns: enough for three distinct ones after the environment filter.</summary>
        private const int NearestRows = 10;

        private readonly LogsSettings _settings;
        private readonly Lazy<LogsQueryClient> _client;
        private readonly TokenCache _tokens;
        private readonly Dictionary<TraceId, (long Start, long End)> _extents = new();

        public AzureMonitorLogsSource(LogsSettings settings, Func<TokenCredential>? credential = null, Http.HttpTuning? tuning = null)
        {
            _settings = settings;
            Description = settings.Describe();

            // The credential is built on first use: a dry run without an access policy never touches the identity stack.
            _tokens = new TokenCache(credential ?? (() => CredentialFactory.Create(settings)), settings.Scope);
            _client = new Lazy<LogsQueryClient>(() => new LogsQueryClient(settings, _tokens, tuning));
        }

        public string Description { get; }

        /// <summary>The client holds connections and the profile's deadline: released with the source.</summary>
        public void Dispose()
        {
            if (_client.IsValueCreated)
            {
                _client.Value.Dispose();
            }
        }

        /// <summary>The identity for the access policy: the claims of the very token the queries will carry.</summary>
        public IPrincipalProvider PrincipalProvider => new AzureTokenPrincipalProvider(_tokens.GetToken);

        public Action<ProfileProgress>? Progress { get; set; }

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            var w = request.Window;
            var margin = _settings.TraceMargin.Ticks * 100;
            var steps = new List<string>
            {
                $"credential {_settings.Credential}, token scope {_settings.Scope}; every query is POST {_settings.QueryUri}",
                $"pass 1, spans that begin {request.Target}: timespan {Kql.Timespan(w.StartUnixNano, w.EndUnixNano)}\n{SpanQueries.Candidates(request.Target, w.StartUnixNano, w.EndUnixNano)}",
            };
            if (_settings.NearestLookaround > TimeSpan.Zero)
            {
                var (from, to) = LookAround(w);
                steps.Add($"only if pass 1 finds nothing, the nearest starts: timespan {Kql.Timespan(from, to)}\n{SpanQueries.Nearest(request.Target, w.StartUnixNano, from, to, NearestRows)}");
            }

            steps.Add(
                $"pass 2, whole traces, {_settings.TracesPerQuery} operation ids per query, over the pass-1 roots' time plus {SettingsReader.Format(_settings.TraceMargin)} either side (shown here for the whole window):\n" +
                SpanQueries.TracesTemplate(Math.Max(0, w.StartUnixNano - margin), w.EndUnixNano + margin));
            return steps;
        }

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var w = request.Window;
            var found = Read(SpanQueries.Candidates(request.Target, w.StartUnixNano, w.EndUnixNano), w.StartUnixNano, w.EndUnixNano, withLabel: false, quality, countSpans: false, cancellation);
            if (found.Count == 0 && _settings.NearestLookaround > TimeSpan.Zero)
            {
                var (from, to) = LookAround(w);
                found = Read(SpanQueries.Nearest(request.Target, w.StartUnixNano, from, to, NearestRows), from, to, withLabel: false, quality, countSpans: false, cancellation);
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
            var margin = _settings.TraceMargin.Ticks * 100;
            var ordered = traces.OrderBy(t => t).ToList();
            var spans = new List<SpanRecord>();
            var batches = (ordered.Count + _settings.TracesPerQuery - 1) / _settings.TracesPerQuery;
            for (var i = 0; i < ordered.Count; i += _settings.TracesPerQuery)
            {
                cancellation.ThrowIfCancellationRequested();
                Progress?.Invoke(new ProfileProgress(Description, "Loading traces", "queries", i / _settings.TracesPerQuery, batches, 0, 0, null));
                var chunk = ordered.GetRange(i, Math.Min(_settings.TracesPerQuery, ordered.Count - i));

                // Over the time the roots of this batch cover (the window for a trace pass 1 did not see).
                long from = long.MaxValue, to = long.MinValue;
                foreach (var t in chunk)
                {
                    var (s, e) = _extents.TryGetValue(t, out var x) ? x : (request.Window.StartUnixNano, request.Window.EndUnixNano);
                    from = Math.Min(from, s);
                    to = Math.Max(to, e);
                }

                from = Math.Max(0, from - margin);
                to = to + margin + 1;
                var wanted = new HashSet<TraceId>(chunk);
                foreach (var span in Read(SpanQueries.Traces(chunk, from, to), from, to, withLabel: true, quality, countSpans: true, cancellation))
                {
                    // The server compares operation ids without case; keep only what was asked for.
                    if (wanted.Contains(span.TraceId))
                    {
                        spans.Add(span);
                    }
                }
            }

            Progress?.Invoke(new ProfileProgress(Description, "Loading traces", "queries", batches, batches, 0, 0, null));
            return Sorted(spans);
        }

        private List<SpanRecord> Read(string kql, long from, long to, bool withLabel, DataQualityCounters quality, bool countSpans, CancellationToken cancellation)
        {
            var response = _client.Value.Query(kql, from, to, cancellation);
            if (response.Error is not null)
            {
                // HTTP 200 with an error: the rows are real but some are missing. Counted, never hidden.
                quality.AddSourcePartialErrors(1);
            }

            var result = new List<SpanRecord>();
            var table = response.Primary;
            if (table is null)
            {
                return result;
            }

            quality.AddRecords(table.Rows.Count);
            var mapper = new AppInsightsSpanMapper(table, withLabel, why => SourceErrors.Malformed(Description, why));
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
            var around = _settings.NearestLookaround.Ticks * 100;
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
