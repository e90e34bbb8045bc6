using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using Azure.Identity;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// <c>auth: azure</c>, as an Azure Monitor workspace's query endpoint wants it: a real
    /// Prometheus serving the sample metrics behind a loopback gate that answers 401 to any request
    /// without the bearer token, and the token handed out by a fake Entra credential.
    /// </summary>
    public sealed class ManagedPrometheusTests : IClassFixture<PrometheusHost>
    {
        private const string Scope = "https://prometheus.monitor.azure.com/.default";

        private readonly PrometheusHost _host;

        public ManagedPrometheusTests(PrometheusHost host) => _host = host;

        private static PrometheusSettings Parse(Uri url, string extra = "")
        {
            var yaml = "environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: " + url + "\n        auth: azure\n        max-retries: 2\n" + PrometheusServerTests.OtelLabels + extra;
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            return Assert.IsType<PrometheusSettings>(config.Environments["dev"].Sources[0].Typed);
        }

        private static ProfilerException ConfigFails(string url, string extra) =>
            Assert.Throws<ProfilerException>(() => ConfigLoader.Parse(
                "environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: " + url + "\n" + extra,
                Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml")));

        private static HttpTuning Fast() => new(null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), null);

        /// <summary>A gate in front of the real server: 401 without the token, the server's own answer with it.</summary>
        private static Func<RecordedRequest, CannedResponse> Gate(Uri upstream)
        {
            var http = new HttpClient();
            return r =>
            {
                if (r.Header("Authorization") != "Bearer " + FakeCredential.Token)
                {
                    return CannedResponse.Json(401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"missing token\"}}");
                }

                using var answer = http.GetAsync(new Uri(upstream, r.Path.TrimStart('/') + "?" + r.Query)).GetAwaiter().GetResult();
                return CannedResponse.Json((int)answer.StatusCode, answer.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            };
        }

        [PrometheusFact]
        public void Metrics_come_through_a_gate_that_demands_the_entra_token_and_equal_those_of_the_files()
        {
            using var gate = new LoopbackServer(Gate(_host.Server.Url));
            var credential = new FakeCredential();
            var settings = Parse(gate.BaseUri);
            using var source = new PrometheusSource(settings, credential: () => credential, tuning: Fast());
            var query = new MetricQuery(
                new MetricResource[] { new("dev", "chartly-core", "chartly-workflow-engine", "wf-engine-0", "engine", "chartly-node-1") },
                Targets.TimeWindow.ParseInstant("2026-11-24T10:29:50Z", "s"),
                Targets.TimeWindow.ParseInstant("2026-11-24T10:31:10Z", "e"),
                SignalCatalog.MetricsFor(Array.Empty<string>()),
                MetricQuery.DefaultLookbackNanos);
            var samples = source.ReadSamples(query, new MetricReadStats(), CancellationToken.None);
            var fromFiles = new OtlpFileSource(new[] { Path.Combine(Repo.Root, "samples", "telemetry") }, "files").ReadSamples(query, new MetricReadStats(), CancellationToken.None);

            Assert.NotEmpty(samples);
            Assert.Equal(fromFiles.Select(s => (s.Metric, s.TimeUnixNano, s.Source)), samples.Select(s => (s.Metric, s.TimeUnixNano, s.Source)));
            Assert.True(gate.Requests.Count >= 2);
            Assert.All(gate.Requests, r => Assert.Equal("Bearer " + FakeCredential.Token, r.Header("Authorization")));
            Assert.All(gate.Requests, r => Assert.Equal("GET", r.Method));
            Assert.Equal(new[] { Scope }, credential.Scopes);
            Assert.Equal(1, credential.Calls); // one token for every query of the profile
        }

        [PrometheusFact]
        public void A_profile_with_metrics_from_the_workspace_has_the_signals_of_the_files_and_no_token_in_it()
        {
            using var gate = new LoopbackServer(Gate(_host.Server.Url));
            var credential = new FakeCredential();
            var yaml = "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + Path.Combine(Repo.Root, "samples", "telemetry", "traces.json") +
                "\n      - type: prometheus\n        url: " + gate.BaseUri + "\n        auth: azure\n" + PrometheusServerTests.OtelLabels;
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var engine = new ProfileEngine(c => c.Type == PrometheusSettings.TypeName
                ? new PrometheusSource((PrometheusSettings)c.Typed!, credential: () => credential, tuning: Fast())
                : ProfileEngine.DefaultSourceFactory(c));
            var request = Run.Request("run", "run-1004");
            var profile = engine.Run(request, config);
            var fromFiles = Run.Sample("run", "run-1004");

            Assert.Equal("throttling", profile.Summary.BottleneckKind);
            var document = Chartly.Profiler.Output.ProfileDocument.Write(profile, Chartly.Profiler.Output.DocumentFormat.Json);
            Assert.Equal(Part(Chartly.Profiler.Output.ProfileDocument.Write(fromFiles, Chartly.Profiler.Output.DocumentFormat.Json), "signals"), Part(document, "signals"));
            Assert.DoesNotContain(FakeCredential.Token, document, StringComparison.Ordinal);
            var plan = engine.Plan(request, config);
            var steps = string.Join("\n", plan.Sources.SelectMany(s => s.Steps));
            Assert.Contains("auth azure (credential default, token scope " + Scope + ")", steps, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeCredential.Token, steps, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(401, "SourceUnauthenticated")]
        [InlineData(403, "SourceAccessDenied")]
        public void Refused_is_exit_5_never_retried_and_the_message_holds_no_token(int status, string errorId)
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(status, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"token " + FakeCredential.Token + " lacks Monitoring Data Reader\"}}"));
            using var source = new PrometheusSource(Parse(server.BaseUri), credential: () => new FakeCredential(), tuning: Fast());
            var e = Assert.Throws<ProfilerException>(() => source.ReadSamples(AnyQuery(), new MetricReadStats(), CancellationToken.None));
            Assert.Equal(5, e.ExitCode);
            Assert.Equal(errorId, e.ErrorId);
            Assert.DoesNotContain(FakeCredential.Token, e.Message, StringComparison.Ordinal);
            var only = Assert.Single(server.Requests);
            Assert.Equal("Bearer " + FakeCredential.Token, only.Header("Authorization"));
        }

        [Fact]
        public void A_credential_that_cannot_give_a_token_is_exit_5_and_sends_nothing()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(200, "{}"));
            var credential = new FakeCredential { Failure = new AuthenticationFailedException("AADSTS7000215: invalid client secret " + FakeCredential.Token) };
            using var source = new PrometheusSource(Parse(server.BaseUri), credential: () => credential, tuning: Fast());
            var e = Assert.Throws<ProfilerException>(() => source.ReadSamples(AnyQuery(), new MetricReadStats(), CancellationToken.None));
            Assert.Equal(5, e.ExitCode);
            Assert.Equal("SourceCredentialUnavailable", e.ErrorId);
            Assert.DoesNotContain(FakeCredential.Token, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("AADSTS", e.Message, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }

        [Fact]
        public void The_guard_still_lets_only_the_two_query_calls_leave()
        {
            var settings = Parse(new Uri("https://ws-1a2b.westeurope.prometheus.monitor.azure.com/"));
            var guard = new QueryEndpointGuard(settings.Describe(), PrometheusClient.AllowedCalls(settings));
            Assert.Equal(
                new[] { ("GET", new Uri("https://ws-1a2b.westeurope.prometheus.monitor.azure.com/api/v1/query_range")), ("GET", new Uri("https://ws-1a2b.westeurope.prometheus.monitor.azure.com/api/v1/query")) },
                guard.Allowed);
            foreach (var (method, path) in new[] { ("POST", "/api/v1/query"), ("GET", "/api/v1/series"), ("GET", "/api/v1/labels"), ("POST", "/api/v1/admin/tsdb/delete_series"), ("GET", "/api/v1/write") })
            {
                var e = Assert.Throws<ProfilerException>(() => guard.Check(method, new Uri("https://ws-1a2b.westeurope.prometheus.monitor.azure.com" + path)));
                Assert.Equal(("SourceReadOnlyViolation", 5), (e.ErrorId, e.ExitCode));
            }
        }

        [Fact]
        public void The_access_policy_can_take_the_identity_from_the_workspace_token()
        {
            var credential = new FakeCredential();
            using var source = new PrometheusSource(Parse(new Uri("http://127.0.0.1:9/")), credential: () => credential);
            Assert.Equal(Access.AccessPolicy.IdentityAzureToken, source.PrincipalProvider.Source);
            Assert.Equal(0, credential.Calls); // building the source asks for nothing

            var config = ConfigLoader.Parse(
                "environments:\n  dev:\n    access:\n      identity: azure-token\n      principals: ['*']\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9090\n        auth: azure\n",
                Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var entry = Assert.Single(config.Environments["dev"].Sources);
            Assert.True(entry.Kind!.GivesToken(entry.Typed!));
        }

        [Theory]
        [InlineData("https://ws-1a2b.westeurope.prometheus.monitor.azure.com", "        auth: azure\n        token-env: PROM_TOKEN\n", "the token comes from 'credential'")]
        [InlineData("http://ws-1a2b.westeurope.prometheus.monitor.azure.com", "        auth: azure\n        allow-http-auth: true\n", "over https only")]
        [InlineData("https://prometheus.example.com", "        credential: azure-cli\n", "'credential', which belongs to 'auth: azure'")]
        [InlineData("https://prometheus.example.com", "        auth: bearer\n        token-env: T\n        scope: https://prometheus.monitor.azure.com/.default\n", "'scope', which belongs to 'auth: azure'")]
        [InlineData("https://prometheus.example.com", "        auth: azure\n", "not a managed Prometheus query host (*.prometheus.monitor.azure.com")]
        [InlineData("https://ws-1a2b.westeurope.prometheus.monitor.azure.com", "        auth: azure\n        scope: https://management.azure.com/.default\n", "not the read-only managed Prometheus query scope")]
        [InlineData("https://ws-1a2b.westeurope.prometheus.monitor.azure.com", "        auth: azure\n        credential: interactive\n", "'credential: interactive'")]
        public void Azure_settings_are_checked_when_the_configuration_is_loaded(string url, string extra, string expected)
        {
            var e = ConfigFails(url, extra);
            Assert.Equal("ConfigInvalid", e.ErrorId);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_documented_aks_configuration_loads_and_its_dry_run_names_the_scope()
        {
            var doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "sources.md"));
            var yaml = System.Text.RegularExpressions.Regex.Matches(doc, "```yaml\n(?<y>.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => m.Groups["y"].Value)
                .Single(y => y.Contains("auth: azure", StringComparison.Ordinal));
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var settings = config.Environments["prod"].Sources.Select(s => s.Typed).OfType<PrometheusSettings>().Single();
            Assert.Equal(("azure", Scope, "workload-identity"), (settings.Auth, settings.Scope, settings.Identity!.Credential));
            Assert.EndsWith(".prometheus.monitor.azure.com", settings.Url.Host, StringComparison.Ordinal);
            using var source = Assert.IsType<PrometheusSource>(SourceKinds.Create(config.Environments["prod"].Sources.Single(s => s.Typed is PrometheusSettings)));
            var steps = source.Plan(Run.Request("run", "run-1004", env: "prod"));
            Assert.Contains("auth azure (credential workload-identity, token scope " + Scope + ")", steps[0], StringComparison.Ordinal);
            Assert.Contains("container_cpu_usage_seconds_total", string.Join("\n", steps), StringComparison.Ordinal);
        }

        private static string Part(string json, string name)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.GetProperty(name).GetRawText();
        }

        private static MetricQuery AnyQuery() => new(
            new MetricResource[] { new("dev", "ns", "svc", "pod-0", "c", "node-1") },
            Targets.TimeWindow.ParseInstant("2026-11-24T10:00:00Z", "s"),
            Targets.TimeWindow.ParseInstant("2026-11-24T10:05:00Z", "e"),
            new[] { CanonicalMetrics.CpuLimitUtilization },
            MetricQuery.DefaultLookbackNanos);
    }
}
