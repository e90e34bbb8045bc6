using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Regression
{
    /// <summary>
    /// Compares a profile with its baseline and returns the current profile with the comparison
    /// attached, <c>summary.regression</c> set, comparison findings appended and a correlation id
    /// derived from both. A pure function of its inputs: the same pair gives the same bytes.
    /// </summary>
    public static class ProfileComparer
    {
        public const decimal DefaultThresholdPct = 5.0m;
        public const decimal MaxThresholdPct = 1000m;

        /// <summary>The significance level of the rank test, as Go's benchstat.</summary>
        public const decimal Alpha = 0.05m;

        public const string Regressed = "regressed";
        public const string Improved = "improved";
        public const string Unchanged = "unchanged";

        public const string MagnitudeTest = "magnitude";
        public const string RankTest = "mann-whitney-u";

        public const string FindingPrefix = "comparison.";

        public static decimal ValidateThreshold(decimal thresholdPct)
        {
            if (thresholdPct < 0 || thresholdPct > MaxThresholdPct || decimal.Round(thresholdPct, 1) != thresholdPct)
            {
                throw ProfilerException.Invalid(
                    "InvalidThreshold",
                    string.Format(CultureInfo.InvariantCulture, "The threshold must be a percentage from 0 to {0:0} with at most one decimal (the default is {1:0.0}); got {2}.", MaxThresholdPct, DefaultThresholdPct, thresholdPct));
            }

            return thresholdPct;
        }

        public static Profile Compare(Profile current, Profile baseline, BaselineKind kind, string? serviceVersion = null, decimal thresholdPct = DefaultThresholdPct)
        {
            ValidateThreshold(thresholdPct);
            BaselineValidator.Check(current, baseline, kind);

            long tb = baseline.Summary.TotalDurationMs, tc = current.Summary.TotalDurationMs;
            // Totals are sums over the analysed roots: a sampled profile's are its sample's (docs/sources.md).
            long nb = baseline.RootsAnalysed, nc = current.RootsAnalysed;

            // The gate reads the change per root: (tc/nc - tb/nb) / (tb/nb) = (tc*nb - tb*nc) / (tb*nc), exact in decimal.
            var den = (decimal)tb * nc;
            var num = (decimal)tc * nb - (decimal)tb * nc;
            var material = Material(num, den, thresholdPct);
            var sign = Math.Sign(num);

            var test = nb == 1 && nc == 1 ? MagnitudeTest : RankTest;
            decimal? p = null;
            var inconclusive = false;
            long? needed = null;
            var significant = false;
            var conflict = false;
            var minP = 1.0;
            IReadOnlyList<long> xb = baseline.Summary.Roots.SamplesMs, xc = current.Summary.Roots.SamplesMs;
            if (test == RankTest)
            {
                var r = MannWhitney.Test(xc, xb);
                p = decimal.Round((decimal)r.PValue, 4, MidpointRounding.AwayFromZero);
                minP = MannWhitney.MinAttainablePValue(xc.Count, xb.Count);
                inconclusive = minP >= (double)Alpha;
                if (inconclusive)
                {
                    needed = MannWhitney.SamplesNeeded(xc.Count, xb.Count, (double)Alpha);
                }

                // Decided on the p-value as printed, so the document never contradicts itself.
                significant = !inconclusive && p < Alpha;
                conflict = significant && material && r.Direction != sign;
            }

            string classification;
            if (test == MagnitudeTest)
            {
                classification = material ? Verdict(sign) : Unchanged;
            }
            else
            {
                classification = significant && material && !conflict ? Verdict(sign) : Unchanged;
            }

            // A component is judged only where the whole change is real: always with one root a side,
            // otherwise when the rank test separated the roots in the direction of the mean.
            var judgeComponents = test == MagnitudeTest || (significant && !conflict);
            var components = Components(current, baseline, nb, nc, den, thresholdPct, judgeComponents);

            var baseInfo = new ComparisonBaseline(
                BaselineSpec.KindName(kind),
                baseline.Header.Target,
                kind == BaselineKind.Version ? serviceVersion : null,
                baseline.Header.Window,
                OriginalCorrelationId(baseline));
            var currentCid = OriginalCorrelationId(current);
            var comparison = new Comparison(
                baseInfo,
                currentCid,
                thresholdPct,
                Alpha,
                tb,
                tc,
                tc - tb,
                tb == 0 ? null : Apportion.Percent(tc - tb, tb),
                nb,
                nc,
                den == 0 ? null : Apportion.Percent(num, den),
                classification,
                test,
                p,
                xb.Count,
                xc.Count,
                inconclusive,
                needed,
                components);

            var findings = current.Findings.Where(f => !f.Id.StartsWith(FindingPrefix, StringComparison.Ordinal)).ToList();
            findings.AddRange(ComparisonFindings.For(comparison, current.Header, significant, conflict, minP));

            var header = current.Header with { CorrelationId = CorrelationId(currentCid, baseInfo, thresholdPct) };
            var summary = current.Summary with { Regression = classification };
            return current.With(summary: summary, findings: findings, comparison: comparison, header: header);
        }

        /// <summary>A change counts when it is not zero and at least the threshold, as a percentage of the baseline per root.</summary>
        public static bool Material(decimal num, decimal den, decimal thresholdPct)
        {
            if (num == 0)
            {
                return false;
            }

            return den == 0 || Math.Abs(num) * 100m >= thresholdPct * den;
        }

        public static string CorrelationId(string currentCid, ComparisonBaseline b, decimal thresholdPct)
        {
            var key = string.Join(
                "\n",
                "comparison",
                currentCid,
                b.Kind,
                b.Target.Type,
                b.Target.Id,
                b.ServiceVersion ?? string.Empty,
                b.Window.Start,
                b.Window.End,
                b.CorrelationId,
                thresholdPct.ToString("0.0", CultureInfo.InvariantCulture));
            return CorrelationIds.From(key);
        }

        /// <summary>A profile's id before any comparison of its own, so comparing again replaces, never stacks.</summary>
        public static string OriginalCorrelationId(Profile p) => p.Comparison?.CurrentCorrelationId ?? p.Header.CorrelationId;

        private static string Verdict(int sign) => sign > 0 ? Regressed : sign < 0 ? Improved : Unchanged;

        private static List<ComponentDelta> Components(Profile current, Profile baseline, long nb, long nc, decimal den, decimal thresholdPct, bool judge)
        {
            var before = baseline.Breakdown.ToDictionary(b => b.Component, StringComparer.Ordinal);
            var after = current.Breakdown.ToDictionary(b => b.Component, StringComparer.Ordinal);
            var names = before.Keys.Union(after.Keys, StringComparer.Ordinal);
            var list = new List<ComponentDelta>();
            foreach (var name in names)
            {
                before.TryGetValue(name, out var b);
                after.TryGetValue(name, out var a);
                var presence = b is null ? "added" : a is null ? "removed" : "both";
                long cb = b?.DurationMs ?? 0, cc = a?.DurationMs ?? 0;
                decimal pb = b?.Pct ?? 0m, pc = a?.Pct ?? 0m;
                var num = (decimal)cc * nb - (decimal)cb * nc;
                var verdict = judge && Material(num, den, thresholdPct) ? Verdict(Math.Sign(num)) : Unchanged;
                list.Add(new ComponentDelta(name, presence, cb, cc, cc - cb, pb, pc, pc - pb, den == 0 ? null : Apportion.Percent(num, den), verdict));
            }

            list.Sort((x, y) =>
            {
                var c = Math.Abs(y.DeltaMs).CompareTo(Math.Abs(x.DeltaMs));
                return c != 0 ? c : string.CompareOrdinal(x.Component, y.Component);
            });
            return list;
        }
    }
}
