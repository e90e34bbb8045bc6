using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Output;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>
    /// The sums after the walks (breakdown, the top components' windows and CLIENT shares, the
    /// what-if) are spread over the cores in chunks of roots only for large targets: enough roots
    /// here for several chunks, so one core and many must give the same numbers and bytes.
    /// </summary>
    public class ChunkedSumsTests
    {
        private const int Roots = 12_000;

        private static readonly ResourceInfo[] Resources = Enumerable.Range(0, 5)
            .Select(i => new ResourceInfo("svc" + (i % 2), "shop", "dev", "1." + (i % 3), "pod-" + i, "app", "node-" + (i % 2)))
            .ToArray();

        private static readonly string[] Labels = { "db", "cache", "GET /items/{id}", "render", "queue", "auth" };

        [Fact]
        public void OneCoreAndManyGiveTheSameBreakdownWindowsAndProfile()
        {
            var (roots, evidence) = Analysed();
            var request = Run.Request("service", "shop/svc0");

            var one = ProfileBuilder.Breakdown(request, roots, 1);
            var many = ProfileBuilder.Breakdown(request, roots, 4);
            Assert.Equal(one.TotalMs, many.TotalMs);
            Assert.Equal(one.Breakdown, many.Breakdown);

            string Produce(int cores)
            {
                evidence.MaxParallelism = cores;
                var breakdown = ProfileBuilder.Breakdown(request, roots, cores);
                var report = SignalAnalyzer.Analyze(new SignalInputs(request.IncludeMetrics, false, breakdown.Breakdown, breakdown.TotalMs, roots, evidence, Array.Empty<MetricSample>()));
                var windows = report.TopComponents.Select(c => c + ": " + string.Join(", ", report.ComponentWindows[c].Resources.Select(r => r.ToString() + "=" + report.ComponentWindows[c].TotalNanos(r))) + " client " + report.ClientShare[c]);
                var outcome = SignalStage.Evaluate(request, roots, evidence, Array.Empty<MetricSample>(), new MetricReadStats(), 0);
                var profile = ProfileBuilder.Build(request, roots, new DataQualityCounters(), Roots, roots.Sum(r => r.Tree.Spans.Length), outcome, cores);
                return string.Join("\n", windows) + "\n" + ProfileDocument.Write(profile, DocumentFormat.Json);
            }

            // The evidence gathered in uneven runs of roots and merged, as the engine's chunks do.
            var cuts = new[] { 0, 1, 700, 701, 5_000, 9_999, Roots };
            var merged = SpanEvidence.Merge(cuts.Zip(cuts.Skip(1), (from, to) =>
            {
                var part = new SpanEvidence();
                for (var i = from; i < to; i++)
                {
                    part.AddRoot(roots[i]);
                }

                return part;
            }).ToList());
            Assert.Equal(Describe(evidence), Describe(merged));
            Assert.Contains("waits", Describe(evidence), StringComparison.Ordinal);

            var single = Produce(1);
            Assert.Contains("client", single, StringComparison.Ordinal);
            Assert.Equal(single, Produce(4));
            Assert.Equal(single, Produce(3));
            evidence = merged;
            Assert.Equal(single, Produce(1));
            Assert.Equal(single, Produce(4));
        }

        /// <summary>Everything the evidence tells, in a fixed order.</summary>
        private static string Describe(SpanEvidence e)
        {
            static string Of(LabelEvidence? x) => x is null ? "-" : string.Join(
                " ",
                x.HttpSpans, x.Http429, x.Http429Nanos, x.Http429MaxNanos, x.Http429OnPathNanos, x.Http429OnPathMaxNanos, x.Http429OnPath, x.Resends, x.MaxResendCount, x.ResendSpans,
                "waits", string.Join(",", x.QueueWaits), "on path", string.Join(",", x.QueueWaitsOnPath));
            var w = e.Windows();
            return string.Join(
                "\n",
                new[] { $"{e.Roots} {e.RootNanos} {e.MinStartUnixNano} {e.MaxEndUnixNano}", "target " + Of(e.Target) }
                    .Concat(Labels.Select(l => l + " " + Of(e.For(l))))
                    .Concat(w.Resources.Select(r => r + " " + w.TotalNanos(r))));
        }

        /// <summary>A root per trace: a server span calling a few components on a few resources, in sequence and in parallel, some consumers awaited.</summary>
        private static (List<RootAnalysis> Roots, SpanEvidence Evidence) Analysed()
        {
            var random = new Random(42);
            var roots = new List<RootAnalysis>(Roots);
            var evidence = new SpanEvidence();
            var buffers = new RootWalkBuffers();
            for (var t = 0; t < Roots; t++)
            {
                var trace = new TraceId(1, (ulong)t + 1);
                var resource = Resources[random.Next(Resources.Length)];

                // Each root in a time of its own, so the windows of every chunk show in the merged ones.
                var t0 = t * 20_000L;
                var spans = new List<SpanRecord> { new(trace, 1, 0, t0, t0 + 10_000, SpanKind.Server, 0, resource, "GET /items/{id}", TargetIdentity.None, 200, 0) };
                var at = t0 + 100;
                for (var c = 0; c < random.Next(1, 8); c++)
                {
                    var start = random.Next(3) == 0 ? at - 50 : at;
                    var end = start + random.Next(1, 2_000);
                    var kind = (SpanKind)random.Next(1, 6);
                    var label = Labels[random.Next(Labels.Length)];
                    spans.Add(new SpanRecord(trace, (ulong)c + 2, 1, start, end, kind, 0, Resources[random.Next(Resources.Length)], label, TargetIdentity.None, random.Next(8) == 0 ? 429 : 200, random.Next(6) == 0 ? random.Next(1, 4) : 0));
                    if (kind == SpanKind.Producer)
                    {
                        // The message's consumer: queue waits, awaited or not.
                        spans.Add(new SpanRecord(trace, (ulong)c + 100, (ulong)c + 2, end + random.Next(0, 300), end + random.Next(300, 3_000), SpanKind.Consumer, 0, Resources[0], "queue", TargetIdentity.None, 0, 0));
                    }

                    at = end + random.Next(0, 200);
                }

                var tree = TraceTree.Build(trace, spans, buffers);
                var root = CriticalPath.Analyze(tree, 0, new DataQualityCounters(), keepSections: true, buffers);
                roots.Add(root);
                evidence.AddRoot(root);
            }

            return (roots, evidence);
        }
    }
}
