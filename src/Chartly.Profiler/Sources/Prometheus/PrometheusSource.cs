using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Azure.Core;
using Chartly.Profiler.Access;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>
    /// Metrics from a Prometheus server, as canonical samples. It holds no spans (it is a trace
    /// source only so the engine lists it, plans it and hands it the metric query). For each
    /// canonical metric asked for, one range query per alias of the alias table (and one per
    /// server-side ratio) over the pods and nodes the target's spans ran on; the step is chosen
    /// from the range (see <see cref="PrometheusQueries.StepSeconds"/>) and a range longer than
    /// 11,000 steps is split. Per metric and resource the highest-priority alias with data wins,
    /// as in the file path, so one quantity is never counted twice.
    /// </summary>
    internal sealed class PrometheusSource : ITraceSource, IMetricSource, IProgressSource, IPrincipalSource, IDisposable
    {
        private readonly PrometheusSettings _settings;
        private readonly PrometheusQueries _queries;
        private readonly Lazy<PrometheusClient> _client;
        private readonly TokenCache? _tokens;

        public PrometheusSource(PrometheusSettings settings, Func<PrometheusClient>? client = null, Func<TokenCredential>? credential = null, HttpTuning? tuning = null)
        {
            _settings = settings;
            _queries = new PrometheusQueries(settings);
            if (settings.Identity is { } identity && settings.Scope is { } scope)
            {
                // Built on first use, as for the other Azure sources: a dry run never touches the identity stack.
                _tokens = new TokenCache(credential ?? (() => CredentialFactory.Create(identity)), scope);
            }

            _client = new Lazy<PrometheusClient>(client ?? (() => new PrometheusClient(settings, tuning: tuning, tokens: _tokens)));
            Description = settings.Describe();
        }

        /// <summary>
        /// With <c>auth: azure</c>, the claims of the very token the queries carry (the access policy's
        /// <c>azure-token</c> identity); otherwise the OS account, as without this source.
        /// </summary>
        public IPrincipalProvider PrincipalProvider =>
            _tokens is { } tokens ? new AzureTokenPrincipalProvider(tokens.GetToken) : new OsAccountPrincipalProvider();

        public string Description { get; }

        public Action<ProfileProgress>? Progress { get; set; }

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            var metrics = SignalCatalog.MetricsFor(request.IncludeMetrics);
            if (metrics.Count == 0)
            {
                return new[] { "no query: no included signal reads metrics" };
            }

            var w = request.Window;
            var fallback = _queries.StepSeconds(w.StartUnixNano, w.EndUnixNano);
            var how = _settings.Step is not null
                ? $"step {PrometheusQueries.FormatStep(fallback)}, configured ('step' in the source's settings)"
                : "step: the scrape interval of the target's series, evaluated just after each scrape, so each rate is one pair of consecutive scrapes as in a file and a component of a few seconds keeps its samples; " +
                  "irate over two intervals, so a window without two raw samples has no rate (no_data, never 0). The interval is the most common gap between the raw samples read first with " +
                  $"GET {_settings.QueryUri} of {_queries.ScrapeProbe(null, ProbeSeconds(w.StartUnixNano, w.EndUnixNano))}; " +
                  $"without raw samples, step {PrometheusQueries.FormatStep(fallback)} (the smallest of 15s, 30s, 1m, ... under {PrometheusSettings.MaxPointsPerSeries:N0} points), as the queries below are printed";
            var steps = new List<string>
            {
                $"GET {_settings.QueryRangeUri} over the time the target's spans ran (at most the window [{w.StartText}, {w.EndText})), " +
                $"auth {_settings.Auth}{(_settings.Scope is null ? string.Empty : $" (credential {_settings.Identity!.Credential}, token scope {_settings.Scope})")}; the selectors name the pods and nodes of those spans; {how}",
            };
            foreach (var q in _queries.Build(metrics, null, fallback, MetricQuery.DefaultLookbackNanos / 1_000_000_000L))
            {
                steps.Add($"{q.Canonical} from {q.Source}:\n{q.Expression}");
            }

            return steps;
        }

        /// <summary>Prometheus holds no spans.</summary>
        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) =>
            Array.Empty<SpanRecord>();

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) =>
            Array.Empty<SpanRecord>();

        public IReadOnlyList<MetricSample> ReadSamples(MetricQuery query, MetricReadStats stats, CancellationToken cancellation)
        {
            if (query.Metrics.Count == 0 || query.Resources.Count == 0 || query.EndUnixNano <= query.StartUnixNano)
            {
                return Array.Empty<MetricSample>();
            }

            var cadence = Cadence(query, cancellation);
            var step = cadence?.StepSeconds ?? _queries.StepSeconds(query.StartUnixNano, query.EndUnixNano);
            var phase = cadence?.PhaseMs ?? 0;
            var delay = cadence?.DelayMs ?? 0;
            var (first, last, _) = PrometheusQueries.Evaluations(query.StartUnixNano, query.EndUnixNano, step, phase);
            var queries = _queries.Build(query.Metrics, query.Resources, step, Math.Max(step, query.LookbackNanos / 1_000_000_000L), cadence?.RateRangeSeconds);
            var stepMs = step * 1000;
            var chunk = (PrometheusSettings.MaxPointsPerSeries - 1) * stepMs;

            var samples = new List<(PromQuery Query, MetricSample Sample)>();
            var done = 0;
            foreach (var q in queries)
            {
                cancellation.ThrowIfCancellationRequested();
                Progress?.Invoke(new ProfileProgress(Description, "Querying Prometheus", "queries", done, queries.Count, 0, 0, q.Canonical));
                for (var from = first; from <= last; from += chunk + stepMs)
                {
                    var to = Math.Min(last, from + chunk);
                    var response = _client.Value.QueryRange(q.Expression, from + delay, to + delay, step, cancellation);
                    if (response.Warnings.Count > 0)
                    {
                        // Prometheus (or a federating layer) says the answer may lack data: counted, never hidden.
                        stats.AddPartialErrors(1);
                    }

                    Collect(q, response, step, delay, stats, samples);
                }

                done++;
            }

            Progress?.Invoke(new ProfileProgress(Description, "Querying Prometheus", "queries", done, queries.Count, 0, 0, null));
            return Finish(samples, query);
        }

        public void Dispose()
        {
            if (_client.IsValueCreated)
            {
                _client.Value.Dispose();
            }
        }

        /// <summary>
        /// The scrape interval and instant of the target's series, read from their raw samples
        /// around the start of the range; null when a step is configured or no raw sample is there
        /// (the step is then chosen from the range alone).
        /// </summary>
        private ScrapeCadence? Cadence(MetricQuery query, CancellationToken cancellation)
        {
            if (_settings.Step is not null)
            {
                return null;
            }

            var seconds = ProbeSeconds(query.StartUnixNano, query.EndUnixNano);
            var probe = _queries.ScrapeProbe(query.Resources, seconds);
            if (probe is null)
            {
                return null;
            }

            var at = (query.StartUnixNano / 1_000_000L) - (ProbeLeadSeconds * 1000) + (seconds * 1000);
            return ScrapeCadence.From(_client.Value.Query(probe, at, cancellation).Series);
        }

        /// <summary>The probe reaches this far before the range, so a series scraped rarely still shows two samples.</summary>
        private const long ProbeLeadSeconds = 120;

        /// <summary>The probe's range: the query's range and its lead, at most fifteen minutes (enough samples to see the interval, few enough to stay cheap).</summary>
        private static long ProbeSeconds(long startUnixNano, long endUnixNano) =>
            Math.Min(900, ProbeLeadSeconds + Math.Max(1, (endUnixNano - startUnixNano + 999_999_999L) / 1_000_000_000L));

        private void Collect(PromQuery q, PrometheusResponse response, long step, long delayMs, MetricReadStats stats, List<(PromQuery, MetricSample)> into)
        {
            stats.AddSeriesUsed(response.Series.Count);
            long used = 0, invalid = 0;
            foreach (var series in response.Series)
            {
                var resource = Resource(series, q.WorkloadLabels);
                if (q.WorkloadLabels is not null && resource.Workload is null)
                {
                    stats.AddPointsUnattributed(series.Points.Count);
                    continue;
                }

                foreach (var p in series.Points)
                {
                    var v = p.Value * q.Scale;
                    if (double.IsNaN(v) || double.IsInfinity(v))
                    {
                        invalid++;
                        continue;
                    }

                    used++;
                    into.Add((q, new MetricSample(q.Canonical, resource, (p.UnixMs - delayMs) * 1_000_000L, step * 1_000_000_000L, v, q.Source)));
                }
            }

            stats.AddPointsUsed(used);
            stats.AddPointsInvalid(invalid);
        }

        /// <summary>Highest priority per metric and resource, the range's samples only, in the canonical order.</summary>
        private static IReadOnlyList<MetricSample> Finish(List<(PromQuery Query, MetricSample Sample)> samples, MetricQuery query)
        {
            var best = new Dictionary<(string, MetricResource), int>();
            foreach (var (q, s) in samples)
            {
                var key = (s.Metric, s.Resource);
                if (!best.TryGetValue(key, out var b) || q.Priority < b)
                {
                    best[key] = q.Priority;
                }
            }

            var result = samples
                .Where(x => best[(x.Sample.Metric, x.Sample.Resource)] == x.Query.Priority && x.Sample.Overlaps(query.StartUnixNano, query.EndUnixNano))
                .Select(x => x.Sample)
                .ToList();
            result.Sort(SampleOrder.Instance);

            // A chunk boundary or two aliases of one priority must not give one instant twice.
            var unique = new List<MetricSample>(result.Count);
            foreach (var s in result)
            {
                var prev = unique.Count > 0 ? unique[unique.Count - 1] : null;
                if (prev is null || prev.Metric != s.Metric || !prev.Resource.Equals(s.Resource) || prev.TimeUnixNano != s.TimeUnixNano)
                {
                    unique.Add(s);
                }
            }

            return unique;
        }

        private MetricResource Resource(PromSeries series, IReadOnlyList<string>? workloadLabels)
        {
            string? Get(string? label) => label is null || series.Label(label) is not { Length: > 0 } v ? null : v;
            if (workloadLabels is not null)
            {
                // An autoscaler or deployment: its namespace and name, nothing of the scrape target.
                return new MetricResource(Get(_settings.EnvironmentLabel), Get(_settings.NamespaceLabel), null, null, null, null)
                {
                    Workload = workloadLabels.Select(Get).FirstOrDefault(v => v is not null),
                };
            }

            return new MetricResource(
                Get(_settings.EnvironmentLabel),
                Get(_settings.NamespaceLabel),
                Get(_settings.ServiceLabel),
                Get(_settings.PodLabel),
                Get(_settings.ContainerLabel),
                Get(_settings.NodeLabel));
        }
    }
}
