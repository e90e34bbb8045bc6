using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis.Scaling;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.MetricRead;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>
    /// Scaling limits from OTLP/JSON metrics in the shapes the k8s_cluster receiver and
    /// kube-state-metrics (through the prometheus receiver) emit: autoscaler at or below its
    /// maximum while the dominant component held the critical path, only from covering series;
    /// restarts with a counter reset; OOM kills; how an autoscaler is tied to the pods that ran.
    /// </summary>
    public class ScalingEvidenceTests
    {
        private const string CheckoutPod = "checkout-7d9f8c6b5-x2k4p";

        /// <summary>Where the dominant component ran: a pod of the deployment checkout.</summary>
        private static readonly MetricResource Checkout = new("dev", "shop", "checkout", CheckoutPod, "app", "node-1");

        private static Dictionary<string, string> CheckoutResource(params string[] extra)
        {
            var r = Otlp.Attrs("service.name", "checkout", "k8s.namespace.name", "shop", "k8s.pod.name", CheckoutPod, "k8s.container.name", "app", "k8s.node.name", "node-1", "deployment.environment.name", "dev");
            for (var i = 0; i + 1 < extra.Length; i += 2)
            {
                r[extra[i]] = extra[i + 1];
            }

            return r;
        }

        private static readonly Dictionary<string, string> KubeStateMetrics = Otlp.Attrs("service.name", "kube-state-metrics", "service.instance.id", "10.0.0.9:8080");

        private static Dictionary<string, string> Hpa(string name, string ns = "shop", params string[] extra)
        {
            var r = Otlp.Attrs("k8s.namespace.name", ns, "k8s.hpa.name", name, "k8s.hpa.uid", "4b1c-" + name, "deployment.environment.name", "dev");
            for (var i = 0; i + 1 < extra.Length; i += 2)
            {
                r[extra[i]] = extra[i + 1];
            }

            return r;
        }

        /// <summary>The component held the critical path on the checkout pod from 61 s to 99 s.</summary>
        private static WindowSet Critical(MetricResource? on = null) => Windows(on ?? Checkout, 61_000, 99_000);

        private static WindowSet Windows(MetricResource r, long fromMs, long toMs) =>
            WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [r] = new() { (Nanos(fromMs), Nanos(toMs)) } });

        /// <summary>An int gauge scraped every 15 s from <paramref name="fromMs"/> to <paramref name="toMs"/>, value by time.</summary>
        private static IEnumerable<MPoint> Ints(Func<long, long> value, long fromMs = 0, long toMs = 180_000) =>
            MetricJson.Scrapes(fromMs, toMs).Select(t => new MPoint(t, Int: value(t)));

        private static (ScalingReport Report, MetricReadStats Stats) Analyze(IEnumerable<string> lines, WindowSet? critical = null, WindowSet? target = null, MetricResource? span = null)
        {
            var query = Query(span ?? Checkout, 0, 180_000, ScalingEvidence.Metrics.ToArray());
            var (samples, stats, quality) = Read(string.Join("\n", lines), query);
            Assert.Equal(0, quality.MalformedRecords);
            var report = ScalingEvidence.Analyze(samples, "checkout", critical ?? Critical(span), target ?? critical ?? Critical(span));
            return (report, stats);
        }

        private static string Replicas(Dictionary<string, string> hpa, Func<long, long> current, long max, long currentFromMs = 0, long currentToMs = 180_000) => MetricJson.Line(
            hpa,
            MetricJson.Gauge("k8s.hpa.current_replicas", "{pod}", Ints(current, currentFromMs, currentToMs)),
            MetricJson.Gauge("k8s.hpa.max_replicas", "{pod}", Ints(_ => max)));

        [Fact]
        public void AnAutoscalerAtItsMaximumWhileTheComponentRanIsALimitHit()
        {
            var (report, _) = Analyze(new[] { Replicas(Hpa("checkout"), t => t < 75_000 ? 3 : 5, 5) });

            Assert.Equal(AutoscalerStatus.AtMax, report.Autoscaler);
            Assert.Equal(new[] { "checkout" }, report.Workloads);
            Assert.Equal(5m, report.MaxCurrentReplicas);
            Assert.Equal(5m, report.MaxReplicas);
            var f = Assert.Single(report.Findings);
            Assert.Equal("scaling.at-max-replicas:checkout", f.Id);
            Assert.Equal("warning", f.Severity);
            Assert.Contains("at its maximum of 5 replicas", f.Text, StringComparison.Ordinal);
            Assert.Equal(
                new[] { ("scaling.hpa_current_replicas.max{component=\"checkout\"}", 5m, "replicas"), ("scaling.hpa_max_replicas.max{component=\"checkout\"}", 5m, "replicas") },
                f.Metrics.Select(m => (m.Metric, m.Value, m.Unit)));
            Assert.Equal(new ScalingDataQuality(0, 1), report.Quality);
        }

        [Fact]
        public void AnAutoscalerBelowItsMaximumIsALimitRespected()
        {
            // At its maximum before and after the component ran: only its critical time counts.
            var (report, _) = Analyze(new[] { Replicas(Hpa("checkout"), t => t > 45_000 && t <= 105_000 ? 3 : 6, 6) });

            Assert.Equal(AutoscalerStatus.BelowMax, report.Autoscaler);
            Assert.Equal(3m, report.MaxCurrentReplicas);
            Assert.Equal(6m, report.MaxReplicas);
            var f = Assert.Single(report.Findings);
            Assert.Equal("scaling.below-max-replicas:checkout", f.Id);
            Assert.Equal("info", f.Severity);
            Assert.Contains("at most 3 of 6 replicas", f.Text, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(0, 75_000)] // stops mid-window
        [InlineData(90_000, 180_000)] // starts mid-window (a first point describes the step before it)
        public void ASeriesThatDoesNotCoverTheCriticalTimeGivesNoDataNeverAGuess(long fromMs, long toMs)
        {
            // Its samples say "at maximum", but they describe only part of the time the component ran.
            var (report, _) = Analyze(new[] { Replicas(Hpa("checkout"), _ => 5, 5, fromMs, toMs) });

            Assert.Equal(AutoscalerStatus.NoData, report.Autoscaler);
            Assert.Null(report.MaxCurrentReplicas);
            Assert.Empty(report.Findings);
            Assert.Empty(report.Citations);
            Assert.Equal(new ScalingDataQuality(1, 1), report.Quality);
        }

        [Fact]
        public void AMissedScrapeInsideTheCriticalTimeIsNotCoverage()
        {
            var line = MetricJson.Line(
                Hpa("checkout"),
                MetricJson.Gauge("k8s.hpa.current_replicas", "{pod}", Ints(_ => 5).Where(p => p.AtMs != 75_000 && p.AtMs != 90_000)),
                MetricJson.Gauge("k8s.hpa.max_replicas", "{pod}", Ints(_ => 5)));
            var (report, stats) = Analyze(new[] { line });

            // One 45 s step among 15 s ones: a gap for the reader, and (60 s, 105 s] is described by one sample only.
            Assert.Equal(1, stats.SeriesGaps);
            Assert.Equal(AutoscalerStatus.AtMax, report.Autoscaler);

            // A window inside a longer gap than the step the series' first point assumes: no coverage.
            var sparse = MetricJson.Line(
                Hpa("checkout"),
                MetricJson.Gauge("k8s.hpa.current_replicas", "{pod}", new[] { new MPoint(0, Int: 5), new MPoint(15_000, Int: 5), new MPoint(30_000, Int: 5) }),
                MetricJson.Gauge("k8s.hpa.max_replicas", "{pod}", Ints(_ => 5)));
            Assert.Equal(AutoscalerStatus.NoData, Analyze(new[] { sparse }).Report.Autoscaler);
        }

        [Fact]
        public void TheAutoscalerIsTiedToThePodsOfItsScaleTarget()
        {
            // k8s_cluster with the optional scale-target attribute: the HPA "checkout-hpa" scales the deployment checkout.
            var named = Analyze(new[] { Replicas(Hpa("checkout-hpa", "shop", "k8s.hpa.scaletargetref.kind", "Deployment", "k8s.hpa.scaletargetref.name", "checkout"), _ => 5, 5) }).Report;
            Assert.Equal(AutoscalerStatus.AtMax, named.Autoscaler);
            Assert.Equal(new[] { "checkout" }, named.Workloads);

            // Without it, the HPA's own name is the workload's: "checkout-hpa" has no pod checkout-7d9f8c6b5-x2k4p.
            var unnamed = Analyze(new[] { Replicas(Hpa("checkout-hpa"), _ => 5, 5) }).Report;
            Assert.Equal(AutoscalerStatus.NoData, unnamed.Autoscaler);
            Assert.Equal(new ScalingDataQuality(0, 0), unnamed.Quality);

            // The same HPA name in another namespace is another workload.
            Assert.Equal(AutoscalerStatus.NoData, Analyze(new[] { Replicas(Hpa("checkout", "shop-staging"), _ => 5, 5) }).Report.Autoscaler);

            // kube-state-metrics names the HPA in labels on the point; the scrape target's resource says nothing.
            var labels = Otlp.Attrs("namespace", "shop", "horizontalpodautoscaler", "checkout");
            var ksm = MetricJson.Line(
                KubeStateMetrics,
                MetricJson.Gauge("kube_horizontalpodautoscaler_status_current_replicas", string.Empty, MetricJson.Scrapes().Select(t => new MPoint(t, Double: 4, Attrs: labels))),
                MetricJson.Gauge("kube_horizontalpodautoscaler_spec_max_replicas", string.Empty, MetricJson.Scrapes().Select(t => new MPoint(t, Double: 8, Attrs: labels))));
            var fromKsm = Analyze(new[] { ksm }).Report;
            Assert.Equal(AutoscalerStatus.BelowMax, fromKsm.Autoscaler);
            Assert.Equal((4m, 8m), (fromKsm.MaxCurrentReplicas!.Value, fromKsm.MaxReplicas!.Value));
        }

        [Fact]
        public void FewerReplicasAvailableThanDesiredIsScalingThatDidNotHappen()
        {
            // The autoscaler asked for 6 at 60 s; only 4 became available while the component ran (pods pending).
            var deployment = Otlp.Attrs("k8s.namespace.name", "shop", "k8s.deployment.name", "checkout", "deployment.environment.name", "dev");
            var line = MetricJson.Line(
                deployment,
                MetricJson.Gauge("k8s.deployment.desired", "{pod}", Ints(t => t < 60_000 ? 3 : 6)),
                MetricJson.Gauge("k8s.deployment.available", "{pod}", Ints(t => t < 60_000 ? 3 : t < 90_000 ? 4 : 5)));
            var (report, _) = Analyze(new[] { line });

            Assert.Equal((4m, 6m), (report.MinAvailableReplicas!.Value, report.MaxDesiredReplicas!.Value));
            var f = Assert.Single(report.Findings);
            Assert.Equal("scaling.replicas-unavailable:checkout", f.Id);
            Assert.Equal("warning", f.Severity);
            Assert.Contains("the deployment checkout had fewer replicas available than desired (at worst 4 of 6)", f.Text, StringComparison.Ordinal);
            Assert.Equal(
                new[] { ("scaling.deployment_available_replicas.at_worst{component=\"checkout\"}", 4m), ("scaling.deployment_desired_replicas.at_worst{component=\"checkout\"}", 6m) },
                f.Metrics.Select(m => (m.Metric, m.Value)));

            // All available: cited in the report, no finding.
            var fine = MetricJson.Line(deployment, MetricJson.Gauge("k8s.deployment.desired", "{pod}", Ints(_ => 3)), MetricJson.Gauge("k8s.deployment.available", "{pod}", Ints(_ => 3)));
            var ok = Analyze(new[] { fine }).Report;
            Assert.Empty(ok.Findings);
            Assert.Equal((3m, 3m), (ok.MinAvailableReplicas!.Value, ok.MaxDesiredReplicas!.Value));
        }

        [Theory]
        [InlineData("checkout", "checkout-7d9f8c6b5-x2k4p", true)]
        [InlineData("checkout", "checkout-0", true)] // a statefulset's pod
        [InlineData("checkout", "checkout-api-7d9f8c6b5-x2k4p", false)] // another deployment's pod
        [InlineData("checkout", "checkout-gateway-x2k4p", false)] // "gateway" has vowels: no generated hash
        [InlineData("checkout-api", "checkout-7d9f8c6b5-x2k4p", false)]
        [InlineData("checkout", "checkout", false)]
        [InlineData("checkout", "checkout-7d9f8c6b5-x2k4", false)] // the pod suffix has 5 characters
        public void APodBelongsToAWorkloadByTheNameKubernetesGaveIt(string workload, string pod, bool expected) =>
            Assert.Equal(expected, WorkloadPods.IsPodOf(workload, pod));

        [Fact]
        public void AnAutoscalerWithoutANameIsCountedNotGuessed()
        {
            var unnamed = Otlp.Attrs("namespace", "shop");
            var ksm = MetricJson.Line(KubeStateMetrics, MetricJson.Gauge("kube_horizontalpodautoscaler_status_current_replicas", string.Empty, MetricJson.Scrapes().Select(t => new MPoint(t, Double: 4, Attrs: unnamed))));
            var (report, stats) = Analyze(new[] { ksm });

            Assert.Equal(13, stats.PointsUnattributed);
            Assert.Equal(0, stats.PointsUsed);
            Assert.Equal(AutoscalerStatus.NoData, report.Autoscaler);
        }

        /// <summary>kube_pod_container_status_restarts_total of the checkout container, as the prometheus receiver stores it.</summary>
        private static string KsmRestarts(Func<long, double> value) => MetricJson.Line(
            KubeStateMetrics,
            MetricJson.Sum("kube_pod_container_status_restarts_total", string.Empty, 2, true, MetricJson.Scrapes().Select(t => new MPoint(t, Double: value(t), StartMs: -3_600_000, Attrs: Otlp.Attrs("namespace", "shop", "pod", CheckoutPod, "container", "app", "uid", "77f0")))));

        private static string KsmOomKilled(Func<long, double> value) => MetricJson.Line(
            KubeStateMetrics,
            MetricJson.Gauge("kube_pod_container_status_last_terminated_reason", string.Empty, MetricJson.Scrapes().Select(t => new MPoint(t, Double: value(t), Attrs: Otlp.Attrs("namespace", "shop", "pod", CheckoutPod, "container", "app", "uid", "77f0", "reason", "OOMKilled")))));

        [Fact]
        public void RestartsInTheTargetsTimeAreCountedAndACounterResetIsNoNegative()
        {
            // A restart at 20-30 s (before the target ran), one in (75, 90], then the count goes back (6 -> 1): one more, and a reset.
            var (report, stats) = Analyze(new[] { KsmRestarts(t => t <= 15_000 ? 4 : t <= 75_000 ? 5 : t <= 90_000 ? 6 : 1) }, target: Windows(Checkout, 60_000, 100_000));

            Assert.Equal(2, report.Restarts);
            Assert.Equal(1, stats.CounterResets);
            var c = Assert.Single(report.Containers);
            Assert.Equal(new ContainerRestarts("shop", CheckoutPod, "app", 2, false), c);
            var f = Assert.Single(report.Findings);
            Assert.Equal("scaling.restarts", f.Id);
            Assert.Equal("warning", f.Severity);
            Assert.Equal("2 container restart(s) while the target ran on them: shop/" + CheckoutPod + "/app (2x).", f.Text);
            Assert.Equal(new[] { ("scaling.container_restarts.total", 2m, "count") }, f.Metrics.Select(m => (m.Metric, m.Value, m.Unit)));
            Assert.Null(report.OomKills);
        }

        [Fact]
        public void NoRestartIsZeroWithData_AndNullWithout()
        {
            var (quiet, _) = Analyze(new[] { KsmRestarts(_ => 5) });
            Assert.Equal(0, quiet.Restarts);
            Assert.Contains(quiet.Citations, c => c.Metric == "scaling.container_restarts.total" && c.Value == 0);
            Assert.Empty(quiet.Findings);

            var none = ScalingEvidence.Analyze(Array.Empty<MetricSample>(), "checkout", Critical(), Critical());
            Assert.Null(none.Restarts);
            Assert.Null(none.OomKills);
            Assert.Equal(AutoscalerStatus.NoData, none.Autoscaler);
            Assert.Empty(none.Findings);
            Assert.Empty(none.Citations);
        }

        [Fact]
        public void AContainerThatRestartedWithLastReasonOomKilledWasOomKilled()
        {
            // kube-state-metrics: restarted in (75, 90], the reason series says OOMKilled from then on.
            var (report, _) = Analyze(new[] { KsmRestarts(t => t <= 75_000 ? 5 : 6), KsmOomKilled(t => t < 90_000 ? 0 : 1) });
            Assert.Equal((1L, 1L), (report.Restarts!.Value, report.OomKills!.Value));
            Assert.Equal(new[] { "scaling.restarts", "scaling.oom-killed" }, report.Findings.Select(f => f.Id));
            var oom = report.Findings[1];
            Assert.Equal("warning", oom.Severity);
            Assert.Contains("shop/" + CheckoutPod + "/app (OOMKilled)", oom.Text, StringComparison.Ordinal);
            Assert.Equal(new[] { ("scaling.oom_kills.total", 1m, "count") }, oom.Metrics.Select(m => (m.Metric, m.Value, m.Unit)));

            // OOM-killed before the target ran and not restarted since: not a kill in its time.
            var before = Analyze(new[] { KsmRestarts(_ => 5), KsmOomKilled(_ => 1) }).Report;
            Assert.Equal((0L, 0L), (before.Restarts!.Value, before.OomKills!.Value));
            Assert.Empty(before.Findings);
        }

        [Fact]
        public void TheReceiversLastTerminatedReasonAttributeMarksAnOomKill()
        {
            // k8s_cluster with k8s.container.status.last_terminated_reason enabled: the resource changes with the reason.
            var lines = MetricJson.Scrapes().Select(t => MetricJson.Line(
                CheckoutResource("k8s.container.status.last_terminated_reason", t <= 75_000 ? "Error" : "OOMKilled"),
                MetricJson.Gauge("k8s.container.restarts", "{restart}", new[] { new MPoint(t, Int: t <= 75_000 ? 2 : 3) })));
            var (report, _) = Analyze(lines);

            Assert.Equal((1L, 1L), (report.Restarts!.Value, report.OomKills!.Value));
            Assert.Equal(new[] { "scaling.restarts", "scaling.oom-killed" }, report.Findings.Select(f => f.Id));

            // Without the attribute (its default), no flag: OOM kills are unknown, not 0.
            var plain = MetricJson.Line(CheckoutResource(), MetricJson.Gauge("k8s.container.restarts", "{restart}", Ints(t => t <= 75_000 ? 2 : 3)));
            var unknown = Analyze(new[] { plain }).Report;
            Assert.Equal(1L, unknown.Restarts);
            Assert.Null(unknown.OomKills);
        }

        [Fact]
        public void TheJavaScriptSdkFixtureInTheReceiversShapesAnswersAllFour()
        {
            // tests/fixtures/otel-js/scaling.jsonl: the k8s_cluster receiver's names, written by the JS SDK (generate-scaling.mjs).
            const long JsBase = 1_795_510_800_000_000_000L;
            var text = System.IO.File.ReadAllText(System.IO.Path.Combine(Repo.Root, "tests", "fixtures", "otel-js", "scaling.jsonl"));
            var critical = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [Checkout] = new() { (JsBase + 50_000_000_000L, JsBase + 100_000_000_000L) } });
            var query = new MetricQuery(new[] { Checkout }, JsBase, JsBase + 120_000_000_000L, ScalingEvidence.Metrics, MetricQuery.DefaultLookbackNanos);
            var (samples, stats, quality) = Read(text, query);
            Assert.Equal(27, quality.MetricRecords);
            Assert.Equal(0, quality.MalformedRecords);
            Assert.Equal(0, stats.PointsInvalid);

            var report = ScalingEvidence.Analyze(samples, "checkout", critical, critical);

            Assert.Equal(AutoscalerStatus.AtMax, report.Autoscaler);
            Assert.Equal(new[] { "checkout" }, report.Workloads);
            Assert.Equal((5m, 5m), (report.MaxCurrentReplicas!.Value, report.MaxReplicas!.Value));

            // The SDK stamps a gauge with its own start time, the receiver with the collector's: neither is when the count began,
            // so the container whose resource changed with its termination reason restarted once, and no counter was reset.
            Assert.Equal((1L, 1L), (report.Restarts!.Value, report.OomKills!.Value));
            Assert.Equal(0, stats.CounterResets);
            Assert.Equal(
                new[] { "scaling.at-max-replicas:checkout", "scaling.replicas-unavailable:checkout", "scaling.restarts", "scaling.oom-killed" },
                report.Findings.Select(f => f.Id));
            Assert.Contains("at worst 4 of 5", report.Findings[1].Text, StringComparison.Ordinal);
        }

        [Fact]
        public void TheSameSamplesGiveTheSameReport()
        {
            var lines = new[] { Replicas(Hpa("checkout"), _ => 5, 5), KsmRestarts(t => t <= 75_000 ? 5 : 6), KsmOomKilled(t => t < 90_000 ? 0 : 1) };
            var a = Analyze(lines).Report;
            var b = Analyze(lines.Reverse()).Report;
            Assert.Equal(a.Findings.Select(f => (f.Id, f.Severity, f.Text, string.Join(";", f.Metrics))), b.Findings.Select(f => (f.Id, f.Severity, f.Text, string.Join(";", f.Metrics))));
            Assert.Equal(a.Citations, b.Citations);
            Assert.Equal(new[] { "scaling.at-max-replicas:checkout", "scaling.restarts", "scaling.oom-killed" }, a.Findings.Select(f => f.Id));
        }
    }
}
