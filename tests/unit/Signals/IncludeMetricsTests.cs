using System.Linq;
using System.Management.Automation;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Signals.Scenario;

namespace Chartly.Profiler.Tests.Signals
{
    /// <summary>--include-metrics / -IncludeMetric: an explicit allowlist of signal names.</summary>
    public class IncludeMetricsTests
    {
        private static string[] ThrottledWorker() => PodMetrics(new System.Collections.Generic.Dictionary<string, string?>
        {
            ["container_cpu_cfs_throttled_periods_total"] = MetricJson.Sum("container_cpu_cfs_throttled_periods_total", string.Empty, 2, true, MetricJson.Counter(0.1, 4, StepStart, StepEnd)),
        });

        [Fact]
        public void AnUnknownNameIsAnInvalidArgumentListingTheValidOnes()
        {
            var e = Run.Fails(() => SignalCatalog.Canonicalize(new[] { "cpu_utilization", "gpu_utilization" }));
            Assert.Equal(ProfilerErrorKind.InvalidArgument, e.Kind);
            Assert.Equal("UnknownMetric", e.ErrorId);
            Assert.Equal(2, e.ExitCode);
            Assert.Contains("'gpu_utilization'", e.Message);
            Assert.Contains("Valid names: cpu_utilization, memory_utilization, io_wait, throttling, backpressure.", e.Message);
        }

        [Fact]
        public void TheEngineRejectsAnUnknownNameBeforeReadingAnything()
        {
            var request = Run.Request("run", "run-1004") with { IncludeMetrics = new[] { "latency" } };
            var e = Run.Fails(() => new ProfileEngine().Run(request, ConfigLoader.Load(Repo.SampleConfig)));
            Assert.Equal("UnknownMetric", e.ErrorId);
            var plan = Run.Fails(() => new ProfileEngine().Plan(request, ConfigLoader.Load(Repo.SampleConfig)));
            Assert.Equal("UnknownMetric", plan.ErrorId);
        }

        [Fact]
        public void NamesAreMatchedWithoutCaseAndCanonicalised()
        {
            Assert.Equal(new[] { "io_wait", "throttling" }, SignalCatalog.Canonicalize(new[] { "Throttling", " io_wait ", "THROTTLING" }));
            Assert.Empty(SignalCatalog.Canonicalize(System.Array.Empty<string>()));

            var a = Run.Request("run", "run-1004") with { IncludeMetrics = new[] { "Throttling" } };
            var b = Run.Request("run", "run-1004") with { IncludeMetrics = new[] { "throttling" } };
            var config = ConfigLoader.Load(Repo.SampleConfig);
            Assert.Equal(new ProfileEngine().Plan(a, config).CorrelationId, new ProfileEngine().Plan(b, config).CorrelationId);
        }

        [Fact]
        public void ExcludedSignalsKeepTheirPlaceAndSayExcluded()
        {
            var all = Profile(Traces(), ThrottledWorker());
            var only = Profile(Traces(), ThrottledWorker(), "throttling");

            Assert.Equal(all.Signals.Select(s => s.Name), only.Signals.Select(s => s.Name));
            foreach (var s in only.Signals.Where(s => s.Name != "throttling"))
            {
                Assert.Equal("excluded", s.Status);
                Assert.Null(s.Avg);
                Assert.Null(s.Max);
                Assert.Equal(0, s.Samples);
                Assert.Empty(s.Measures);
            }

            Assert.Equal("ok", Signal(only, "throttling").Status);
            Assert.Equal("throttling", only.Summary.BottleneckKind);

            // Only the metrics the allowlist needs were kept: fewer points, and the same throttling numbers.
            Assert.True(only.DataQuality.MetricPointsUsed < all.DataQuality.MetricPointsUsed);
            Assert.Equal(Signal(all, "throttling").Avg, Signal(only, "throttling").Avg);

            // The document keeps the same keys for an excluded signal.
            var doc = ProfileDocument.ToDoc(only);
            var signals = (DocList)doc.Get("signals")!;
            var keys = signals.Items.Cast<DocMap>().Select(m => string.Join(",", m.Entries.Select(e => e.Key))).Distinct().ToList();
            Assert.Single(keys);
        }

        [Fact]
        public void LeavingOutThrottlingLeavesTheKindToTheRest()
        {
            var p = Profile(Traces(), ThrottledWorker(), "cpu_utilization");
            Assert.Equal("unknown", p.Summary.BottleneckKind);
            Assert.Equal("excluded", Signal(p, "throttling").Status);
            Assert.DoesNotContain(p.Findings, f => f.Metrics.Any(m => m.Metric.StartsWith("throttling.", System.StringComparison.Ordinal)));
        }

        [Fact]
        public void TheProfileCmdletTakesTheAllowlistInAnyCase()
        {
            using var ps = PowerShell.Create();
            ps.AddCommand("Import-Module").AddParameter("Assembly", typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly).Invoke();
            ps.Commands.Clear();
            ps.AddCommand("Get-ChartlyProfile")
                .AddParameter("Environment", "dev")
                .AddParameter("TargetType", "run")
                .AddParameter("TargetId", "run-1004")
                .AddParameter("WindowStart", Run.SampleStart)
                .AddParameter("WindowEnd", Run.SampleEnd)
                .AddParameter("ConfigPath", Repo.SampleConfig)
                .AddParameter("IncludeMetric", new[] { "THROTTLING", "io_wait" });
            var output = ps.Invoke();
            Assert.Empty(ps.Streams.Error);
            var p = Assert.IsType<Chartly.Profiler.Model.Profile>(Assert.Single(output).BaseObject);
            Assert.Equal(new[] { "excluded", "excluded", "ok", "ok", "excluded" }, p.Signals.Select(s => s.Status));
            Assert.Equal("throttling", p.Summary.BottleneckKind);

            var request = Run.Request("run", "run-1004") with { IncludeMetrics = new[] { "io_wait", "throttling" } };
            Assert.Equal(new ProfileEngine().Plan(request, ConfigLoader.Load(Repo.SampleConfig)).CorrelationId, p.Header.CorrelationId);
        }

        [Fact]
        public void ThePlanCmdletFailsWithTheUnknownMetricErrorId()
        {
            using var ps = PowerShell.Create();
            ps.AddCommand("Import-Module").AddParameter("Assembly", typeof(Chartly.Profiler.Cmdlets.GetChartlyProfilePlanCommand).Assembly).Invoke();
            ps.Commands.Clear();
            ps.AddCommand("Get-ChartlyProfilePlan")
                .AddParameter("Environment", "dev")
                .AddParameter("TargetType", "run")
                .AddParameter("TargetId", "run-1004")
                .AddParameter("WindowStart", Run.SampleStart)
                .AddParameter("WindowEnd", Run.SampleEnd)
                .AddParameter("ConfigPath", Repo.SampleConfig)
                .AddParameter("IncludeMetric", new[] { "cpu_utilization,disk_latency" });
            ps.Invoke();
            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("UnknownMetric,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }
    }
}
