using System.Collections.Generic;
using System.Linq;
using System.Text;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Tests.Formats;
using Chartly.Profiler.Tests.Signals;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Telemetry
{
    /// <summary>Metric names, units, label keys and values are read with the span side's tolerant text helpers.</summary>
    public class MetricTextTests
    {
        /// <summary>The line's bytes with every marker replaced by invalid UTF-8 (a lead byte, then '(').</summary>
        private static byte[] WithInvalidUtf8(string line, string marker)
        {
            var parts = line.Split(marker);
            Assert.True(parts.Length > 1);
            var invalid = new byte[] { 0xC3, 0x28 };
            return parts.Select(p => Encoding.UTF8.GetBytes(p)).Aggregate((a, b) => a.Concat(invalid).Concat(b).ToArray());
        }

        [Fact]
        public void InvalidUtf8InMetricAttributesCostsNeitherThePointNorTheRecord()
        {
            var attrs = new Dictionary<string, string> { ["cpu"] = "core-MARK", ["MARK"] = "x" };
            var line = MetricJson.Line(
                Scenario.Worker,
                MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.5, Attrs: attrs), new MPoint(30_000, Double: 0.7, Attrs: attrs) }));
            var (samples, stats, quality) = LayoutRead.Metrics(WithInvalidUtf8(line, "MARK"), MetricRead.Query());

            Assert.Equal(0, quality.MalformedRecords);
            Assert.Equal(1, quality.MetricRecords);
            Assert.Equal(2, stats.PointsUsed);
            Assert.Equal(new[] { 0.5, 0.7 }, MetricRead.Of(samples, CanonicalMetrics.CpuLimitUtilization).Select(s => s.Value));
        }

        [Fact]
        public void InvalidUtf8InAMetricNameIsAnUnknownMetricNotABrokenRecord()
        {
            var line = MetricJson.Line(
                Scenario.Worker,
                MetricJson.Gauge("k8s.container.MARK", "1", new[] { new MPoint(15_000, Double: 0.5) }),
                MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.25) }));
            var (samples, _, quality) = LayoutRead.Metrics(WithInvalidUtf8(line, "MARK"), MetricRead.Query());

            Assert.Equal(0, quality.MalformedRecords);
            Assert.Equal(new[] { 0.25 }, MetricRead.Of(samples, CanonicalMetrics.CpuLimitUtilization).Select(s => s.Value));
        }
    }
}
