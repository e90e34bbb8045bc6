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
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Sources;

namespace Chartly.Profiler.Bench
{
    /// <summary>
    /// A service target with a million roots in one hour behind a loopback Data Explorer
    /// (docs/performance.md, "Distributed stores: a million roots"). The cluster holds one trace per
    /// root (the root SERVER span, a CLIENT call and an INTERNAL step) generated from the root's
    /// index, and answers the profiler's four questions in the v2 frames: pass 1 capped at the
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

        private static readonly string[] Candidate =
        {
            "TraceID", "SpanID", "ParentID", "SpanKind", "StartTime", "EndTime", "ResourceType", "AttributesType", "ServiceName", "Namespace", "Environment", "ServiceVersion",
            "Pod", "Container", "Host", "WorkflowId", "WorkflowName", "RunId", "ChartlyOperationId", "ConnectorId", "ConnectorRunId",
        };

        private static readonly string[] Trace = Candidate.Concat(new[] { "SpanName", "SpanStatus", "Component", "HttpStatus", "ResendCount" }).ToArray();

        public static int Run(int roots, int budget)
        {
            Console.WriteLine($"generating {roots:#,0} traces ...");
            var cluster = new Cluster(roots);
            Console.WriteLine("| run | queries | rows received | MB received | wall time |");
            Console.WriteLine("|---|---|---|---|---|");

            using (var server = new LoopbackServer(cluster.Answer))
            {
                cluster.Reset();
                var watch = Stopwatch.StartNew();
                var profile = Engine(server, budget).Run(Request(), Config(server, budget));
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
                using var source = Source(server, budget);
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

        private static string Yaml(LoopbackServer server, int budget) =>
            "environments:\n  dev:\n    sources:\n      - type: azure-data-explorer\n        cluster: " + server.BaseUri.ToString().TrimEnd('/') + "\n        root-budget: " + budget.ToString(CultureInfo.InvariantCulture) + "\n        timeout: 10m\n        deadline: 2h\n";

        private static ProfilerConfig Config(LoopbackServer server, int budget) => ConfigLoader.Parse(Yaml(server, budget), Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static AzureDataExplorerSource Source(LoopbackServer server, int budget) =>
            new(AdxSettings.Parse(Config(server, budget).Environments["dev"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why)), () => new FixedToken());

        private static ProfileEngine Engine(LoopbackServer server, int budget) => new(_ => Source(server, budget));

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
            private long _rows;
            private long _bytes;

            public Cluster(int roots)
            {
                _roots = roots;
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
                var csl = body.RootElement.GetProperty("csl").GetString()!;
                if (csl.Contains("\nlet inwindow = matching\n", StringComparison.Ordinal))
                {
                    var (n, p50, p95, max) = Exact();
                    return Frames(new[] { "Roots", "P50Ms", "P95Ms", "MaxMs", "Traces" }, new[] { new[] { n, p50, p95, max, (long)_roots }.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray() }, numbers: true);
                }

                var ids = Regex.Match(csl, "\\| where TraceID in~ \\((?<ids>[^)]*)\\)");
                if (ids.Success)
                {
                    var rows = new List<string?[]>();
                    foreach (Match m in Regex.Matches(ids.Groups["ids"].Value, "\"([0-9a-f]{32})\""))
                    {
                        var i = _index[m.Groups[1].Value];
                        rows.AddRange(Spans(i, withTrace: true));
                    }

                    return Frames(Trace, rows, numbers: false);
                }

                var sample = Regex.Match(csl, "hash_sha256\\(tolower\\(TraceID\\)\\), 0, 8\\), \"(?<t>[0-9a-f]{8})\"\\) < 0");
                if (sample.Success)
                {
                    var threshold = long.Parse(sample.Groups["t"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    return Frames(Candidate, Enumerable.Range(0, _roots).Where(i => _buckets[i] < threshold).Select(i => Spans(i, withTrace: false)[0]).ToList(), numbers: false);
                }

                var take = Regex.Match(csl, "\n\\| take (?<n>[0-9]+)\n");
                var count = take.Success ? int.Parse(take.Groups["n"].Value, CultureInfo.InvariantCulture) : _roots;
                return Frames(Candidate, Enumerable.Range(0, Math.Min(count, _roots)).Select(i => Spans(i, withTrace: false)[0]).ToList(), numbers: false);
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
            private List<string?[]> Spans(int i, bool withTrace)
            {
                var start = Start(i);
                var end = start + RootNanos(i);
                var call = CallEnd(i, start);
                var id = _ids[i];
                var list = new List<string?[]>
                {
                    Row(id, "a" + i.ToString("x15", CultureInfo.InvariantCulture), string.Empty, "Server", start, end, "GET /orders", withTrace),
                };
                if (withTrace)
                {
                    list.Add(Row(id, "b" + i.ToString("x15", CultureInfo.InvariantCulture), list[0][1]!, "Client", start + 1_000_000, call, "SELECT orders", withTrace));
                    list.Add(Row(id, "c" + i.ToString("x15", CultureInfo.InvariantCulture), list[0][1]!, "Internal", call, end - 500_000, "render", withTrace));
                }

                return list;
            }

            private static long CallEnd(int i, long start) => start + (RootNanos(i) * (40 + (long)(Mix((ulong)i * 13 + 5) % 50)) / 100);

            private static string?[] Row(string trace, string span, string parent, string kind, long start, long end, string name, bool withTrace)
            {
                var row = new List<string?>
                {
                    trace, span, parent, kind, Iso(start), Iso(end), "dictionary", "dictionary", Service, "shop", "dev", "1.0.0",
                    "bench-api-0", "api", "node-1", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
                };
                if (withTrace)
                {
                    row.AddRange(new[] { name, "Unset", string.Empty, string.Empty, string.Empty });
                }

                return row.ToArray();
            }

            private static string Iso(long unixNano) =>
                new DateTime(DateTime.UnixEpoch.Ticks + (unixNano / 100), DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

            private CannedResponse Frames(string[] columns, IReadOnlyList<string?[]> rows, bool numbers)
            {
                var types = columns.Select(c => (c, numbers ? "long" : c is "StartTime" or "EndTime" ? "datetime" : "string")).ToArray();
                var answer = KustoFrames.Answer(w => KustoFrames.PrimaryResult(w, types, tw =>
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
                Interlocked.Add(ref _rows, rows.Count);
                Interlocked.Add(ref _bytes, Encoding.UTF8.GetByteCount(answer));
                return CannedResponse.Json(200, answer);
            }
        }
    }
}
