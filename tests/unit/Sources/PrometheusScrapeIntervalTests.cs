using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The same cAdvisor counters (CFS periods, throttled periods, CPU usage) of three containers,
    /// scraped every 1 s, 15 s and 30 s at an instant that is not a multiple of the interval, as an
    /// OTLP/JSON file and backfilled into a real Prometheus.
    /// </summary>
    public sealed class ScrapedContainers : IDisposable
    {
        public static readonly long[] Intervals = { 1, 15, 30 };

        /// <summary>2026-11-24T10:00:00Z (<see cref="Otlp.BaseNanos"/>): ten minutes of scrapes follow.</summary>
        public const long StartSeconds = Otlp.BaseNanos / 1_000_000_000L;

        private readonly Lazy<PrometheusServer> _server;

        public ScrapedContainers()
        {
            Directory = Path.Combine(Path.GetTempPath(), "chartly-scrapes-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            var (otlp, om) = Write();
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "metrics"));
            System.IO.Directory.CreateDirectory(Traces);
            File.WriteAllText(Path.Combine(Directory, "metrics", "metrics.json"), otlp);
            File.WriteAllLines(Path.Combine(Traces, "traces.json"), Intervals.Select(RunSpans));
            _server = new Lazy<PrometheusServer>(() => new PrometheusServer(om));
        }

        /// <summary>Spans and metrics in files.</summary>
        public string Directory { get; }

        /// <summary>The spans alone.</summary>
        public string Traces => Path.Combine(Directory, "traces");

        public static string RunId(long interval) => "run-" + interval.ToString(CultureInfo.InvariantCulture) + "s";

        /// <summary>
        /// A 10-second run (5 min 0 s to 5 min 10 s) on the container scraped every <paramref name="interval"/>:
        /// its dominant step holds the critical path for 6 s, the next for 2.6 s.
        /// </summary>
        private static string RunSpans(long interval)
        {
            var trace = Otlp.Trace((int)interval);
            var r = Resource(interval);
            var resource = Otlp.Resource("checkout", "shop");
            resource["k8s.pod.name"] = r.Pod!;
            resource["k8s.container.name"] = "app";
            resource["k8s.node.name"] = "node-1";
            return Otlp.Line(resource, new[]
            {
                new TestSpan(trace, Otlp.Span(1), null, "workflow run", 2, 299_500, 309_500, Otlp.Attrs("chartly.run.id", RunId(interval), "chartly.workflow.id", "wf-checkout", "chartly.component", "workflow")),
                new TestSpan(trace, Otlp.Span(2), Otlp.Span(1), "price cart", 1, 300_000, 306_000, Otlp.Attrs("chartly.component", "pricing")),
                new TestSpan(trace, Otlp.Span(3), Otlp.Span(1), "write order", 1, 306_200, 308_800, Otlp.Attrs("chartly.component", "orders")),
            });
        }

        public PrometheusServer Server => _server.Value;

        public static MetricResource Resource(long interval) =>
            new("dev", "shop", "checkout", "checkout-" + interval.ToString(CultureInfo.InvariantCulture) + "s", "app", "node-1");

        /// <summary>The throttled share of the scrape interval ending at <paramref name="i"/>: it changes every interval, so a rate from the wrong pair shows.</summary>
        private static double Throttled(long i) => (i % 5) / 10.0;

        private static (string Otlp, string OpenMetrics) Write()
        {
            var metrics = new[] { "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total", "container_cpu_usage_seconds_total" };
            var om = new StringBuilder();
            var otlp = new StringBuilder("{\"resourceMetrics\":[");
            foreach (var interval in Intervals)
            {
                // Scrapes at 0.3 s, 7 s, 13 s past the interval's multiples: a real target's own instant.
                var phaseMs = interval == 1 ? 300 : interval == 15 ? 7000 : 13000;
                var times = Enumerable.Range(0, (int)(600 / interval)).Select(k => (StartSeconds + k * interval) * 1000 + phaseMs).ToList();
                var values = new double[3][];
                for (var m = 0; m < 3; m++)
                {
                    values[m] = new double[times.Count];
                }

                for (var k = 1; k < times.Count; k++)
                {
                    var periods = 10.0 * interval;
                    values[0][k] = values[0][k - 1] + periods;
                    values[1][k] = values[1][k - 1] + Math.Round(periods * Throttled(k));
                    values[2][k] = values[2][k - 1] + (interval * (0.5 + (k % 3) / 10.0));
                }

                var r = Resource(interval);
                var labels = "{deployment_environment_name=\"dev\",k8s_container_name=\"app\",k8s_namespace_name=\"shop\",k8s_node_name=\"node-1\",k8s_pod_name=\"" + r.Pod + "\",service_name=\"checkout\"}";
                otlp.Append(interval == Intervals[0] ? string.Empty : ",");
                otlp.Append("{\"resource\":{\"attributes\":[");
                otlp.Append(string.Join(",", new[] { ("service.name", "checkout"), ("deployment.environment.name", "dev"), ("k8s.namespace.name", "shop"), ("k8s.pod.name", r.Pod!), ("k8s.container.name", "app"), ("k8s.node.name", "node-1") }
                    .Select(a => "{\"key\":\"" + a.Item1 + "\",\"value\":{\"stringValue\":\"" + a.Item2 + "\"}}")));
                otlp.Append("]},\"scopeMetrics\":[{\"scope\":{\"name\":\"prometheusreceiver\"},\"metrics\":[");
                for (var m = 0; m < 3; m++)
                {
                    om.Append("# TYPE ").Append(metrics[m].Substring(0, metrics[m].Length - "_total".Length)).Append(" counter\n");
                    otlp.Append(m == 0 ? string.Empty : ",").Append("{\"name\":\"").Append(metrics[m]).Append("\",\"sum\":{\"dataPoints\":[");
                    for (var k = 0; k < times.Count; k++)
                    {
                        var v = values[m][k].ToString("R", CultureInfo.InvariantCulture);
                        om.Append(metrics[m]).Append(labels).Append(' ').Append(v).Append(' ').Append((times[k] / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
                        otlp.Append(k == 0 ? string.Empty : ",")
                            .Append("{\"startTimeUnixNano\":\"").Append((StartSeconds - 3600) * 1_000_000_000L).Append("\",\"timeUnixNano\":\"").Append(times[k] * 1_000_000L)
                            .Append("\",\"asDouble\":").Append(v).Append('}');
                    }

                    otlp.Append("],\"aggregationTemporality\":2,\"isMonotonic\":true}}");
                }

                otlp.Append("]}]}");
            }

            om.Append("# EOF\n");
            otlp.Append("]}\n");
            return (otlp.ToString(), om.ToString());
        }

        public void Dispose()
        {
            if (_server.IsValueCreated)
            {
                _server.Value.Dispose();
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>
    /// Components of a few seconds against realistic scrape intervals: per window the signal the
    /// analyzer computes (the samples whose interval overlaps it: count, avg, max) is the same from
    /// Prometheus as from the files, and a window no sample describes has none from either (no_data, never 0).
    /// </summary>
    public sealed class PrometheusScrapeIntervalTests : IClassFixture<ScrapedContainers>
    {
        private readonly ScrapedContainers _data;

        public PrometheusScrapeIntervalTests(ScrapedContainers data) => _data = data;

        private static long At(double secondsAfterStart) => (long)Math.Round((ScrapedContainers.StartSeconds + secondsAfterStart) * 1e9);

        /// <summary>Component windows (seconds after the start): a few seconds each, one long.</summary>
        private static readonly (double From, double To)[] Windows =
        {
            (300.0, 304.0), (302.5, 309.0), (320.0, 323.0), (333.2, 335.9), (345.0, 351.0), (60.0, 240.0),

            // Before the first scrape, and over the first scrapes only: fewer than two raw samples at 15 s and 30 s.
            (-10.0, 0.2), (0.0, 5.0),
        };

        [PrometheusTheory]
        [InlineData(1L)]
        [InlineData(15L)]
        [InlineData(30L)]
        public void Each_short_component_gets_from_prometheus_the_signal_the_files_give(long interval)
        {
            var resources = new[] { ScrapedContainers.Resource(interval) };
            var metrics = new[] { CanonicalMetrics.CpuThrottleRatio, CanonicalMetrics.CpuCfsPeriods, CanonicalMetrics.CpuCfsThrottledPeriods, CanonicalMetrics.CpuUsage };

            // The target ran from 299 s to 352 s: the range queried, as the engine queries it.
            var query = new MetricQuery(resources, At(299), At(352), metrics, MetricQuery.DefaultLookbackNanos);
            var longQuery = new MetricQuery(resources, At(59), At(352), metrics, MetricQuery.DefaultLookbackNanos);
            var firstScrapes = new MetricQuery(resources, At(-20), At(6), metrics, MetricQuery.DefaultLookbackNanos);
            var yaml = "environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: " + _data.Server.Url + "\n" + PrometheusServerTests.OtelLabels;
            var config = ConfigLoader.Parse(yaml, Path.Combine(_data.Directory, "chartly-profiler.yaml"));
            var settings = PrometheusSettings.Parse(config.Environments["dev"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));

            foreach (var q in new[] { query, longQuery, firstScrapes })
            {
                var fromFiles = new OtlpFileSource(new[] { _data.Directory }, "files").ReadSamples(q, new MetricReadStats(), CancellationToken.None);
                using var source = new PrometheusSource(settings);
                var fromPrometheus = source.ReadSamples(q, new MetricReadStats(), CancellationToken.None);
                Assert.True(fromFiles.Count > 0 || (q == firstScrapes && interval > 1), "no samples in the files");

                foreach (var metric in metrics)
                {
                    foreach (var (from, to) in Windows.Where(w => At(w.From) >= q.StartUnixNano && At(w.To) <= q.EndUnixNano))
                    {
                        var a = Stat(fromFiles, metric, At(from), At(to));
                        var b = Stat(fromPrometheus, metric, At(from), At(to));
                        var where = $"{metric} every {interval}s in [{from}, {to})";
                        Assert.True(a.Count == b.Count, $"{where}: files {a.Count} samples, prometheus {b.Count}");
                        if (interval > 1 && to <= 5.0)
                        {
                            Assert.True(b.Count == 0, $"{where}: a rate from fewer than two raw samples");
                        }

                        Assert.True(a.Count == 0 || Math.Abs(a.Avg - b.Avg) <= 1e-9 && Math.Abs(a.Max - b.Max) <= 1e-9, $"{where}: files avg {a.Avg} max {a.Max}, prometheus avg {b.Avg} max {b.Max}");
                    }
                }
            }
        }

        [PrometheusFact]
        public void A_profile_with_metrics_from_prometheus_has_the_signals_of_the_files_at_every_scrape_interval()
        {
            var files = ConfigLoader.Parse("environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + _data.Directory + "\n", Path.Combine(_data.Directory, "chartly-profiler.yaml"));
            var yaml = "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + _data.Traces + "\n      - type: prometheus\n        url: " + _data.Server.Url + "\n" + PrometheusServerTests.OtelLabels;
            var prometheus = ConfigLoader.Parse(yaml, Path.Combine(_data.Directory, "chartly-profiler.yaml"));
            foreach (var interval in ScrapedContainers.Intervals)
            {
                var request = Run.Request("run", ScrapedContainers.RunId(interval));
                var a = new ProfileEngine().Run(request, files);
                var b = new ProfileEngine().Run(request, prometheus);
                var throttling = a.Signals.Single(s => s.Name == "throttling");
                Assert.Equal(SignalStatus.Ok, throttling.Status);
                Assert.Equal("pricing", throttling.Components[0].Component);
                Assert.True(throttling.Components[0].Samples > 0);
                Assert.Equal(Signals(a), Signals(b));
            }
        }

        private static string Signals(Model.Profile p)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(Chartly.Profiler.Output.ProfileDocument.Write(p, Chartly.Profiler.Output.DocumentFormat.Json));
            return doc.RootElement.GetProperty("signals").GetRawText();
        }

        /// <summary>What the signal analyzer makes of a window: the samples whose interval overlaps it.</summary>
        private static (int Count, double Avg, double Max) Stat(IReadOnlyList<MetricSample> samples, string metric, long from, long to)
        {
            var s = samples.Where(x => x.Metric == metric && x.Overlaps(from, to)).Select(x => x.Value).ToList();
            return s.Count == 0 ? (0, double.NaN, double.NaN) : (s.Count, s.Average(), s.Max());
        }
    }
}
