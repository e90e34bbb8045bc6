using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Output
{
    /// <summary>
    /// A profile as one self-contained HTML page: the critical-path waterfall of the slowest root,
    /// the breakdown bars, the per-component deltas of a comparison, signals, findings and data
    /// quality. Inline CSS and SVG only; no script, no font, no image, no link to anywhere, and a
    /// Content-Security-Policy that forbids loading anything, so opening it never touches the
    /// network. The bytes depend on the profile and the waterfall alone (invariant numbers, LF,
    /// UTF-8 without BOM): the same inputs give the same file.
    /// </summary>
    public static class HtmlReport
    {
        // One colour per breakdown rank, so a component has the same colour in every chart.
        private static readonly string[] Palette =
        {
            "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6",
        };

        private const string OtherColour = "#bab0ac";

        /// <summary>
        /// A colour of its own for ranks beyond the palette: hues a golden angle apart, so neighbours
        /// differ and no two ranks of a page share one; the same rank always gets the same colour.
        /// </summary>
        internal static string Generated(int rank)
        {
            var hue = (rank - Palette.Length) * 137.508 % 360.0 / 60.0;
            const double s = 0.45, l = 0.52;
            var chroma = (1 - Math.Abs(2 * l - 1)) * s;
            var x = chroma * (1 - Math.Abs(hue % 2 - 1));
            var (r, g, b) = (int)hue switch
            {
                0 => (chroma, x, 0.0),
                1 => (x, chroma, 0.0),
                2 => (0.0, chroma, x),
                3 => (0.0, x, chroma),
                4 => (x, 0.0, chroma),
                _ => (chroma, 0.0, x),
            };
            var m = l - chroma / 2;
            int Byte(double v) => (int)Math.Round((v + m) * 255, MidpointRounding.AwayFromZero);
            return string.Format(CultureInfo.InvariantCulture, "#{0:x2}{1:x2}{2:x2}", Byte(r), Byte(g), Byte(b));
        }

        private const string Css = @"
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --line: #d6dae1; --bg: #ffffff; --panel: #f6f7f9; --track: #e8ebf0; --up: #c0392b; --down: #2e8b57; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #a3abba; --line: #3a4150; --bg: #161a21; --panel: #1e232c; --track: #2a303b; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar { width: 32%; }
svg.bar { display: block; width: 100%; height: 12px; }
.track { fill: var(--track); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.note { color: var(--muted); }
.verdict-regressed { color: var(--up); font-weight: 600; }
.verdict-improved { color: var(--down); font-weight: 600; }
.sev-warning { color: var(--up); }
#waterfall-chart { display: block; width: 100%; height: auto; background: var(--panel); border-radius: 4px; }
#waterfall-chart text { fill: var(--fg); font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
#waterfall-chart .axis { stroke: var(--line); }
#waterfall-chart .extent { fill: var(--track); }
#waterfall-chart text.mark { fill: var(--up); font-weight: 600; }
ul.findings { padding-left: 18px; }
ul.findings li { margin-bottom: 6px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
td.indent { padding-left: 24px; }
tr.component td { font-size: 12px; }
td code { overflow-wrap: anywhere; }
@media (max-width: 700px) { main { padding: 10px; } th, td { padding: 2px 4px; } table { font-size: 12px; } td.bar { width: 22%; } dl { grid-template-columns: 1fr; } dt { margin-top: 4px; } #waterfall { overflow-x: auto; } #waterfall-chart { min-width: 640px; } }
";

        public static byte[] RenderBytes(Profile profile, Waterfall? waterfall, string? waterfallNote) =>
            new UTF8Encoding(false).GetBytes(Render(profile, waterfall, waterfallNote));

        /// <param name="waterfallNote">Why there is no waterfall, when <paramref name="waterfall"/> is null.</param>
        public static string Render(Profile profile, Waterfall? waterfall, string? waterfallNote)
        {
            var h = profile.Header;
            var colours = ColoursOf(profile);
            var sb = new StringBuilder(64 * 1024);
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
            sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            sb.Append("<meta name=\"generator\" content=\"").Append(Esc(h.Tool + " " + h.ToolVersion)).Append("\">\n");
            sb.Append("<title>").Append(Esc($"Chartly profile: {h.Target.Type} {h.Target.Id} ({h.Environment})")).Append("</title>\n");
            sb.Append("<style>").Append(Css.Replace("\r\n", "\n")).Append("</style>\n</head>\n<body>\n");
            sb.Append("<main id=\"report\" data-correlation-id=\"").Append(Esc(h.CorrelationId)).Append("\">\n");

            Header(sb, profile);
            Summary(sb, profile);
            WaterfallSection(sb, waterfall, waterfallNote, colours);
            Breakdown(sb, profile, colours);
            WhatIfSection(sb, profile);
            if (profile.Comparison is { } c)
            {
                ComparisonSection(sb, c, colours);
            }

            Signals(sb, profile);
            Findings(sb, profile);
            DataQualitySection(sb, profile.DataQuality);

            sb.Append("<footer>").Append(Esc($"{h.Tool} {h.ToolVersion}, profile schema {h.SchemaVersion}. Read-only: built from existing telemetry; this page loads nothing.")).Append("</footer>\n");
            sb.Append("</main>\n</body>\n</html>\n");
            return sb.ToString();
        }

        private static void Header(StringBuilder sb, Profile p)
        {
            var h = p.Header;
            sb.Append("<header id=\"header\">\n<h1>Chartly profile: ").Append(Esc(h.Target.Type)).Append(" <code>").Append(Esc(h.Target.Id)).Append("</code></h1>\n<dl>\n");
            Pair(sb, "Environment", Esc(h.Environment));
            Pair(sb, "Window", "<code>" + Esc($"[{h.Window.Start}, {h.Window.End})") + "</code>");
            Pair(sb, "Precision", Esc(h.Precision));
            Pair(sb, "Correlation id", "<code>" + Esc(h.CorrelationId) + "</code>");
            Pair(sb, "Tool", Esc($"{h.Tool} {h.ToolVersion}"));
            sb.Append("</dl>\n</header>\n");
        }

        private static void Summary(StringBuilder sb, Profile p)
        {
            var s = p.Summary;
            sb.Append("<section id=\"summary\">\n<h2>Summary</h2>\n<dl>\n");
            var over = p.DataQuality.TracesSampled is null ? $"{N(s.Roots.Count)} roots" : $"{N(p.RootsAnalysed)} sampled roots";
            Pair(sb, "Total duration", Esc(Ms(s.TotalDurationMs)) + (s.Roots.Count > 1 ? Esc($" (critical-path time summed over {over})") : string.Empty));
            Pair(sb, "Roots", Esc($"{N(s.Roots.Count)}: p50 {Ms(s.Roots.P50Ms)}, p95 {Ms(s.Roots.P95Ms)}, max {Ms(s.Roots.MaxMs)}"));
            Pair(sb, "Bottleneck", "<code>" + Esc(s.Bottleneck) + "</code> " + Esc($"({s.BottleneckKind})"));
            Pair(sb, "Regression", "<span class=\"verdict-" + Esc(s.Regression) + "\">" + Esc(s.Regression) + "</span>");
            sb.Append("</dl>\n</section>\n");
        }

        private static void WaterfallSection(StringBuilder sb, Waterfall? w, string? note, IReadOnlyDictionary<string, string> colours)
        {
            sb.Append("<section id=\"waterfall\">\n<h2>Critical path of the slowest root</h2>\n");
            if (w is null)
            {
                sb.Append("<p id=\"waterfall-missing\" class=\"note\">").Append(Esc(note ?? "No waterfall: the telemetry of this profile was not read.")).Append("</p>\n</section>\n");
                return;
            }

            sb.Append("<p class=\"note\">").Append(Esc(
                $"{w.RootLabel}: started {TimeWindow.FormatUtc(w.RootStartUnixNano)}, {MsExact(w.DurationNanos)} ms, the slowest of {N(w.RootCount)} root(s). " +
                "Each row is a span on the critical path: the pale bar is the span, the coloured parts are the time the path spent in it."))
                .Append("</p>\n");

            const int width = 1000;
            const int labelWidth = 300;
            const int x0 = 310;
            const int chartWidth = 640;
            const int top = 26;
            const int rowHeight = 20;
            var rows = w.Rows;
            var height = top + rowHeight * Math.Max(1, rows.Count) + 8;
            var duration = Math.Max(1, w.DurationNanos);
            string X(long nanos) => F(x0 + (decimal)nanos / duration * chartWidth);

            sb.Append("<svg id=\"waterfall-chart\" role=\"img\" aria-label=\"Critical-path waterfall\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
                .Append("\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\">\n");

            // Time axis: 1, 2 or 5 times a power of ten milliseconds, at most ten ticks.
            var stepMs = TickStepMs(w.DurationNanos);
            for (long t = 0; t * 1_000_000 <= w.DurationNanos; t += stepMs)
            {
                var x = X(t * 1_000_000);
                sb.Append("<line class=\"axis\" x1=\"").Append(x).Append("\" y1=\"").Append(top - 6).Append("\" x2=\"").Append(x).Append("\" y2=\"").Append(height - 4).Append("\"/>");
                sb.Append("<text x=\"").Append(x).Append("\" y=\"14\" text-anchor=\"middle\">").Append(Esc(N(t) + " ms")).Append("</text>\n");
            }

            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                var y = top + i * rowHeight;
                var colour = colours.TryGetValue(r.Label, out var c) ? c : OtherColour;
                sb.Append("<g class=\"row\" data-component=\"").Append(Esc(r.Label)).Append("\"><title>")
                    .Append(Esc($"{r.Label} ({r.Kind}): span {MsExact(r.StartNanos)} to {MsExact(r.EndNanos)} ms, {MsExact(r.CriticalNanos)} ms on the critical path{(Mark(r).Length > 0 ? "; " + Mark(r) : string.Empty)}"))
                    .Append("</title>");
                var indent = Math.Min(r.Depth, 12) * 10;
                sb.Append("<text x=\"").Append(4 + indent).Append("\" y=\"").Append(y + 13).Append("\">").Append(Esc(Cut(r.Label, (labelWidth - indent) / 7))).Append("</text>");
                sb.Append("<rect class=\"extent\" x=\"").Append(X(r.StartNanos)).Append("\" y=\"").Append(y + 4).Append("\" width=\"").Append(W(r.EndNanos - r.StartNanos, duration, chartWidth))
                    .Append("\" height=\"12\"/>");
                foreach (var s in r.Sections)
                {
                    sb.Append("<rect class=\"critical\" x=\"").Append(X(s.StartNanos)).Append("\" y=\"").Append(y + 4).Append("\" width=\"").Append(W(s.EndNanos - s.StartNanos, duration, chartWidth))
                        .Append("\" height=\"12\" fill=\"").Append(colour).Append("\"/>");
                }

                // Throttling and retries, where they happened: the mark sits just after the span.
                var mark = Mark(r);
                if (mark.Length > 0)
                {
                    sb.Append("<text class=\"mark\" x=\"").Append(F(Math.Min(x0 + chartWidth - 2m, x0 + (decimal)r.EndNanos / duration * chartWidth + 3m))).Append("\" y=\"").Append(y + 13)
                        .Append("\" text-anchor=\"").Append(r.EndNanos * 10 > duration * 9 ? "end" : "start").Append("\">").Append(Esc(mark)).Append("</text>");
                }

                sb.Append("</g>\n");
            }

            sb.Append("</svg>\n");
            if (w.OmittedRows > 0)
            {
                sb.Append("<p class=\"note\">").Append(Esc($"{N(w.OmittedRows)} more span(s) on the critical path, {MsExact(w.OmittedCriticalNanos)} ms in all, are not drawn (the {Waterfall.MaxRows} that hold the most time are).")).Append("</p>\n");
            }

            sb.Append("</section>\n");
        }

        /// <summary>"HTTP 429" for a throttled response, "2 resends" for retried requests; empty otherwise.</summary>
        private static string Mark(WaterfallRow r)
        {
            var parts = new List<string>();
            if (r.HttpStatusCode == 429)
            {
                parts.Add("HTTP 429");
            }

            if (r.ResendCount > 0)
            {
                parts.Add(r.ResendCount == 1 ? "1 resend" : N(r.ResendCount) + " resends");
            }

            return string.Join(", ", parts);
        }

        private static void Breakdown(StringBuilder sb, Profile p, IReadOnlyDictionary<string, string> colours)
        {
            sb.Append("<section id=\"breakdown\">\n<h2>Breakdown (critical path)</h2>\n");
            sb.Append("<table id=\"breakdown-table\">\n<thead><tr><th>Component</th><th class=\"num\">Duration</th><th class=\"num\">Share</th><th class=\"num\">Self</th><th class=\"num\">Spans</th><th></th></tr></thead>\n<tbody>\n");
            foreach (var b in p.Breakdown)
            {
                var colour = colours.TryGetValue(b.Component, out var c) ? c : OtherColour;
                sb.Append("<tr data-component=\"").Append(Esc(b.Component)).Append("\"><td><span class=\"swatch\" aria-hidden=\"true\"><svg width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"")
                    .Append(colour).Append("\"/></svg></span><code>").Append(Esc(b.Component)).Append("</code></td>");
                sb.Append("<td class=\"num\">").Append(Esc(Ms(b.DurationMs))).Append("</td><td class=\"num\">").Append(Esc(Pct(b.Pct))).Append("</td><td class=\"num\">")
                    .Append(Esc(Ms(b.SelfMs))).Append("</td><td class=\"num\">").Append(Esc(N(b.SpanCount))).Append("</td>");
                sb.Append("<td class=\"bar\"><svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\"><rect class=\"track\" width=\"100\" height=\"10\"/><rect width=\"")
                    .Append(F(Math.Max(0m, Math.Min(100m, b.Pct)))).Append("\" height=\"10\" fill=\"").Append(colour).Append("\"/></svg></td></tr>\n");
            }

            sb.Append("</tbody>\n</table>\n</section>\n");
        }

        /// <summary>What a faster top component would buy (docs/critical-path.md, "What if").</summary>
        private static void WhatIfSection(StringBuilder sb, Profile p)
        {
            if (p.WhatIf.Count == 0)
            {
                return;
            }

            var many = p.Summary.Roots.Count > 1;
            sb.Append("<section id=\"what-if\">\n<h2>What if a component were faster</h2>\n<p class=\"note\">")
                .Append(Esc("Each root re-timed with the component's own time halved or removed, its critical path walked again" + (many ? "; summed over the roots, the median root beside it." : ".")))
                .Append("</p>\n<table id=\"what-if-table\">\n<thead><tr><th>Component</th><th class=\"num\">Now</th><th class=\"num\">At half</th><th class=\"num\">Without it</th><th>Critical at half</th><th>Next critical</th>")
                .Append(many ? "<th class=\"num\">Median root (now, half, without)</th>" : string.Empty)
                .Append("</tr></thead>\n<tbody>\n");
            foreach (var w in p.WhatIf)
            {
                sb.Append("<tr data-what-if=\"").Append(Esc(w.Component)).Append("\"><td><code>").Append(Esc(w.Component)).Append("</code></td>")
                    .Append("<td class=\"num\">").Append(Esc(Ms(w.CurrentMs))).Append("</td>")
                    .Append("<td class=\"num\">").Append(Esc(Ms(w.HalfMs) + " (" + SignedPct(w.HalfDeltaPct) + ")")).Append("</td>")
                    .Append("<td class=\"num\">").Append(Esc(Ms(w.RemovedMs) + " (" + SignedPct(w.RemovedDeltaPct) + ")")).Append("</td>")
                    .Append("<td><code>").Append(Esc(w.CriticalAtHalf)).Append("</code></td><td><code>").Append(Esc(w.NextCritical)).Append("</code></td>");
                if (many)
                {
                    sb.Append("<td class=\"num\">").Append(Esc(Ms(w.MedianRootCurrentMs) + ", " + Ms(w.MedianRootHalfMs) + ", " + Ms(w.MedianRootRemovedMs))).Append("</td>");
                }

                sb.Append("</tr>\n");
            }

            sb.Append("</tbody>\n</table>\n</section>\n");
        }

        private static void ComparisonSection(StringBuilder sb, Comparison c, IReadOnlyDictionary<string, string> colours)
        {
            var b = c.Baseline;
            sb.Append("<section id=\"comparison\">\n<h2>Comparison with the baseline</h2>\n<dl>\n");
            Pair(sb, "Baseline", Esc($"{b.Kind}: {b.Target.Type} ") + "<code>" + Esc(b.Target.Id) + "</code>" + (b.ServiceVersion is null ? string.Empty : Esc(" version " + b.ServiceVersion)) + " <code>" + Esc($"[{b.Window.Start}, {b.Window.End})") + "</code>");
            Pair(sb, "Verdict", "<span class=\"verdict-" + Esc(c.Classification) + "\">" + Esc(c.Classification) + "</span>" + Esc((c.Inconclusive ? " (inconclusive)" : string.Empty) + $", gate {Pct(c.ThresholdPct)} per root"));
            Pair(sb, "Total", Esc($"{Ms(c.BaselineTotalMs)} to {Ms(c.CurrentTotalMs)} ({Signed(c.DeltaMs)} ms, {SignedPct(c.DeltaPct)})"));
            Pair(sb, "Per root", Esc($"{SignedPct(c.DeltaMeanPct)} ({N(c.BaselineRoots)} to {N(c.CurrentRoots)} roots)"));
            var test = c.Test == "magnitude"
                ? "magnitude only"
                : $"{c.Test}, p = {(c.PValue is null ? "n/a" : c.PValue.Value.ToString("0.0000", CultureInfo.InvariantCulture))}, alpha {c.Alpha.ToString("0.00", CultureInfo.InvariantCulture)}, {N(c.BaselineSamples)} vs {N(c.CurrentSamples)} samples";
            if (c.Inconclusive && c.SamplesNeeded is { } needed)
            {
                test += $"; needs {N(needed)} a side";
            }

            Pair(sb, "Test", Esc(test));
            sb.Append("</dl>\n");

            var scale = Math.Max(1L, c.Components.Select(d => Math.Abs(d.DeltaMs)).DefaultIfEmpty(0).Max());
            sb.Append("<table id=\"deltas\">\n<thead><tr><th>Component</th><th class=\"num\">Baseline</th><th class=\"num\">Current</th><th class=\"num\">Delta</th><th class=\"num\">Share</th><th>Verdict</th><th>Change</th></tr></thead>\n<tbody>\n");
            foreach (var d in c.Components)
            {
                var name = d.Presence == "both" ? d.Component : d.Component + " (" + d.Presence + ")";
                var colour = colours.TryGetValue(d.Component, out var col) ? col : OtherColour;
                sb.Append("<tr data-component=\"").Append(Esc(d.Component)).Append("\"><td><span class=\"swatch\" aria-hidden=\"true\"><svg width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"")
                    .Append(colour).Append("\"/></svg></span><code>").Append(Esc(name)).Append("</code></td>");
                sb.Append("<td class=\"num\">").Append(Esc(Ms(d.BaselineMs))).Append("</td><td class=\"num\">").Append(Esc(Ms(d.CurrentMs))).Append("</td><td class=\"num\">")
                    .Append(Esc(Signed(d.DeltaMs) + " ms")).Append("</td><td class=\"num\">").Append(Esc(SignedPoints(d.DeltaPctPoints))).Append("</td><td class=\"verdict-")
                    .Append(Esc(d.Classification)).Append("\">").Append(Esc(d.Classification)).Append("</td>");

                // Centre line at 50: growth to the right in red, shrinkage to the left in green.
                var half = (decimal)Math.Abs(d.DeltaMs) / scale * 50m;
                var x = d.DeltaMs >= 0 ? 50m : 50m - half;
                var fill = d.DeltaMs >= 0 ? "var(--up)" : "var(--down)";
                sb.Append("<td class=\"bar\"><svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\"><rect class=\"track\" width=\"100\" height=\"10\"/><rect x=\"")
                    .Append(F(x)).Append("\" width=\"").Append(F(half)).Append("\" height=\"10\" style=\"fill:").Append(fill).Append("\"/><rect x=\"49.75\" width=\"0.5\" height=\"10\" fill=\"#888\"/></svg></td></tr>\n");
            }

            sb.Append("</tbody>\n</table>\n</section>\n");
        }

        private static void Signals(StringBuilder sb, Profile p)
        {
            sb.Append("<section id=\"signals\">\n<h2>Signals</h2>\n<p class=\"note\">Indented beneath a signal: the same signal while each critical-path component was running.</p>\n<table id=\"signals-table\">\n<thead><tr><th>Signal</th><th>Status</th><th class=\"num\">Avg</th><th class=\"num\">Max</th><th class=\"num\">Samples</th><th>Metrics</th></tr></thead>\n<tbody>\n");
            foreach (var s in p.Signals)
            {
                SignalRow(sb, s.Name, s.Status, s.Unit, s.Avg, s.Max, s.Total, s.Samples, s.Metrics, "signal");
                ComponentRows(sb, s.Components, s.Unit);
                // As the text report: the other measures with data (the signal's own is the row above).
                foreach (var m in s.Measures.Where(m => m.Status == "ok" && !string.Equals(m.Name, s.Measure, StringComparison.Ordinal)))
                {
                    SignalRow(sb, "+ " + m.Name, m.Status, m.Unit, m.Avg, m.Max, m.Total, m.Samples, m.Metrics, "measure");
                    ComponentRows(sb, m.Components, m.Unit);
                }
            }

            sb.Append("</tbody>\n</table>\n</section>\n");
        }

        private static void SignalRow(StringBuilder sb, string name, string status, string unit, decimal? avg, decimal? max, decimal? total, long samples, IReadOnlyList<string> metrics, string kind)
        {
            var ok = status == "ok";
            sb.Append("<tr class=\"").Append(kind).Append("\"><td><code>").Append(Esc(name)).Append("</code></td><td>").Append(Esc(ok ? "ok" : status.Replace('_', ' '))).Append("</td>");
            ValueCells(sb, ok, unit, avg, max, total);
            sb.Append("<td class=\"num\">").Append(Esc(N(samples))).Append("</td><td><code>").Append(Esc(string.Join(", ", metrics))).Append("</code></td></tr>\n");
        }

        /// <summary>Per component, while it held the critical path (e.g. CPU and throttling while the bottleneck ran).</summary>
        private static void ComponentRows(StringBuilder sb, IReadOnlyList<ComponentSignal> components, string unit)
        {
            foreach (var c in components)
            {
                sb.Append("<tr class=\"component\" data-component=\"").Append(Esc(c.Component)).Append("\"><td class=\"indent\"><code>").Append(Esc(c.Component)).Append("</code></td><td class=\"note\">while on the path</td>");
                ValueCells(sb, true, unit, c.Avg, c.Max, c.Total);
                sb.Append("<td class=\"num\">").Append(Esc(N(c.Samples))).Append("</td><td></td></tr>\n");
            }
        }

        /// <summary>Avg and max; a count-like measure with neither shows its total instead; nothing at all is blank, never "n/a n/a".</summary>
        private static void ValueCells(StringBuilder sb, bool ok, string unit, decimal? avg, decimal? max, decimal? total)
        {
            string a = string.Empty, m = string.Empty;
            if (ok && (avg is not null || max is not null))
            {
                a = avg is null ? string.Empty : Val(avg, unit);
                m = max is null ? string.Empty : Val(max, unit);
            }
            else if (ok && total is not null)
            {
                a = "total " + Val(total, unit);
            }

            sb.Append("<td class=\"num\">").Append(Esc(a)).Append("</td><td class=\"num\">").Append(Esc(m)).Append("</td>");
        }

        private static void Findings(StringBuilder sb, Profile p)
        {
            sb.Append("<section id=\"findings\">\n<h2>Findings</h2>\n");
            if (p.Findings.Count == 0)
            {
                sb.Append("<p class=\"note\">None.</p>\n</section>\n");
                return;
            }

            sb.Append("<ul class=\"findings\">\n");
            foreach (var f in p.Findings)
            {
                sb.Append("<li data-finding=\"").Append(Esc(f.Id)).Append("\"><span class=\"sev-").Append(Esc(f.Severity)).Append("\">[").Append(Esc(f.Severity)).Append("]</span> ").Append(Esc(f.Text));
                if (f.Metrics.Count > 0)
                {
                    sb.Append("<br><span class=\"note mono\">").Append(Esc(string.Join("; ", f.Metrics.Select(m => m.Metric + " = " + Val(m.Value, m.Unit))))).Append("</span>");
                }

                sb.Append("</li>\n");
            }

            sb.Append("</ul>\n</section>\n");
        }

        private static void DataQualitySection(StringBuilder sb, DataQuality q)
        {
            sb.Append("<section id=\"data-quality\">\n<h2>Data quality</h2>\n<p class=\"note\">").Append(Esc(
                $"files {N(q.FilesRead)}, records {N(q.RecordsRead)}, malformed {N(q.MalformedRecords)}, unsupported files {N(q.UnsupportedFiles)}, spans read {N(q.SpansRead)}, invalid {N(q.InvalidSpans)}; " +
                $"traces {N(q.TracesSelected)}, spans selected {N(q.SpansSelected)}, orphans {N(q.OrphanSpans)}, duplicates {N(q.DuplicateSpans)}, cycles {N(q.Cycles)}, clipped {N(q.ClippedSpans)}, " +
                $"outside parent {N(q.SpansOutsideParent)}, skew tolerated {N(q.OverlapsTolerated)}, async subtrees {N(q.NonBlockingSubtrees)}, roots without environment {N(q.RootsWithoutEnvironment)}"))
                .Append("</p>\n</section>\n");
        }

        /// <summary>Breakdown rank decides the colour; components only in a baseline come after, by name.</summary>
        private static Dictionary<string, string> ColoursOf(Profile p)
        {
            var names = p.Breakdown.Select(b => b.Component).ToList();
            if (p.Comparison is { } c)
            {
                names.AddRange(c.Components.Select(d => d.Component).Where(n => !names.Contains(n)).OrderBy(n => n, StringComparer.Ordinal));
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var n in names)
            {
                if (!map.ContainsKey(n))
                {
                    map[n] = map.Count < Palette.Length ? Palette[map.Count] : Generated(map.Count);
                }
            }

            return map;
        }

        private static long TickStepMs(long durationNanos)
        {
            var ms = Math.Max(1, durationNanos / 1_000_000);
            long step = 1;
            while (true)
            {
                foreach (var m in new long[] { 1, 2, 5 })
                {
                    if (ms / (step * m) <= 10)
                    {
                        return step * m;
                    }
                }

                step *= 10;
            }
        }

        private static void Pair(StringBuilder sb, string term, string html) =>
            sb.Append("<dt>").Append(Esc(term)).Append("</dt><dd>").Append(html).Append("</dd>\n");

        /// <summary>HTML-escapes text for element content and double- or single-quoted attributes.</summary>
        public static string Esc(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            var sb = new StringBuilder(text!.Length + 16);
            foreach (var ch in text)
            {
                switch (ch)
                {
                    case '&': sb.Append("&amp;"); break;
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '"': sb.Append("&quot;"); break;
                    case '\'': sb.Append("&#39;"); break;
                    default:
                        // Control characters have no business in a label; show them, do not pass them.
                        if (char.IsControl(ch))
                        {
                            sb.Append('?');
                        }
                        else
                        {
                            sb.Append(ch);
                        }

                        break;
                }
            }

            return sb.ToString();
        }

        private static string F(decimal v) => Math.Round(v, 2, MidpointRounding.AwayFromZero).ToString("0.##", CultureInfo.InvariantCulture);

        /// <summary>A width in chart units, never below a hairline so a 1 ms section still shows.</summary>
        private static string W(long nanos, long duration, int chartWidth) => F(Math.Max(0.5m, (decimal)nanos / duration * chartWidth));

        private static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

        private static string Ms(long v) => N(v) + " ms";

        /// <summary>Milliseconds with one decimal, rounded half away from zero.</summary>
        private static string MsExact(long nanos) => Math.Round(nanos / 1_000_000m, 1, MidpointRounding.AwayFromZero).ToString("#,0.0", CultureInfo.InvariantCulture);

        private static string Pct(decimal v) => v.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static string Signed(long v) => (v > 0 ? "+" : string.Empty) + N(v);

        private static string SignedPct(decimal? v) => v is null ? "n/a" : (v.Value > 0 ? "+" : string.Empty) + Pct(v.Value);

        private static string SignedPoints(decimal v) => (v > 0 ? "+" : string.Empty) + v.ToString("0.0", CultureInfo.InvariantCulture) + " pts";

        private static string Cut(string s, int w) => w < 4 || s.Length <= w ? s : s.Substring(0, w - 1) + "\u2026";

        private static string Val(decimal? v, string unit) => Units.Display(v, unit);
    }
}
