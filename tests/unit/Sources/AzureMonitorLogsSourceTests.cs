using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Cmdlets;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The Azure Monitor Logs source against a real HTTP server on loopback that speaks the
    /// documented request and response shapes, holding the sample spans as Application Insights
    /// rows. Asserts on what the client sent as much as on what it made of the answers.
    /// </summary>
    public sealed class AzureMonitorLogsSourceTests
    {
        private const string Workspace = "5f2b7a3c-1d4e-4f60-9a8b-7c6d5e4f3a2b";
        private static readonly string QueryPath = "/v1/workspaces/" + Workspace + "/query";

        private static readonly Lazy<List<AppRow>> SampleRows = new(() => AppInsightsRows.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry")));

        private static string Config(Uri endpoint, string extra = "") =>
            "environments:\n  dev:\n    sources:\n      - type: azure-monitor-logs\n        workspace-id: " + Workspace +
            "\n        endpoint: " + endpoint.ToString().TrimEnd('/') + "\n        max-retries: 2\n" + extra;

        private static ProfilerConfig LoadConfig(Uri endpoint, string extra = "") =>
            ConfigLoader.Parse(Config(endpoint, extra), Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static HttpTuning Fast(TimeSpan? networkTimeout = null) =>
            new(null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), networkTimeout);

        private static ProfileEngine Engine(FakeCredential credential, HttpTuning? tuning = null) =>
            new(c => c.Type == LogsSettings.TypeName
                ? new AzureMonitorLogsSource(LogsSettings.Parse(c.Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why)), () => credential, tuning ?? Fast())
                : ProfileEngine.DefaultSourceFactory(c));

        private static Profile Profile(LoopbackServer server, FakeCredential credential, string type, string id, HttpTuning? tuning = null) =>
            Engine(credential, tuning).Run(Run.Request(type, id), LoadConfig(server.BaseUri));

        /// <summary>A profile through this source against <paramref name="server"/>, for tests of other row producers.</summary>
        internal static Profile ProfileFrom(LoopbackServer server, string type, string id) => Profile(server, new FakeCredential(), type, id);

        private static ProfilerException Fails(LoopbackServer server, FakeCredential credential, HttpTuning? tuning = null, string type = "run", string id = "run-1004") =>
            Run.Fails(() => Profile(server, credential, type, id, tuning));

        public static IEnumerable<object[]> Targets() => new[]
        {
            new object[] { "run", "run-1004" },
            new object[] { "run", "run-1002" },
            new object[] { "run", "run-2001" },
            new object[] { "workflow", "wf-daily-report" },
            new object[] { "workflow", "daily-report" },
            new object[] { "operation", "op-7f3a" },
            new object[] { "connector", "conn-salesforce" },
            new object[] { "connector", "conn-salesforce/cr-502" },
            new object[] { "service", "analytics-blue/chartly-analytics" },
            new object[] { "service", "chartly-workflow-engine" },
        };

        [Theory]
        [MemberData(nameof(Targets))]
        public void A_profile_from_the_workspace_equals_the_profile_from_the_same_spans_in_files(string type, string id)
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            var fromWorkspace = Profile(server, new FakeCredential(), type, id);
            var fromFiles = Run.Sample(type, id);

            Assert.Equal(fromFiles.Header, fromWorkspace.Header);
            Assert.Equal(fromFiles.Summary.TotalDurationMs, fromWorkspace.Summary.TotalDurationMs);
            Assert.Equal(fromFiles.Summary.Bottleneck, fromWorkspace.Summary.Bottleneck);
            Assert.Equal(fromFiles.Summary.Roots.Count, fromWorkspace.Summary.Roots.Count);
            Assert.Equal(fromFiles.Summary.Roots.SamplesMs, fromWorkspace.Summary.Roots.SamplesMs);
            Assert.Equal(fromFiles.Breakdown, fromWorkspace.Breakdown);
            var f = fromFiles.DataQuality;
            var w = fromWorkspace.DataQuality;
            Assert.Equal(
                (f.TracesSelected, f.SpansSelected, f.DuplicateSpans, f.OrphanSpans, f.Cycles, f.ClippedSpans, f.SpansOutsideParent, f.OverlapsTolerated, f.NonBlockingSubtrees, f.RootsWithoutEnvironment),
                (w.TracesSelected, w.SpansSelected, w.DuplicateSpans, w.OrphanSpans, w.Cycles, w.ClippedSpans, w.SpansOutsideParent, w.OverlapsTolerated, w.NonBlockingSubtrees, w.RootsWithoutEnvironment));
            Assert.Equal(0, w.SourcePartialErrors);
            Assert.Equal(0, w.InvalidSpans);
            Assert.True(w.SpansRead > 0);
            Assert.Equal(0, w.FilesRead);
        }

        [Theory]
        [InlineData("run", "run-dup-1", "TargetAmbiguous")]
        [InlineData("workflow", "weekly-digest", "TargetAmbiguous")]
        [InlineData("service", "chartly-analytics", "TargetAmbiguous")]
        [InlineData("run", "run-9999", "TargetNotFound")]
        public void Ambiguous_and_missing_targets_fail_as_they_do_with_files(string type, string id, string errorId)
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            var fromWorkspace = Fails(server, new FakeCredential(), type: type, id: id);
            var fromFiles = Run.Fails(() => Run.Sample(type, id));
            Assert.Equal(errorId, fromWorkspace.ErrorId);
            Assert.Equal(fromFiles.ErrorId, fromWorkspace.ErrorId);
            Assert.Equal(fromFiles.Message, fromWorkspace.Message);
            Assert.Equal(3, fromWorkspace.ExitCode);
        }

        [Fact]
        public void A_target_outside_the_window_names_the_nearest_starts_as_with_files()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            var request = Run.Request("run", "run-1004", "2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z");
            var fromWorkspace = Run.Fails(() => Engine(new FakeCredential()).Run(request, LoadConfig(server.BaseUri)));
            var fromFiles = Run.Fails(() => new ProfileEngine().Run(request, ConfigLoader.Load(Repo.SampleConfig)));
            Assert.Equal("TargetNotInWindow", fromWorkspace.ErrorId);
            Assert.Equal(fromFiles.Message, fromWorkspace.Message);
            Assert.Contains(fake.Queries, q => q.Contains("| take ", StringComparison.Ordinal));
        }

        [Fact]
        public void Every_request_is_a_documented_query_call_with_a_bearer_token_for_the_read_scope()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            var credential = new FakeCredential();
            Profile(server, credential, "workflow", "wf-daily-report");

            Assert.True(server.Requests.Count >= 2);
            foreach (var r in server.Requests)
            {
                Assert.Equal("POST", r.Method);
                Assert.Equal(QueryPath, r.Path);
                Assert.Equal(string.Empty, r.Query);
                Assert.Equal("Bearer " + FakeCredential.Token, r.Header("Authorization"));
                Assert.StartsWith("application/json", r.Header("Content-Type"));
                Assert.Equal("wait=180", r.Header("Prefer"));
                using var body = JsonDocument.Parse(r.Body);
                Assert.Equal(new[] { "query", "timespan" }, body.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z$", body.RootElement.GetProperty("timespan").GetString());
            }

            Assert.Equal(new[] { "https://127.0.0.1/.default" }, credential.Scopes);
            Assert.Equal(1, credential.Calls);

            // Pass 1 filters on the server: the run's candidates only, never every span of the window.
            Assert.StartsWith("union withsource=SourceTable AppRequests, AppDependencies\n| where TimeGenerated >= datetime(2026-11-24T10:00:00.0000000Z) and TimeGenerated < datetime(2026-11-24T11:00:00.0000000Z)\n| where tostring(Properties[\"chartly.workflow.id\"]) == @\"wf-daily-report\" or tostring(Properties[\"chartly.workflow.name\"]) == @\"wf-daily-report\"\n| project ", fake.Queries[0]);
            Assert.Contains("| where OperationId in~ (\"", fake.Queries[1], StringComparison.Ordinal);
            Assert.DoesNotContain("Properties\n", fake.Queries[1], StringComparison.Ordinal);
        }

        [Fact]
        public void A_service_target_searches_requests_only()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            Profile(server, new FakeCredential(), "service", "analytics-blue/chartly-analytics");
            Assert.StartsWith("union withsource=SourceTable AppRequests\n", fake.Queries[0]);
            Assert.Contains("| where (AppRoleName == @\"chartly-analytics\" and coalesce(tostring(Properties[\"k8s.namespace.name\"]), tostring(Properties[\"service.namespace\"])) == @\"analytics-blue\") or AppRoleName == @\"[analytics-blue]/chartly-analytics\"\n", fake.Queries[0], StringComparison.Ordinal);
        }

        [Fact]
        public void Traces_are_loaded_in_batches_over_the_time_their_roots_span()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            var config = ConfigLoader.Parse(Config(server.BaseUri, "        traces-per-query: 3\n        trace-margin: 1m\n"), Path.Combine(Path.GetTempPath(), "c.yaml"));
            var profile = Engine(new FakeCredential()).Run(Run.Request("workflow", "wf-daily-report"), config);
            var fromFiles = Run.Sample("workflow", "wf-daily-report");
            Assert.Equal(fromFiles.Breakdown, profile.Breakdown);

            var loads = fake.Queries.Skip(1).ToList();
            Assert.Equal(3, loads.Count); // 7 runs, 3 per query
            Assert.All(loads, q => Assert.True(System.Text.RegularExpressions.Regex.Matches(q, "\"[0-9a-f]{32}\"").Count <= 3));

            // Each batch covers its own roots' time, from a minute (trace-margin) before the earliest.
            Assert.All(loads, q => Assert.Matches("TimeGenerated >= datetime\\(2026-11-24T(09:59|10:\\d\\d):\\d\\d\\.\\d{7}Z\\)", q));
        }

        [Fact]
        public void A_partial_error_is_counted_in_data_quality_and_the_rows_are_still_used()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            var partial = "{\"code\":\"PartialError\",\"message\":\"There were some errors when processing your query.\",\"details\":[{\"code\":\"EngineError\",\"message\":\"Something went wrong processing your query on the server.\",\"innererror\":{\"code\":\"-2133196797\",\"message\":\"Partial query failure: an extent could not be read\",\"severity\":2,\"severityName\":\"Error\"}}]}";
            using var server = new LoopbackServer(r =>
            {
                var answer = fake.Answer(r);
                return CannedResponse.Json(200, answer.Body.Substring(0, answer.Body.Length - 1) + ",\"error\":" + partial + "}");
            });
            var profile = Profile(server, new FakeCredential(), "run", "run-1004");
            Assert.Equal(2, profile.DataQuality.SourcePartialErrors);
            Assert.Equal(Run.Sample("run", "run-1004").Breakdown, profile.Breakdown);
            Assert.Contains("\"source_partial_errors\": 2", global::Chartly.Profiler.Output.ProfileDocument.Write(profile, global::Chartly.Profiler.Output.DocumentFormat.Json), StringComparison.Ordinal);
        }

        private const string Truncation = "{\"code\":\"PartialError\",\"message\":\"There were some errors when processing your query.\",\"details\":[{\"code\":\"EngineError\",\"message\":\"Something went wrong processing your query on the server.\",\"innererror\":{\"code\":\"-2133196797\",\"message\":\"Query result set has exceeded the internal record count limit\",\"severity\":2,\"severityName\":\"Error\"}}]}";

        /// <summary>A workspace that truncates every answer asking for more than <paramref name="maxIds"/> operation ids (pass 1 too, when <paramref name="maxIds"/> is negative).</summary>
        private static LoopbackServer Truncating(FakeLogAnalytics fake, int maxIds) => new(r =>
        {
            var answer = fake.Answer(r);
            var kql = fake.Queries[fake.Queries.Count - 1];
            var ids = System.Text.RegularExpressions.Regex.Matches(kql, "\"[0-9a-f]{32}\"").Count;
            var cut = maxIds < 0 || (kql.Contains("OperationId in~", StringComparison.Ordinal) && ids > maxIds);
            return cut ? CannedResponse.Json(200, answer.Body.Substring(0, answer.Body.Length - 1) + ",\"error\":" + Truncation + "}") : answer;
        });

        [Fact]
        public void A_truncated_batch_of_traces_is_asked_again_in_halves_never_used()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = Truncating(fake, maxIds: 2);
            var profile = Profile(server, new FakeCredential(), "workflow", "wf-daily-report");
            Assert.Equal(Run.Sample("workflow", "wf-daily-report").Breakdown, profile.Breakdown);
            Assert.Equal(0, profile.DataQuality.SourcePartialErrors);

            // 7 roots: the batch of 7 is cut, then 3 (cut: 1 and 2) and 4 (cut: 2 and 2): the same halves every time.
            var loads = fake.Queries.Skip(1).Select(q => System.Text.RegularExpressions.Regex.Matches(q, "\"[0-9a-f]{32}\"").Count).ToArray();
            Assert.Equal(new[] { 7, 3, 1, 2, 4, 2, 2 }, loads);
        }

        [Fact]
        public void A_truncated_answer_that_cannot_be_split_fails_with_exit_3_saying_what_to_narrow()
        {
            using (var server = Truncating(new FakeLogAnalytics(SampleRows.Value), maxIds: -1))
            {
                var e = Fails(server, new FakeCredential(), type: "workflow", id: "wf-daily-report");
                Assert.Equal(3, e.ExitCode);
                Assert.Equal("SourceResultTruncated", e.ErrorId);
                Assert.Contains("the spans that can begin the target", e.Message, StringComparison.Ordinal);
                Assert.Contains("narrow the window", e.Message, StringComparison.Ordinal);
            }

            var fake = new FakeLogAnalytics(SampleRows.Value);
            using (var server = Truncating(fake, maxIds: 0))
            {
                var e = Fails(server, new FakeCredential(), type: "run", id: "run-1004");
                Assert.Equal("SourceResultTruncated", e.ErrorId);
                Assert.Matches("for the trace [0-9a-f]{32} ", e.Message);
            }
        }

        [Theory]
        [InlineData("profiler-oid", true)]
        [InlineData("someone-else", false)]
        public void The_access_policy_is_checked_against_the_token_the_queries_carry(string allowed, bool granted)
        {
            var payload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("{\"oid\":\"profiler-oid\",\"roles\":[\"Profiler.Read\"]}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var jwt = "eyJhbGciOiJub25lIn0." + payload + ".c2ln";
            var credential = new FakeCredential { TokenValue = jwt };
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            var yaml = Config(server.BaseUri).Replace("  dev:\n", "  dev:\n    access:\n      principals: ['" + allowed + "']\n      identity: azure-token\n", StringComparison.Ordinal);
            var withPolicy = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            if (granted)
            {
                var profile = Engine(credential).Run(Run.Request("run", "run-1004"), withPolicy);
                Assert.Equal(7507, profile.Summary.TotalDurationMs);
                Assert.All(server.Requests, r => Assert.Equal("Bearer " + jwt, r.Header("Authorization")));
            }
            else
            {
                var e = Run.Fails(() => Engine(credential).Run(Run.Request("run", "run-1004"), withPolicy));
                Assert.Equal(5, e.ExitCode);
                Assert.Empty(server.Requests);
            }

            // One token for the access check and every query.
            Assert.Equal(1, credential.Calls);
        }

        [Fact]
        public void Forbidden_is_exit_5_and_never_retried()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(403, "{\"error\":{\"message\":\"The provided credentials have insufficient access to perform the requested operation\",\"code\":\"InsufficientAccessError\",\"correlationId\":\"0f0e0d0c-0000-0000-0000-000000000000\"}}"));
            var e = Fails(server, new FakeCredential());
            Assert.Equal(5, e.ExitCode);
            Assert.Equal("SourceAccessDenied", e.ErrorId);
            Assert.Contains("403", e.Message, StringComparison.Ordinal);
            Assert.Contains("InsufficientAccessError", e.Message, StringComparison.Ordinal);
            Assert.Contains(Workspace, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeCredential.Token, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("correlation", e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Single(server.Requests);
            Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, ErrorRecords.CategoryOf(e));
        }

        [Fact]
        public void Unauthorized_is_exit_5_and_never_retried()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(401, "{\"error\":{\"message\":\"Valid authentication was not provided\",\"code\":\"AuthorizationRequiredError\"}}"));
            var e = Fails(server, new FakeCredential());
            Assert.Equal(5, e.ExitCode);
            Assert.Equal("SourceUnauthenticated", e.ErrorId);
            Assert.Single(server.Requests);
        }

        [Fact]
        public void Too_many_requests_waits_for_retry_after_then_succeeds()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            var calls = 0;
            using var server = new LoopbackServer(r => Interlocked.Increment(ref calls) == 1
                ? CannedResponse.Json(429, "{\"error\":{\"message\":\"Too many requests\",\"code\":\"ThrottledError\"}}", ("Retry-After", "1"))
                : fake.Answer(r));
            var profile = Profile(server, new FakeCredential(), "run", "run-1004");
            Assert.Equal(7507, profile.Summary.TotalDurationMs);
            var requests = server.Requests;
            Assert.Equal(3, requests.Count); // 429, then pass 1 again, then pass 2
            var waited = TimeSpan.FromSeconds((requests[1].ReceivedTicks - requests[0].ReceivedTicks) / (double)Stopwatch.Frequency);
            Assert.True(waited >= TimeSpan.FromSeconds(0.95), "the retry came " + waited.TotalMilliseconds + " ms after a Retry-After of 1 s");
            Assert.Equal(requests[0].Body, requests[1].Body);
        }

        [Fact]
        public void A_retry_after_longer_than_a_profile_waits_ends_the_retries_at_once()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(429, "{\"error\":{\"message\":\"Too many requests\",\"code\":\"ThrottledError\"}}", ("Retry-After", "120")));
            var e = Fails(server, new FakeCredential());
            Assert.Equal("SourceThrottled", e.ErrorId);
            Assert.Contains("asked to wait 120 s, longer than the 2 s a profile waits", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData(500, "SourceServerError")]
        [InlineData(503, "SourceServerError")]
        [InlineData(429, "SourceThrottled")]
        public void Server_errors_are_retried_a_bounded_number_of_times_then_exit_3(int status, string errorId)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(status, "{\"error\":{\"message\":\"Internal error\",\"code\":\"InternalServerError\"}}"));
            var e = Fails(server, new FakeCredential());
            Assert.Equal(3, e.ExitCode);
            Assert.Equal(errorId, e.ErrorId);
            Assert.StartsWith("Source", e.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, ErrorRecords.CategoryOf(e));
            Assert.Contains("azure-monitor-logs workspace " + Workspace, e.Message, StringComparison.Ordinal);
            Assert.Contains("3 attempts", e.Message, StringComparison.Ordinal);
            Assert.Equal(3, server.Requests.Count); // max-retries: 2
        }

        [Fact]
        public void A_rejected_query_is_exit_3_with_the_backend_code()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(400, "{\"error\":{\"message\":\"The request had some invalid properties\",\"code\":\"BadArgumentError\",\"innererror\":{\"code\":\"SemanticError\",\"message\":\"'union' operator: Failed to resolve table expression named 'AppDependencies'\"}}}"));
            var e = Fails(server, new FakeCredential());
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceQueryRejected", e.ErrorId);
            Assert.Contains("BadArgumentError", e.Message, StringComparison.Ordinal);
            Assert.Contains("Failed to resolve table", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData("this is not json")]
        [InlineData("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"SourceTable\",\"type\":\"string\"}],\"rows\":[[\"AppRequests\",\"extra\"]]}]}")]
        [InlineData("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"SourceTable\",\"type\":\"string\"}],\"rows\":[[\"AppRequests\"]]}]}")]
        [InlineData("{\"something\":\"else\"}")]
        [InlineData("[1,2,3]")]
        public void A_malformed_answer_is_exit_4(string body)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, body));
            var e = Fails(server, new FakeCredential());
            Assert.Equal(4, e.ExitCode);
            Assert.Equal("SourceMalformedResponse", e.ErrorId);
            Assert.DoesNotContain(body, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Rows_that_cannot_be_spans_are_counted_not_guessed()
        {
            var rows = SampleRows.Value.ToList();
            var bad = new List<AppRow>();
            foreach (var r in rows.Where(r => r.Properties.TryGetValue("chartly.run.id", out var run) && run == "run-1004").Take(1))
            {
                bad.Add(r with { Id = "not-a-span-id" });
            }

            var fake = new FakeLogAnalytics(rows.Concat(bad).ToList());
            using var server = new LoopbackServer(fake.Answer);
            var profile = Profile(server, new FakeCredential(), "run", "run-1004");
            Assert.Equal(2, profile.DataQuality.InvalidSpans); // once in pass 1, once in pass 2
            Assert.Equal(7507, profile.Summary.TotalDurationMs);
        }

        [Fact]
        public void A_timeout_is_retried_then_exit_3()
        {
            using var server = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Hang: true));
            var e = Fails(server, new FakeCredential(), Fast(TimeSpan.FromMilliseconds(300)));
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceTimeout", e.ErrorId);
            Assert.Equal(3, server.Requests.Count);
        }

        [Fact]
        public async Task Cancellation_stops_a_query_in_flight()
        {
            using var cancel = new CancellationTokenSource();
            using var server = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Hang: true));
            server.Received += _ => cancel.Cancel();
            var task = Task.Run(() => Engine(new FakeCredential()).Run(Run.Request("run", "run-1004"), LoadConfig(server.BaseUri), cancel.Token));

            // A guard against a hang, not a speed test: the default network timeout is over three minutes.
            Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) == task, "the query did not stop when cancelled");
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.Equal(cancel.Token, e.CancellationToken);
            Assert.Single(server.Requests);
        }

        [Fact]
        public void An_unreachable_workspace_is_exit_3_naming_the_source()
        {
            var port = LoopbackServer.FreePort();
            var config = LoadConfig(new Uri("http://127.0.0.1:" + port + "/"));
            var e = Run.Fails(() => Engine(new FakeCredential()).Run(Run.Request("run", "run-1004"), config));
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceUnavailable", e.ErrorId);
            Assert.Contains("connection refused", e.Message, StringComparison.Ordinal);
            Assert.Contains(Workspace, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_credential_that_cannot_get_a_token_is_exit_5_and_nothing_is_sent()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, "{}"));
            var credential = new FakeCredential { Failure = new CredentialUnavailableException("ManagedIdentityCredential authentication unavailable. secret-detail-42") };
            var e = Fails(server, credential);
            Assert.Equal(5, e.ExitCode);
            Assert.Equal("SourceCredentialUnavailable", e.ErrorId);
            Assert.DoesNotContain("secret-detail-42", e.Message, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }

        [Fact]
        public void A_target_id_cannot_inject_kql()
        {
            var fake = new FakeLogAnalytics(SampleRows.Value);
            using var server = new LoopbackServer(fake.Answer);
            const string hostile = "run-1004\" or 1==1 | union AppTraces | take 100 //";
            var e = Fails(server, new FakeCredential(), type: "run", id: hostile);
            Assert.Equal("TargetNotFound", e.ErrorId);
            Assert.Contains("| where tostring(Properties[\"chartly.run.id\"]) == @\"run-1004\"\" or 1==1 | union AppTraces | take 100 //\"\n", fake.Queries[0], StringComparison.Ordinal);
            Assert.Equal(2, fake.Queries.Count); // pass 1 and the nearest-starts query, nothing else
        }

        [Fact]
        public void The_dry_run_prints_the_exact_kql_and_sends_nothing()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(500, "{}"));
            var credential = new FakeCredential();
            var request = Run.Request("run", "run-1004");
            var plan = Engine(credential).Plan(request, LoadConfig(server.BaseUri));
            var source = Assert.Single(plan.Sources);
            Assert.Equal("azure-monitor-logs workspace " + Workspace, source.Source);
            var expected = SpanQueries.Candidates(request.Target, request.Window.StartUnixNano, request.Window.EndUnixNano);
            Assert.Contains(source.Steps, s => s.EndsWith("\n" + expected + "\n| take 20001\n", StringComparison.Ordinal));
            Assert.Contains(source.Steps, s => s.Contains("| where OperationId in~ (<operation ids found by pass 1>)", StringComparison.Ordinal));
            Assert.Contains(source.Steps, s => s.Contains("POST " + server.BaseUri + QueryPath.TrimStart('/'), StringComparison.Ordinal));
            Assert.Empty(server.Requests);
            Assert.Equal(0, credential.Calls);
            var text = global::Chartly.Profiler.Output.PlanDocument.Write(plan, global::Chartly.Profiler.Output.DocumentFormat.Text);
            Assert.Contains("| where tostring(Properties[\"chartly.run.id\"]) == @\"run-1004\"", text, StringComparison.Ordinal);
        }

        [Fact]
        public void An_endless_answer_is_cut_at_its_cap_and_a_hung_workspace_ends_at_the_deadline()
        {
            using var endless = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Endless: true));
            var capped = LogsSettings.Parse(LoadConfig(endless.BaseUri, "        max-response-mb: 1\n").Environments["dev"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
            using (var client = new LogsQueryClient(capped, new TokenCache(() => new FakeCredential(), capped.Scope), Fast()))
            {
                var e = Assert.Throws<ProfilerException>(() => client.Query("AppRequests", 0, 1, CancellationToken.None));
                Assert.Equal("SourceMalformedResponse", e.ErrorId);
                Assert.Single(endless.Requests);
            }

            using var hung = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Hang: true));
            var bounded = LogsSettings.Parse(LoadConfig(hung.BaseUri, "        timeout: 1s\n        deadline: 2s\n").Environments["dev"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
            using (var client = new LogsQueryClient(bounded, new TokenCache(() => new FakeCredential(), bounded.Scope), Fast()))
            {
                var e = Assert.Throws<ProfilerException>(() => client.Query("AppRequests", 0, 1, CancellationToken.None));
                Assert.Equal("SourceTimeout", e.ErrorId);
                Assert.Contains("deadline of 2s", e.Message, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void The_guard_refuses_any_request_but_the_query_call_before_it_is_sent()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, "{\"tables\":[]}"));
            var queryUri = new Uri(server.BaseUri, QueryPath.TrimStart('/'));
            var guard = new QueryEndpointGuard("azure-monitor-logs workspace " + Workspace, new[] { ("POST", queryUri) });
            var options = new GuardTestOptions();
            options.Retry.MaxRetries = 0;
            options.Transport = new GuardedTransport(options.Transport, guard);
            var pipeline = HttpPipelineBuilder.Build(options);

            ProfilerException Refused(RequestMethod method, Uri uri)
            {
                using var message = pipeline.CreateMessage();
                message.Request.Method = method;
                message.Request.Uri.Reset(uri);
                if (method != RequestMethod.Get && method != RequestMethod.Head && method != RequestMethod.Delete)
                {
                    message.Request.Content = RequestContent.Create(new byte[] { (byte)'{', (byte)'}' });
                }

                return Assert.Throws<ProfilerException>(() => pipeline.Send(message, CancellationToken.None));
            }

            foreach (var method in new[] { RequestMethod.Delete, RequestMethod.Put, RequestMethod.Patch, RequestMethod.Get, RequestMethod.Head })
            {
                var e = Refused(method, queryUri);
                Assert.Equal("SourceReadOnlyViolation", e.ErrorId);
                Assert.Equal(5, e.ExitCode);
            }

            Assert.Equal("SourceReadOnlyViolation", Refused(RequestMethod.Post, new Uri(server.BaseUri, "v1/workspaces/" + Workspace + "/metadata")).ErrorId);
            Assert.Equal("SourceReadOnlyViolation", Refused(RequestMethod.Post, new Uri("http://localhost:" + server.BaseUri.Port + QueryPath)).ErrorId);
            Assert.Empty(server.Requests);

            using (var ok = pipeline.CreateMessage())
            {
                ok.Request.Method = RequestMethod.Post;
                ok.Request.Uri.Reset(queryUri);
                ok.Request.Content = RequestContent.Create(new byte[] { (byte)'{', (byte)'}' });
                pipeline.Send(ok, CancellationToken.None);
                Assert.Equal(200, ok.Response.Status);
            }

            Assert.Single(server.Requests);
        }

        [Fact]
        public void A_token_is_never_sent_over_plain_http_to_another_host()
        {
            var settings = LogsSettings.Parse(
                new Dictionary<string, string> { ["workspace-id"] = Workspace, ["endpoint"] = "https://api.loganalytics.io" },
                why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
            var tokens = new TokenCache(() => new FakeCredential(), settings.Scope);
            var options = new GuardTestOptions();
            options.Retry.MaxRetries = 0;
            var pipeline = HttpPipelineBuilder.Build(options, new BearerTokenPolicy(tokens, "test"));
            using var message = pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Post;
            message.Request.Uri.Reset(new Uri("http://example.invalid/v1/workspaces/" + Workspace + "/query"));
            var e = Assert.Throws<ProfilerException>(() => pipeline.Send(message, CancellationToken.None));
            Assert.Equal("SourceInsecureTransport", e.ErrorId);
        }

        private sealed class GuardTestOptions : ClientOptions
        {
        }
    }
}
