using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>One Prometheus per test class, started on first use (a skipped class never starts one).</summary>
    public sealed class PrometheusHost : IDisposable
    {
        private readonly Lazy<PrometheusServer> _server = new(() => new PrometheusServer());

        public PrometheusServer Server => _server.Value;

        public void Dispose()
        {
            if (_server.IsValueCreated)
            {
                _server.Value.Dispose();
            }
        }
    }

    /// <summary>
    /// The Prometheus source against a real Prometheus serving the sample metrics (backfilled from
    /// the OpenMetrics translation of samples/telemetry): the canonical samples, and the signals of
    /// a profile, must be those the same data gives as OTLP files.
    /// </summary>
    public sealed class PrometheusServerTests : IClassFixture<PrometheusHost>
    {
        /// <summary>The labels the OpenTelemetry Collector's Prometheus exporters write for resource attributes.</summary>
        public const string OtelLabels =
            "        namespace-label: k8s_namespace_name\n        pod-label: k8s_pod_name\n        container-label: k8s_container_name\n" +
            "        node-label: k8s_node_name\n        service-label: service_name\n        environment-label: deployment_environment_name\n";

        private readonly PrometheusHost _host;

        public PrometheusServerTests(PrometheusHost host) => _host = host;

        private static string SamplesDir => Path.Combine(Repo.Root, "samples", "telemetry");

        private PrometheusSettings Settings(string extra = "")
        {
            var yaml = "environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: " + _host.Server.Url + "\n" + OtelLabels + extra;
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            return PrometheusSettings.Parse(config.Environments["dev"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
        }

        private static readonly MetricResource[] SampleResources =
        {
            new("dev", "chartly-core", "chartly-workflow-engine", "wf-engine-0", "engine", "chartly-node-1"),
            new("dev", "analytics-blue", "chartly-analytics", "analytics-blue-0", "analytics", "chartly-node-1"),
            new("dev", "analytics-green", "chartly-analytics", "analytics-green-0", "analytics", "chartly-node-1"),
            new("dev", "chartly-connectors", "chartly-connectors", "connectors-0", "connectors", "chartly-node-1"),
        };

        [PrometheusFact]
        public void The_samples_from_prometheus_are_the_samples_from_the_same_data_in_files()
        {
            foreach (var (start, end) in new[] { ("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z"), ("2026-11-24T10:30:00Z", "2026-11-24T10:30:07.507Z"), ("2026-11-24T10:29:50Z", "2026-11-24T10:31:10Z") })
            {
                var query = new MetricQuery(
                    SampleResources,
                    Targets.TimeWindow.ParseInstant(start, "s"),
                    Targets.TimeWindow.ParseInstant(end, "e"),
                    SignalCatalog.MetricsFor(Array.Empty<string>()),
                    MetricQuery.DefaultLookbackNanos);
                var fromFiles = new OtlpFileSource(new[] { SamplesDir }, "files").ReadSamples(query, new MetricReadStats(), CancellationToken.None);
                var stats = new MetricReadStats();
                using var source = new PrometheusSource(Settings());
                var fromPrometheus = source.ReadSamples(query, stats, CancellationToken.None);

                Assert.NotEmpty(fromFiles);
                Assert.Equal(
                    fromFiles.Select(s => (s.Metric, s.Resource, s.TimeUnixNano, s.IntervalNanos, s.Source)).ToArray(),
                    fromPrometheus.Select(s => (s.Metric, s.Resource, s.TimeUnixNano, s.IntervalNanos, s.Source)).ToArray());
                for (var i = 0; i < fromFiles.Count; i++)
                {
                    var a = fromFiles[i].Value;
                    var b = fromPrometheus[i].Value;
                    Assert.True(Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)), $"{fromFiles[i].Metric} at {fromFiles[i].TimeUnixNano}: files {a}, prometheus {b}");
                }

                Assert.True(stats.PointsUsed >= fromPrometheus.Count);
                Assert.Equal(0, stats.PartialErrors);
            }
        }

        [PrometheusFact]
        public void A_profile_with_metrics_from_prometheus_has_the_signals_and_findings_of_the_files()
        {
            // Spans from files in both; metrics from the files in one, from Prometheus in the other.
            var tracesOnly = Path.Combine(Path.GetTempPath(), "chartly-traces-" + Guid.NewGuid().ToString("N"));
            try
            {
                foreach (var f in Directory.EnumerateFiles(SamplesDir, "*.json", SearchOption.AllDirectories))
                {
                    var to = Path.Combine(tracesOnly, Path.GetRelativePath(SamplesDir, f));
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.WriteAllLines(to, File.ReadLines(f).Where(l => !l.Contains("\"resourceMetrics\"", StringComparison.Ordinal)));
                }

                var yaml = "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + tracesOnly + "\n      - type: prometheus\n        url: " + _host.Server.Url + "\n" + OtelLabels;
                var withPrometheus = ConfigLoader.Parse(yaml, Path.Combine(tracesOnly, "chartly-profiler.yaml"));
                foreach (var (type, id) in new[] { ("run", "run-1004"), ("run", "run-1001"), ("workflow", "wf-daily-report"), ("connector", "conn-salesforce/cr-502") })
                {
                    var request = Run.Request(type, id);
                    var a = Parts(new ProfileEngine().Run(request, ConfigLoader.Load(Repo.SampleConfig)));
                    var b = Parts(new ProfileEngine().Run(request, withPrometheus));
                    Assert.Equal(a["summary"], b["summary"]);
                    Assert.Equal(a["breakdown"], b["breakdown"]);
                    Assert.Equal(a["signals"], b["signals"]);
                    Assert.Equal(a["findings"], b["findings"]);
                }

                var slow = new ProfileEngine().Run(Run.Request("run", "run-1004"), withPrometheus);
                Assert.Equal("throttling", slow.Summary.BottleneckKind);
            }
            finally
            {
                Directory.Delete(tracesOnly, recursive: true);
            }
        }

        private static Dictionary<string, string> Parts(Model.Profile p)
        {
            using var doc = JsonDocument.Parse(ProfileDocument.Write(p, DocumentFormat.Json));
            return doc.RootElement.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetRawText());
        }

        [PrometheusFact]
        public void A_range_longer_than_the_point_limit_is_split_and_gives_each_instant_once()
        {
            var counting = new CountingHandler(new HttpClientHandler { AllowAutoRedirect = false });
            var settings = Settings("        step: 1s\n");
            using var source = new PrometheusSource(settings, () => new PrometheusClient(settings, tuning: new HttpTuning(Transport: new Azure.Core.Pipeline.HttpClientTransport(counting))));
            var query = new MetricQuery(
                SampleResources.Take(2).ToArray(),
                Targets.TimeWindow.ParseInstant("2026-11-24T10:00:00Z", "s"),
                Targets.TimeWindow.ParseInstant("2026-11-24T13:30:00Z", "e"),
                new[] { CanonicalMetrics.CpuLimitUtilization },
                MetricQuery.DefaultLookbackNanos);
            var samples = source.ReadSamples(query, new MetricReadStats(), CancellationToken.None);

            // 12,600 one-second steps: two range queries per alias, each within 11,000 points.
            Assert.All(counting.Ranges, r => Assert.True(r.Points <= PrometheusSettings.MaxPointsPerSeries, r.Points + " points"));
            Assert.True(counting.Ranges.Count >= 2 && counting.Ranges.Count % 2 == 0);
            Assert.Equal(samples.Count, samples.Select(s => (s.Resource, s.TimeUnixNano)).Distinct().Count());

            // The sample data was scraped every 15 s until 11:05: no value after that, none invented.
            Assert.True(samples.Count >= 2 * 261);
            Assert.All(samples, s => Assert.True(s.TimeUnixNano <= Targets.TimeWindow.ParseInstant("2026-11-24T11:05:01Z", "t")));
        }

        [PrometheusFact]
        public void The_servers_own_refusals_map_onto_exit_codes()
        {
            using var client = new PrometheusClient(Settings("        max-retries: 0\n"));
            var tooMany = Assert.Throws<ProfilerException>(() => client.QueryRange("vector(1)", 0, 12_000_000, 1, CancellationToken.None));
            Assert.Equal("SourceQueryRejected", tooMany.ErrorId);
            Assert.Contains("bad_data", tooMany.Message, StringComparison.Ordinal);
            Assert.Contains("11,000", tooMany.Message, StringComparison.Ordinal);

            var syntax = Assert.Throws<ProfilerException>(() => client.Query("sum by (pod (", 0, CancellationToken.None));
            Assert.Equal(3, syntax.ExitCode);
        }

        private sealed class CountingHandler : DelegatingHandler
        {
            public CountingHandler(HttpMessageHandler inner)
                : base(inner)
            {
            }

            public List<(long Points, string Query)> Ranges { get; } = new();

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var q = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
                var start = decimal.Parse(q["start"]!, System.Globalization.CultureInfo.InvariantCulture);
                var end = decimal.Parse(q["end"]!, System.Globalization.CultureInfo.InvariantCulture);
                var step = decimal.Parse(q["step"]!.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture);
                lock (Ranges)
                {
                    Ranges.Add(((long)((end - start) / step) + 1, q["query"]!));
                }

                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
