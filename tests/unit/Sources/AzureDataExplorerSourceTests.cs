using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Sources;
using Chartly.Profiler.Sources.AzureDataExplorer;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The Azure Data Explorer source against a real HTTP server on loopback that answers the
    /// documented v2 query call, holding the sample spans as the collector's exporter stores them.
    /// Asserts on what the client sent as much as on what it made of the answers.
    /// </summary>
    public sealed class AzureDataExplorerSourceTests
    {
        private static readonly Lazy<List<SampleSpan>> Spans = new(() => SampleSpans.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry")));

        private static string Config(Uri cluster, string extra = "") =>
            "environments:\n  dev:\n    sources:\n      - type: azure-data-explorer\n        cluster: " + cluster.ToString().TrimEnd('/') +
            "\n        max-retries: 2\n" + extra;

        private static ProfilerConfig LoadConfig(Uri cluster, string extra = "") =>
            ConfigLoader.Parse(Config(cluster, extra), Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static HttpTuning Fast() => new(null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), null);

        private static ProfileEngine Engine(FakeCredential credential) =>
            new(c => c.Type == AdxSettings.TypeName
                ? new AzureDataExplorerSource(AdxSettings.Parse(c.Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why)), () => credential, Fast())
                : ProfileEngine.DefaultSourceFactory(c));

        private static Profile Profile(LoopbackServer server, FakeCredential credential, string type, string id, string extra = "") =>
            Engine(credential).Run(Run.Request(type, id), LoadConfig(server.BaseUri, extra));

        private static ProfilerException Fails(LoopbackServer server, string type = "run", string id = "run-1004") =>
            Run.Fails(() => Profile(server, new FakeCredential(), type, id));

        public static IEnumerable<object[]> Targets() => AzureMonitorLogsSourceTests.Targets();

        [Theory]
        [MemberData(nameof(Targets))]
        public void A_profile_from_the_cluster_equals_the_profile_from_the_same_spans_in_files(string type, string id)
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var fromCluster = Profile(server, new FakeCredential(), type, id);
            var fromFiles = Run.Sample(type, id);

            // Everything the spans decide; the bottleneck's kind and the signals also read metrics, which this source does not (yet) read.
            Assert.Equal(fromFiles.Header, fromCluster.Header);
            var (fs, cs) = (fromFiles.Summary, fromCluster.Summary);
            Assert.Equal((fs.TotalDurationMs, fs.Bottleneck, fs.Regression), (cs.TotalDurationMs, cs.Bottleneck, cs.Regression));
            Assert.Equal((fs.Roots.Count, fs.Roots.P50Ms, fs.Roots.P95Ms, fs.Roots.MaxMs), (cs.Roots.Count, cs.Roots.P50Ms, cs.Roots.P95Ms, cs.Roots.MaxMs));
            Assert.Equal(fs.Roots.SamplesMs, cs.Roots.SamplesMs);
            Assert.Equal(fs.Roots.Versions, cs.Roots.Versions);
            Assert.Equal(fromFiles.Breakdown, fromCluster.Breakdown);
            var f = fromFiles.DataQuality;
            var c = fromCluster.DataQuality;
            Assert.Equal(
                (f.TracesSelected, f.SpansSelected, f.DuplicateSpans, f.OrphanSpans, f.Cycles, f.ClippedSpans, f.SpansOutsideParent, f.OverlapsTolerated, f.NonBlockingSubtrees, f.RootsWithoutEnvironment),
                (c.TracesSelected, c.SpansSelected, c.DuplicateSpans, c.OrphanSpans, c.Cycles, c.ClippedSpans, c.SpansOutsideParent, c.OverlapsTolerated, c.NonBlockingSubtrees, c.RootsWithoutEnvironment));
            Assert.Equal(0, c.SourcePartialErrors);
            Assert.Equal(0, c.InvalidSpans);
            Assert.True(c.SpansRead > 0);
            Assert.Equal(0, c.FilesRead);
        }

        [Theory]
        [InlineData("run", "run-dup-1", "TargetAmbiguous")]
        [InlineData("service", "chartly-analytics", "TargetAmbiguous")]
        [InlineData("run", "run-9999", "TargetNotFound")]
        public void Ambiguous_and_missing_targets_fail_as_they_do_with_files(string type, string id, string errorId)
        {
            using var server = new LoopbackServer(new FakeDataExplorer(Spans.Value).Answer);
            var fromCluster = Fails(server, type, id);
            var fromFiles = Run.Fails(() => Run.Sample(type, id));
            Assert.Equal(errorId, fromCluster.ErrorId);
            Assert.Equal(fromFiles.Message, fromCluster.Message);
        }

        [Fact]
        public void A_target_outside_the_window_names_the_nearest_starts_as_with_files()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var request = Run.Request("run", "run-1004", "2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z");
            var fromCluster = Run.Fails(() => Engine(new FakeCredential()).Run(request, LoadConfig(server.BaseUri)));
            var fromFiles = Run.Fails(() => new ProfileEngine().Run(request, ConfigLoader.Load(Repo.SampleConfig)));
            Assert.Equal("TargetNotInWindow", fromCluster.ErrorId);
            Assert.Equal(fromFiles.Message, fromCluster.Message);
            Assert.Contains(fake.Queries, q => q.Contains("| take 10\n", StringComparison.Ordinal));
        }

        [Fact]
        public void Every_request_is_the_v2_query_call_with_a_bearer_token_for_the_cluster()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var credential = new FakeCredential();
            Profile(server, credential, "workflow", "wf-daily-report");

            Assert.True(server.Requests.Count >= 2);
            foreach (var r in server.Requests)
            {
                Assert.Equal("POST", r.Method);
                Assert.Equal("/v2/rest/query", r.Path);
                Assert.Equal(string.Empty, r.Query);
                Assert.Equal("Bearer " + FakeCredential.Token, r.Header("Authorization"));
                using var body = JsonDocument.Parse(r.Body);
                Assert.Equal(new[] { "db", "csl", "properties" }, body.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.Equal("oteldb", body.RootElement.GetProperty("db").GetString());
                Assert.Equal("00:03:00", body.RootElement.GetProperty("properties").GetProperty("Options").GetProperty("servertimeout").GetString());
            }

            Assert.Equal(new[] { "https://127.0.0.1/.default" }, credential.Scopes);
            Assert.Equal(1, credential.Calls);
            Assert.StartsWith("OTELTraces\n| where StartTime >= datetime(2026-11-24T10:00:00.0000000Z) and StartTime < datetime(2026-11-24T11:00:00.0000000Z)\n| project TraceID, ", fake.Queries[0]);
            Assert.EndsWith("\n| where WorkflowId == @\"wf-daily-report\" or WorkflowName == @\"wf-daily-report\"\n| take 20001\n", fake.Queries[0]);
            Assert.Contains("| where TraceID in~ (\"", fake.Queries[1], StringComparison.Ordinal);
            Assert.DoesNotContain("ResourceAttributes\n", fake.Queries[1], StringComparison.Ordinal);
        }

        [Fact]
        public void The_table_names_are_configurable_and_a_service_target_begins_at_entry_spans()
        {
            var fake = new FakeDataExplorer(Spans.Value, "Spans");
            using var server = new LoopbackServer(fake.Answer);
            var profile = Profile(server, new FakeCredential(), "service", "analytics-blue/chartly-analytics", "        traces-table: Spans\n");
            Assert.Equal(Run.Sample("service", "analytics-blue/chartly-analytics").Breakdown, profile.Breakdown);
            Assert.All(fake.Queries, q => Assert.StartsWith("Spans\n", q));
            Assert.Contains("| where SpanKind in~ (\"Server\", \"Consumer\", \"SPAN_KIND_SERVER\", \"SPAN_KIND_CONSUMER\")\n| where ServiceName == @\"chartly-analytics\"\n| where Namespace == @\"analytics-blue\"\n", fake.Queries[0], StringComparison.Ordinal);
        }

        [Fact]
        public void A_completion_with_errors_and_an_error_among_the_rows_are_counted_as_partial()
        {
            var fake = new FakeDataExplorer(Spans.Value) { CompletionError = "Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION)" };
            using (var server = new LoopbackServer(fake.Answer))
            {
                var profile = Profile(server, new FakeCredential(), "run", "run-1004");
                Assert.Equal(2, profile.DataQuality.SourcePartialErrors);
                Assert.Equal(Run.Sample("run", "run-1004").Breakdown, profile.Breakdown);
            }

            var inline = new FakeDataExplorer(Spans.Value) { InlineRowError = true };
            using (var server = new LoopbackServer(inline.Answer))
            {
                Assert.Equal(2, Profile(server, new FakeCredential(), "run", "run-1004").DataQuality.SourcePartialErrors);
            }
        }

        [Fact]
        public void A_truncated_batch_is_asked_again_in_halves_and_an_unsplittable_one_fails_with_exit_3()
        {
            const string cut = "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)";
            var fake = new FakeDataExplorer(Spans.Value);
            var lockObject = new object();
            int Ids(string csl) => System.Text.RegularExpressions.Regex.Matches(csl, "\"[0-9a-f]{32}\"").Count;
            using (var server = new LoopbackServer(r =>
            {
                lock (lockObject)
                {
                    var csl = JsonDocument.Parse(r.Body).RootElement.GetProperty("csl").GetString()!;
                    fake.CompletionError = csl.Contains("TraceID in~", StringComparison.Ordinal) && Ids(csl) > 2 ? cut : null;
                    return fake.Answer(r);
                }
            }))
            {
                var profile = Profile(server, new FakeCredential(), "workflow", "wf-daily-report");
                Assert.Equal(Run.Sample("workflow", "wf-daily-report").Breakdown, profile.Breakdown);
                Assert.Equal(0, profile.DataQuality.SourcePartialErrors);
                Assert.Equal(new[] { 7, 3, 1, 2, 4, 2, 2 }, fake.Queries.Skip(1).Select(Ids).ToArray());
            }

            var inline = new FakeDataExplorer(Spans.Value) { InlineRowError = true, InlineRowMessage = cut };
            using (var server = new LoopbackServer(inline.Answer))
            {
                var e = Fails(server, "workflow", "wf-daily-report");
                Assert.Equal(3, e.ExitCode);
                Assert.Equal("SourceResultTruncated", e.ErrorId);
                Assert.Contains("narrow the window", e.Message, StringComparison.Ordinal);
            }
        }

        [Theory]
        [InlineData(403, "SourceAccessDenied")]
        [InlineData(401, "SourceUnauthenticated")]
        public void Denied_is_exit_5_and_never_retried(int status, string errorId)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(status, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Principal 'aadapp=x' is not authorized to read database 'oteldb'.\"}}"));
            var e = Fails(server);
            Assert.Equal(5, e.ExitCode);
            Assert.Equal(errorId, e.ErrorId);
            Assert.Contains("azure-data-explorer 127.0.0.1:" + server.BaseUri.Port + " database oteldb", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeCredential.Token, e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
        }

        [Fact]
        public void Throttling_waits_for_retry_after_and_server_errors_are_retried_a_bounded_number_of_times()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            var calls = 0;
            using (var server = new LoopbackServer(r => Interlocked.Increment(ref calls) == 1
                ? CannedResponse.Json(429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Throttled\"}}", ("Retry-After", "1"))
                : fake.Answer(r)))
            {
                Assert.Equal(7507, Profile(server, new FakeCredential(), "run", "run-1004").Summary.TotalDurationMs);
                var requests = server.Requests;
                Assert.Equal(3, requests.Count(r => !r.Body.Contains("OTELMetrics", StringComparison.Ordinal))); // the metric query comes last
                var waited = TimeSpan.FromSeconds((requests[1].ReceivedTicks - requests[0].ReceivedTicks) / (double)Stopwatch.Frequency);
                Assert.True(waited >= TimeSpan.FromSeconds(0.95), "the retry came " + waited.TotalMilliseconds + " ms after a Retry-After of 1 s");
            }

            using (var failing = new LoopbackServer(_ => CannedResponse.Json(503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}}")))
            {
                var e = Fails(failing);
                Assert.Equal(3, e.ExitCode);
                Assert.Equal("SourceServerError", e.ErrorId);
                Assert.Equal(3, failing.Requests.Count); // max-retries: 2
            }
        }

        [Fact]
        public void A_rejected_query_is_exit_3_with_the_code_and_the_specific_message()
        {
            using var server = new LoopbackServer(new FakeDataExplorer(Spans.Value, "SomethingElse").Answer);
            var e = Fails(server);
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceQueryRejected", e.ErrorId);
            Assert.Contains("General_BadRequest", e.Message, StringComparison.Ordinal);
            Assert.Contains("Failed to resolve table expression", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData("this is not json")]
        [InlineData("{\"Tables\":[]}")]
        [InlineData("[{\"FrameType\":\"DataSetHeader\",\"IsProgressive\":false,\"Version\":\"v2.0\"}]")]
        [InlineData("[{\"FrameType\":\"DataSetHeader\",\"Version\":\"v2.0\"},{\"FrameType\":\"DataTable\",\"TableKind\":\"PrimaryResult\",\"Columns\":[{\"ColumnName\":\"TraceID\",\"ColumnType\":\"string\"}],\"Rows\":[[\"a\",\"b\"]]},{\"FrameType\":\"DataSetCompletion\",\"HasErrors\":false}]")]
        [InlineData("[{\"FrameType\":\"DataSetHeader\",\"Version\":\"v2.0\"},{\"FrameType\":\"DataTable\",\"TableKind\":\"PrimaryResult\",\"Columns\":[{\"ColumnName\":\"TraceID\",\"ColumnType\":\"string\"}],\"Rows\":[[\"a\"]]},{\"FrameType\":\"DataSetCompletion\",\"HasErrors\":false}]")]
        [InlineData("[{\"FrameType\":\"DataSetHeader\"},{\"Rows\":[]},{\"FrameType\":\"DataSetCompletion\"}]")]
        [InlineData("[1,2,3]")]
        public void A_malformed_answer_is_exit_4(string body)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, body));
            var e = Fails(server);
            Assert.Equal(4, e.ExitCode);
            Assert.Equal("SourceMalformedResponse", e.ErrorId);
            Assert.DoesNotContain(body, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Rows_that_cannot_be_spans_are_counted_not_guessed()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            var good = FakeDataExplorer.Projected(Spans.Value.First(s => s.Attributes.TryGetValue("chartly.run.id", out var r) && r == "run-1004" && s.ParentSpanId.Length == 0), withTrace: true);
            var badId = new Dictionary<string, string?>(good) { ["SpanID"] = "not-a-span-id" };
            var noZone = new Dictionary<string, string?>(good) { ["SpanID"] = "00000000000000aa", ["StartTime"] = good["StartTime"]!.TrimEnd('Z') };
            var notABag = new Dictionary<string, string?>(good) { ["SpanID"] = "00000000000000bb", ["ResourceType"] = "string" };
            var endless = new Dictionary<string, string?>(good) { ["SpanID"] = "00000000000000cc", ["EndTime"] = "9999-12-31T23:59:59Z" };
            fake.ExtraRows.Add(badId);
            fake.ExtraRows.Add(noZone);
            fake.ExtraRows.Add(notABag);
            fake.ExtraRows.Add(endless);
            using var server = new LoopbackServer(fake.Answer);
            var profile = Profile(server, new FakeCredential(), "run", "run-1004");
            Assert.Equal(8, profile.DataQuality.InvalidSpans); // the four rows, in pass 1 and in pass 2; a span of centuries is as invalid as from files
            Assert.Equal(7507, profile.Summary.TotalDurationMs);
        }

        [Fact]
        public void A_target_id_cannot_inject_kql()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            const string hostile = "run-1004\" or 1==1 | union OTELLogs | take 100 //";
            var e = Fails(server, "run", hostile);
            Assert.Equal("TargetNotFound", e.ErrorId);
            Assert.EndsWith("| where RunId == @\"run-1004\"\" or 1==1 | union OTELLogs | take 100 //\"\n| take 20001\n", fake.Queries[0], StringComparison.Ordinal);
            Assert.Equal(2, fake.Queries.Count);
        }

        [Fact]
        public void The_dry_run_prints_the_exact_kql_and_sends_nothing()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(500, "{}"));
            var credential = new FakeCredential();
            var request = Run.Request("run", "run-1004");
            var plan = Engine(credential).Plan(request, LoadConfig(server.BaseUri));
            var source = Assert.Single(plan.Sources);
            Assert.Equal("azure-data-explorer 127.0.0.1:" + server.BaseUri.Port + " database oteldb", source.Source);
            var expected = new OtelTraceQueries("OTELTraces").Candidates(request.Target, request.Window.StartUnixNano, request.Window.EndUnixNano);
            Assert.Contains(source.Steps, s => s == "pass 1, spans that begin " + request.Target + " (one row past the root budget of 20000 says the target is over it):\n" + expected + "| take 20001\n");
            Assert.Contains(source.Steps, s => s.Contains("| where TraceID in~ (<trace ids found by pass 1>)", StringComparison.Ordinal));
            Assert.Contains(source.Steps, s => s.Contains("POST " + server.BaseUri + "v2/rest/query on database oteldb", StringComparison.Ordinal));
            Assert.Empty(server.Requests);
            Assert.Equal(0, credential.Calls);
        }

        [Fact]
        public void The_guard_allows_the_query_call_only()
        {
            var settings = AdxSettings.Parse(new Dictionary<string, string> { ["cluster"] = "https://help.kusto.windows.net" }, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
            var guard = new QueryEndpointGuard(settings.Describe(), AdxQueryClient.AllowedCalls(settings));
            Assert.Equal(new[] { ("POST", new Uri("https://help.kusto.windows.net/v2/rest/query")) }, guard.Allowed);
            guard.Check("POST", new Uri("https://help.kusto.windows.net/v2/rest/query"));
            foreach (var (method, path) in new[] { ("POST", "/v1/rest/mgmt"), ("POST", "/v1/rest/query"), ("POST", "/v2/rest/mgmt"), ("GET", "/v2/rest/query"), ("PUT", "/v2/rest/query") })
            {
                var e = Assert.Throws<ProfilerException>(() => guard.Check(method, new Uri("https://help.kusto.windows.net" + path)));
                Assert.Equal("SourceReadOnlyViolation", e.ErrorId);
                Assert.Equal(5, e.ExitCode);
            }
        }

        [Theory]
        [InlineData("        traces-table: \"OTELTraces | take 1\"\n", "'traces-table' that is not a plain table name")]
        [InlineData("        metrics-table: 1x\n", "'metrics-table' that is not a plain table name")]
        [InlineData("        database: \"db;drop\"\n", "'database' that is not a Data Explorer database name")]
        [InlineData("        scope: https://management.azure.com/.default\n", "not the read-only Data Explorer query scope")]
        [InlineData("        workspace-id: x\n", "workspace-id")]
        public void Settings_are_checked_when_the_configuration_is_loaded(string extra, string expected)
        {
            var e = Assert.Throws<ProfilerException>(() => LoadConfig(new Uri("https://help.kusto.windows.net"), extra));
            Assert.Equal("ConfigInvalid", e.ErrorId);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Only_a_data_explorer_cluster_can_be_named_and_the_settings_are_parsed_once()
        {
            var other = Assert.Throws<ProfilerException>(() => LoadConfig(new Uri("https://management.azure.com")));
            Assert.Contains("which is not a Data Explorer query host (*.kusto.windows.net", other.Message, StringComparison.Ordinal);
            var withPath = Assert.Throws<ProfilerException>(() => LoadConfig(new Uri("https://help.kusto.windows.net/v1/rest/mgmt")));
            Assert.Contains("'cluster' with a path", withPath.Message, StringComparison.Ordinal);

            var config = LoadConfig(new Uri("https://help.kusto.windows.net"));
            var entry = Assert.Single(config.Environments["dev"].Sources);
            var settings = Assert.IsType<AdxSettings>(entry.Typed);
            Assert.Equal(("oteldb", "OTELTraces", "OTELMetrics", "https://help.kusto.windows.net/.default", "default"), (settings.Database, settings.TracesTable, settings.MetricsTable, settings.Scope, settings.Identity.Credential));
            using var source = Assert.IsType<AzureDataExplorerSource>(SourceKinds.Create(entry));
            Assert.Equal("azure-data-explorer help.kusto.windows.net database oteldb", source.Description);
        }

        [Fact]
        public void The_documented_configuration_loads_and_its_dry_run_names_the_cluster()
        {
            var doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "sources.md"));
            var yaml = System.Text.RegularExpressions.Regex.Matches(doc, "```yaml\n(?<y>.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => m.Groups["y"].Value)
                .Single(y => y.Contains("type: azure-data-explorer", StringComparison.Ordinal));
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var plan = new ProfileEngine().Plan(Run.Request("run", "run-1004", env: "prod"), config);
            var source = Assert.Single(plan.Sources);
            Assert.Equal("azure-data-explorer mycluster.westeurope.kusto.windows.net database oteldb", source.Source);
            Assert.Contains(source.Steps, s => s.StartsWith("credential workload-identity, token scope https://mycluster.westeurope.kusto.windows.net/.default; every query is POST https://mycluster.westeurope.kusto.windows.net/v2/rest/query", StringComparison.Ordinal));
        }
    }
}
