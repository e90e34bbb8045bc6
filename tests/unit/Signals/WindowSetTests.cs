using System.Collections.Generic;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>Windows are merged when first asked about: the answers must be those of the intervals as they were when the set was made.</summary>
    public class WindowSetTests
    {
        private static readonly MetricResource Pod = new("prod", "ns", "svc", "svc-0", "app", "node-1");
        private static readonly MetricResource Idle = new("prod", "ns", "svc", "svc-1", "app", "node-1");

        [Fact]
        public void OverlappingAndTouchingIntervalsMergeInAnyOrder()
        {
            var set = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>>
            {
                [Pod] = new() { (50, 60), (10, 20), (15, 30), (30, 40), (10, 12), (70, 70) },
                [Idle] = new() { (5, 5), (9, 3) },
            });
            Assert.Equal(new[] { Pod }, set.Resources);
            Assert.Equal(40, set.TotalNanos(Pod));
            Assert.Equal(0, set.TotalNanos(Idle));
            Assert.True(set.Overlaps(Pod, Gauge(35)));
            Assert.False(set.Overlaps(Pod, Gauge(45)));
            Assert.False(set.Overlaps(Pod, Gauge(70)));
        }

        [Fact]
        public void IntervalsAddedAfterwardsAreNotInAnEarlierSet()
        {
            var list = new List<(long Start, long End)> { (10, 20) };
            var set = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [Pod] = list });
            list.Add((100, 200));
            Assert.Equal(10, set.TotalNanos(Pod));
            Assert.False(set.Overlaps(Pod, Gauge(150)));
        }

        [Fact]
        public void TheTargetsWindowsAreTheUnionOfItsSpansNestedOrNot()
        {
            // Spans inside the last interval of their resource are not stored: the union must not notice.
            var trace = new TraceId(3, 3);
            var pod = new ResourceInfo("svc", "ns", "prod", "1", "svc-0", "app", "node-1");
            var idle = new ResourceInfo("svc", "ns", "prod", "1", "svc-1", "app", "node-1");
            SpanRecord S(ulong id, ulong parent, long start, long end, ResourceInfo r) =>
                new(trace, id, parent, start, end, SpanKind.Internal, 0, r, "x" + id, TargetIdentity.None, 0, 0);
            var tree = TraceTree.Build(trace, new List<SpanRecord>
            {
                S(1, 0, 0, 100, pod), S(2, 1, 10, 20, pod), S(3, 2, 12, 18, pod), S(4, 1, 50, 150, pod), S(5, 1, 60, 60, idle),
                S(6, 1, 200, 260, pod), S(7, 6, 210, 220, pod), S(8, 1, 90, 120, pod), S(9, 1, 255, 300, pod),
            });
            var evidence = new SpanEvidence();
            evidence.AddRoot(CriticalPath.Analyze(tree, 0, new DataQualityCounters()));
            var windows = evidence.Windows();
            var r = Assert.Single(windows.Resources);
            Assert.Equal(150 + 100, windows.TotalNanos(r));
            Assert.Equal(0, evidence.MinStartUnixNano);
            Assert.Equal(300, evidence.MaxEndUnixNano);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        public void IntervalsAddedToTheUnionGiveTheWindowsOfAllOfThem(int seed)
        {
            // Nested, touching, overlapping, disjoint and empty intervals in runs, as a root's subtree
            // gives them: the widened list must have the windows of the list that kept every one.
            var random = new System.Random(seed);
            var all = new List<(long Start, long End)>();
            var widened = new List<(long Start, long End)>();
            long at = 0;
            for (var i = 0; i < 5_000; i++)
            {
                at += random.Next(-40, 60);
                var start = at + random.Next(-20, 20);
                var end = start + random.Next(-5, 50);
                all.Add((start, end));
                WindowSet.AddToUnion(widened, start, end);
            }

            Assert.True(widened.Count < all.Count * 3 / 4, $"{widened.Count} of {all.Count} stored");
            var expected = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [Pod] = all });
            var actual = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [Pod] = widened });
            Assert.Equal(expected.TotalNanos(Pod), actual.TotalNanos(Pod));
            for (var t = -500L; t < at + 500; t += 3)
            {
                Assert.Equal(expected.Overlaps(Pod, Gauge(t)), actual.Overlaps(Pod, Gauge(t)));
            }
        }

        [Fact]
        public void ALastIntervalWidenedAfterwardsIsNotWiderInAnEarlierSet()
        {
            var list = new List<(long Start, long End)>();
            WindowSet.AddToUnion(list, 10, 20);
            var set = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [Pod] = list });
            WindowSet.AddToUnion(list, 15, 40);
            WindowSet.AddToUnion(list, 0, 10);
            Assert.Equal(new[] { (0L, 40L) }, list);
            Assert.Equal(10, set.TotalNanos(Pod));
            Assert.False(set.Overlaps(Pod, Gauge(30)));
        }

        [Fact]
        public void AnEmptyIntervalWidensNothing()
        {
            var list = new List<(long Start, long End)>();
            WindowSet.AddToUnion(list, 10, 20);
            WindowSet.AddToUnion(list, 5, 5);
            WindowSet.AddToUnion(list, 30, 12);
            Assert.Equal((10L, 20L), list[0]);
            var set = WindowSet.From(new Dictionary<MetricResource, List<(long Start, long End)>> { [Pod] = list });
            Assert.Equal(10, set.TotalNanos(Pod));
        }

        private static MetricSample Gauge(long at) => new("container.cpu.utilization", Pod, at, 0, 1, "container.cpu.utilization");
    }
}
