using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>The what-if model (docs/critical-path.md): each case is a trace drawn in a comment and the answer it calls for.</summary>
    public class WhatIfTests
    {
        private static readonly TraceId Trace = new(1, 1);

        private static SpanRecord S(ulong id, ulong parent, long start, long end, string label, SpanKind kind = SpanKind.Internal) =>
            new(Trace, id, parent, start, end, kind, 0, ResourceInfo.Empty, label, TargetIdentity.None, 0, 0);

        private static RootAnalysis Walk(params SpanRecord[] spans)
        {
            var tree = TraceTree.Build(Trace, spans.ToList());
            return CriticalPath.Analyze(tree, tree.IndexOf(1), new DataQualityCounters(), keepSections: true);
        }

        private static long Half(RootAnalysis r, string c) => WhatIfTimeline.Retime(r, BlockingGraph.Build(r), c, 1, 2).DurationNanos;

        private static long Without(RootAnalysis r, string c) => WhatIfTimeline.Retime(r, BlockingGraph.Build(r), c, 0, 1).DurationNanos;

        [Fact]
        public void ThreeParallelLeavesOfOneComponent()
        {
            // root  |0 ......................................................... 10,000|
            // step    |1,000 ............................................ 9,700|  +300
            // query          |3,700 .... 6,000|
            // query          |3,700 ...................... 9,500|  +200
            // query          |3,700 .......... 7,000|
            // query x0.5: ends 4,850 / 6,600 / 5,350 -> step 6,800 -> root 7,100; removed: 3,700 -> 3,900 -> 4,200
            var r = Walk(
                S(1, 0, 0, 10_000, "root"),
                S(2, 1, 1_000, 9_700, "step"),
                S(3, 2, 3_700, 6_000, "query"),
                S(4, 2, 3_700, 9_500, "query"),
                S(5, 2, 3_700, 7_000, "query"));
            Assert.Equal(7_100, Half(r, "query"));
            Assert.Equal(4_200, Without(r, "query"));
        }

        [Fact]
        public void WorkThatWaitedForASiblingMovesEarlierWithIt()
        {
            // root |0 ............................................ 1,000|
            // load   |100 ..... 500|
            // save                  |600 ......... 900|   started after load ended: moves with it
            // load x0.5 -> 100..300, save 400..700, root ends 800
            var r = Walk(
                S(1, 0, 0, 1_000, "root"),
                S(2, 1, 100, 500, "load"),
                S(3, 1, 600, 900, "save"));
            Assert.Equal(800, Half(r, "load"));
            Assert.Equal(600, Without(r, "load"));
            Assert.Equal(850, Half(r, "save"));
        }

        [Fact]
        public void AParallelBranchBecomesCritical()
        {
            // root |0 ........................... 1,000|
            // slow   |0 ......................... 1,000|
            // other  |0 .................. 800|            x0.5 of slow: other (800) now bounds the root
            var r = Walk(
                S(1, 0, 0, 1_000, "root"),
                S(2, 1, 0, 1_000, "slow"),
                S(3, 1, 0, 800, "other"));
            Assert.Equal(800, Half(r, "slow"));
            Assert.Equal(800, Without(r, "slow"));

            var w = WhatIfAnalysis.Build(new[] { r }, ProfileBuilderBreakdown(r), seconds: false);
            var slow = w.Single(x => x.Component == "slow");
            Assert.Equal("other", slow.CriticalAtHalf);
            Assert.Equal("other", slow.NextCritical);
        }

        [Fact]
        public void AParentOfTheComponentKeepsItsOwnTimeAndItsOwnTimeIsScaledWhenItIsTheComponent()
        {
            // root |0 ..................... 1,000|
            // work   |100 ...... 900|     own time: 100..300 and 700..900 around its child
            // io           |300 .. 700|
            var r = Walk(
                S(1, 0, 0, 1_000, "root"),
                S(2, 1, 100, 900, "work"),
                S(3, 2, 300, 700, "io"));
            Assert.Equal(800, Half(r, "io"));
            Assert.Equal(800, Half(r, "work")); // its own 400 halved
            Assert.Equal(600, Without(r, "work"));
        }

        [Fact]
        public void KeepingEverythingGivesEverySpanItsOwnTimesBack()
        {
            foreach (var (type, id) in new[] { ("run", "run-1004"), ("operation", "op-7f3a"), ("connector", "conn-salesforce/cr-502"), ("workflow", "wf-daily-report") })
            {
                var roots = Run.SampleRoots(type, id);
                Assert.NotEmpty(roots);
                foreach (var r in roots)
                {
                    var graph = BlockingGraph.Build(r);
                    var same = WhatIfTimeline.Retime(r, graph, r.Root.Label, 1, 1);
                    Assert.Equal(r.DurationNanos, same.DurationNanos);

                    // Walking the unchanged times again gives the walk's own answer.
                    var again = RetimedWalk.CriticalNanos(r, graph, same);
                    Assert.Equal(r.CriticalNanos.OrderBy(kv => kv.Key, System.StringComparer.Ordinal), again.OrderBy(kv => kv.Key, System.StringComparer.Ordinal));
                    for (var i = 0; i < r.Tree.Spans.Length; i++)
                    {
                        Assert.Equal(r.Tree.Spans[i].EndUnixNano, same.Ends[i]);
                    }
                }
            }
        }

        [Fact]
        public void AScratchReusedAcrossRootsAndComponentsGivesEverySpanAFreshRetimingsTimes()
        {
            // The scratch keeps the recorded times of the spans a root's graph does not reach
            // between re-timings of that root: the shared answers must equal fresh ones, span by span.
            // Two small roots with a child wholly after its parent (never reached), then the samples.
            var late = new[]
            {
                Walk(S(1, 0, 0, 1_000, "root"), S(2, 1, 100, 500, "work"), S(3, 1, 1_500, 2_000, "late")),
                Walk(S(1, 0, 0, 5_000, "root"), S(2, 1, 1_000, 4_000, "work"), S(3, 1, 6_000, 7_000, "late")),
            };
            var roots = late.Concat(Run.SampleRoots("workflow", "wf-daily-report")).Concat(Run.SampleRoots("run", "run-1004")).ToList();
            var shared = new WhatIfTimeline.Scratch();
            foreach (var r in roots.Concat(roots))
            {
                var graph = BlockingGraph.Build(r);
                foreach (var label in r.CriticalNanos.Keys.OrderBy(k => k, System.StringComparer.Ordinal))
                {
                    foreach (var (keep, of) in new[] { (1L, 2L), (0L, 1L) })
                    {
                        var reused = WhatIfTimeline.Retime(r, graph, label, keep, of, shared);
                        var fresh = WhatIfTimeline.Retime(r, graph, label, keep, of);
                        Assert.Equal(fresh.DurationNanos, reused.DurationNanos);
                        for (var i = 0; i < r.Tree.Spans.Length; i++)
                        {
                            Assert.Equal(fresh.Starts[i], reused.Starts[i]);
                            Assert.Equal(fresh.FrameStarts[i], reused.FrameStarts[i]);
                            Assert.Equal(fresh.Ends[i], reused.Ends[i]);
                        }
                    }
                }
            }
        }

        [Fact]
        public void TheDemoRunSaysWhatHalvingItsBottleneckWouldBuy()
        {
            var p = Run.Sample("run", "run-1004");
            var w = p.WhatIf[0];
            Assert.Equal("analytics_query_exec", w.Component);
            Assert.Equal(7_507, w.CurrentMs);
            Assert.Equal(5_037, w.HalfMs);
            Assert.Equal(-32.9m, w.HalfDeltaPct);
            Assert.Equal("render_charts", w.NextCritical);
            var f = p.Findings.Single(x => x.Id == "what-if.half:analytics_query_exec");
            Assert.StartsWith("If analytics_query_exec took half as long, the run would take 5,037 ms instead of 7,507 ms (-32.9%)", f.Text);
            Assert.Equal(5_037m, f.Metrics.Single(m => m.Metric == "what_if.half_ms{component=\"analytics_query_exec\"}").Value);
        }

        [Fact]
        public void ManyRootsAreSummedAndTheMedianRootIsReadToo()
        {
            var p = Run.Sample("workflow", "wf-daily-report");
            var w = p.WhatIf[0];
            Assert.Equal(p.Summary.TotalDurationMs, w.CurrentMs);
            Assert.Equal(p.Summary.Roots.P50Ms, w.MedianRootCurrentMs);
            Assert.True(w.HalfMs < w.CurrentMs);
            Assert.True(w.RemovedMs <= w.HalfMs);
            Assert.Contains("the median root", p.Findings.Single(x => x.Id.StartsWith("what-if.half:", System.StringComparison.Ordinal)).Text);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        [InlineData(40)]
        public void TheMedianRootIsTheFullOrderingsNearestRankWhateverTheTies(int count)
        {
            // Durations of only three values, so the median sits among many ties broken by trace, then span id.
            var roots = new List<RootAnalysis>();
            for (var i = 0; i < count; i++)
            {
                var trace = new TraceId(0, (ulong)((i * 7919) % 13));
                var id = (ulong)(100 + ((i * 31) % 17));
                var spans = new List<SpanRecord> { new(trace, id, 0, 0, 1_000 * (1 + (i % 3)), SpanKind.Internal, 0, ResourceInfo.Empty, "root", TargetIdentity.None, 0, 0) };
                var tree = TraceTree.Build(trace, spans);
                roots.Add(CriticalPath.Analyze(tree, tree.IndexOf(id), new DataQualityCounters(), keepSections: true));
            }

            var ordered = roots.OrderBy(r => r.DurationNanos).ThenBy(r => r.Root.TraceId).ThenBy(r => r.Root.SpanId).ToList();
            var expected = ordered[System.Math.Max(0, (int)System.Math.Ceiling(0.5 * count) - 1)];
            Assert.Same(expected, WhatIfAnalysis.MedianRoot(roots));
        }

        private static IReadOnlyList<BreakdownEntry> ProfileBuilderBreakdown(RootAnalysis r) =>
            r.CriticalNanos.Select(kv => new BreakdownEntry(kv.Key, kv.Value, 100m * kv.Value / r.DurationNanos, 0, 1))
                .OrderByDescending(b => b.DurationMs).ThenBy(b => b.Component, System.StringComparer.Ordinal).ToList();
    }
}
