using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    public class CriticalPathTests
    {
        private static readonly TraceId Trace = new(1, 1);

        private static SpanRecord S(ulong id, ulong parent, long start, long end, string label, SpanKind kind = SpanKind.Internal) =>
            new(Trace, id, parent, start, end, kind, 0, ResourceInfo.Empty, label, TargetIdentity.None, 0, 0);

        private static RootAnalysis Walk(DataQualityCounters q, params SpanRecord[] spans)
        {
            var tree = TraceTree.Build(Trace, spans.ToList());
            var root = System.Array.FindIndex(tree.Spans, s => s.ParentSpanId == 0);
            return CriticalPath.Analyze(tree, root, q, keepSections: true);
        }

        private static RootAnalysis Walk(params SpanRecord[] spans) => Walk(new DataQualityCounters(), spans);

        private static void AssertPartition(RootAnalysis r) => Assert.Equal(r.DurationNanos, r.CriticalNanos.Values.Sum());

        [Fact]
        public void SequentialChildrenTakeTheirTimeAndGapsGoToTheParent()
        {
            var r = Walk(
                S(1, 0, 0, 100, "root"),
                S(2, 1, 10, 40, "a"),
                S(3, 1, 50, 90, "b"));
            Assert.Equal(30, r.CriticalNanos["a"]);
            Assert.Equal(40, r.CriticalNanos["b"]);
            Assert.Equal(30, r.CriticalNanos["root"]);
            AssertPartition(r);
        }

        [Fact]
        public void ParallelChildrenOnlyTheLastFinishingOneIsCritical()
        {
            // a and b run together; b finishes last, so a is off the critical path entirely
            // (it starts after b's start is not reached: b covers [10,90]).
            var r = Walk(
                S(1, 0, 0, 100, "root"),
                S(2, 1, 20, 60, "a"),
                S(3, 1, 10, 90, "b"));
            Assert.Equal(80, r.CriticalNanos["b"]);
            Assert.False(r.CriticalNanos.ContainsKey("a"));
            Assert.Equal(20, r.CriticalNanos["root"]);
            Assert.Equal(40, r.SelfNanos["a"]);
            AssertPartition(r);
        }

        [Fact]
        public void ChildThatFinishedBeforeTheCriticalOneStartedIsCriticalToo()
        {
            // b is the last-finishing child; a finished before b started, so the walk continues into a.
            var r = Walk(
                S(1, 0, 0, 100, "root"),
                S(2, 1, 0, 20, "a"),
                S(3, 1, 25, 35, "middle"),
                S(6, 1, 22, 33, "concurrent"),
                S(4, 1, 40, 100, "b"));
            Assert.Equal(60, r.CriticalNanos["b"]);
            Assert.Equal(10, r.CriticalNanos["middle"]);
            Assert.Equal(20, r.CriticalNanos["a"]);
            Assert.Equal(10, r.CriticalNanos["root"]);
            Assert.False(r.CriticalNanos.ContainsKey("concurrent"));
            AssertPartition(r);
        }

        [Fact]
        public void OverflowingChildIsClippedToItsParent()
        {
            var q = new DataQualityCounters();
            var r = Walk(q,
                S(1, 0, 0, 100, "root"),
                S(2, 1, 50, 150, "late"));
            Assert.Equal(50, r.CriticalNanos["late"]);
            Assert.Equal(50, r.CriticalNanos["root"]);
            Assert.Equal(1, q.ClippedSpans);
            AssertPartition(r);
        }

        [Fact]
        public void ChildEntirelyOutsideItsParentIsDroppedAndCounted()
        {
            var q = new DataQualityCounters();
            var r = Walk(q,
                S(1, 0, 0, 100, "root"),
                S(2, 1, 200, 300, "stray"));
            Assert.False(r.CriticalNanos.ContainsKey("stray"));
            Assert.Equal(100, r.CriticalNanos["root"]);
            Assert.Equal(1, q.SpansOutsideParent);
        }

        [Fact]
        public void TiedChildrenAreResolvedTheSameWayWhateverTheInputOrder()
        {
            var spans = new[]
            {
                S(1, 0, 0, 100, "root"),
                S(2, 1, 10, 90, "x"),
                S(3, 1, 10, 90, "y"),
                S(4, 1, 10, 90, "z"),
            };
            var first = Walk(spans);
            var reversed = Walk(spans.Reverse().ToArray());
            Assert.Equal(first.CriticalNanos.OrderBy(k => k.Key).ToList(), reversed.CriticalNanos.OrderBy(k => k.Key).ToList());
            Assert.Equal(80, first.CriticalNanos.Where(k => k.Key != "root").Sum(k => k.Value));
            AssertPartition(first);
        }

        [Fact]
        public void FireAndForgetConsumerDoesNotBlock()
        {
            // root  |0 ............................. 100|
            // publish     |10..20|
            // process              |30 ........................ 130|   ends after the root: nothing waited
            var q = new DataQualityCounters();
            var r = Walk(q,
                S(1, 0, 0, 100, "root", SpanKind.Server),
                S(2, 1, 10, 20, "publish", SpanKind.Producer),
                S(3, 2, 30, 130, "process", SpanKind.Consumer));
            Assert.False(r.CriticalNanos.ContainsKey("process"));
            Assert.Equal(10, r.CriticalNanos["publish"]);
            Assert.Equal(90, r.CriticalNanos["root"]);
            Assert.Equal(100, r.SelfNanos["process"]);
            Assert.Equal(1, q.NonBlockingSubtrees);
            Assert.DoesNotContain(r.Sections, x => x.Queued);
            AssertPartition(r);
        }

        [Fact]
        public void AConsumerTheRootWaitedForIsOnThePathWithItsQueueWait()
        {
            // root  |0 ............................. 100|   still open when process ended: it waited
            // publish     |10..20|
            // queue               |20..30|                    the message waits: process's, queued
            // process                    |30 ........ 95|
            var q = new DataQualityCounters();
            var r = Walk(q,
                S(1, 0, 0, 100, "root", SpanKind.Server),
                S(2, 1, 10, 20, "publish", SpanKind.Producer),
                S(3, 2, 30, 95, "process", SpanKind.Consumer));
            Assert.Equal(75, r.CriticalNanos["process"]);
            Assert.Equal(10, r.CriticalNanos["publish"]);
            Assert.Equal(15, r.CriticalNanos["root"]);
            Assert.Equal(65, r.SelfNanos["process"]);
            Assert.Equal(0, q.NonBlockingSubtrees);
            var queued = Assert.Single(r.Sections, x => x.Queued);
            Assert.Equal((20L, 30L), (queued.Start, queued.End));
            Assert.Equal("process", queued.Span.Label);
            AssertPartition(r);
        }

        [Fact]
        public void AConsumerIsAwaitedByTheNearestAncestorStillOpen()
        {
            // root  |0 ................................. 200|
            // step      |10 ................... 120|            open until process ended: step waited
            // publish       |20..30|
            // process                 |50 .... 110|
            // after                                   |130..190|
            var r = Walk(
                S(1, 0, 0, 200, "root"),
                S(2, 1, 10, 120, "step"),
                S(3, 2, 20, 30, "publish", SpanKind.Producer),
                S(4, 3, 50, 110, "process", SpanKind.Consumer),
                S(5, 1, 130, 190, "after"));
            Assert.Equal(80, r.CriticalNanos["process"]);
            Assert.Equal(10 + 10, r.CriticalNanos["step"]);
            Assert.Equal(10, r.CriticalNanos["publish"]);
            Assert.Equal(20, Assert.Single(r.Sections, x => x.Queued).End - Assert.Single(r.Sections, x => x.Queued).Start);
            AssertPartition(r);
        }

        [Fact]
        public void SmallOverlapFromClockSkewStillCountsAsHappensBefore()
        {
            // a ends 0.5 units after b starts: under 1% of the parent's 1000, so a precedes b.
            var q = new DataQualityCounters();
            var r = Walk(q,
                S(1, 0, 0, 1000, "root"),
                S(2, 1, 100, 505, "a"),
                S(3, 1, 500, 1000, "b"));
            Assert.Equal(500, r.CriticalNanos["b"]);
            Assert.Equal(400, r.CriticalNanos["a"]);
            Assert.Equal(1, q.OverlapsTolerated);
            AssertPartition(r);
        }

        [Fact]
        public void LargeOverlapIsConcurrencyNotSkew()
        {
            var q = new DataQualityCounters();
            var r = Walk(q,
                S(1, 0, 0, 1000, "root"),
                S(2, 1, 100, 700, "a"),
                S(3, 1, 500, 1000, "b"));
            Assert.False(r.CriticalNanos.ContainsKey("a"));
            Assert.Equal(0, q.OverlapsTolerated);
            AssertPartition(r);
        }

        [Fact]
        public void SelfTimeIsNeverNegativeWithParallelChildren()
        {
            var r = Walk(
                S(1, 0, 0, 100, "root"),
                S(2, 1, 0, 100, "a"),
                S(3, 1, 0, 100, "b"),
                S(4, 1, 0, 100, "c"));
            Assert.Equal(0, r.SelfNanos.TryGetValue("root", out var v) ? v : 0);
            Assert.All(r.SelfNanos.Values, x => Assert.True(x >= 0));
        }

        [Fact]
        public void SectionsPartitionTheRootInTimeOrder()
        {
            var r = Walk(
                S(1, 0, 0, 100, "root"),
                S(2, 1, 10, 40, "a"),
                S(5, 2, 15, 35, "a1"),
                S(3, 1, 50, 90, "b"));
            var ordered = r.Sections.OrderBy(s => s.Start).ToList();
            Assert.Equal(0, ordered[0].Start);
            Assert.Equal(100, ordered[^1].End);
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.Equal(ordered[i - 1].End, ordered[i].Start);
            }
        }

        [Fact]
        public void CyclesAndSelfParentsAreCutAndCounted()
        {
            var spans = new List<SpanRecord>
            {
                S(1, 0, 0, 100, "root"),
                S(2, 1, 10, 20, "ok"),
                S(3, 4, 10, 20, "loop-a"),
                S(4, 3, 10, 20, "loop-b"),
                S(5, 5, 10, 20, "self"),
            };
            var tree = TraceTree.Build(Trace, spans);
            Assert.Equal(3, tree.Cycles);
            var r = CriticalPath.Analyze(tree, System.Array.FindIndex(tree.Spans, s => s.SpanId == 1), new DataQualityCounters());
            Assert.Equal(100, r.DurationNanos);
            AssertPartition(r);
        }

        [Fact]
        public void TreesBuiltWithSharedBuffersDoNotSeeTheLastTracesSpanIds()
        {
            var buffers = new RootWalkBuffers();
            var big = Enumerable.Range(1, 5000).Select(i => S((ulong)i, i == 1 ? 0UL : 1UL, i, 10_000, "x")).ToList();
            foreach (var first in new[] { new List<SpanRecord> { S(1, 0, 0, 100, "root"), S(2, 1, 10, 40, "a") }, big })
            {
                TraceTree.Build(Trace, first, buffers);
                var tree = TraceTree.Build(Trace, new List<SpanRecord> { S(7, 0, 0, 100, "root"), S(8, 2, 10, 40, "orphan") }, buffers);
                Assert.Equal(1, tree.Orphans);
                Assert.Equal(-1, tree.Parent[1]);
                var again = TraceTree.Build(Trace, first, buffers);
                Assert.Equal(first.Count - 1, Enumerable.Range(0, again.Spans.Length).Count(i => again.Parent[i] >= 0));
            }
        }

        [Fact]
        public void OrphansAndDuplicatesAreCounted()
        {
            var tree = TraceTree.Build(Trace, new List<SpanRecord>
            {
                S(1, 0, 0, 100, "root"),
                S(2, 99, 10, 20, "orphan"),
                S(3, 1, 10, 20, "dup"),
                S(3, 1, 10, 30, "dup"),
            });
            Assert.Equal(1, tree.Orphans);
            Assert.Equal(1, tree.Duplicates);
        }

        [Fact]
        public void AMillionSpanChainIsWalkedWithoutRecursion()
        {
            // A chain a million deep would overflow any recursive walk; it also checks the partition.
            const int n = 1_000_000;
            var spans = new List<SpanRecord>(n);
            for (var i = 0; i < n; i++)
            {
                spans.Add(S((ulong)i + 1, (ulong)i, i, 2L * n - i, (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            var q = new DataQualityCounters();
            var tree = TraceTree.Build(Trace, spans);
            var r = CriticalPath.Analyze(tree, 0, q);
            Assert.Equal(2L * n, r.DurationNanos);
            AssertPartition(r);
            Assert.Equal(n, r.SpanCounts.Values.Sum());
            Assert.Equal(0, q.ClippedSpans);
        }

        [Fact]
        public void AMillionSpanWideTreeIsWalked()
        {
            const int n = 1_000_000;
            var spans = new List<SpanRecord>(n) { S(1, 0, 0, 10L * n, "root") };
            for (var i = 1; i < n; i++)
            {
                var parent = (ulong)(i <= 1000 ? 1 : 2 + (i % 1000));
                var start = (long)(i % 1000) * 10;
                spans.Add(S((ulong)i + 1, parent, start, start + 5 + (i % 13), "w" + (i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            var tree = TraceTree.Build(Trace, spans);
            var r = CriticalPath.Analyze(tree, 0, new DataQualityCounters());
            AssertPartition(r);
        }
    }
}
