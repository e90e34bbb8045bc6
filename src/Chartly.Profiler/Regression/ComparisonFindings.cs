using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Regression
{
    /// <summary>
    /// The comparison's conclusions, each citing the comparison metric it rests on. Ids are stable
    /// (<c>comparison.verdict</c>, <c>comparison.inconclusive</c>, <c>comparison.top-change</c>,
    /// <c>comparison.added</c>, <c>comparison.removed</c>) and always appear in that order.
    /// </summary>
    internal static class ComparisonFindings
    {
        private const int MaxListed = 5;

        public static IReadOnlyList<Finding> For(Comparison c, ProfileHeader current, bool significant, bool conflict, double minP)
        {
            var findings = new List<Finding> { Verdict(c, current, significant, conflict) };
            if (c.Inconclusive)
            {
                findings.Add(new Finding(
                    "comparison.inconclusive",
                    "info",
                    F(
                        "{0} baseline and {1} current root sample(s) are too few for a two-sided Mann-Whitney U test to reach p < {2:0.00} (the smallest attainable p is {3:0.0000}); at least {4} roots a side are needed before a change can be told from noise.",
                        c.BaselineSamples,
                        c.CurrentSamples,
                        c.Alpha,
                        decimal.Round((decimal)minP, 4, MidpointRounding.AwayFromZero),
                        c.SamplesNeeded ?? 0),
                    new[]
                    {
                        new MetricCitation("comparison.baseline_samples", c.BaselineSamples, "count"),
                        new MetricCitation("comparison.current_samples", c.CurrentSamples, "count"),
                        new MetricCitation("comparison.samples_needed", c.SamplesNeeded ?? 0, "count"),
                    }));
            }

            if (TopChange(c) is { } top)
            {
                findings.Add(top);
            }

            findings.AddRange(OneSided(c, "added", "comparison.added", "only in the current profile", d => d.CurrentMs, "current_ms"));
            findings.AddRange(OneSided(c, "removed", "comparison.removed", "only in the baseline profile", d => d.BaselineMs, "baseline_ms"));
            return findings;
        }

        private static Finding Verdict(Comparison c, ProfileHeader current, bool significant, bool conflict)
        {
            var against = Describe(c.Baseline, current);
            var total = F("{0} ms to {1} ms ({2} ms, {3})", N(c.BaselineTotalMs), N(c.CurrentTotalMs), Signed(c.DeltaMs), SignedPct(c.DeltaPct));
            var metrics = new List<MetricCitation> { new("comparison.delta_ms", c.DeltaMs, "ms") };
            if (c.DeltaPct is { } dp)
            {
                metrics.Add(new MetricCitation("comparison.delta_pct", dp, "percent"));
            }

            string text;
            if (c.Test == ProfileComparer.MagnitudeTest)
            {
                var word = Capital(c.Classification);
                var gate = c.Classification == ProfileComparer.Unchanged ? "within" : "beyond";
                text = F("{0} against {1}: the total went from {2}, {3} the {4:0.0}% gate; with one root on each side the verdict rests on the magnitude alone.", word, against, total, gate, c.ThresholdPct);
            }
            else
            {
                if (c.DeltaMeanPct is { } mean)
                {
                    metrics.Add(new MetricCitation("comparison.delta_mean_pct", mean, "percent"));
                }

                metrics.Add(new MetricCitation("comparison.p_value", c.PValue ?? 1m, "p"));
                var perRoot = F(
                    "per root {0} ({1} roots before, {2} now; summed {3} ms to {4} ms, {5} ms)",
                    SignedPct(c.DeltaMeanPct),
                    N(c.BaselineRoots),
                    N(c.CurrentRoots),
                    N(c.BaselineTotalMs),
                    N(c.CurrentTotalMs),
                    Signed(c.DeltaMs));
                var test = F("a two-sided Mann-Whitney U test on {0} and {1} root durations", N(c.BaselineSamples), N(c.CurrentSamples));
                var pText = F("p = {0:0.0000}", c.PValue ?? 1m);
                if (c.Inconclusive)
                {
                    text = F("Unchanged against {0}, inconclusive: {1}, but too few roots for {2} to tell a change from noise ({3}).", against, perRoot, test, pText);
                }
                else if (conflict)
                {
                    text = F("Unchanged against {0}: {1}, and {2} separates them ({3}), but most roots moved the other way: a few outliers drive the mean, so there is no verdict.", against, perRoot, test, pText);
                }
                else if (!significant)
                {
                    text = F("Unchanged against {0}: {1}, but {2} does not separate them ({3} >= {4:0.00}).", against, perRoot, test, pText, c.Alpha);
                }
                else if (c.Classification == ProfileComparer.Unchanged)
                {
                    text = F("Unchanged against {0}: {1} separates the root durations ({2} < {3:0.00}), but {4} is within the {5:0.0}% gate.", against, Capital(test), pText, c.Alpha, perRoot, c.ThresholdPct);
                }
                else
                {
                    text = F("{0} against {1}: {2}, beyond the {3:0.0}% gate, and {4} separates them ({5} < {6:0.00}).", Capital(c.Classification), against, perRoot, c.ThresholdPct, test, pText, c.Alpha);
                }
            }

            return new Finding("comparison.verdict", c.Classification == ProfileComparer.Regressed ? "warning" : "info", text, metrics);
        }

        /// <summary>
        /// The component whose delta explains most of the total delta (the largest one moving the same
        /// way). When the root counts differ the summed deltas mix in the traffic, so the component is the
        /// one whose change per root explains most of the change per root (the quantity the gate reads).
        /// </summary>
        private static Finding? TopChange(Comparison c)
        {
            var perRoot = c.BaselineRoots != c.CurrentRoots && c.DeltaMeanPct is not null;
            var direction = perRoot ? Math.Sign(c.DeltaMeanPct!.Value) : Math.Sign(c.DeltaMs);
            if (direction == 0)
            {
                return null;
            }

            // Exact per-root change of a component, scaled by both root counts: cc*nb - cb*nc.
            decimal Change(ComponentDelta d) => perRoot ? (decimal)d.CurrentMs * c.BaselineRoots - (decimal)d.BaselineMs * c.CurrentRoots : d.DeltaMs;
            var top = c.Components
                .Where(d => Math.Sign(Change(d)) == direction)
                .OrderByDescending(d => Math.Abs(Change(d)))
                .ThenBy(d => d.Component, StringComparer.Ordinal)
                .FirstOrDefault();
            if (top is null)
            {
                return null;
            }

            var where = top.Presence switch
            {
                "added" => " (it appears only in the current profile)",
                "removed" => " (it appears only in the baseline profile)",
                _ => string.Empty,
            };
            var share = F("its share of the critical path went from {0:0.0}% to {1:0.0}% ({2} points)", top.BaselinePct, top.CurrentPct, SignedPoints(top.DeltaPctPoints));
            var severity = c.Classification == ProfileComparer.Regressed ? "warning" : "info";
            if (perRoot)
            {
                return new Finding(
                    "comparison.top-change",
                    severity,
                    F("{0}{1} explains most of the change per root: {2} of the baseline's time per root, of a {3} change per root ({4} and {5} roots); {6}.", top.Component, where, SignedPct(top.ImpactPct), SignedPct(c.DeltaMeanPct), N(c.BaselineRoots), N(c.CurrentRoots), share),
                    new[]
                    {
                        new MetricCitation(Metric("impact_pct", top.Component), top.ImpactPct ?? 0m, "percent"),
                        new MetricCitation(Metric("delta_pct_points", top.Component), top.DeltaPctPoints, "percent"),
                    });
            }

            return new Finding(
                "comparison.top-change",
                severity,
                F("{0}{1} explains most of the change: {2} ms of the {3} ms total delta ({4:0.0}%); {5}.", top.Component, where, Signed(top.DeltaMs), Signed(c.DeltaMs), Apportion.Percent(top.DeltaMs, c.DeltaMs), share),
                new[]
                {
                    new MetricCitation(Metric("delta_ms", top.Component), top.DeltaMs, "ms"),
                    new MetricCitation(Metric("delta_pct_points", top.Component), top.DeltaPctPoints, "percent"),
                });
        }

        private static IEnumerable<Finding> OneSided(Comparison c, string presence, string id, string where, Func<ComponentDelta, long> ms, string metric)
        {
            var items = c.Components.Where(d => d.Presence == presence && d.DeltaMs != 0).ToList();
            if (items.Count == 0)
            {
                yield break;
            }

            var listed = string.Join(", ", items.Take(MaxListed).Select(d => F("{0} ({1} ms)", d.Component, Signed(d.DeltaMs))));
            var more = items.Count > MaxListed ? F(" and {0} more", items.Count - MaxListed) : string.Empty;
            yield return new Finding(
                id,
                "info",
                F("{0} component(s) on the critical path {1}: {2}{3}.", items.Count, where, listed, more),
                items.Take(MaxListed).Select(d => new MetricCitation(Metric(metric, d.Component), ms(d), "ms")).ToList());
        }

        private static string Describe(ComparisonBaseline b, ProfileHeader current)
        {
            var window = b.Window == current.Window ? string.Empty : " over " + b.Window;
            return b.Kind switch
            {
                "run" => F("{0} {1}{2}", b.Target.Type, b.Target.Id, window),
                "version" => F("version {0} of {1} {2}{3}", b.ServiceVersion, b.Target.Type, b.Target.Id, window),
                "service" => F("{0} {1} (the same service elsewhere){2}", b.Target.Type, b.Target.Id, window),
                _ => F("the baseline profile of {0} {1} over {2}", b.Target.Type, b.Target.Id, b.Window),
            };
        }

        private static string Metric(string name, string component) => "comparison.components." + name + "{component=\"" + component + "\"}";

        private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        private static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

        private static string Signed(long v) => (v > 0 ? "+" : string.Empty) + N(v);

        private static string SignedPct(decimal? v) => v is null ? "n/a" : (v > 0 ? "+" : string.Empty) + v.Value.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static string SignedPoints(decimal v) => (v > 0 ? "+" : string.Empty) + v.ToString("0.0", CultureInfo.InvariantCulture);

        private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
    }
}
