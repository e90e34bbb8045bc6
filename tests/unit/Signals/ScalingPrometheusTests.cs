using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Analysis.Scaling;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Tests.Sources;
using Xunit;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>One real Prometheus for the class, backfilled with kube-state-metrics series of <see cref="ScalingPrometheusTests"/>.</summary>
    public sealed class ScalingPrometheusHost : IDisposable
    {
        private readonly Lazy<PrometheusServer> _server = new(() => new PrometheusServer(ScalingPrometheusTests.OpenMetrics()));

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
    /// The kube-state-metrics names through a real Prometheus (backfilled with promtool from
    /// OpenMetrics text, scraped every 15 s): the autoscaler tied to its scale target by the
    /// server-side join with <c>kube_horizontalpodautoscaler_info</c>, at its maximum; a series
    /// that stops mid-window; restarts counted exactly across a counter reset; an OOM kill.
    /// </summary>
    public sealed class ScalingPrometheusTests : IClassFixture<ScalingPrometheusHost>
    {
        /// <summary>2026-11-24T10:00:00Z, in seconds.</summary>
        private const long T0 = 1_795_514_400;

        private const string CheckoutPod = "checkout-7d9f8c6b5-x2k4p";
        private const string SearchPod = "search-5c8d9f7b6-q4w2z";

        private static readonly MetricResource Checkout = new("dev", "shop", "checkout", CheckoutPod, "app", "node-1");
        private static readonly MetricResource Search = new("dev", "shop", "search", SearchPod, "app", "node-1");

        private readonly ScalingPrometheusHost _host;

        public ScalingPrometheusTests(ScalingPrometheusHost host) => _host = host;

        /// <summary>Ten minutes of kube-state-metrics, one scrape every 15 s.</summary>
        public static string OpenMetrics()
        {
            var sb = new StringBuilder();
            void Family(string name, string type, params (string Labels, Func<long, double?> Value)[] series)
            {
                sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
                foreach (var (labels, value) in series)
                {
                    for (long t = 0; t <= 600; t += 15)
                    {
                        if (value(t) is { } v)
                        {
                            sb.Append(name).Append(type == "counter" ? "_total" : string.Empty).Append('{').Append(labels).Append("} ")
                                .Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(' ').Append((T0 + t).ToString(CultureInfo.InvariantCulture)).Append('\n');
                        }
                    }
                }
            }

            const string CheckoutHpa = "horizontalpodautoscaler=\"checkout-hpa\",namespace=\"shop\"";
            const string SearchHpa = "horizontalpodautoscaler=\"search\",namespace=\"shop\"";
            const string Staging = "horizontalpodautoscaler=\"checkout\",namespace=\"shop-staging\"";
            const string Container = "container=\"app\",namespace=\"shop\",pod=\"" + CheckoutPod + "\",uid=\"77f0\"";
            Family("kube_horizontalpodautoscaler_info", "gauge", (CheckoutHpa + ",scaletargetref_kind=\"Deployment\",scaletargetref_name=\"checkout\"", _ => 1));
            Family("kube_horizontalpodautoscaler_spec_max_replicas", "gauge", (CheckoutHpa, _ => 5), (SearchHpa, _ => 4), (Staging, _ => 9));
            Family("kube_horizontalpodautoscaler_status_current_replicas", "gauge", (CheckoutHpa, t => t < 240 ? 3 : 5), (SearchHpa, t => t <= 300 ? 4 : null), (Staging, _ => 9));
            Family("kube_pod_container_status_last_terminated_reason", "gauge", (Container + ",reason=\"OOMKilled\"", t => t >= 285 ? 1 : null));
            Family("kube_pod_container_status_restarts", "counter", (Container, t => t <= 60 ? 4 : t <= 270 ? 5 : t <= 330 ? 6 : 1));
            sb.Append("# EOF\n");
            return sb.ToString();
        }

        private PrometheusSettings Settings(string? step)
        {
            var yaml = "environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: " + _host.Server.Url + "\n" + (step is null ? string.Empty : "        step: " + step + "\n");
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            return PrometheusSettings.Parse(config.Environments["dev"].Sources[0].Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
        }

        /// <summary>Both components held the critical path from +120 s to +480 s, each on its own pod.</summary>
        private static WindowSet Critical(MetricResource r) =>
            WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [r] = new() { ((T0 + 120) * 1_000_000_000L, (T0 + 480) * 1_000_000_000L) } });

        private IReadOnlyList<MetricSample> Samples(MetricReadStats stats, string? step = null)
        {
            var query = new MetricQuery(new[] { Checkout, Search }, (T0 + 120) * 1_000_000_000L, (T0 + 480) * 1_000_000_000L, ScalingEvidence.Metrics, MetricQuery.DefaultLookbackNanos);
            using var source = new PrometheusSource(Settings(step));
            return source.ReadSamples(query, stats, CancellationToken.None);
        }

        [PrometheusFact]
        public void TheAutoscalerOfTheScaleTargetAtItsMaximumFromKubeStateMetrics()
        {
            var stats = new MetricReadStats();
            var samples = Samples(stats);
            var report = ScalingEvidence.Analyze(samples, "checkout", Critical(Checkout), Critical(Checkout));

            // kube_horizontalpodautoscaler_info names the target: the HPA checkout-hpa scales checkout.
            Assert.Contains(samples, s => s.Metric == CanonicalMetrics.HpaCurrentReplicas && s.Resource.Workload == "checkout" && s.Resource.Namespace == "shop");
            Assert.DoesNotContain(samples, s => s.Resource.Namespace == "shop-staging");
            Assert.Equal(AutoscalerStatus.AtMax, report.Autoscaler);
            Assert.Equal(new[] { "checkout" }, report.Workloads);
            Assert.Equal((5m, 5m), (report.MaxCurrentReplicas!.Value, report.MaxReplicas!.Value));
            Assert.Equal(0, stats.PointsUnattributed);
            Assert.Equal(0, stats.PartialErrors);
        }

        [PrometheusTheory]
        [InlineData(null)] // the step chosen from the range: 15 s, the scrape interval
        [InlineData("60s")] // four scrapes per step: an instantaneous rate would see one in four restarts
        public void RestartsAreCountedExactlyAcrossAResetAndTheOomKillIsSeen(string? step)
        {
            var report = ScalingEvidence.Analyze(Samples(new MetricReadStats(), step), "checkout", Critical(Checkout), Critical(Checkout));

            // +1 in (270 s, 285 s], then 6 -> 1 in (330 s, 345 s]: one more since the reset; the restart at 75 s is before the window.
            Assert.Equal(2, report.Restarts);
            Assert.Equal(1, report.OomKills);
            Assert.Equal(new[] { "scaling.at-max-replicas:checkout", "scaling.restarts", "scaling.oom-killed" }, report.Findings.Select(f => f.Id));
        }

        [Fact]
        public void TheQueriesSelectTheNamespacesWorkloadsAndContainersOfTheSpans()
        {
            var settings = PrometheusSettings.Parse(
                ConfigLoader.Parse("environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9/\n", Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml")).Environments["dev"].Sources[0].Settings,
                why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
            var queries = new PrometheusQueries(settings).Build(ScalingEvidence.Metrics, new[] { Checkout }, 60, 300);

            var current = queries.Single(q => q.Source == "kube_horizontalpodautoscaler_status_current_replicas");
            Assert.Equal(
                "(avg by (namespace, k8s_hpa_scaletargetref_name, k8s_hpa_name, horizontalpodautoscaler) (last_over_time({__name__=\"kube_horizontalpodautoscaler_status_current_replicas\", namespace=\"shop\"}[60s]))" +
                " * on (namespace, horizontalpodautoscaler) group_left (scaletargetref_name) max by (namespace, horizontalpodautoscaler, scaletargetref_name) (last_over_time({__name__=\"kube_horizontalpodautoscaler_info\", namespace=\"shop\"}[60s])))" +
                " or on (namespace, horizontalpodautoscaler) avg by (namespace, k8s_hpa_scaletargetref_name, k8s_hpa_name, horizontalpodautoscaler) (last_over_time({__name__=\"kube_horizontalpodautoscaler_status_current_replicas\", namespace=\"shop\"}[60s]))",
                current.Expression);
            Assert.Equal(new[] { "scaletargetref_name", "k8s_hpa_scaletargetref_name", "k8s_hpa_name", "horizontalpodautoscaler" }, current.WorkloadLabels);

            var restarts = queries.Single(q => q.Source == "kube_pod_container_status_restarts_total");
            const string Series = "{__name__=\"kube_pod_container_status_restarts_total\", namespace=\"shop\", pod=\"" + CheckoutPod + "\"}";
            const string By = "sum by (namespace, pod, container, node) ";
            Assert.Equal("((" + By + "(" + Series + ") - " + By + "(" + Series + " offset 60s)) >= 0 or (" + By + "(" + Series + ") and " + By + "(" + Series + " offset 60s))) / 60", restarts.Expression);

            // The receiver's OOM flag is a resource attribute of a file; Prometheus has kube-state-metrics' reason gauge.
            Assert.Equal(new[] { "kube_pod_container_status_last_terminated_reason" }, queries.Where(q => q.Canonical == CanonicalMetrics.ContainerOomKilled).Select(q => q.Source));
        }

        [PrometheusFact]
        public void AnAutoscalerSeriesThatStopsMidWindowIsNoData()
        {
            var report = ScalingEvidence.Analyze(Samples(new MetricReadStats()), "search", Critical(Search), Critical(Search));

            Assert.Equal(AutoscalerStatus.NoData, report.Autoscaler);
            Assert.Equal(new ScalingDataQuality(1, 1), report.Quality);
            Assert.Empty(report.Findings);
        }
    }
}
