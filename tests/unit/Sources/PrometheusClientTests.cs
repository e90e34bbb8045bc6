using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Chartly.Profiler.Cmdlets;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Prometheus;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The Prometheus HTTP client against a loopback server that answers in the API's documented
    /// shapes: what it sends, how it authenticates, which failures it retries and how each ends.
    /// Waits between retries are recorded instead of slept.
    /// </summary>
    public sealed class PrometheusClientTests
    {
        private const string Matrix = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"pod\":\"p-1\",\"namespace\":\"ns\"},\"values\":[[1795516215,\"0.5\"],[1795516200,\"0.25\"],[1795516230,\"NaN\"]]}]}}";

        private static PrometheusSettings Settings(Uri url, params (string Key, string Value)[] extra)
        {
            var s = new Dictionary<string, string> { ["url"] = url.ToString(), ["max-retries"] = "2" };
            foreach (var (k, v) in extra)
            {
                s[k] = v;
            }

            return PrometheusSettings.Parse(s, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
        }

        private sealed class Recorder
        {
            public List<TimeSpan> Waits { get; } = new();

            public Task Delay(TimeSpan d, CancellationToken ct)
            {
                Waits.Add(d);
                return Task.CompletedTask;
            }
        }

        private static PrometheusClient Client(PrometheusSettings settings, Recorder? recorder = null, Func<string, string?>? env = null, TimeSpan? attemptTimeout = null) =>
            new(settings, env ?? (_ => null), new HttpTuning(Delay: (recorder ?? new Recorder()).Delay, AttemptTimeout: attemptTimeout));

        private static ProfilerException Fails(Action a)
        {
            try
            {
                a();
            }
            catch (ProfilerException e)
            {
                return e;
            }

            throw new Xunit.Sdk.XunitException("expected a ProfilerException");
        }

        [Fact]
        public void A_range_query_is_a_get_of_the_documented_endpoint_and_the_answer_is_parsed_in_order()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, Matrix));
            using var client = Client(Settings(new Uri(server.BaseUri, "prom/")));
            var r = client.QueryRange("sum by (pod) (irate(x{pod=\"p-1\"}[60s]))", 1_795_516_200_000, 1_795_516_230_000, 15, CancellationToken.None);

            var req = Assert.Single(server.Requests);
            Assert.Equal("GET", req.Method);
            Assert.Equal("/prom/api/v1/query_range", req.Path);
            Assert.Equal(string.Empty, req.Body);
            Assert.Null(req.Header("Authorization"));
            Assert.Null(req.Header("x-ms-client-request-id"));
            Assert.Equal("application/json", req.Header("Accept"));
            var q = System.Web.HttpUtility.ParseQueryString(req.Query);
            Assert.Equal("sum by (pod) (irate(x{pod=\"p-1\"}[60s]))", q["query"]);
            Assert.Equal("1795516200", q["start"]);
            Assert.Equal("1795516230", q["end"]);
            Assert.Equal("15s", q["step"]);
            Assert.Equal("60s", q["timeout"]);

            Assert.Equal("matrix", r.ResultType);
            var series = Assert.Single(r.Series);
            Assert.Equal(new[] { "namespace", "pod" }, series.Labels.Select(l => l.Key).ToArray());
            Assert.Equal(new[] { 1_795_516_200_000L, 1_795_516_215_000L, 1_795_516_230_000L }, series.Points.Select(p => p.UnixMs).ToArray());
            Assert.Equal(0.25, series.Points[0].Value);
            Assert.True(double.IsNaN(series.Points[2].Value));
        }

        [Fact]
        public void An_instant_query_is_a_get_of_the_query_endpoint()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1795516200.5,\"1\"]}]}}"));
            using var client = Client(Settings(server.BaseUri));
            var r = client.Query("vector(1)", 1_795_516_200_500, CancellationToken.None);
            var req = Assert.Single(server.Requests);
            Assert.Equal("/api/v1/query", req.Path);
            Assert.Equal("1795516200.5", System.Web.HttpUtility.ParseQueryString(req.Query)["time"]);
            Assert.Equal(1_795_516_200_500, Assert.Single(Assert.Single(r.Series).Points).UnixMs);
        }

        [Fact]
        public void Bearer_auth_reads_the_token_from_the_named_environment_variable()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, Matrix));
            var settings = Settings(server.BaseUri, ("auth", "bearer"), ("token-env", "PROM_TOKEN"));
            using var client = Client(settings, env: n => n == "PROM_TOKEN" ? "tok-123" : null);
            client.QueryRange("up", 0, 15_000, 15, CancellationToken.None);
            Assert.Equal("Bearer tok-123", Assert.Single(server.Requests).Header("Authorization"));
        }

        [Fact]
        public void Basic_auth_reads_the_password_from_the_named_environment_variable()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, Matrix));
            var settings = Settings(server.BaseUri, ("auth", "basic"), ("username", "profiler"), ("password-env", "PROM_PASSWORD"));
            using var client = Client(settings, env: n => n == "PROM_PASSWORD" ? "pw:with:colons" : null);
            client.QueryRange("up", 0, 15_000, 15, CancellationToken.None);
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("profiler:pw:with:colons")), Assert.Single(server.Requests).Header("Authorization"));
        }

        [Fact]
        public void A_missing_secret_is_exit_5_and_nothing_is_sent()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, Matrix));
            using var client = Client(Settings(server.BaseUri, ("auth", "bearer"), ("token-env", "PROM_TOKEN")));
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(5, e.ExitCode);
            Assert.Equal("SourceCredentialUnavailable", e.ErrorId);
            Assert.Contains("PROM_TOKEN", e.Message, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }

        [Theory]
        [InlineData(401, "SourceUnauthenticated")]
        [InlineData(403, "SourceAccessDenied")]
        public void Unauthorized_and_forbidden_are_exit_5_and_never_retried(int status, string errorId)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(status, "Unauthorized"));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri, ("auth", "bearer"), ("token-env", "T")), recorder, n => "secret-token-value");
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(5, e.ExitCode);
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, ErrorRecords.CategoryOf(e));
            Assert.DoesNotContain("secret-token-value", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
            Assert.Empty(recorder.Waits);
        }

        [Fact]
        public void Too_many_requests_waits_as_long_as_retry_after_says_then_succeeds()
        {
            var calls = 0;
            using var server = new LoopbackServer(_ => Interlocked.Increment(ref calls) == 1
                ? CannedResponse.Json(429, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"too many requests\"}", ("Retry-After", "7"))
                : CannedResponse.Json(200, Matrix));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder);
            client.QueryRange("up", 0, 15_000, 15, CancellationToken.None);
            Assert.Equal(2, server.Requests.Count);
            Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, recorder.Waits);
        }

        [Fact]
        public void A_retry_after_longer_than_a_profile_waits_ends_the_retries_at_once()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(429, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"slow down\"}", ("Retry-After", "3600")));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder);
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal("SourceThrottled", e.ErrorId);
            Assert.Contains("asked to wait 3600 s, longer than the 30 s a profile waits", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
            Assert.Empty(recorder.Waits);
        }

        [Theory]
        [InlineData(503, "SourceServerError")]
        [InlineData(500, "SourceServerError")]
        [InlineData(502, "SourceServerError")]
        [InlineData(429, "SourceThrottled")]
        public void Retriable_failures_are_retried_with_backoff_a_bounded_number_of_times_then_exit_3(int status, string errorId)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(status, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"overloaded\"}"));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder);
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(3, e.ExitCode);
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, ErrorRecords.CategoryOf(e));
            Assert.Contains("prometheus " + server.BaseUri.ToString().TrimEnd('/'), e.Message, StringComparison.Ordinal);
            Assert.Equal(3, server.Requests.Count);
            Assert.Equal(new[] { TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.6) }, recorder.Waits);
        }

        [Theory]
        [InlineData(400, "bad_data")]
        [InlineData(422, "execution")]
        public void A_rejected_query_is_exit_3_with_the_error_type_and_not_retried(int status, string errorType)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(status, "{\"status\":\"error\",\"errorType\":\"" + errorType + "\",\"error\":\"exceeded maximum resolution of 11,000 points per timeseries\"}"));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder);
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceQueryRejected", e.ErrorId);
            Assert.Contains(errorType, e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"x\"}")]
        [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,2]]}]}}")]
        [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":1},\"values\":[]}]}}")]
        [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}")]
        [InlineData("{\"status\":\"success\"}")]
        public void A_malformed_answer_is_exit_4(string body)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, body));
            using var client = Client(Settings(server.BaseUri));
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(4, e.ExitCode);
            Assert.Equal("SourceMalformedResponse", e.ErrorId);
        }

        [Fact]
        public void A_timeout_is_retried_then_exit_3()
        {
            using var server = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Hang: true));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder, attemptTimeout: TimeSpan.FromMilliseconds(200));
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceTimeout", e.ErrorId);
            Assert.Equal(3, server.Requests.Count);
            Assert.Equal(2, recorder.Waits.Count);
        }

        [Fact]
        public async Task Cancellation_stops_a_query_in_flight()
        {
            using var cancel = new CancellationTokenSource();
            using var server = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Hang: true));
            server.Received += _ => cancel.Cancel();
            using var client = Client(Settings(server.BaseUri));
            var task = Task.Run(() => client.QueryRange("up", 0, 15_000, 15, cancel.Token));
            Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) == task, "the query did not stop when cancelled");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.Single(server.Requests);
        }

        [Fact]
        public void An_unreachable_server_is_retried_then_exit_3()
        {
            var recorder = new Recorder();
            using var client = Client(Settings(new Uri("http://127.0.0.1:" + LoopbackServer.FreePort() + "/")), recorder);
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal(3, e.ExitCode);
            Assert.Equal("SourceUnavailable", e.ErrorId);
            Assert.Contains("connection refused", e.Message, StringComparison.Ordinal);
            Assert.Equal(2, recorder.Waits.Count);
        }

        [Fact]
        public void A_redirect_is_not_followed()
        {
            using var server = new LoopbackServer(r => r.Path.EndsWith("query_range", StringComparison.Ordinal)
                ? new CannedResponse(302, string.Empty, new Dictionary<string, string> { ["Location"] = "/admin/api/v1/admin/tsdb/delete_series" })
                : CannedResponse.Json(200, Matrix));
            using var client = Client(Settings(server.BaseUri));
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal("SourceQueryRejected", e.ErrorId);
            Assert.Single(server.Requests);
        }

        [Fact]
        public void The_guard_refuses_every_method_and_path_but_the_query_calls_before_sending()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, Matrix));
            var settings = Settings(server.BaseUri, ("max-retries", "0"));
            using var pipeline = new RemotePipeline(settings.Describe(), settings.Limits, new[] { ("GET", settings.QueryRangeUri), ("GET", settings.QueryUri) }, TimeSpan.FromSeconds(10), null);

            Azure.Response Send(Azure.Core.RequestMethod method, Uri uri)
            {
                using var message = pipeline.CreateMessage();
                message.Request.Method = method;
                message.Request.Uri.Reset(uri);
                return pipeline.SendAsync(message, CancellationToken.None).GetAwaiter().GetResult();
            }

            foreach (var method in new[] { Azure.Core.RequestMethod.Post, Azure.Core.RequestMethod.Put, Azure.Core.RequestMethod.Delete, Azure.Core.RequestMethod.Patch, Azure.Core.RequestMethod.Head })
            {
                var e = Assert.Throws<ProfilerException>(() => Send(method, settings.QueryRangeUri));
                Assert.Equal("SourceReadOnlyViolation", e.ErrorId);
                Assert.Equal(5, e.ExitCode);
            }

            foreach (var path in new[] { "api/v1/admin/tsdb/delete_series", "api/v1/admin/tsdb/snapshot", "-/quit", "api/v1/series", "api/v1/query_range/../admin" })
            {
                var e = Assert.Throws<ProfilerException>(() => Send(Azure.Core.RequestMethod.Get, new Uri(server.BaseUri, path)));
                Assert.Equal("SourceReadOnlyViolation", e.ErrorId);
            }

            Assert.Empty(server.Requests);
            Send(Azure.Core.RequestMethod.Get, new Uri(settings.QueryRangeUri + "?query=up&start=0&end=1&step=1s"));
            Send(Azure.Core.RequestMethod.Get, new Uri(settings.QueryUri + "?query=up"));
            Assert.Equal(2, server.Requests.Count);
            Assert.All(server.Requests, r => Assert.Equal("GET", r.Method));
        }

        [Fact]
        public void Retry_after_as_a_date_is_measured_against_the_servers_own_clock_and_retry_after_ms_wins()
        {
            var calls = 0;
            using var server = new LoopbackServer(_ => Interlocked.Increment(ref calls) switch
            {
                1 => CannedResponse.Json(503, "{}", ("Date", "Tue, 24 Nov 2026 10:00:00 GMT"), ("Retry-After", "Tue, 24 Nov 2026 10:00:12 GMT")),
                2 => CannedResponse.Json(503, "{}", ("Retry-After", "9"), ("retry-after-ms", "2500")),
                _ => CannedResponse.Json(200, Matrix),
            });
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder);
            client.QueryRange("up", 0, 15_000, 15, CancellationToken.None);
            Assert.Equal(new[] { TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(2.5) }, recorder.Waits);
        }

        [Fact]
        public void A_hung_server_ends_at_the_deadline_of_the_profile_whatever_the_retries()
        {
            using var server = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Hang: true));
            using var client = Client(Settings(server.BaseUri, ("timeout", "1s"), ("max-retries", "10"), ("deadline", "2s")));
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal("SourceTimeout", e.ErrorId);
            Assert.Equal(3, e.ExitCode);
            Assert.Contains("deadline of 2s", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);

            // The deadline holds for the whole profile: the next query fails at once.
            Assert.Equal("SourceTimeout", Fails(() => client.Query("up", 0, CancellationToken.None)).ErrorId);
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData("deadline", "30s", "shorter than its 'timeout'")]
        [InlineData("deadline", "3h", "'deadline: 3h'")]
        [InlineData("max-response-mb", "0", "'max-response-mb: 0'")]
        [InlineData("max-response-mb", "5000", "'max-response-mb: 5000'")]
        public void The_limits_are_validated_when_the_configuration_is_read(string key, string value, string expected)
        {
            var e = Assert.Throws<ProfilerException>(() => Settings(new Uri("http://127.0.0.1:9090/"), (key, value)));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("retry-after-ms", "1e300")]
        [InlineData("Retry-After", "9223372036854775807")]
        [InlineData("x-ms-retry-after-ms", "86400000000")]
        public void An_absurd_retry_after_ends_the_retries_without_overflow(string header, string value)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(429, "{}", (header, value)));
            var recorder = new Recorder();
            using var client = Client(Settings(server.BaseUri), recorder);
            var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
            Assert.Equal("SourceThrottled", e.ErrorId);
            Assert.Contains("longer than the 30 s a profile waits", e.Message, StringComparison.Ordinal);
            Assert.Single(server.Requests);
            Assert.Empty(recorder.Waits);
        }

        [Fact]
        public void The_backoff_doubles_up_to_its_bound_and_a_longer_retry_after_ends_the_retries()
        {
            var rules = new BoundedRetryPolicy(3, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(30));
            Assert.Equal(TimeSpan.FromSeconds(12), rules.DelayBefore(1, TimeSpan.FromSeconds(12)));
            Assert.Null(rules.DelayBefore(1, TimeSpan.FromHours(1)));
            Assert.Equal(TimeSpan.FromSeconds(30), rules.DelayBefore(10, null));
            Assert.Equal(TimeSpan.FromSeconds(3.2), rules.DelayBefore(3, null));
        }

        /// <summary>The bound on what a capped answer allocates reads the process-wide counter: it runs alone.</summary>
        [Collection(Support.AllocationCollection.Name)]
        public sealed class Allocation
        {
            [Fact]
            public void An_endless_answer_is_cut_at_its_cap_not_buffered_and_not_retried()
            {
                using var server = new LoopbackServer(_ => new CannedResponse(200, string.Empty, Endless: true));
                var recorder = new Recorder();
                using var client = Client(Settings(server.BaseUri, ("max-response-mb", "1")), recorder);
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var e = Fails(() => client.QueryRange("up", 0, 15_000, 15, CancellationToken.None));
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                Assert.Equal("SourceMalformedResponse", e.ErrorId);
                Assert.Equal(4, e.ExitCode);
                Assert.Contains("larger than 1 MiB (max-response-mb)", e.Message, StringComparison.Ordinal);
                Assert.Single(server.Requests);
                Assert.Empty(recorder.Waits);
                Assert.True(allocated < 64L * 1024 * 1024, allocated + " bytes allocated for a 1 MiB cap");
            }
        }
    }
}
