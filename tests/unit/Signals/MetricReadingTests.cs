using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.MetricRead;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>The OTLP/JSON metric reader: real SDK output, Prometheus-style identity labels, read-time filtering, bad points.</summary>
    public class MetricReadingTests
    {
        /// <summary>2026-11-24T09:00:00Z, the base time of the JS SDK fixture.</summary>
        private const long JsBase = 1_795_510_800_000_000_000L;

        [Fact]
        public void TheJavaScriptSdkMetricsFixtureParses()
        {
            var text = File.ReadAllText(Path.Combine(Repo.Root, "tests", "fixtures", "otel-js", "metrics.jsonl"));
            var span = new MetricResource("dev", "chartly-core", "chartly-workflow-engine", "wf-engine-0", "engine", null);
            var query = new MetricQuery(new[] { span }, JsBase, JsBase + 60_000_000_000L, CanonicalMetrics.All.Select(m => m.Name).ToList(), MetricQuery.DefaultLookbackNanos);
            var (samples, stats, quality) = Read(text, query);

            Assert.Equal(0, quality.MalformedRecords);
            Assert.Equal(2, quality.MetricRecords);
            Assert.Equal(0, stats.PointsInvalid);

            Assert.Equal(new[] { 0.42, 0.97 }, Of(samples, CanonicalMetrics.CpuLimitUtilization).Select(s => s.Value));

            // asInt written as a JSON number by the SDK.
            Assert.Equal(new[] { 671088640.0, 704643072.0 }, Of(samples, CanonicalMetrics.MemoryWorkingSet).Select(s => s.Value));

            // container.cpu.time, cumulative with a start time, split by cpu.mode: summed into cores.
            var usage = Of(samples, CanonicalMetrics.CpuUsage);
            Assert.Equal(2, usage.Count);
            Assert.Equal((0.84 + 0.11) / 14.0, usage[0].Value, 9);
            Assert.Equal(14_000_000_000L, usage[0].IntervalNanos);
            Assert.Equal((3.19 - 0.84 + (0.38 - 0.11)) / 15.0, usage[1].Value, 9);
            Assert.All(samples, s => Assert.Equal("wf-engine-0", s.Resource.Pod));

            // 2 + 2 gauge points and 2 x 2 cpu.time points; http.server.request.duration is no metric the profiler reads.
            Assert.Equal(8, stats.PointsUsed);
        }

        [Fact]
        public void PrometheusLabelsOnThePointNameThePod()
        {
            var kubelet = Otlp.Attrs("service.name", "kubelet", "service.instance.id", "10.0.0.5:10250");
            var point = (string pod, string container, double v) => new MPoint(15_000, Double: v, Attrs: Otlp.Attrs("namespace", "core", "pod", pod, "container", container));
            var text = MetricJson.Line(kubelet, MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, new[]
            {
                point("worker-0", "worker", 1e9),
                point("worker-0", "POD", 1e6),
                point("worker-0", string.Empty, 1.1e9),
                point(string.Empty, string.Empty, 9e9),
                point("other-0", "worker", 5e9),
            }));
            var (samples, stats, _) = Read(text, Query());

            var ws = Of(samples, CanonicalMetrics.MemoryWorkingSet);
            Assert.Equal(new[] { ("worker-0", (string?)null, 1.1e9), ("worker-0", "worker", 1e9) }, ws.Select(s => (s.Resource.Pod!, s.Resource.Container, s.Value)));
            Assert.Equal(2, stats.PointsUsed);
        }

        [Fact]
        public void PointsOutsideTheRangeOrOfOtherResourcesAreDroppedAsTheyAreRead()
        {
            var lines = new[]
            {
                MetricJson.Line(Scenario.Worker, MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.5), new MPoint(3_000_000, Double: 0.5) })),
                MetricJson.Line(Scenario.Pod("other", "core", "other-0", "other", node: "node-2"), MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.5) })),
                MetricJson.Line(Scenario.Worker, MetricJson.Gauge("some.other.metric", "1", new[] { new MPoint(15_000, Double: 0.5) })),
            };
            var (samples, stats, _) = Read(string.Join("\n", lines), Query(fromMs: 0, toMs: 60_000));
            Assert.Equal(1, stats.PointsUsed);
            Assert.Single(samples);
        }

        [Fact]
        public void UnusablePointsAreCountedAndStalenessMarkersSkipped()
        {
            var metric = "{\"name\":\"k8s.container.cpu_limit_utilization\",\"gauge\":{\"dataPoints\":["
                + "{\"timeUnixNano\":\"" + Otlp.At(15_000) + "\",\"asDouble\":\"NaN\"},"
                + "{\"timeUnixNano\":\"" + Otlp.At(30_000) + "\",\"asDouble\":\"+Inf\"},"
                + "{\"asDouble\":0.5},"
                + "{\"timeUnixNano\":\"" + Otlp.At(45_000) + "\",\"flags\":1},"
                + "{\"timeUnixNano\":\"" + Otlp.At(60_000) + "\",\"asDouble\":\"0.25\"}]}}";
            var other = Scenario.Pod("other", "core", "other-0", "other", node: "node-2");
            var (samples, stats, quality) = Read(MetricJson.Line(Scenario.Worker, metric) + "\n" + MetricJson.Line(other, metric), Query());

            // Only the target's own unusable points are counted: another pod's are none of its business.
            Assert.Equal(3, stats.PointsInvalid);
            Assert.Equal(1, stats.PointsUsed);
            Assert.Equal(0.25, Assert.Single(samples).Value);
            Assert.Equal(0, quality.MalformedRecords);
        }

        [Fact]
        public void ATruncatedRecordLeavesNoPointsBehind()
        {
            var good = MetricJson.Line(Scenario.Worker, MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.5) }));
            var cut = MetricJson.Line(Scenario.Worker, MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(30_000, Double: 0.9), new MPoint(45_000, Double: 0.9) }));
            var (samples, stats, quality) = Read(good + "\n" + cut.Substring(0, cut.Length - 5) + "\n", Query());

            Assert.Equal(1, quality.MalformedRecords);
            Assert.Equal(1, stats.PointsUsed);
            Assert.Equal(0.5, Assert.Single(samples).Value);
        }

        [Fact]
        public void TemporalityAndNameMayComeAfterThePoints()
        {
            var metric = "{\"sum\":{\"dataPoints\":["
                + "{\"startTimeUnixNano\":\"" + Otlp.At(-3_600_000) + "\",\"timeUnixNano\":\"" + Otlp.At(15_000) + "\",\"asInt\":100},"
                + "{\"startTimeUnixNano\":\"" + Otlp.At(-3_600_000) + "\",\"timeUnixNano\":\"" + Otlp.At(30_000) + "\",\"asInt\":250}],"
                + "\"isMonotonic\":true,\"aggregationTemporality\":\"AGGREGATION_TEMPORALITY_CUMULATIVE\"},\"name\":\"container_cpu_cfs_periods_total\"}";
            var (samples, _, _) = Read(MetricJson.Line(Scenario.Worker, metric), Query());
            Assert.Equal(10.0, Assert.Single(Of(samples, CanonicalMetrics.CpuCfsPeriods)).Value, 9);
        }

        [Fact]
        public void ANonMonotonicCumulativeSumIsACurrentValue()
        {
            var points = new[] { new MPoint(15_000, Double: 0.7), new MPoint(30_000, Double: 0.6) };
            var (samples, stats, _) = Read(MetricJson.Line(Scenario.Worker, MetricJson.Sum("k8s.container.memory_limit_utilization", "1", 2, false, points)), Query());
            Assert.Equal(new[] { 0.7, 0.6 }, Of(samples, CanonicalMetrics.MemoryLimitUtilization).Select(s => s.Value));
            Assert.Equal(0, stats.CounterResets);
        }

        [Fact]
        public void TheNodeOfASpanResourceIsK8sNodeNameBeforeHostNameInAnyOrder()
        {
            static string SpanLine(string attrs) =>
                "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + attrs + "]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + Otlp.Trace(1) + "\",\"spanId\":\"" + Otlp.Span(1)
                + "\",\"name\":\"op\",\"kind\":2,\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\"}]}]}]}";
            var node = Otlp.Attr("k8s.node.name", "node-1");
            var host = Otlp.Attr("host.name", "worker-0-hostname");
            foreach (var text in new[] { SpanLine(node + "," + host), SpanLine(host + "," + node) })
            {
                var sink = new AllSpans();
                new OtlpFileReader().Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), sink, new DataQualityCounters(), CancellationToken.None);
                Assert.Equal("node-1", Assert.Single(sink.Spans).Resource.HostName);
            }

            var onlyHost = new AllSpans();
            new OtlpFileReader().Read(new MemoryStream(Encoding.UTF8.GetBytes(SpanLine(host))), onlyHost, new DataQualityCounters(), CancellationToken.None);
            Assert.Equal("worker-0-hostname", Assert.Single(onlyHost.Spans).Resource.HostName);
        }

        [Fact]
        public void NodeWideMetricsJoinEverySpanOnTheirNodeOnly()
        {
            var node = new MetricResource("dev", null, null, null, null, "node-1");
            var span = WorkerSpan;
            Assert.Equal(MetricResource.NodeLevel, node.MatchScore(span));
            Assert.Equal(0, (node with { Node = "node-2" }).MatchScore(span));
            Assert.Equal(MetricResource.ContainerLevel, new MetricResource(null, "core", null, "worker-0", "worker", null).MatchScore(span));
            Assert.Equal(MetricResource.PodLevel, new MetricResource(null, "core", null, "worker-0", null, null).MatchScore(span));
            Assert.Equal(MetricResource.ServiceLevel, new MetricResource("dev", "core", "worker", null, null, null).MatchScore(span));
            Assert.Equal(0, new MetricResource("dev", "other-ns", "worker", null, null, null).MatchScore(span));
            Assert.Equal(0, new MetricResource("prod", "core", "worker", "worker-0", "worker", null).MatchScore(span));
            Assert.Equal(0, new MetricResource(null, "core", null, "worker-0", "POD", null).MatchScore(span));
        }

        private sealed class AllSpans : ISpanSink
        {
            private readonly SpanMaterializer _m = new();

            public List<SpanRecord> Spans { get; } = new();

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Full;

            public void Accept(SpanDraft draft) => Spans.Add(_m.Materialize(draft, withLabel: true));
        }
    }
}
