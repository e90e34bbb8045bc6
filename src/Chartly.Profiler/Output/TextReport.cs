using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Output
{
    /// <summary>
    /// The human report: what the module's default view shows and what <c>--format text</c> prints.
    /// Plain ASCII, LF line endings, fixed column widths, invariant numbers: as stable as the JSON.
    /// </summary>
    public static class TextReport
    {
        private const int BarWidth = 30;

        public static string Render(Profile p)
        {
            var sb = new StringBuilder();
            var h = p.Header;
            var s = p.Summary;
            Line(sb, $"Chartly Profiler {h.ToolVersion}  {h.Target.Type} {h.Target.Id}  ({h.Environment})");
            Line(sb, $"Window       [{h.Window.Start}, {h.Window.End})  precision {h.Precision}");
            Line(sb, $"Correlation  {h.CorrelationId}");
            Line(sb, string.Empty);
            Line(sb, "Summary");
            var over = p.DataQuality.TracesSampled is null ? $"over {N(s.Roots.Count)} roots" : $"over {N(p.RootsAnalysed)} sampled of {N(s.Roots.Count)} roots";
            Line(sb, $"  Total duration  {Ms(s.TotalDurationMs)}" + (s.Roots.Count > 1 ? $"  {over} (p50 {Ms(s.Roots.P50Ms)}, p95 {Ms(s.Roots.P95Ms)}, max {Ms(s.Roots.MaxMs)})" : string.Empty));
            if (s.Roots.Versions.Count > 1)
            {
                Line(sb, "  Versions        " + string.Join(", ", s.Roots.Versions.Select(v => $"{v.Version ?? "(none)"}: {N(v.Count)} root(s), p50 {Ms(v.P50Ms)}, p95 {Ms(v.P95Ms)}")));
            }

            Line(sb, $"  Bottleneck      {s.Bottleneck} ({s.BottleneckKind})");
            Line(sb, $"  Regression      {s.Regression}");
            Line(sb, string.Empty);

            Line(sb, "Breakdown (critical path)");
            var width = Math.Max(9, p.Breakdown.Select(b => b.Component.Length).DefaultIfEmpty(0).Max());
            width = Math.Min(width, 48);
            Line(sb, "  " + Pad("Component", width) + "  " + PadLeft("Duration", 12) + "  " + PadLeft("Pct", 6) + "  " + PadLeft("Self", 12) + "  Share");
            foreach (var b in p.Breakdown)
            {
                var bar = new string('#', (int)Math.Round(b.Pct / 100m * BarWidth, MidpointRounding.AwayFromZero));
                Line(sb, "  " + Pad(Cut(b.Component, width), width) + "  " + PadLeft(Ms(b.DurationMs), 12) + "  " + PadLeft(Pct(b.Pct), 6) + "  " + PadLeft(Ms(b.SelfMs), 12) + "  " + bar);
            }

            RenderWhatIf(sb, p);

            Line(sb, string.Empty);
            Line(sb, "Signals");
            Line(sb, "  (whole target; indented beneath: while each top component held the critical path)");
            foreach (var sig in p.Signals)
            {
                RenderSignal(sb, sig);
            }

            if (p.Scaling is { } sc)
            {
                Line(sb, $"  {Pad("scaling", 20)}  {ScalingText(sc)}");
            }

            Line(sb, string.Empty);
            Line(sb, "Findings");
            if (p.Findings.Count == 0)
            {
                Line(sb, "  (none)");
            }

            foreach (var f in p.Findings)
            {
                Line(sb, $"  [{f.Severity}] {f.Text}");
                foreach (var m in f.Metrics)
                {
                    Line(sb, $"      {m.Metric} = {Val(m.Value, m.Unit)}");
                }
            }

            if (p.Comparison is { } c)
            {
                RenderComparison(sb, c);
            }

            var q = p.DataQuality;
            Line(sb, string.Empty);
            Line(sb, "Data quality");
            Line(sb, $"  files {N(q.FilesRead)}, records {N(q.RecordsRead)}, malformed {N(q.MalformedRecords)}, unsupported files {N(q.UnsupportedFiles)}, spans read {N(q.SpansRead)}, invalid {N(q.InvalidSpans)}");
            Line(sb, $"  traces {N(q.TracesSelected)}, spans selected {N(q.SpansSelected)}, orphans {N(q.OrphanSpans)}, duplicates {N(q.DuplicateSpans)}, cycles {N(q.Cycles)}, clipped {N(q.ClippedSpans)}, outside parent {N(q.SpansOutsideParent)}, skew tolerated {N(q.OverlapsTolerated)}, async subtrees {N(q.NonBlockingSubtrees)}");
            Line(sb, $"  metric records {N(q.MetricRecords)}, points used {N(q.MetricPointsUsed)}, invalid points {N(q.MetricPointsInvalid)}, series {N(q.MetricSeriesUsed)}, series gaps {N(q.MetricSeriesGaps)}, counter resets {N(q.MetricCounterResets)}, resources without metrics {N(q.MetricResourcesUncovered)}");
            return sb.ToString();
        }

        /// <summary>The headline measure, its per-component values, then every other measure that has data.</summary>
        private static void RenderSignal(StringBuilder sb, Signal sig)
        {
            if (sig.Status != "ok")
            {
                Line(sb, $"  {Pad(sig.Name, 20)}  {(sig.Status == "excluded" ? "excluded (not in --include-metrics)" : "no data")}");
                return;
            }

            var head = sig.Measures.FirstOrDefault(m => m.Name == sig.Measure) ?? sig.Measures.FirstOrDefault(m => m.Status == "ok");
            Line(sb, $"  {Pad(sig.Name, 20)}  {(head is null ? string.Empty : head.Name + "  ")}{Stats(head?.Name, sig.Avg, sig.Max, sig.Total, sig.Samples, sig.Unit)}  [{string.Join(", ", sig.Metrics)}]");
            RenderComponents(sb, head?.Name, sig.Components, sig.Unit, 6);
            foreach (var m in sig.Measures)
            {
                if (m.Status != "ok" || ReferenceEquals(m, head))
                {
                    continue;
                }

                Line(sb, $"    + {Pad(m.Name, 18)}  {Stats(m.Name, m.Avg, m.Max, m.Total, m.Samples, m.Unit)}  [{string.Join(", ", m.Metrics)}]");
                RenderComponents(sb, m.Name, m.Components, m.Unit, 8);
            }
        }

        private static void RenderComponents(StringBuilder sb, string? measure, IReadOnlyList<ComponentSignal> components, string unit, int indent)
        {
            foreach (var c in components)
            {
                if (c.Samples == 0 && c.Total is null)
                {
                    continue;
                }

                Line(sb, new string(' ', indent) + Pad(Cut(c.Component, 30), 30) + "  " + Stats(measure, c.Avg, c.Max, c.Total, c.Samples, unit));
            }
        }

        private static string Stats(string? measure, decimal? avg, decimal? max, decimal? total, long samples, string unit)
        {
            switch (measure)
            {
                case "http_429_responses":
                    return $"{Val(total, "count")} of {N(samples)} HTTP responses";
                case "http_resends":
                    return $"{Val(total, "count")} resend(s) over {N(samples)} HTTP spans" + (max is null ? string.Empty : $", at most {Val(max, "count")} on one");
                case "http_429_time":
                    return $"{Val(total, unit)} lost to {N(samples)} throttled request(s) and back-off";
                case "http_429_time_on_path":
                    return $"{Val(total, unit)} of that on the critical path";
                case "queue_wait_on_path":
                    return $"{Val(total, unit)} waited on the critical path over {N(samples)} message(s)" + (max is null ? string.Empty : $", at most {Val(max, unit)} for one");
            }

            var text = $"avg {Val(avg, unit)}  max {Val(max, unit)}";
            if (total is not null)
            {
                text += $"  total {Val(total, unit)}";
            }

            return text + $"  ({N(samples)} sample{(samples == 1 ? string.Empty : "s")})";
        }

        private static string ScalingText(ScalingSummary sc)
        {
            var text = sc.Autoscaler switch
            {
                "at_max" => $"autoscaler at its maximum ({Val(sc.MaxCurrentReplicas, "count")} of {Val(sc.MaxReplicas, "count")} replicas) while {sc.Component} ran",
                "below_max" => $"autoscaler below its maximum (at most {Val(sc.MaxCurrentReplicas, "count")} of {Val(sc.MaxReplicas, "count")} replicas) while {sc.Component} ran",
                _ => "autoscaler no data",
            };
            return text + $"; restarts {(sc.Restarts is null ? "n/a" : N(sc.Restarts.Value))}, OOM kills {(sc.OomKills is null ? "n/a" : N(sc.OomKills.Value))}";
        }

        /// <summary>What a faster top component would buy, from the re-walked critical path (docs/critical-path.md).</summary>
        private static void RenderWhatIf(StringBuilder sb, Profile p)
        {
            if (p.WhatIf.Count == 0)
            {
                return;
            }

            var many = p.Summary.Roots.Count > 1;
            Line(sb, string.Empty);
            Line(sb, "What if (critical path walked again" + (many ? "; summed over the roots, median root in brackets" : string.Empty) + ")");
            var width = Math.Min(48, Math.Max(9, p.WhatIf.Select(w => w.Component.Length).DefaultIfEmpty(0).Max()));
            Line(sb, "  " + Pad("Component", width) + "  " + PadLeft("At half", 22) + "  " + PadLeft("Without it", 22) + "  Then critical");
            foreach (var w in p.WhatIf)
            {
                var half = Ms(w.HalfMs) + " (" + SignedPct(w.HalfDeltaPct) + ")";
                var removed = Ms(w.RemovedMs) + " (" + SignedPct(w.RemovedDeltaPct) + ")";
                var line = "  " + Pad(Cut(w.Component, width), width) + "  " + PadLeft(half, 22) + "  " + PadLeft(removed, 22) + "  " + w.CriticalAtHalf + " / " + w.NextCritical;
                if (many)
                {
                    line += $"  [{Ms(w.MedianRootCurrentMs)} -> {Ms(w.MedianRootHalfMs)} / {Ms(w.MedianRootRemovedMs)}]";
                }

                Line(sb, line);
            }
        }

        private static void RenderComparison(StringBuilder sb, Comparison c)
        {
            var b = c.Baseline;
            Line(sb, string.Empty);
            var against = b.Kind switch
            {
                "run" => $"{b.Target.Type} {b.Target.Id}",
                "version" => $"version {b.ServiceVersion} of {b.Target.Type} {b.Target.Id}",
                "service" => $"{b.Target.Type} {b.Target.Id} (the same service elsewhere)",
                _ => $"the baseline profile of {b.Target.Type} {b.Target.Id}",
            };
            Line(sb, $"Comparison with {against}  [{b.Window.Start}, {b.Window.End})");
            Line(sb, $"  Verdict         {c.Classification}{(c.Inconclusive ? " (inconclusive)" : string.Empty)}  gate {Pct(c.ThresholdPct)} per root");
            Line(sb, $"  Total           {Ms(c.BaselineTotalMs)} -> {Ms(c.CurrentTotalMs)}  ({Signed(c.DeltaMs)} ms, {SignedPctOrNa(c.DeltaPct)})");
            Line(sb, $"  Per root        {SignedPctOrNa(c.DeltaMeanPct)}  ({N(c.BaselineRoots)} -> {N(c.CurrentRoots)} roots)");
            var test = c.Test == "magnitude"
                ? "magnitude only (one root a side)"
                : $"{c.Test} p={(c.PValue is null ? "n/a" : c.PValue.Value.ToString("0.0000", CultureInfo.InvariantCulture))} alpha {c.Alpha.ToString("0.00", CultureInfo.InvariantCulture)}, {N(c.BaselineSamples)} vs {N(c.CurrentSamples)} samples";
            if (c.Inconclusive && c.SamplesNeeded is { } needed)
            {
                test += $"; too few to tell: needs {N(needed)} a side";
            }

            Line(sb, $"  Test            {test}");
            var width = Math.Min(48, Math.Max(9, c.Components.Select(d => d.Component.Length).DefaultIfEmpty(0).Max()));
            Line(sb, "  " + Pad("Component", width) + "  " + PadLeft("Baseline", 12) + "  " + PadLeft("Current", 12) + "  " + PadLeft("Delta", 13) + "  " + PadLeft("Share+-", 7) + "  Verdict");
            foreach (var d in c.Components)
            {
                var name = d.Presence == "both" ? d.Component : d.Component + " (" + d.Presence + ")";
                Line(sb, "  " + Pad(Cut(name, width), width) + "  " + PadLeft(Ms(d.BaselineMs), 12) + "  " + PadLeft(Ms(d.CurrentMs), 12) + "  " + PadLeft(Signed(d.DeltaMs) + " ms", 13) + "  " + PadLeft(SignedPoints(d.DeltaPctPoints), 7) + "  " + d.Classification);
            }
        }

        private static string SignedPctOrNa(decimal? v) => v is null ? "n/a" : SignedPct(v.Value);

        private static string SignedPoints(decimal v) => (v > 0 ? "+" : string.Empty) + v.ToString("0.0", CultureInfo.InvariantCulture);

        private static void Line(StringBuilder sb, string text) => sb.Append(text.TrimEnd()).Append('\n');

        private static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

        private static string Ms(long v) => N(v) + " ms";

        private static string Pct(decimal v) => v.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static string Signed(long v) => (v > 0 ? "+" : string.Empty) + N(v);

        private static string SignedPct(decimal v) => (v > 0 ? "+" : string.Empty) + Pct(v);

        private static string Val(decimal? v, string unit) => Units.Display(v, unit);

        private static string Pad(string s, int w) => s.Length >= w ? s : s + new string(' ', w - s.Length);

        private static string PadLeft(string s, int w) => s.Length >= w ? s : new string(' ', w - s.Length) + s;

        private static string Cut(string s, int w) => s.Length <= w ? s : s.Substring(0, w - 3) + "...";
    }
}
