using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Regression;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Comparison
{
    /// <summary>End to end on the demo telemetry (samples/telemetry/README.md) and on telemetry written here.</summary>
    public class SampleComparisonTests
    {
        private static Profile Against(Profile current, string spec, string? configPath = null, decimal threshold = 5.0m)
        {
            var s = BaselineSpec.Parse(spec);
            var baseline = new BaselineResolver(new ProfileEngine()).Resolve(s, current.Header, ConfigLoader.Load(configPath ?? Repo.SampleConfig));
            return ProfileComparer.Compare(current, baseline, s.Kind, s.Kind == BaselineKind.Version ? s.Value : null, threshold);
        }

        [Fact]
        public void TheSlowRunRegressesAgainstAnEarlierRun()
        {
            // run-1004: 7,507 ms (analytics_query_exec 4,941 ms); run-1001: 3,844 ms (analytics_query_exec 1,188 ms).
            var result = Against(Run.Sample("run", "run-1004"), "run:run-1001");
            var c = result.Comparison!;
            Assert.Equal("regressed", c.Classification);
            Assert.Equal("regressed", result.Summary.Regression);
            Assert.Equal("magnitude", c.Test);
            Assert.Equal((3844L, 7507L, 3663L, 95.3m), (c.BaselineTotalMs, c.CurrentTotalMs, c.DeltaMs, c.DeltaPct!.Value));
            Assert.Equal(("run", "run", "run-1001"), (c.Baseline.Kind, c.Baseline.Target.Type, c.Baseline.Target.Id));
            Assert.Equal(new ProfileWindow(Run.SampleStart, Run.SampleEnd), c.Baseline.Window);
            var top = c.Components[0];
            Assert.Equal(("analytics_query_exec", 1188L, 4941L, 3753L, "regressed"), (top.Component, top.BaselineMs, top.CurrentMs, top.DeltaMs, top.Classification));
            Assert.Equal(c.DeltaMs, c.Components.Sum(d => d.DeltaMs));
            Assert.StartsWith("analytics_query_exec explains most of the change: +3,753 ms of the +3,663 ms total delta", result.Findings.Single(f => f.Id == "comparison.top-change").Text, StringComparison.Ordinal);
            Assert.StartsWith("Regressed against run run-1001: the total went from 3,844 ms to 7,507 ms (+3,663 ms, +95.3%)", result.Findings.Single(f => f.Id == "comparison.verdict").Text, StringComparison.Ordinal);
        }

        [Fact]
        public void TheEarlierRunImprovesAgainstTheSlowOne()
        {
            var c = Against(Run.Sample("run", "run-1001"), "run:run-1004").Comparison!;
            Assert.Equal("improved", c.Classification);
            Assert.Equal(-3663, c.DeltaMs);
        }

        [Fact]
        public void TwoOrdinaryRunsAreUnchanged()
        {
            // run-1002: 3,820 ms against run-1001's 3,844 ms: -0.6%, inside the 5% gate.
            var c = Against(Run.Sample("run", "run-1002"), "run:run-1001").Comparison!;
            Assert.Equal("unchanged", c.Classification);
            Assert.Equal(-24, c.DeltaMs);
        }

        [Theory]
        [InlineData("run", "run-1004", "run:run-9999", "BaselineTargetNotFound")]
        [InlineData("run", "run-1004", "run:run-dup-1", "BaselineTargetAmbiguous")]
        [InlineData("run", "run-1004", "run:run-1001@2026-11-23T10:00:00Z", "BaselineTargetNotInWindow")]
        [InlineData("service", "analytics-blue/chartly-analytics", "version:9.9.9", "BaselineServiceVersionNotFound")]
        public void ABaselineThatDoesNotExistIsExit3(string type, string id, string spec, string errorId)
        {
            var current = Run.Sample(type, id);
            var e = Run.Fails(() => Against(current, spec));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(3, e.ExitCode);
            Assert.StartsWith("The baseline " + spec + " was not found: ", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AMissingVersionNamesTheVersionsSeen()
        {
            var e = Run.Fails(() => Against(Run.Sample("service", "analytics-blue/chartly-analytics"), "version:9.9.9"));
            Assert.Contains("Versions seen: 2.3.1.", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ThreeRunsAgainstFourAreInconclusive()
        {
            // wf-daily-report: run-1004, run-1005, run-1006 start in [10:30, 11:00); run-1001, run-1002, run-dup-1,
            // run-1003 in [10:00, 10:30). 3 against 4 can reach p = 2/35 = 0.057 at best: inconclusive, 4 a side needed.
            var current = Run.Profile(Repo.SampleConfig, "workflow", "wf-daily-report", "2026-11-24T10:30:00Z", "2026-11-24T11:00:00Z");
            var result = Against(current, "version:1.4.0@2026-11-24T10:00:00Z");
            var c = result.Comparison!;
            Assert.Equal((4L, 3L), (c.BaselineRoots, c.CurrentRoots));
            Assert.Equal(new ProfileWindow("2026-11-24T10:00:00Z", "2026-11-24T10:30:00Z"), c.Baseline.Window);
            Assert.Equal("1.4.0", c.Baseline.ServiceVersion);
            Assert.True(c.Inconclusive);
            Assert.Equal(4, c.SamplesNeeded);
            Assert.Equal("unchanged", c.Classification);
            Assert.Contains(result.Findings, f => f.Id == "comparison.inconclusive");
        }

        [Fact]
        public void TheBlueAnalyticsServiceDidNotRegressBetweenHalfHours()
        {
            // 27 SERVER spans of analytics-blue in the hour; the standalone queries keep one distribution and the
            // one slow call (run-1004's, 10:30) is a single outlier: the rank test does not separate the halves.
            var current = Run.Profile(Repo.SampleConfig, "service", "analytics-blue/chartly-analytics", "2026-11-24T10:30:00Z", "2026-11-24T11:00:00Z");
            var c = Against(current, "version:2.3.1@2026-11-24T10:00:00Z").Comparison!;
            Assert.Equal(27, c.BaselineRoots + c.CurrentRoots);
            Assert.Equal("mann-whitney-u", c.Test);
            Assert.False(c.Inconclusive);
            Assert.True(c.PValue >= 0.05m, "p = " + c.PValue);
            Assert.Equal("unchanged", c.Classification);
        }

        [Fact]
        public void TheVersionFilterKeepsOnlyThatVersionsRoots()
        {
            // svc 1.0 answers in 100-150 ms from 10:00 to 10:29, 1.1 in 200-250 ms from 10:30 on; both
            // versions also overlap in the second half hour (1.0 still serving) to prove the filter.
            using var t = new TempTelemetry();
            var lines = new List<string>();
            var n = 0;
            void Root(string version, long startMs, long durationMs)
            {
                n++;
                var spans = new[]
                {
                    new TestSpan(Otlp.Trace(n), Otlp.Span(n * 10), null, "GET /items", 2, startMs, startMs + durationMs),
                    new TestSpan(Otlp.Trace(n), Otlp.Span(n * 10 + 1), Otlp.Span(n * 10), "query", 1, startMs + 5, startMs + durationMs - 5, Otlp.Attrs("chartly.component", "db_query")),
                };
                lines.Add(Otlp.Line(Otlp.Resource("svc", "core", "dev", version), spans));
            }

            for (var i = 0; i < 6; i++)
            {
                Root("1.0", i * 300_000, 100 + i * 10);
                Root("1.1", 1_800_000 + i * 240_000, 200 + i * 10);
            }

            Root("1.0", 1_900_000, 120);
            t.Write("traces.json", lines.ToArray());

            var current = Run.Profile(t.ConfigPath, "service", "core/svc", "2026-11-24T10:30:00Z", "2026-11-24T11:00:00Z");
            Assert.Equal(7, current.Summary.Roots.Count);

            var request = BaselineResolver.BaselineRequest(BaselineSpec.Parse("version:1.1"), current.Header);
            Assert.Equal("1.1", request.ServiceVersion);
            var only11 = new ProfileEngine().Run(request, ConfigLoader.Load(t.ConfigPath));
            Assert.Equal(new long[] { 200, 210, 220, 230, 240, 250 }, only11.Summary.Roots.SamplesMs);

            var cmp = Against(only11, "version:1.0@2026-11-24T10:00:00Z", t.ConfigPath);
            var c = cmp.Comparison!;
            Assert.Equal(new long[] { 100, 110, 120, 130, 140, 150 }, ProfileFor(t, "version:1.0@2026-11-24T10:00:00Z", only11).Summary.Roots.SamplesMs);
            Assert.Equal("regressed", c.Classification);
            Assert.Equal(0.0022m, c.PValue);
            Assert.Equal(80.0m, c.DeltaMeanPct);
            Assert.Equal("regressed", c.Components.Single(d => d.Component == "db_query").Classification);
        }

        [Fact]
        public void TheSameSampleComparisonGivesTheSameBytesInAnyCulture()
        {
            string Once() => ProfileDocument.Write(Against(Run.Sample("run", "run-1004"), "run:run-1001"), DocumentFormat.Json)
                + ProfileDocument.Write(Against(Run.Sample("run", "run-1004"), "run:run-1001"), DocumentFormat.Text);
            var reference = Once();
            Assert.Equal(reference, Once());
            var saved = CultureInfo.CurrentCulture;
            try
            {
                foreach (var culture in new[] { "de-DE", "tr-TR" })
                {
                    CultureInfo.CurrentCulture = new CultureInfo(culture);
                    Assert.Equal(reference, Once());
                }
            }
            finally
            {
                CultureInfo.CurrentCulture = saved;
            }
        }

        private static Profile ProfileFor(TempTelemetry t, string spec, Profile current) =>
            new BaselineResolver(new ProfileEngine()).Resolve(BaselineSpec.Parse(spec), current.Header, ConfigLoader.Load(t.ConfigPath));
    }
}
