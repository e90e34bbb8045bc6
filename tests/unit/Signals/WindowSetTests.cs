using System.Collections.Generic;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
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

        private static MetricSample Gauge(long at) => new("container.cpu.utilization", Pod, at, 0, 1, "container.cpu.utilization");
    }
}
