using System;
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
            Line(sb, $"  Total duration  {Ms(s.TotalDurationMs)}" + (s.Roots.Count > 1 ? $"  over {N(s.Roots.Count)} roots (p50 {Ms(s.Roots.P50Ms)}, p95 {Ms(s.Roots.P95Ms)}, max {Ms(s.Roots.MaxMs)})" : string.Empty));
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

            Line(sb, string.Empty);
            Line(sb, "Signals");
            foreach (var sig in p.Signals)
            {
                if (sig.Status != "ok")
                {
                    Line(sb, $"  {Pad(sig.Name, 20)}  no data");
                    continue;
                }

                Line(sb, $"  {Pad(sig.Name, 20)}  avg {Val(sig.Avg, sig.Unit)}  max {Val(sig.Max, sig.Unit)}  ({N(sig.Samples)} samples of {string.Join(", ", sig.Metrics)})");
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
                Line(sb, string.Empty);
                Line(sb, $"Comparison with {c.Baseline}: {c.Classification}  (delta {Signed(c.DeltaMs)} ms, {SignedPct(c.DeltaPct)}; {c.Test}{(c.Inconclusive ? ", inconclusive" : string.Empty)})");
                foreach (var d in c.Components)
                {
                    Line(sb, "  " + Pad(Cut(d.Component, width), width) + "  " + PadLeft(Signed(d.DeltaMs) + " ms", 14) + "  " + PadLeft(d.Change, 9) + "  " + d.Classification);
                }
            }

            var q = p.DataQuality;
            Line(sb, string.Empty);
            Line(sb, "Data quality");
            Line(sb, $"  files {N(q.FilesRead)}, records {N(q.RecordsRead)}, malformed {N(q.MalformedRecords)}, unsupported files {N(q.UnsupportedFiles)}, spans read {N(q.SpansRead)}, invalid {N(q.InvalidSpans)}");
            Line(sb, $"  traces {N(q.TracesSelected)}, spans selected {N(q.SpansSelected)}, orphans {N(q.OrphanSpans)}, duplicates {N(q.DuplicateSpans)}, cycles {N(q.Cycles)}, clipped {N(q.ClippedSpans)}, outside parent {N(q.SpansOutsideParent)}, skew tolerated {N(q.OverlapsTolerated)}, async subtrees {N(q.NonBlockingSubtrees)}");
            return sb.ToString();
        }

        private static void Line(StringBuilder sb, string text) => sb.Append(text.TrimEnd()).Append('\n');

        private static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

        private static string Ms(long v) => N(v) + " ms";

        private static string Pct(decimal v) => v.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static string Signed(long v) => (v > 0 ? "+" : string.Empty) + N(v);

        private static string SignedPct(decimal v) => (v > 0 ? "+" : string.Empty) + Pct(v);

        private static string Val(decimal? v, string unit)
        {
            if (v is null)
            {
                return "n/a";
            }

            return unit switch
            {
                "ratio" => (v.Value * 100m).ToString("0.0", CultureInfo.InvariantCulture) + "%",
                "percent" => Pct(v.Value),
                "ms" => v.Value.ToString("#,0.#", CultureInfo.InvariantCulture) + " ms",
                "count" => v.Value.ToString("#,0.#", CultureInfo.InvariantCulture),
                _ => v.Value.ToString("#,0.###", CultureInfo.InvariantCulture) + " " + unit,
            };
        }

        private static string Pad(string s, int w) => s.Length >= w ? s : s + new string(' ', w - s.Length);

        private static string PadLeft(string s, int w) => s.Length >= w ? s : new string(' ', w - s.Length) + s;

        private static string Cut(string s, int w) => s.Length <= w ? s : s.Substring(0, w - 3) + "...";
    }
}
