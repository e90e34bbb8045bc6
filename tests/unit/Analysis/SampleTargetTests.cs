using System.Linq;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>Every target type against the bundled sample telemetry (samples/telemetry/README.md lists the answers).</summary>
    public class SampleTargetTests
    {
        [Fact]
        public void SlowRunIsDominatedByTheAnalyticsQuery()
        {
            var p = Run.Sample("run", "run-1004");
            Assert.Equal(7507, p.Summary.TotalDurationMs);
            Assert.Equal("analytics_query_exec", p.Summary.Bottleneck);
            Assert.Equal("analytics_query_exec", p.Breakdown[0].Component);
            Assert.Equal(1, p.Summary.Roots.Count);
            Assert.Equal(p.Summary.TotalDurationMs, p.Breakdown.Sum(b => b.DurationMs));
            Assert.Equal(100.0m, p.Breakdown.Sum(b => b.Pct));
            Assert.Equal(0, p.DataQuality.MalformedRecords);
        }

        [Fact]
        public void BreakdownIsSortedByDescendingContributionThenName()
        {
            var p = Run.Sample("workflow", "wf-daily-report");
            for (var i = 1; i < p.Breakdown.Count; i++)
            {
                var a = p.Breakdown[i - 1];
                var b = p.Breakdown[i];
                Assert.True(a.DurationMs > b.DurationMs || (a.DurationMs == b.DurationMs && (a.SelfMs > b.SelfMs || (a.SelfMs == b.SelfMs && string.CompareOrdinal(a.Component, b.Component) < 0))));
            }
        }

        [Fact]
        public void WorkflowByIdAndByNameSelectTheSameRuns()
        {
            var byId = Run.Sample("workflow", "wf-daily-report");
            var byName = Run.Sample("workflow", "daily-report");
            Assert.Equal(7, byId.Summary.Roots.Count);
            Assert.Equal(byId.Summary.TotalDurationMs, byName.Summary.TotalDurationMs);
            Assert.Equal(byId.Summary.Roots.SamplesMs, byName.Summary.Roots.SamplesMs);
            Assert.True(byId.Summary.Roots.P95Ms >= byId.Summary.Roots.P50Ms);
            Assert.Equal(7507, byId.Summary.Roots.MaxMs);
        }

        [Fact]
        public void AmbiguousRunIdListsTheWorkflows()
        {
            var e = Run.Fails(() => Run.Sample("run", "run-dup-1"));
            Assert.Equal("TargetAmbiguous", e.ErrorId);
            Assert.Equal(3, e.ExitCode);
            Assert.Contains("wf-daily-report", e.Message);
            Assert.Contains("wf-weekly-a", e.Message);
        }

        [Fact]
        public void AmbiguousWorkflowNameListsTheIds()
        {
            var e = Run.Fails(() => Run.Sample("workflow", "weekly-digest"));
            Assert.Equal("TargetAmbiguous", e.ErrorId);
            Assert.Contains("wf-weekly-a, wf-weekly-b", e.Message);
        }

        [Fact]
        public void ServiceInTwoNamespacesIsAmbiguousUntilQualified()
        {
            var e = Run.Fails(() => Run.Sample("service", "chartly-analytics"));
            Assert.Equal("TargetAmbiguous", e.ErrorId);
            Assert.Contains("analytics-blue/chartly-analytics", e.Message);
            Assert.Contains("analytics-green/chartly-analytics", e.Message);

            Assert.Equal(27, Run.Sample("service", "analytics-blue/chartly-analytics").Summary.Roots.Count);
            Assert.Equal(13, Run.Sample("service", "analytics-green/chartly-analytics").Summary.Roots.Count);
        }

        [Fact]
        public void ConnectorAllRunsAndOneRun()
        {
            Assert.Equal(2, Run.Sample("connector", "conn-salesforce").Summary.Roots.Count);
            var one = Run.Sample("connector", "conn-salesforce/cr-502");
            Assert.Equal(1, one.Summary.Roots.Count);
            // The consumer of the published records runs after the producer: not on the critical path.
            Assert.True(one.DataQuality.NonBlockingSubtrees >= 1);
            Assert.DoesNotContain(one.Breakdown, b => b.Component == "process records" && b.DurationMs > 0);
        }

        [Fact]
        public void OperationFromAPrettyPrintedFile()
        {
            var p = Run.Sample("operation", "op-7f3a");
            Assert.Equal(90_000, p.Summary.TotalDurationMs);
            Assert.Contains(p.Breakdown, b => b.Component == "compress");
            Assert.Contains(p.Breakdown, b => b.Component == "GET /operations/{id}/status");
        }

        [Fact]
        public void NotFoundAndOutsideTheWindowAreDistinctPreconditionFailures()
        {
            var missing = Run.Fails(() => Run.Sample("run", "run-9999"));
            Assert.Equal("TargetNotFound", missing.ErrorId);
            Assert.Equal(3, missing.ExitCode);

            var outside = Run.Fails(() => Run.Profile(Repo.SampleConfig, "run", "run-1004", "2026-11-24T10:00:00Z", "2026-11-24T10:30:00Z"));
            Assert.Equal("TargetNotInWindow", outside.ErrorId);
            Assert.Contains("2026-11-24T10:30:00Z", outside.Message);
        }

        [Fact]
        public void TheWindowIsHalfOpenOnItsStart()
        {
            // run-1004 starts at exactly 10:30:00Z: a window starting there includes it, one ending there does not.
            Assert.Equal(1, Run.Profile(Repo.SampleConfig, "run", "run-1004", "2026-11-24T10:30:00Z", "2026-11-24T10:31:00Z").Summary.Roots.Count);
            Run.Fails(() => Run.Profile(Repo.SampleConfig, "run", "run-1004", "2026-11-24T10:29:00Z", "2026-11-24T10:30:00Z"));
        }

        [Fact]
        public void OffsetsAreHonouredAndWrittenAsUtc()
        {
            var p = Run.Profile(Repo.SampleConfig, "run", "run-1004", "2026-11-24T11:00:00+01:00", "2026-11-24T12:00:00+01:00");
            Assert.Equal("2026-11-24T10:00:00Z", p.Header.Window.Start);
            Assert.Equal(7507, p.Summary.TotalDurationMs);
        }

        [Fact]
        public void SecondsPrecisionRoundsButKeepsMillisecondKeys()
        {
            var p = Run.Sample("run", "run-1004", precision: "s");
            Assert.Equal("s", p.Header.Precision);
            Assert.Equal(8000, p.Summary.TotalDurationMs);
            Assert.All(p.Breakdown, b => Assert.Equal(0, b.DurationMs % 1000));
            Assert.Equal(8000, p.Breakdown.Sum(b => b.DurationMs));
        }

        [Fact]
        public void SpansOfAnotherEnvironmentAreNotTheTarget()
        {
            var e = Run.Fails(() => new Chartly.Profiler.Analysis.ProfileEngine().Run(
                Run.Request("run", "run-1004", env: "prod"),
                new Chartly.Profiler.Configuration.ProfilerConfig("x", new System.Collections.Generic.Dictionary<string, Chartly.Profiler.Configuration.EnvironmentConfig>
                {
                    ["prod"] = Chartly.Profiler.Configuration.ConfigLoader.Load(Repo.SampleConfig).For("dev") with { Name = "prod" },
                })));
            Assert.Equal("TargetNotFound", e.ErrorId);
        }
    }
}
