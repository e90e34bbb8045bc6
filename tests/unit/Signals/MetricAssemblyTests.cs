using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.MetricRead;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>Raw OTLP points to canonical samples: gauges, delta and cumulative sums, resets, histograms, gaps, order.</summary>
    public class MetricAssemblyTests
    {
        private static readonly Dictionary<string, string> WorkerPod = Scenario.Worker;

        private static string Line(params string[] metrics) => MetricJson.Line(WorkerPod, metrics);

        private static void Near(double expected, double actual) => Assert.True(Math.Abs(expected - actual) < 1e-9, $"expected {expected}, got {actual}");

        [Fact]
        public void CumulativeCounterBecomesRatesAndAResetIsTheIncreaseSinceTheRestart()
        {
            var points = new[] { 100.0, 107.5, 115.0, 3.0, 10.5 }.Select((v, i) => new MPoint(i * 15_000L, Double: v, StartMs: -3_600_000));
            var (samples, stats, _) = Read(Line(MetricJson.Sum("container_cpu_usage_seconds_total", "s", 2, true, points)), Query());

            var usage = Of(samples, CanonicalMetrics.CpuUsage);
            Assert.Equal(new[] { 15_000L, 30_000, 45_000, 60_000 }, usage.Select(s => (s.TimeUnixNano - Otlp.BaseNanos) / 1_000_000));
            Near(0.5, usage[0].Value);
            Near(0.5, usage[1].Value);
            Near(3.0 / 15, usage[2].Value);
            Near(0.5, usage[3].Value);
            Assert.All(usage, s => Assert.Equal(15_000_000_000L, s.IntervalNanos));
            Assert.Equal(1, stats.CounterResets);
            Assert.Equal("container_cpu_usage_seconds_total", usage[0].Source);
        }

        [Fact]
        public void ANewStartTimeIsARestartEvenWhenTheValueGrew()
        {
            var points = new[]
            {
                new MPoint(0, Double: 100, StartMs: -3_600_000),
                new MPoint(15_000, Double: 107.5, StartMs: -3_600_000),
                new MPoint(30_000, Double: 200, StartMs: 20_000),
            };
            var (samples, stats, _) = Read(Line(MetricJson.Sum("container.cpu.time", "s", 2, true, points)), Query());

            var usage = Of(samples, CanonicalMetrics.CpuUsage);
            Near(0.5, usage[0].Value);
            Near(200.0 / 10, usage[1].Value);
            Assert.Equal(10_000_000_000L, usage[1].IntervalNanos);
            Assert.Equal(1, stats.CounterResets);
        }

        [Fact]
        public void ACounterWithARecentStartGivesARateFromItsFirstPoint()
        {
            var points = new[] { new MPoint(15_000, Double: 7.0, StartMs: 1_000), new MPoint(30_000, Double: 14.5, StartMs: 1_000) };
            var (samples, _, _) = Read(Line(MetricJson.Sum("container.cpu.time", "s", 2, true, points)), Query());

            var usage = Of(samples, CanonicalMetrics.CpuUsage);
            Assert.Equal(2, usage.Count);
            Near(0.5, usage[0].Value);
            Assert.Equal(14_000_000_000L, usage[0].IntervalNanos);
            Near(0.5, usage[1].Value);
        }

        [Fact]
        public void DeltaSumsAreRatesOverTheirOwnInterval()
        {
            var points = new[]
            {
                new MPoint(15_000, Double: 7.5, StartMs: 0),
                new MPoint(30_000, Double: 3.0, StartMs: 15_000),
                new MPoint(45_000, Double: 15.0), // no start: the step since the previous point
            };
            var (samples, stats, _) = Read(Line(MetricJson.Sum("container.cpu.time", "s", 1, true, points)), Query());

            var usage = Of(samples, CanonicalMetrics.CpuUsage);
            Assert.Equal(3, usage.Count);
            Near(0.5, usage[0].Value);
            Near(0.2, usage[1].Value);
            Near(1.0, usage[2].Value);
            Assert.Equal(0, stats.CounterResets);
        }

        [Fact]
        public void CumulativeAndDeltaHistogramsGiveTheMeanOfTheInterval()
        {
            var cumulative = new[]
            {
                new MPoint(0, StartMs: -60_000, Count: 10, Sum: 1.0),
                new MPoint(15_000, StartMs: -60_000, Count: 20, Sum: 3.0),
            };
            var delta = new[] { new MPoint(30_000, StartMs: 15_000, Count: 5, Sum: 0.5) };
            var (c, _, _) = Read(Line(MetricJson.Histogram("db.client.connection.wait_time", "s", 2, cumulative)), Query());
            var (d, _, _) = Read(Line(MetricJson.Histogram("db.client.connection.wait_time", "s", 1, delta)), Query());

            Near(200.0, Of(c, CanonicalMetrics.DbPoolWaitTime).Single().Value);
            Near(100.0, Of(d, CanonicalMetrics.DbPoolWaitTime).Single().Value);
        }

        [Fact]
        public void AnIntervalWithoutAcquisitionsIsNoSampleNotAZeroWait()
        {
            var points = new[]
            {
                new MPoint(0, StartMs: -60_000, Count: 10, Sum: 1.0),
                new MPoint(15_000, StartMs: -60_000, Count: 10, Sum: 1.0),
            };
            var (samples, _, _) = Read(Line(MetricJson.Histogram("db.client.connection.wait_time", "s", 2, points)), Query());
            Assert.Empty(Of(samples, CanonicalMetrics.DbPoolWaitTime));
        }

        [Fact]
        public void AGaugeDescribesTheStepSinceItsPreviousPoint()
        {
            var points = new[] { new MPoint(15_000, Double: 0.1), new MPoint(30_000, Double: 0.2), new MPoint(50_000, Double: 0.3) };
            var (samples, _, _) = Read(Line(MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", points)), Query());

            var s = Of(samples, CanonicalMetrics.CpuLimitUtilization);
            Assert.Equal(new[] { 15_000_000_000L, 15_000_000_000L, 20_000_000_000L }, s.Select(x => x.IntervalNanos));
            Assert.True(s[2].Overlaps(Nanos(31_000), Nanos(32_000)));
            Assert.False(s[2].Overlaps(Nanos(50_000), Nanos(60_000)));
            Assert.False(s[1].Overlaps(Nanos(10_000), Nanos(15_000)));
        }

        [Fact]
        public void MissedScrapesAreCountedAsGaps()
        {
            var points = new[] { 0L, 15_000, 30_000, 90_000, 105_000, 120_000 }.Select(t => new MPoint(t, Double: 0.5));
            var (_, stats, _) = Read(Line(MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", points)), Query());
            Assert.Equal(1, stats.SeriesGaps);
            Assert.Equal(1, stats.SeriesUsed);
            Assert.Equal(6, stats.PointsUsed);
        }

        [Fact]
        public void FileOrderAndDuplicatePointsDoNotChangeTheSamples()
        {
            var points = MetricJson.Counter(1, 3, 30_000, 60_000).ToList();
            var lines = points.Select(p => Line(MetricJson.Sum("container_cpu_usage_seconds_total", "s", 2, true, new[] { p }))).ToList();
            var forward = string.Join("\n", lines);
            var shuffled = string.Join("\n", lines.AsEnumerable().Reverse().Concat(lines.Take(3)));

            var (a, _, _) = Read(forward, Query());
            var (b, _, _) = Read(shuffled, Query());
            Assert.Equal(a.Count, b.Count);
            Assert.Equal(a.Select(s => (s.Metric, s.TimeUnixNano, s.IntervalNanos, s.Value)), b.Select(s => (s.Metric, s.TimeUnixNano, s.IntervalNanos, s.Value)));
        }

        [Fact]
        public void TwoNamesForOneQuantityOnOneResourceAreNotCountedTwice()
        {
            var scrapes = MetricJson.Scrapes(0, 60_000).ToList();
            var text = Line(
                MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, scrapes.Select(t => new MPoint(t, Double: 2e9))),
                MetricJson.Gauge("container.memory.working_set", "By", scrapes.Select(t => new MPoint(t, Int: 1_000_000_000))));
            var (samples, _, _) = Read(text, Query());

            // The scrape at the range's start describes the step before it: not a sample of the range.
            var ws = Of(samples, CanonicalMetrics.MemoryWorkingSet);
            Assert.Equal(scrapes.Count - 1, ws.Count);
            Assert.All(ws, s => Assert.Equal("container.memory.working_set", s.Source));
        }

        [Fact]
        public void RatiosAreDerivedWhereNoSourceGivesThemDirectly()
        {
            var scrapes = MetricJson.Scrapes(0, 60_000).ToList();
            var text = Line(
                MetricJson.Sum("container_cpu_cfs_periods_total", string.Empty, 2, true, MetricJson.Counter(10, 10, 0, 0).Take(5)),
                MetricJson.Sum("container_cpu_cfs_throttled_periods_total", string.Empty, 2, true, MetricJson.Counter(4, 4, 0, 0).Take(5)),
                MetricJson.Sum("container_cpu_usage_seconds_total", "s", 2, true, MetricJson.Counter(0.25, 0.25, 0, 0).Take(5)),
                MetricJson.Gauge("container_spec_cpu_quota", string.Empty, new[] { new MPoint(0, Double: 50_000) }),
                MetricJson.Gauge("container_spec_cpu_period", string.Empty, new[] { new MPoint(0, Double: 100_000) }),
                MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, scrapes.Select(t => new MPoint(t, Double: 768L << 20))),
                MetricJson.Gauge("container_spec_memory_limit_bytes", string.Empty, new[] { new MPoint(0, Double: 1L << 30) }));
            var (samples, _, _) = Read(text, Query());

            var throttle = Of(samples, CanonicalMetrics.CpuThrottleRatio);
            Assert.Equal(4, throttle.Count);
            Assert.All(throttle, s => Near(0.4, s.Value));
            Assert.Equal("container_cpu_cfs_throttled_periods_total/container_cpu_cfs_periods_total", throttle[0].Source);

            // The limit was scraped once, before the rest: it is the limit in force for every later sample.
            var cpu = Of(samples, CanonicalMetrics.CpuLimitUtilization);
            Assert.Equal(4, cpu.Count);
            Assert.All(cpu, s => Near(0.5, s.Value));

            var mem = Of(samples, CanonicalMetrics.MemoryLimitUtilization);
            Assert.Equal(scrapes.Count - 1, mem.Count);
            Assert.All(mem, s => Near(0.75, s.Value));
        }

        [Fact]
        public void AnUnlimitedMemoryLimitDividesNothing()
        {
            var text = Line(
                MetricJson.Gauge("container_memory_working_set_bytes", string.Empty, new[] { new MPoint(15_000, Double: 1e9) }),
                MetricJson.Gauge("container_spec_memory_limit_bytes", string.Empty, new[] { new MPoint(15_000, Double: 9.2233720368547758e18) }));
            var (samples, _, _) = Read(text, Query());
            Assert.Empty(Of(samples, CanonicalMetrics.MemoryLimitUtilization));
            Assert.Single(Of(samples, CanonicalMetrics.MemoryWorkingSet));
        }

        [Fact]
        public void OnlyTheMetricsTheQueryNamesAreKept()
        {
            var text = Line(
                MetricJson.Gauge("k8s.container.cpu_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.5) }),
                MetricJson.Gauge("k8s.container.memory_limit_utilization", "1", new[] { new MPoint(15_000, Double: 0.5) }));
            var (samples, stats, _) = Read(text, Query(metrics: CanonicalMetrics.MemoryLimitUtilization));
            Assert.Equal(new[] { CanonicalMetrics.MemoryLimitUtilization }, samples.Select(s => s.Metric).Distinct());
            Assert.Equal(1, stats.PointsUsed);
        }
    }
}
