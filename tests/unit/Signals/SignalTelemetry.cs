using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Model;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>One metric data point for tests; times in milliseconds after <see cref="Otlp.BaseNanos"/>.</summary>
    public sealed record MPoint(long AtMs, double? Double = null, long? Int = null, IReadOnlyDictionary<string, string>? Attrs = null, long? StartMs = null, long? Count = null, double? Sum = null);

    /// <summary>Writes OTLP/JSON metric requests (one per line) the way the collector does: int64 as strings.</summary>
    public static class MetricJson
    {
        public static string Line(IReadOnlyDictionary<string, string> resource, params string[] metrics) =>
            "{\"resourceMetrics\":[{\"resource\":{\"attributes\":["
            + string.Join(",", resource.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => Otlp.Attr(kv.Key, kv.Value)))
            + "]},\"scopeMetrics\":[{\"scope\":{\"name\":\"test\"},\"metrics\":["
            + string.Join(",", metrics)
            + "]}]}]}";

        public static string Gauge(string name, string unit, IEnumerable<MPoint> points) =>
            $"{{\"name\":\"{name}\",\"unit\":\"{unit}\",\"gauge\":{{\"dataPoints\":[{string.Join(",", points.Select(NumberPoint))}]}}}}";

        /// <summary>Temporality after the points, as the collector writes it.</summary>
        public static string Sum(string name, string unit, int temporality, bool monotonic, IEnumerable<MPoint> points) =>
            $"{{\"name\":\"{name}\",\"unit\":\"{unit}\",\"sum\":{{\"dataPoints\":[{string.Join(",", points.Select(NumberPoint))}],\"aggregationTemporality\":{temporality},\"isMonotonic\":{(monotonic ? "true" : "false")}}}}}";

        public static string Histogram(string name, string unit, int temporality, IEnumerable<MPoint> points) =>
            $"{{\"name\":\"{name}\",\"unit\":\"{unit}\",\"histogram\":{{\"dataPoints\":[{string.Join(",", points.Select(HistogramPoint))}],\"aggregationTemporality\":{temporality}}}}}";

        private static string NumberPoint(MPoint p)
        {
            var parts = new List<string>();
            if (p.Attrs is not null)
            {
                parts.Add("\"attributes\":[" + string.Join(",", p.Attrs.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => Otlp.Attr(kv.Key, kv.Value))) + "]");
            }

            if (p.StartMs is { } s)
            {
                parts.Add($"\"startTimeUnixNano\":\"{Otlp.At(s)}\"");
            }

            parts.Add($"\"timeUnixNano\":\"{Otlp.At(p.AtMs)}\"");
            if (p.Double is { } d)
            {
                parts.Add("\"asDouble\":" + d.ToString("R", CultureInfo.InvariantCulture));
            }

            if (p.Int is { } i)
            {
                parts.Add($"\"asInt\":\"{i.ToString(CultureInfo.InvariantCulture)}\"");
            }

            return "{" + string.Join(",", parts) + "}";
        }

        private static string HistogramPoint(MPoint p)
        {
            var parts = new List<string>();
            if (p.Attrs is not null)
            {
                parts.Add("\"attributes\":[" + string.Join(",", p.Attrs.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => Otlp.Attr(kv.Key, kv.Value))) + "]");
            }

            if (p.StartMs is { } s)
            {
                parts.Add($"\"startTimeUnixNano\":\"{Otlp.At(s)}\"");
            }

            parts.Add($"\"timeUnixNano\":\"{Otlp.At(p.AtMs)}\"");
            parts.Add($"\"count\":\"{(p.Count ?? 0).ToString(CultureInfo.InvariantCulture)}\"");
            if (p.Sum is { } sum)
            {
                parts.Add("\"sum\":" + sum.ToString("R", CultureInfo.InvariantCulture));
            }

            parts.Add("\"bucketCounts\":[],\"explicitBounds\":[]");
            return "{" + string.Join(",", parts) + "}";
        }

        /// <summary>Scrape times every 15 s over [fromMs, toMs].</summary>
        public static IEnumerable<long> Scrapes(long fromMs = 0, long toMs = 180_000, long stepMs = 15_000)
        {
            for (var t = fromMs; t <= toMs; t += stepMs)
            {
                yield return t;
            }
        }

        /// <summary>A gauge scraped every 15 s: <paramref name="hot"/> for scrapes whose interval overlaps [hotFrom, hotTo), else <paramref name="cold"/>.</summary>
        public static IEnumerable<MPoint> Stepped(double cold, double hot, long hotFromMs, long hotToMs, IReadOnlyDictionary<string, string>? attrs = null) =>
            Scrapes().Select(t => new MPoint(t, Double: t > hotFromMs && t - 15_000 < hotToMs ? hot : cold, Attrs: attrs));

        /// <summary>A cumulative counter scraped every 15 s growing at <paramref name="hotRate"/>/s in hot intervals, else <paramref name="coldRate"/>/s.</summary>
        public static IEnumerable<MPoint> Counter(double coldRate, double hotRate, long hotFromMs, long hotToMs, IReadOnlyDictionary<string, string>? attrs = null, double start = 1000)
        {
            var v = start;
            foreach (var t in Scrapes())
            {
                if (t > 0)
                {
                    v += 15 * (t > hotFromMs && t - 15_000 < hotToMs ? hotRate : coldRate);
                }

                yield return new MPoint(t, Double: v, Attrs: attrs, StartMs: -3_600_000);
            }
        }
    }

    /// <summary>A hand-built workflow run and the pods it ran on, written as OTLP/JSON files and profiled.</summary>
    public static class Scenario
    {
        public const string RunId = "run-x";

        /// <summary>The run: 10:01:00 to 10:01:40. The step under test runs 10:01:01 to 10:01:39 (95% of the run).</summary>
        public const long RootStart = 60_000;
        public const long RootEnd = 100_000;
        public const long StepStart = 61_000;
        public const long StepEnd = 99_000;

        public static Dictionary<string, string> Pod(string service, string ns, string pod, string container, string node = "node-1")
        {
            var r = Otlp.Resource(service, ns);
            r["k8s.pod.name"] = pod;
            r["k8s.container.name"] = container;
            r["k8s.node.name"] = node;
            return r;
        }

        public static Dictionary<string, string> Engine => Pod("engine", "core", "engine-0", "engine");

        public static Dictionary<string, string> Worker => Pod("worker", "core", "worker-0", "worker");

        public static TestSpan Root(int trace = 1) => new(
            Otlp.Trace(trace), Otlp.Span(1), null, "workflow run", 2, RootStart, RootEnd,
            Otlp.Attrs("chartly.run.id", RunId, "chartly.workflow.id", "wf-x", "chartly.component", "workflow"));

        public static TestSpan Child(int id, int parent, string name, int kind, long start, long end, string? component = null, int trace = 1, IReadOnlyDictionary<string, long>? ints = null) => new(
            Otlp.Trace(trace), Otlp.Span(id), Otlp.Span(parent), name, kind, start, end,
            component is null ? null : Otlp.Attrs("chartly.component", component),
            ints);

        /// <summary>The run's root on the engine and the step on the worker (a span of kind <paramref name="stepKind"/>), plus more worker spans.</summary>
        public static string[] Traces(int stepKind = 1, string stepName = "crunch numbers", string? stepComponent = "crunch", IEnumerable<TestSpan>? moreWorker = null, IEnumerable<TestSpan>? moreEngine = null, IReadOnlyDictionary<string, long>? stepInts = null)
        {
            var engine = new List<TestSpan> { Root(), Child(2, 1, "prepare", 1, 60_010, 60_990, "prepare") };
            engine.AddRange(moreEngine ?? Array.Empty<TestSpan>());
            var worker = new List<TestSpan> { Child(3, 1, stepName, stepKind, StepStart, StepEnd, stepComponent, ints: stepInts) };
            worker.AddRange(moreWorker ?? Array.Empty<TestSpan>());
            return new[] { Otlp.Line(Engine, engine), Otlp.Line(Worker, worker) };
        }

        /// <summary>
        /// Quiet metrics for both pods (CPU at 20% of the limit, memory at 50%, 1% CFS throttling);
        /// <paramref name="worker"/> replaces, adds (or with a null, removes) metrics of the worker pod by name.
        /// </summary>
        public static string[] PodMetrics(IReadOnlyDictionary<string, string?>? worker = null)
        {
            var lines = new List<string>();
            foreach (var pod in new[] { Engine, Worker })
            {
                var metrics = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["k8s.container.cpu_limit_utilization"] = MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", MetricJson.Stepped(0.2, 0.2, 0, 0)),
                    ["k8s.container.memory_limit_utilization"] = MetricJson.Gauge("k8s.container.memory_limit_utilization", "1", MetricJson.Stepped(0.5, 0.5, 0, 0)),
                    ["container_cpu_cfs_periods_total"] = MetricJson.Sum("container_cpu_cfs_periods_total", string.Empty, 2, true, MetricJson.Counter(10, 10, 0, 0)),
                    ["container_cpu_cfs_throttled_periods_total"] = MetricJson.Sum("container_cpu_cfs_throttled_periods_total", string.Empty, 2, true, MetricJson.Counter(0.1, 0.1, 0, 0)),
                };
                if (pod["k8s.pod.name"] == "worker-0" && worker is not null)
                {
                    foreach (var kv in worker)
                    {
                        if (kv.Value is null)
                        {
                            metrics.Remove(kv.Key);
                        }
                        else
                        {
                            metrics[kv.Key] = kv.Value;
                        }
                    }
                }

                lines.Add(MetricJson.Line(pod, metrics.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value).ToArray()));
            }

            return lines.ToArray();
        }

        public static Profile Profile(IEnumerable<string> traces, IEnumerable<string>? metrics = null, params string[] include)
        {
            using var t = new TempTelemetry();
            t.Write("traces.jsonl", traces.ToArray());
            if (metrics is not null)
            {
                t.Write("metrics.jsonl", metrics.ToArray());
            }

            var request = Run.Request("run", RunId) with { IncludeMetrics = include };
            return new ProfileEngine().Run(request, ConfigLoader.Load(t.ConfigPath));
        }

        public static Signal Signal(Profile p, string name) => p.Signals.Single(s => s.Name == name);

        public static SignalMeasure Measure(Profile p, string signal, string measure) => Signal(p, signal).Measures.Single(m => m.Name == measure);

        public static ComponentSignal Component(SignalMeasure m, string component) => m.Components.Single(c => c.Component == component);
    }

    /// <summary>Parses OTLP/JSON metric text through the file reader and the metric sink, and assembles canonical samples.</summary>
    public static class MetricRead
    {
        public static readonly MetricResource WorkerSpan = new("dev", "core", "worker", "worker-0", "worker", "node-1");

        public static MetricQuery Query(MetricResource? resource = null, long fromMs = 0, long toMs = 180_000, params string[] metrics) => new(
            new[] { resource ?? WorkerSpan },
            Otlp.BaseNanos + fromMs * 1_000_000,
            Otlp.BaseNanos + toMs * 1_000_000,
            metrics.Length > 0 ? metrics : CanonicalMetrics.All.Select(m => m.Name).ToArray(),
            MetricQuery.DefaultLookbackNanos);

        public static (IReadOnlyList<MetricSample> Samples, MetricReadStats Stats, DataQualityCounters Quality) Read(string text, MetricQuery query)
        {
            var stats = new MetricReadStats();
            var sink = new OtlpMetricSink(query, stats);
            var reader = new OtlpFileReader();
            reader.MetricSink = sink;
            var quality = new DataQualityCounters();
            reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), SkipAllSpans.Instance, quality, CancellationToken.None);
            return (SeriesAssembler.Assemble(sink.Points, query, stats), stats, quality);
        }

        public static IReadOnlyList<MetricSample> Of(IReadOnlyList<MetricSample> samples, string metric) => samples.Where(s => s.Metric == metric).ToList();

        public static double Sec(long ms) => ms / 1000.0;

        public static long Nanos(long ms) => Otlp.BaseNanos + ms * 1_000_000;
    }
}
