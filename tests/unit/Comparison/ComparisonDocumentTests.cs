using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Regression;
using Xunit;
using static Chartly.Profiler.Tests.Comparison.ComparisonFixtures;

namespace Chartly.Profiler.Tests.Comparison
{
    public class ComparisonDocumentTests
    {
        private static Profile Compared() =>
            ProfileComparer.Compare(
                Make(new[] { ("query", 1350L), ("render", 600L), ("new step", 50L) }, Range(300, 10, 6)),
                Make(new[] { ("query", 750L), ("render", 480L), ("old step", 45L) }, Range(200, 10, 6)),
                BaselineKind.Profile);

        private static Profile Inconclusive() =>
            ProfileComparer.Compare(Roots(new long[] { 300, 310, 320 }), Roots(new long[] { 100, 110, 120 }), BaselineKind.Profile);

        [Fact]
        public void TheComparisonSectionHasFixedSnakeCaseKeysInOrder()
        {
            var doc = ProfileDocument.ToDoc(Compared());
            var keys = doc.Entries.Select(e => e.Key).ToArray();
            Assert.Equal("comparison", keys[keys.Length - 2]);
            Assert.Equal("data_quality", keys[keys.Length - 1]);
            var c = (DocMap)doc.Get("comparison")!;
            Assert.Equal(
                new[]
                {
                    "baseline", "current_correlation_id", "threshold_pct", "alpha", "baseline_total_ms", "current_total_ms", "delta_ms", "delta_pct",
                    "baseline_roots", "current_roots", "delta_mean_pct", "classification", "test", "p_value", "baseline_samples", "current_samples",
                    "inconclusive", "samples_needed", "components",
                },
                c.Entries.Select(e => e.Key).ToArray());
            Assert.Equal(new[] { "kind", "target", "service_version", "window", "correlation_id" }, ((DocMap)c.Get("baseline")!).Entries.Select(e => e.Key).ToArray());
            var first = (DocMap)((DocList)c.Get("components")!).Items[0];
            Assert.Equal(
                new[] { "component", "presence", "baseline_ms", "current_ms", "delta_ms", "baseline_pct", "current_pct", "delta_pct_points", "impact_pct", "classification" },
                first.Entries.Select(e => e.Key).ToArray());
        }

        [Fact]
        public void JsonCarriesTheVerdictAndNumbers()
        {
            var json = ProfileDocument.Write(Compared(), DocumentFormat.Json);
            Assert.Contains("\"regression\": \"regressed\"", json, StringComparison.Ordinal);
            Assert.Contains("\"p_value\": 0.0022", json, StringComparison.Ordinal);
            Assert.Contains("\"alpha\": 0.05", json, StringComparison.Ordinal);
            Assert.Contains("\"threshold_pct\": 5.0", json, StringComparison.Ordinal);
            Assert.Contains("\"samples_needed\": null", json, StringComparison.Ordinal);
            Assert.Contains("\"presence\": \"removed\"", json, StringComparison.Ordinal);
            Assert.Contains("\"value\": 0.0022", json, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(DocumentFormat.Json)]
        [InlineData(DocumentFormat.Yaml)]
        public void ReadBackAndWrittenAgainGivesTheSameBytes(DocumentFormat format)
        {
            foreach (var p in new[] { Compared(), Inconclusive() })
            {
                var text = ProfileDocument.Write(p, format);
                var again = ProfileDocument.Write(ProfileDocumentReader.Read(text), format);
                Assert.Equal(text, again);
            }
        }

        [Fact]
        public void ASavedComparedProfileCanItselfBeComparedAgain()
        {
            var saved = ProfileDocumentReader.Read(ProfileDocument.Write(Compared(), DocumentFormat.Yaml));
            var re = ProfileComparer.Compare(saved, Roots(Range(200, 10, 6)), BaselineKind.Profile);
            Assert.Equal(saved.Comparison!.CurrentCorrelationId, re.Comparison!.CurrentCorrelationId);
            Assert.Single(re.Findings, f => f.Id == "comparison.verdict");
        }

        [Theory]
        [InlineData("de-DE")]
        [InlineData("tr-TR")]
        [InlineData("ar-SA")]
        public void TheSameComparisonTwiceAndUnderAnotherCultureGivesIdenticalBytes(string culture)
        {
            var reference = Write(Compared()) + Write(Inconclusive());
            Assert.Equal(reference, Write(Compared()) + Write(Inconclusive()));
            var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
                Assert.Equal(reference, Write(Compared()) + Write(Inconclusive()));
            }
            finally
            {
                (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
            }
        }

        [Fact]
        public void TheTextReportShowsTheComparison()
        {
            var text = TextReport.Render(Inconclusive());
            Assert.Contains("Comparison with the baseline profile of workflow wf-a  [2026-11-24T10:00:00Z, 2026-11-24T11:00:00Z)", text, StringComparison.Ordinal);
            Assert.Contains("  Verdict         unchanged (inconclusive)  gate 5.0% per root", text, StringComparison.Ordinal);
            Assert.Contains("  Total           330 ms -> 930 ms  (+600 ms, +181.8%)", text, StringComparison.Ordinal);
            Assert.Contains("mann-whitney-u p=0.1000 alpha 0.05, 3 vs 3 samples; too few to tell: needs 4 a side", text, StringComparison.Ordinal);
            Assert.Contains("Regression      unchanged", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        }

        private static string Write(Profile p) =>
            ProfileDocument.Write(p, DocumentFormat.Json) + ProfileDocument.Write(p, DocumentFormat.Yaml) + ProfileDocument.Write(p, DocumentFormat.Text);
    }
}
