using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.AzureDataExplorer;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Sources;

namespace Chartly.Profiler.Bench
{
    /// <summary>
    /// A service target with a million roots in one hour behind a loopback Data Explorer cluster or
    /// Log Analytics workspace (docs/performance.md, "Distributed stores: a million roots"). The store
    /// holds one trace per root (the root SERVER span, a CLIENT call and an INTERNAL step) generated
    /// from the root's index, and answers the profiler's four questions in the backend's answer
    /// shape (the v2 frames, or the query API's tables): pass 1 capped at the
    /// budget, the root statistics (precomputed from the same durations by the nearest-rank rule),
    /// the sample (the SHA-256 bucket of each trace id against the threshold in the query) and the
    /// pass-2 trace batches. Measured: queries, rows and bytes received, wall time; and, beside it,
    /// the cost of loading every trace, measured on a tenth of them and scaled.
    /// </summary>
    public static class MillionRoots
    {
        private const long WindowStart = 1_795_514_400_000_000_000; // 2026-11-24T10:00:00Z
        private const long Hour = 3_600_000_000_000;
        private const string Service = "bench-api";

        public static int Run(int roots, int budget, string backend)
        {
            IStore store = backend switch
            {
                "adx" => new DataExplorer(),
                "logs" => new LogAnalytics(),
                _ => throw new ArgumentException("--backend is adx or logs, not " + backend),
            };
            Console.WriteLine($"generating {roots:#,0} traces ...");
            var cluster = new Cluster(roots, store);
            Console.WriteLine("| run | queries | rows received | MB received | wall time |");
            Console.WriteLine("|---|---|---|---|---|");

            using (var server = new LoopbackServer(cluster.Answer))
            {
                cluster.Reset();
                var watch = Stopwatch.StartNew();
                var profile = new ProfileEngine(_ => store.Source(Settings(server, budget, store))).Run(Request(), Config(server, budget, store));
                watch.Stop();
                Console.WriteLine($"| sampled profile, root-budget {budget:#,0} | {server.Requests.Count} | {cluster.Rows:#,0} | {cluster.Bytes / 1e6:0.0} | {watch.Elapsed.TotalSeconds:0.00} s |");
                Console.WriteLine($"  roots {profile.Summary.Roots.Count:#,0}, p50 {profile.Summary.Roots.P50Ms} ms, p95 {profile.Summary.Roots.P95Ms} ms, max {profile.Summary.Roots.MaxMs} ms; traces sampled {profile.DataQuality.TracesSampled:#,0} of {profile.DataQuality.TracesInTarget:#,0}; top {profile.Breakdown[0].Component} {profile.Breakdown[0].Pct}%");
                Console.WriteLine("  " + profile.Findings.First(f => f.Id == "critical-path.sample").Text);
                Console.WriteLine($"  the call's share over every root, from the generated traces: {cluster.CallShare() * 100:0.00}%");
                var (n, p50, p95, max) = cluster.Exact();
                if ((n, p50, p95, max) != (profile.Summary.Roots.Count, profile.Summary.Roots.P50Ms, profile.Summary.Roots.P95Ms, profile.Summary.Roots.MaxMs))
                {
                    Console.Error.WriteLine("the profile's root statistics differ from the generated roots'");
                    return 1;
                }
            }

            // Every trace: pass 2 over a tenth of them (the rest would only repeat it), then scaled.
            var tenth = roots / 10;
            using (var server = new LoopbackServer(cluster.Answer))
            {
                cluster.Reset();
                var source = store.Source(Settings(server, budget, store));
                using var client = (IDisposable)source; // both backends' sources are, for their HTTP client
                var ids = Enumerable.Range(0, tenth).Select(i => IdParser.TryParseTraceId(Encoding.ASCII.GetBytes(cluster.TraceId(i)), out var t) ? t : throw new InvalidOperationException("bad id")).ToList();
                var watch = Stopwatch.StartNew();
                var spans = source.LoadTraces(ids, Request(), new DataQualityCounters(), CancellationToken.None);
                watch.Stop();
                var scale = (double)roots / tenth;
                Console.WriteLine($"| pass 2 of {tenth:#,0} whole traces (measured) | {server.Requests.Count} | {cluster.Rows:#,0} | {cluster.Bytes / 1e6:0.0} | {watch.Elapsed.TotalSeconds:0.00} s |");
                Console.WriteLine($"| every trace, {roots:#,0} (scaled x{scale:0}) | {server.Requests.Count * scale:#,0} + pass 1 | {cluster.Rows * scale + roots:#,0} | {cluster.Bytes * scale / 1e6:0} | {watch.Elapsed.TotalSeconds * scale:0} s + pass 1 |");
                Console.WriteLine($"  spans loaded {spans.Count:#,0}");
            }

            return 0;
        }

        private static ProfileRequest Request() => new(
            ProfileRequest.ParseEnvironment("dev"),
            TargetSpec.Parse(TargetType.Service, Service),
            TimeWindow.Parse("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z"),
            Precision.Milliseconds,
            Array.Empty<string>(),
            null);

        private static ProfilerConfig Config(LoopbackServer server, int budget, IStore store) =>
            ConfigLoader.Parse(
                "environments:\n  dev:\n    sources:\n      - " + store.Source(server.BaseUri.ToString().TrimEnd('/')) + "\n        root-budget: " + budget.ToString(CultureInfo.InvariantCulture) + "\n        timeout: 10m\n        deadline: 2h\n",
                Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static IReadOnlyDictionary<string, string> Settings(LoopbackServer server, int budget, IStore store) => Config(server, budget, store).Environments["dev"].Sources[0].Settings;

        private static ProfilerException Invalid(string why) => new(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why);

        /// <summary>One span of a generated trace, before the backend's row shape.</summary>
        private readonly record struct Span(string Trace, string Id, string Parent, string Kind, long Start, long End, string Name);

        /// <summary>What differs between the two backends: the source, the query's field, the answer's shape.</summary>
        private interface IStore
        {
            /// <summary>The trace id column the sample predicate and pass 2 filter on.</summary>
            string TraceColumn { get; }

            /// <summary>The source's YAML entry, from its type up to the limits, for a loopback at <paramref name="baseUri"/>.</summary>
            string Source(string baseUri);

            KustoSpanSource Source(IReadOnlyDictionary<string, string> settings);

            string Query(JsonElement body);

            /// <summary>The one-row statistics answer: Roots, P50Ms, P95Ms, MaxMs, Traces.</summary>
            string Statistics(long roots, long p50, long p95, long max, long traces);

            /// <summary>Pass 1 rows (identity columns) or, <paramref name="withTrace"/>, pass 2 rows.</summary>
            string Spans(IReadOnlyList<Span> spans, bool withTrace);

            /// <summary>The answer to the resource metrics query: no points (the benchmark measures the spans).</summary>
            string NoMetrics();
        }

        private sealed class DataExplorer : IStore
        {
            private static readonly string[] Candidate =
            {
                "TraceID", "SpanID", "ParentID", "SpanKind", "StartTime", "EndTime", "ResourceType", "AttributesType", "ServiceName", "Namespace", "Environment", "ServiceVersion",
                "Pod", "Container", "Host", "WorkflowId", "WorkflowName", "RunId", "ChartlyOperationId", "ConnectorId", "ConnectorRunId",
            };

            private static readonly string[] Trace = Candidate.Concat(new[] { "SpanName", "SpanStatus", "Component", "HttpStatus", "ResendCount" }).ToArray();

            public string TraceColumn => "TraceID";

            public string Source(string baseUri) => "type: azure-data-explorer\n        cluster: " + baseUri;

            public KustoSpanSource Source(IReadOnlyDictionary<string, string> settings) => new AzureDataExplorerSource(AdxSettings.Parse(settings, Invalid), () => new FixedToken());

            public string Query(JsonElement body) => body.GetProperty("csl").GetString()!;

            public string Statistics(long roots, long p50, long p95, long max, long traces) =>
                Frames(new[] { "Roots", "P50Ms", "P95Ms", "MaxMs", "Traces" }, new[] { new[] { roots, p50, p95, max, traces }.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray() }, numbers: true);

            public string Spans(IReadOnlyList<Span> spans, bool withTrace) => Frames(withTrace ? Trace : Candidate, spans.Select(s => Row(s, withTrace)).ToList(), numbers: false);

            public string NoMetrics() => Frames(OtelMetricQueries.Columns, Array.Empty<string?[]>(), numbers: false);

            private static string?[] Row(Span s, bool withTrace)
            {
                var row = new List<string?>
                {
                    s.Trace, s.Id, s.Parent, s.Kind, Iso(s.Start), Iso(s.End), "dictionary", "dictionary", Service, "shop", "dev", "1.0.0",
                    "bench-api-0", "api", "node-1", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
                };
                if (withTrace)
                {
                    row.AddRange(new[] { s.Name, "Unset", string.Empty, string.Empty, string.Empty });
                }

                return row.ToArray();
            }

            private static string Iso(long unixNano) =>
                new DateTime(DateTime.UnixEpoch.Ticks + (unixNano / 100), DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

            private static string Frames(string[] columns, IReadOnlyList<string?[]> rows, bool numbers)
            {
                var types = columns.Select(c => (c, numbers ? "long" : c is "StartTime" or "EndTime" ? "datetime" : "string")).ToArray();
                return KustoFrames.Answer(w => KustoFrames.PrimaryResult(w, types, tw =>
                {
                    foreach (var r in rows)
                    {
                        tw.WriteStartArray();
                        foreach (var v in r)
                        {
                            if (numbers)
                            {
                                tw.WriteRawValue(v!);
                            }
                            else
                            {
                                tw.WriteStringValue(v);
                            }
                        }

                        tw.WriteEndArray();
                    }
                }), completionError: null);
            }
        }

        /// <summary>
        /// A Log Analytics workspace as the collector's azuremonitor exporter fills it: the root a
        /// request, the call and the step dependencies ("SQL", "InProc"), the resource in Properties.
        /// </summary>
        private sealed class LogAnalytics : IStore
        {
            private const string Workspace = "0b3e7c1d-5a2f-4e68-9d40-8c1b2a3f4e5d";

            /// <summary>Every row's custom dimensions: one instance, as every span has the same resource.</summary>
            private static readonly IReadOnlyDictionary<string, string> Properties = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["deployment.environment.name"] = "dev",
                ["host.name"] = "node-1",
                ["k8s.container.name"] = "api",
                ["k8s.namespace.name"] = "shop",
                ["k8s.pod.name"] = "bench-api-0",
                ["service.name"] = Service,
                ["service.version"] = "1.0.0",
            };

            public string TraceColumn => "OperationId";

            public string Source(string baseUri) => "type: azure-monitor-logs\n        workspace-id: " + Workspace + "\n        endpoint: " + baseUri;

            public KustoSpanSource Source(IReadOnlyDictionary<string, string> settings) => new AzureMonitorLogsSource(LogsSettings.Parse(settings, Invalid), () => new FixedToken());

            public string Query(JsonElement body) => body.GetProperty("query").GetString()!;

            public string Statistics(long roots, long p50, long p95, long max, long traces) =>
                LogsTables.Statistics(new Dictionary<string, object> { ["Roots"] = roots, ["P50Ms"] = p50, ["P95Ms"] = p95, ["MaxMs"] = max, ["Traces"] = traces });

            public string Spans(IReadOnlyList<Span> spans, bool withTrace) => LogsTables.Rows(spans.Select(Row).ToList(), withTrace);

            public string NoMetrics() => throw new InvalidOperationException("an azure-monitor-logs source reads no resource metrics");

            private static AppRow Row(Span s) => new(
                s.Kind == "Server" ? "AppRequests" : "AppDependencies",
                s.Trace,
                s.Id,
                s.Parent,
                s.Start,
                (s.End - s.Start) / 1_000_000.0,
                s.Name,
                s.Kind == "Server" ? "0" : string.Empty,
                true,
                Service,
                "bench-api-0",
                "1.0.0",
                s.Kind switch { "Client" => "SQL", "Internal" => "InProc", _ => string.Empty },
                Properties);
        }

        /// <summary>A token for the loopback cluster; nothing checks it.</summary>
        private sealed class FixedToken : TokenCredential
        {
            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("bench", DateTimeOffset.MaxValue);

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
        }

        /// <summary>The generated traces and the answers to the four questions.</summary>
        private sealed class Cluster
        {
            private readonly string[] _ids;
            private readonly long[] _buckets;
            private readonly Dictionary<string, int> _index;
            private readonly int _roots;
            private readonly IStore _store;
            private readonly Regex _sample;
            private readonly Regex _traces;
            private long _rows;
            private long _bytes;

            public Cluster(int roots, IStore store)
            {
                _roots = roots;
                _store = store;
                _sample = new Regex("hash_sha256\\(tolower\\(" + store.TraceColumn + "\\)\\), 0, 8\\), \"(?<t>[0-9a-f]{8})\"\\) < 0", RegexOptions.CultureInvariant);
                _traces = new Regex("\\| where " + store.TraceColumn + " in~ \\((?<ids>[^)]*)\\)", RegexOptions.CultureInvariant);
                _ids = new string[roots];
                _buckets = new long[roots];
                _index = new Dictionary<string, int>(roots, StringComparer.OrdinalIgnoreCase);
                Parallel.For(0, roots, i =>
                {
                    _ids[i] = Mix((ulong)i).ToString("x16", CultureInfo.InvariantCulture) + Mix((ulong)i + 0x9E3779B97F4A7C15UL).ToString("x16", CultureInfo.InvariantCulture);
                    _buckets[i] = RootSampling.Bucket(_ids[i]);
                });
                for (var i = 0; i < roots; i++)
                {
                    _index[_ids[i]] = i;
                }
            }

            public long Rows => Interlocked.Read(ref _rows);

            public long Bytes => Interlocked.Read(ref _bytes);

            public string TraceId(int i) => _ids[i];

            public void Reset()
            {
                _rows = 0;
                _bytes = 0;
            }

            /// <summary>Every root's count, nearest-rank p50 and p95 and maximum in whole ms, computed here from the generated durations.</summary>
            public (long N, long P50, long P95, long Max) Exact()
            {
                var ms = Enumerable.Range(0, _roots).Select(i => (RootNanos(i) + 500_000) / 1_000_000).OrderBy(v => v).ToList();
                long Rank(int p) => ms[Math.Max(0, (int)Math.Ceiling(p / 100.0 * ms.Count) - 1)];
                return (ms.Count, Rank(50), Rank(95), ms[^1]);
            }

            /// <summary>The CLIENT call's part of every root's critical path together (it runs from 1 ms after the root's start to its end).</summary>
            public double CallShare()
            {
                double call = 0, all = 0;
                for (var i = 0; i < _roots; i++)
                {
                    var start = Start(i);
                    all += RootNanos(i);
                    call += CallEnd(i, start) - start - 1_000_000;
                }

                return call / all;
            }

            public CannedResponse Answer(RecordedRequest request)
            {
                using var body = JsonDocument.Parse(request.Body);
                var kql = _store.Query(body.RootElement);
                if (kql.Contains("\nlet inwindow = matching\n", StringComparison.Ordinal))
                {
                    var (n, p50, p95, max) = Exact();
                    return Count(_store.Statistics(n, p50, p95, max, _roots), 1);
                }

                if (kql.Contains("\n| where MetricName in (", StringComparison.Ordinal))
                {
                    return Count(_store.NoMetrics(), 0);
                }

                var ids = _traces.Match(kql);
                if (ids.Success)
                {
                    var spans = new List<Span>();
                    foreach (Match m in Regex.Matches(ids.Groups["ids"].Value, "\"([0-9a-f]{32})\""))
                    {
                        spans.AddRange(Spans(_index[m.Groups[1].Value], withTrace: true));
                    }

                    return Count(_store.Spans(spans, withTrace: true), spans.Count);
                }

                var sample = _sample.Match(kql);
                if (sample.Success)
                {
                    var threshold = long.Parse(sample.Groups["t"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    return Roots(Enumerable.Range(0, _roots).Where(i => _buckets[i] < threshold));
                }

                var take = Regex.Match(kql, "\n\\| take (?<n>[0-9]+)\n");
                var count = take.Success ? int.Parse(take.Groups["n"].Value, CultureInfo.InvariantCulture) : _roots;
                return Roots(Enumerable.Range(0, Math.Min(count, _roots)));
            }

            /// <summary>Pass 1 answers: the root span of each trace.</summary>
            private CannedResponse Roots(IEnumerable<int> traces)
            {
                var roots = traces.Select(i => Spans(i, withTrace: false)[0]).ToList();
                return Count(_store.Spans(roots, withTrace: false), roots.Count);
            }

            private CannedResponse Count(string answer, int rows)
            {
                Interlocked.Add(ref _rows, rows);
                Interlocked.Add(ref _bytes, Encoding.UTF8.GetByteCount(answer));
                return CannedResponse.Json(200, answer);
            }

            private static ulong Mix(ulong x)
            {
                x += 0x9E3779B97F4A7C15UL;
                x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
                x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
                return x ^ (x >> 31);
            }

            /// <summary>A root lasts 20 to 420 ms, mostly its call: a long tail from the index's hash.</summary>
            private static long RootNanos(int i) => (20 + (long)(Mix((ulong)i * 7 + 3) % 400)) * 1_000_000 + (long)(Mix((ulong)i) % 1_000) * 100;

            /// <summary>The roots start evenly over the first 50 minutes, so every trace ends in the hour.</summary>
            private long Start(int i) => WindowStart + ((long)i * (Hour / 60 * 50) / _roots);

            /// <summary>The root (first), its CLIENT call (40% to 90% of it, by the index's hash) and an INTERNAL step after it.</summary>
            private List<Span> Spans(int i, bool withTrace)
            {
                var start = Start(i);
                var end = start + RootNanos(i);
                var call = CallEnd(i, start);
                var id = _ids[i];
                var root = "a" + i.ToString("x15", CultureInfo.InvariantCulture);
                var list = new List<Span> { new(id, root, string.Empty, "Server", start, end, "GET /orders") };
                if (withTrace)
                {
                    list.Add(new(id, "b" + i.ToString("x15", CultureInfo.InvariantCulture), root, "Client", start + 1_000_000, call, "SELECT orders"));
                    list.Add(new(id, "c" + i.ToString("x15", CultureInfo.InvariantCulture), root, "Internal", call, end - 500_000, "render"));
                }

                return list;
            }

            private static long CallEnd(int i, long start) => start + (RootNanos(i) * (40 + (long)(Mix((ulong)i * 13 + 5) % 50)) / 100);
        }
    }
}
