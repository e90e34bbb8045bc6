using System;
using System.IO;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>The remote sources' settings: validated when the configuration is loaded, with the key named; secrets only by variable name.</summary>
    public sealed class SourceSettingsTests
    {
        private const string Workspace = "5f2b7a3c-1d4e-4f60-9a8b-7c6d5e4f3a2b";

        private static ProfilerConfig Load(string sourceYaml) =>
            ConfigLoader.Parse("environments:\n  staging:\n    sources:\n      - " + sourceYaml.Replace("\n", "\n        ", StringComparison.Ordinal) + "\n", Path.Combine(Path.GetTempPath(), "profiler-test.yaml"));

        [Theory]
        [InlineData("type: prometheus", "needs 'url'")]
        [InlineData("type: prometheus\nurl: prometheus:9090", "'url' that is not an absolute http or https URL")]
        [InlineData("type: prometheus\nurl: ftp://prometheus:9090", "'url' that is not an absolute http or https URL")]
        [InlineData("type: prometheus\nurl: https://admin:hunter2@prometheus:9090", "user name or password")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090/?x=1", "query string")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\nauth: oauth", "'auth: oauth' (valid: none, bearer, basic, azure)")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\nauth: bearer", "no 'token-env'")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\nauth: bearer\ntoken-env: eyJhbGciOiJIUzI1NiJ9.e30.x", "not an environment variable name")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\ntoken-env: PROM_TOKEN", "no 'auth: bearer'")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\nauth: basic\nusername: u", "lacks 'username' or 'password-env'")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\ntoken: abc", "unknown setting 'token'")]
        [InlineData("type: prometheus\nurl: http://prometheus:9090\nauth: bearer\ntoken-env: T", "credentials over plain http")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\nstep: 15", "'step: 15'")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\ntimeout: 1h", "'timeout: 1h'")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\npod-label: k8s.pod.name", "'pod-label' that is not a Prometheus label name")]
        [InlineData("type: prometheus\nurl: https://prometheus:9090\npath: metrics", "takes no 'path'")]
        [InlineData("type: azure-monitor-logs", "needs 'workspace-id'")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: my-workspace", "'workspace-id' that is not a GUID")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\nendpoint: http://api.loganalytics.io", "over plain http")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\nendpoint: https://api.loganalytics.io/v1", "'endpoint' with a path")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\ncredential: interactive-browser", "'credential: interactive-browser'")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\ncredential: azure-cli\nclient-id: " + Workspace, "'client-id' with 'credential: azure-cli'")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\nscope: https://api.loganalytics.io/user_impersonation", "'scope'")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\nclient-secret: abc", "unknown setting 'client-secret'")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\ntimeout: 20m", "'timeout: 20m'")]
        [InlineData("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\ntraces-per-query: 0", "'traces-per-query: 0'")]
        public void Bad_settings_are_config_invalid_naming_the_key(string yaml, string expected)
        {
            var e = Run.Fails(() => Load(yaml));
            Assert.Equal("ConfigInvalid", e.ErrorId);
            Assert.Equal(4, e.ExitCode);
            Assert.Contains("profiler-test.yaml", e.Message, StringComparison.Ordinal);
            Assert.Contains("'staging'", e.Message, StringComparison.Ordinal);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJhbGciOiJIUzI1NiJ9", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Valid_remote_sources_are_built_by_the_engines_factory()
        {
            var config = ConfigLoader.Parse(
                "environments:\n  staging:\n    sources:\n" +
                "      - type: azure-monitor-logs\n        workspace-id: " + Workspace + "\n        credential: workload-identity\n        client-id: " + Workspace + "\n        max-retries: 5\n" +
                "      - type: prometheus\n        url: https://prometheus.monitoring:9090/prom\n        auth: basic\n        username: profiler\n        password-env: PROM_PASSWORD\n        step: 30s\n",
                Path.Combine(Path.GetTempPath(), "c.yaml"));
            var sources = config.Environments["staging"].Sources;
            var logs = Assert.IsType<AzureMonitorLogsSource>(ProfileEngine.DefaultSourceFactory(sources[0]));
            Assert.Equal("azure-monitor-logs workspace " + Workspace, logs.Description);
            var prom = Assert.IsType<PrometheusSource>(ProfileEngine.DefaultSourceFactory(sources[1]));
            Assert.Equal("prometheus https://prometheus.monitoring:9090/prom", prom.Description);

            var s = LogsSettings.Parse(sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "x", why));
            Assert.Equal(new Uri("https://api.loganalytics.io/v1/workspaces/" + Workspace + "/query"), s.QueryUri);
            Assert.Equal("https://api.loganalytics.io/.default", s.Scope);
            Assert.Equal(5, s.Limits.MaxRetries);
            var p = PrometheusSettings.Parse(sources[1].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "x", why));
            Assert.Equal(new Uri("https://prometheus.monitoring:9090/prom/api/v1/query_range"), p.QueryRangeUri);
            Assert.Equal(TimeSpan.FromSeconds(30), p.Step);
        }

        [Theory]
        [InlineData("https://api.loganalytics.azure.cn", "https://api.loganalytics.azure.cn/.default")]
        [InlineData("https://api.loganalytics.us", "https://api.loganalytics.us/.default")]
        public void Other_clouds_take_their_scope_from_the_endpoint(string endpoint, string scope)
        {
            var config = Load("type: azure-monitor-logs\nworkspace-id: " + Workspace + "\nendpoint: " + endpoint + "\nauthority-host: https://login.chinacloudapi.cn");
            var s = LogsSettings.Parse(config.Environments["staging"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "x", why));
            Assert.Equal(scope, s.Scope);
            Assert.Equal(new Uri(endpoint + "/v1/workspaces/" + Workspace + "/query"), s.QueryUri);
        }
    }
}
