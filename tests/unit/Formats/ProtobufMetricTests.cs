using System.Collections.Generic;
using System.Linq;
using System.Text;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Tests.Signals;
using Chartly.TelemetryGen;
using Xunit;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>Every metric shape the profiler reads gives the same samples from protobuf as from JSON.</summary>
    public class ProtobufMetricTests
    {
        [Fact]
        public void GaugesSumsAndHistogramsReadTheSameFromProtobuf()
        {
            var scrapes = MetricJson.Scrapes().ToList();
            var lines = Scenario.PodMetrics(new Dictionary<string, string?>
            {
                ["container.memory.working_set"] = MetricJson.Gauge("container.memory.working_set", "By", scrapes.Select(t => new MPoint(t, Int: 1_000_000 + t))),
                ["container.cpu.time"] = MetricJson.Sum("container.cpu.time", "s", 1, true, scrapes.Select(t => new MPoint(t, Double: 0.5, StartMs: t - 15_000))),
                ["db.client.connection.wait_time"] = MetricJson.Histogram("db.client.connection.wait_time", "s", 2, scrapes.Select((t, i) => new MPoint(t, StartMs: 0, Count: 10 * (i + 1), Sum: 0.25 * (i + 1)))),
            });
            var json = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
            var proto = CollectorFiles.Write(json, CollectorFormat.Proto);

            var (expected, expectedStats, _) = LayoutRead.Metrics(json, MetricRead.Query());
            var (actual, stats, q) = LayoutRead.Metrics(proto, MetricRead.Query());

            Assert.Equal(0, q.MalformedRecords);
            Assert.Equal(2, q.MetricRecords);
            Assert.Equal(expectedStats.PointsUsed, stats.PointsUsed);
            Assert.Equal(expectedStats.PointsInvalid, stats.PointsInvalid);
            foreach (var metric in new[] { CanonicalMetrics.MemoryWorkingSet, CanonicalMetrics.CpuUsage, CanonicalMetrics.DbPoolWaitTime, CanonicalMetrics.CpuCfsThrottledPeriods })
            {
                Assert.NotEmpty(MetricRead.Of(expected, metric));
            }

            Assert.Equal(expected, actual);
        }
    }
}
