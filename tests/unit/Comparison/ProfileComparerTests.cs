using System;
using System.Linq;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Regression;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Comparison.ComparisonFixtures;

namespace Chartly.Profiler.Tests.Comparison
{
    public class ProfileComparerTests
    {
        private static readonly long[] Base6 = { 100, 110, 120, 130, 140, 150 };
        private static readonly long[] Slow6 = { 200, 210, 220, 230, 240, 250 };

        private static Model.Comparison Cmp(Profile current, Profile baseline, decimal threshold = 5.0m, BaselineKind kind = BaselineKind.Profile) =>
            ProfileComparer.Compare(current, baseline, kind, null, threshold).Comparison!;

        [Fact]
        public void SeparatedSlowerRootsRegress()
        {
            // 6 vs 6 fully separated: U = 36 and the exact two-sided p is 2 / C(12, 6) = 2/924 = 0.0022;
            // per root 225 ms against 125 ms: +80%.
            var result = ProfileComparer.Compare(Roots(Slow6), Roots(Base6), BaselineKind.Profile);
            var c = result.Comparison!;
            Assert.Equal("regressed", c.Classification);
            Assert.Equal("regressed", result.Summary.Regression);
            Assert.Equal("mann-whitney-u", c.Test);
            Assert.Equal(0.0022m, c.PValue);
            Assert.Equal(600, c.DeltaMs);
            Assert.Equal(80.0m, c.DeltaPct);
            Assert.Equal(80.0m, c.DeltaMeanPct);
            Assert.False(c.Inconclusive);
            Assert.Null(c.SamplesNeeded);
            Assert.Equal(6, c.CurrentSamples);
            var verdict = result.Findings.Single(f => f.Id == "comparison.verdict");
            Assert.Equal("warning", verdict.Severity);
            Assert.Contains(verdict.Metrics, m => m.Metric == "comparison.p_value" && m.Value == 0.0022m && m.Unit == "p");
            Assert.All(c.Components, d => Assert.Equal("regressed", d.Classification));
        }

        [Fact]
        public void SeparatedFasterRootsImprove()
        {
            var c = Cmp(Roots(Base6), Roots(Slow6));
            Assert.Equal("improved", c.Classification);
            Assert.Equal(0.0022m, c.PValue);
            Assert.Equal(-600, c.DeltaMs);
            Assert.Equal(-44.4m, c.DeltaPct);
        }

        [Fact]
        public void InterleavedRootsAreUnchangedEvenPastTheGate()
        {
            // Per root +6.7% (past the 5% gate), but the roots interleave: U = 21 of 36, p far above 0.05.
            var current = Roots(new long[] { 110, 130, 150, 170, 190, 210 });
            var baseline = Roots(new long[] { 100, 120, 140, 160, 180, 200 });
            var result = ProfileComparer.Compare(current, baseline, BaselineKind.Profile);
            var c = result.Comparison!;
            Assert.Equal("unchanged", c.Classification);
            Assert.Equal(6.7m, c.DeltaMeanPct);
            Assert.True(c.PValue > 0.5m);
            Assert.False(c.Inconclusive);
            Assert.All(c.Components, d => Assert.Equal("unchanged", d.Classification));
            Assert.Contains("does not separate", result.Findings.Single(f => f.Id == "comparison.verdict").Text, StringComparison.Ordinal);
        }

        [Fact]
        public void SignificantButSmallChangeIsUnchanged()
        {
            // Fully separated (p = 0.0022) yet only +0.6% per root: within the gate.
            var c = Cmp(Roots(Range(1006, 1, 6)), Roots(Range(1000, 1, 6)));
            Assert.Equal(0.0022m, c.PValue);
            Assert.Equal(0.6m, c.DeltaMeanPct);
            Assert.Equal("unchanged", c.Classification);
        }

        [Fact]
        public void ThreeRootsASideAreInconclusive()
        {
            // The smallest two-sided p with 3 a side is 2 / C(6, 3) = 0.1: nothing can be told, however large the change.
            var result = ProfileComparer.Compare(Roots(new long[] { 300, 310, 320 }), Roots(new long[] { 100, 110, 120 }), BaselineKind.Profile);
            var c = result.Comparison!;
            Assert.Equal("unchanged", c.Classification);
            Assert.True(c.Inconclusive);
            Assert.Equal(4, c.SamplesNeeded);
            Assert.Equal(0.1m, c.PValue);
            Assert.Equal(181.8m, c.DeltaMeanPct);
            var f = result.Findings.Single(x => x.Id == "comparison.inconclusive");
            Assert.Contains("at least 4 roots a side", f.Text, StringComparison.Ordinal);
            Assert.Contains("0.1000", f.Text, StringComparison.Ordinal);
            Assert.Contains(f.Metrics, m => m.Metric == "comparison.samples_needed" && m.Value == 4);
            Assert.All(c.Components, d => Assert.Equal("unchanged", d.Classification));
        }

        [Fact]
        public void OneRootASideUsesTheMagnitudeAlone()
        {
            var baseline = OneRun("run-1", ("query", 1000), ("render", 500));
            var current = OneRun("run-2", ("query", 2000), ("render", 480), ("cache", 20));
            var result = ProfileComparer.Compare(current, baseline, BaselineKind.Run);
            var c = result.Comparison!;
            Assert.Equal("magnitude", c.Test);
            Assert.Null(c.PValue);
            Assert.Equal("regressed", c.Classification);
            Assert.Equal(1000, c.DeltaMs);
            Assert.Equal(66.7m, c.DeltaPct);

            // |delta| descending, ties (render -20, cache +20) by name.
            Assert.Equal(new[] { "query", "cache", "render" }, c.Components.Select(d => d.Component).ToArray());
            var query = c.Components[0];
            Assert.Equal(("both", 1000L, 2000L, 1000L, "regressed"), (query.Presence, query.BaselineMs, query.CurrentMs, query.DeltaMs, query.Classification));
            Assert.Equal(66.7m, query.ImpactPct);
            Assert.Equal((66.7m, 80.0m, 13.3m), (query.BaselinePct, query.CurrentPct, query.DeltaPctPoints));
            var cache = c.Components[1];
            Assert.Equal(("added", 0L, 20L, 20L, "unchanged"), (cache.Presence, cache.BaselineMs, cache.CurrentMs, cache.DeltaMs, cache.Classification));
            Assert.Equal(1.3m, cache.ImpactPct);

            var top = result.Findings.Single(f => f.Id == "comparison.top-change");
            Assert.StartsWith("query explains most of the change: +1,000 ms of the +1,000 ms total delta (100.0%)", top.Text, StringComparison.Ordinal);
            Assert.Contains(top.Metrics, m => m.Metric == "comparison.components.delta_ms{component=\"query\"}" && m.Value == 1000);
            Assert.Contains(result.Findings, f => f.Id == "comparison.added" && f.Text.Contains("cache (+20 ms)", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(5.0, "unchanged")]
        [InlineData(4.0, "regressed")]
        [InlineData(0.0, "regressed")]
        public void TheGateIsConfigurable(decimal threshold, string expected)
        {
            // +4.0% exactly: a change counts when it is at least the threshold.
            var c = Cmp(OneRun("b", ("a", 1040)), OneRun("a", ("a", 1000)), threshold, BaselineKind.Run);
            Assert.Equal(expected, c.Classification);
            Assert.Equal(threshold, c.ThresholdPct);
        }

        [Fact]
        public void ZeroDeltaIsUnchangedEvenAtAZeroGate()
        {
            Assert.Equal("unchanged", Cmp(OneRun("b", ("a", 1000)), OneRun("a", ("a", 1000)), 0.0m, BaselineKind.Run).Classification);
        }

        [Fact]
        public void MoreTrafficIsNotARegression()
        {
            // Twice as many roots of the same durations: the summed total doubles, the per-root change is 0.
            var baseline = Roots(Range(100, 10, 6));
            var current = Roots(Range(100, 10, 6).Concat(Range(100, 10, 6)).ToArray());
            var c = Cmp(current, baseline);
            Assert.Equal(100.0m, c.DeltaPct);
            Assert.Equal(0.0m, c.DeltaMeanPct);
            Assert.Equal("unchanged", c.Classification);
            Assert.Equal(1.0m, c.PValue);
        }

        [Fact]
        public void WithOtherRootCountsTheTopChangeIsTheLargestChangePerRoot()
        {
            // Summed, "a" grew most (+400 ms) only because there are twice the roots; per root "a" stayed at
            // 100 ms while "b" went from 10 to 20 ms: +9.1% of the baseline's 110 ms per root.
            var baseline = Make(new[] { ("a", 400L), ("b", 40L) }, new long[] { 100, 105, 110, 125 });
            var current = Make(new[] { ("a", 800L), ("b", 160L) }, new long[] { 110, 115, 118, 120, 121, 122, 125, 129 });
            var result = ProfileComparer.Compare(current, baseline, BaselineKind.Profile);
            var top = result.Findings.Single(f => f.Id == "comparison.top-change");
            Assert.StartsWith("b explains most of the change per root: +9.1% of the baseline's time per root, of a +9.1% change per root (4 and 8 roots)", top.Text, StringComparison.Ordinal);
            Assert.Contains(top.Metrics, m => m.Metric == "comparison.components.impact_pct{component=\"b\"}" && m.Value == 9.1m);
            Assert.Equal("a", result.Comparison!.Components[0].Component);
            Assert.Equal(0.0m, result.Comparison.Components[0].ImpactPct);
        }

        [Fact]
        public void AnOutlierAgainstTheRanksGivesNoVerdict()
        {
            // Nine roots got twice as fast, one took 5 s: the mean rose, the ranks fell. Neither wins.
            var baseline = Roots(Range(100, 1, 10));
            var current = Roots(Range(50, 1, 9).Concat(new long[] { 5000 }).ToArray());
            var result = ProfileComparer.Compare(current, baseline, BaselineKind.Profile);
            var c = result.Comparison!;
            Assert.True(c.PValue < 0.05m);
            Assert.True(c.DeltaMeanPct > 5m);
            Assert.Equal("unchanged", c.Classification);
            Assert.Contains("outliers", result.Findings.Single(f => f.Id == "comparison.verdict").Text, StringComparison.Ordinal);
        }

        [Fact]
        public void ComponentDeltasAddUpExactlyToTheTotalDelta()
        {
            var baseline = Make(
                new[] { ("a", 1234L), ("b", 0L), ("c", 77L), ("gone", 301L), ("d", 5L), ("e", 999L) },
                new long[] { 800, 900, 916 });
            var current = Make(
                new[] { ("a", 1111L), ("b", 19L), ("c", 4000L), ("d", 5L), ("new", 263L), ("e", 1L), ("f", 0L) },
                new long[] { 1000, 1200, 1400, 1799 });
            var c = Cmp(current, baseline);
            Assert.Equal(c.CurrentTotalMs - c.BaselineTotalMs, c.DeltaMs);
            Assert.Equal(c.DeltaMs, c.Components.Sum(d => d.DeltaMs));
            Assert.Equal(0.0m, c.Components.Sum(d => d.DeltaPctPoints));
            Assert.Equal(100.0m, c.Components.Sum(d => d.CurrentPct));
            Assert.Equal(100.0m, c.Components.Sum(d => d.BaselinePct));
            Assert.Equal("removed", c.Components.Single(d => d.Component == "gone").Presence);
            Assert.Equal("added", c.Components.Single(d => d.Component == "new").Presence);
            Assert.Equal("added", c.Components.Single(d => d.Component == "f").Presence);
            var order = c.Components.Select(d => (Math.Abs(d.DeltaMs), d.Component)).ToList();
            Assert.Equal(order.OrderByDescending(o => o.Item1).ThenBy(o => o.Component, StringComparer.Ordinal).ToList(), order);
        }

        [Fact]
        public void UnequalWindowsAreAContractMismatch()
        {
            var baseline = Roots(Base6, start: "2026-11-23T10:00:00Z", end: "2026-11-23T10:30:00Z");
            var e = Run.Fails(() => Cmp(Roots(Slow6), baseline));
            Assert.Equal(ProfilerErrorKind.ValidationFailed, e.Kind);
            Assert.Equal(4, e.ExitCode);
            Assert.Equal("BaselineWindowMismatch", e.ErrorId);
            Assert.Contains("[2026-11-24T10:00:00Z, 2026-11-24T11:00:00Z) lasts 1 h", e.Message, StringComparison.Ordinal);
            Assert.Contains("[2026-11-23T10:00:00Z, 2026-11-23T10:30:00Z) lasts 30 min", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EqualLengthsAtOtherTimesCompare()
        {
            var baseline = Roots(Base6, start: "2026-11-23T10:00:00Z", end: "2026-11-23T11:00:00Z");
            Assert.Equal("regressed", Cmp(Roots(Slow6), baseline).Classification);
        }

        [Fact]
        public void OtherSchemaEnvironmentTypeOrPrecisionIsAContractMismatch()
        {
            var current = Roots(Slow6);
            var b = Roots(Base6);
            Assert.Equal("ProfileSchemaMismatch", Run.Fails(() => Cmp(current, b.With(header: b.Header with { SchemaVersion = "2.0" }))).ErrorId);
            Assert.Equal("BaselineEnvironmentMismatch", Run.Fails(() => Cmp(current, b.With(header: b.Header with { Environment = "prod" }))).ErrorId);
            Assert.Equal("BaselineTargetMismatch", Run.Fails(() => Cmp(current, b.With(header: b.Header with { Target = new ProfileTarget("service", "wf-a") }))).ErrorId);
            Assert.Equal("BaselinePrecisionMismatch", Run.Fails(() => Cmp(current, b.With(header: b.Header with { Precision = "s" }))).ErrorId);
            var e = Run.Fails(() => Cmp(current, b.With(header: b.Header with { Target = new ProfileTarget("workflow", "wf-b") })));
            Assert.Equal("BaselineTargetMismatch", e.ErrorId);
            Assert.Equal(4, e.ExitCode);
        }

        [Fact]
        public void SingleInstanceTargetsMayDifferInId()
        {
            Assert.Equal("regressed", Cmp(OneRun("run-1004", ("a", 2000)), OneRun("run-1001", ("a", 1000))).Classification);
            var conn = Make(new[] { ("fetch", 1000L) }, new long[] { 1000 }, type: "connector", id: "conn-a/cr-1");
            Assert.Equal("unchanged", Cmp(conn.With(header: conn.Header with { Target = new ProfileTarget("connector", "conn-a/cr-2") }), conn).Classification);
            Assert.Equal("BaselineTargetMismatch", Run.Fails(() => Cmp(conn.With(header: conn.Header with { Target = new ProfileTarget("connector", "conn-b/cr-2") }), conn)).ErrorId);
        }

        [Fact]
        public void AnInconsistentBaselineIsRefused()
        {
            var b = Roots(Base6);
            var broken = b.With(summary: b.Summary with { TotalDurationMs = b.Summary.TotalDurationMs + 1 });
            var e = Run.Fails(() => Cmp(Roots(Slow6), broken));
            Assert.Equal("ProfileInconsistent", e.ErrorId);
            Assert.Equal(4, e.ExitCode);
        }

        [Theory]
        [InlineData(-1.0)]
        [InlineData(2.55)]
        [InlineData(1000.1)]
        public void BadThresholdsAreInvalidArguments(decimal threshold)
        {
            var e = Run.Fails(() => Cmp(Roots(Slow6), Roots(Base6), threshold));
            Assert.Equal("InvalidThreshold", e.ErrorId);
            Assert.Equal(2, e.ExitCode);
        }

        [Fact]
        public void ComparingAgainReplacesTheComparison()
        {
            var current = Roots(Slow6);
            var once = ProfileComparer.Compare(current, Roots(Base6), BaselineKind.Profile);
            var twice = ProfileComparer.Compare(once, Roots(Range(200, 10, 6), correlationId: "cp-other"), BaselineKind.Profile);
            var direct = ProfileComparer.Compare(current, Roots(Range(200, 10, 6), correlationId: "cp-other"), BaselineKind.Profile);
            Assert.Equal(ProfileDocument.Write(direct, DocumentFormat.Json), ProfileDocument.Write(twice, DocumentFormat.Json));
            Assert.Single(twice.Findings, f => f.Id == "comparison.verdict");
            Assert.Equal("critical-path.dominant", twice.Findings[0].Id);
        }

        [Fact]
        public void TheCorrelationIdIsDerivedFromBothSidesAndTheGate()
        {
            var current = Roots(Slow6);
            var a = ProfileComparer.Compare(current, Roots(Base6), BaselineKind.Profile);
            var again = ProfileComparer.Compare(current, Roots(Base6), BaselineKind.Profile);
            var otherBaseline = ProfileComparer.Compare(current, Roots(Base6, correlationId: "cp-x"), BaselineKind.Profile);
            var otherGate = ProfileComparer.Compare(current, Roots(Base6), BaselineKind.Profile, null, 10.0m);
            Assert.Equal(a.Header.CorrelationId, again.Header.CorrelationId);
            Assert.Matches("^cp-[0-9a-f]{32}$", a.Header.CorrelationId);
            Assert.NotEqual(current.Header.CorrelationId, a.Header.CorrelationId);
            Assert.NotEqual(a.Header.CorrelationId, otherBaseline.Header.CorrelationId);
            Assert.NotEqual(a.Header.CorrelationId, otherGate.Header.CorrelationId);
            Assert.Equal(current.Header.CorrelationId, a.Comparison!.CurrentCorrelationId);
        }

        [Fact]
        public void AZeroBaselineHasNoPercentages()
        {
            var c = Cmp(OneRun("b", ("a", 10)), OneRun("a", ("a", 0)));
            Assert.Null(c.DeltaPct);
            Assert.Null(c.DeltaMeanPct);
            Assert.Equal("regressed", c.Classification);
        }
    }
}
