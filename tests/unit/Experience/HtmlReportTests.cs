using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>The HTML report and the waterfall it draws.</summary>
    public class HtmlReportTests
    {
        private static (Profile Profile, Waterfall Waterfall) Slowest(string type, string id) =>
            Waterfall.OfSlowestRoot(Run.Request(type, id), ConfigLoader.Load(Repo.SampleConfig), CancellationToken.None);

        [Fact]
        public void TheWaterfallOfRun1004IsItsCriticalPath()
        {
            var (profile, w) = Slowest("run", "run-1004");
            Assert.Equal(7507, profile.Summary.TotalDurationMs);
            Assert.Equal("workflow daily-report", w.RootLabel);
            Assert.Equal(1, w.RootCount);
            Assert.Equal(0, w.OmittedRows);

            // The sections partition the root: every nanosecond is on the path exactly once.
            Assert.Equal(w.DurationNanos, w.Rows.Sum(r => r.CriticalNanos));
            var sections = w.Rows.SelectMany(r => r.Sections).OrderBy(x => x.StartNanos).ToList();
            Assert.Equal(0, sections[0].StartNanos);
            for (var i = 1; i < sections.Count; i++)
            {
                Assert.Equal(sections[i - 1].EndNanos, sections[i].StartNanos);
            }

            Assert.Equal(w.DurationNanos, sections[sections.Count - 1].EndNanos);

            // Rows agree with the profile's breakdown (critical-path time per component, in ms).
            foreach (var b in profile.Breakdown.Where(b => b.DurationMs > 0))
            {
                var nanos = w.Rows.Where(r => r.Label == b.Component).Sum(r => r.CriticalNanos);
                Assert.InRange(nanos / 1_000_000.0, b.DurationMs - 1, b.DurationMs + 1);
            }

            // Parents come before their children, the root first, at depth 0.
            Assert.Equal("workflow daily-report", w.Rows[0].Label);
            Assert.Equal(0, w.Rows[0].Depth);
            var exec = w.Rows.Single(r => r.Label == "analytics_query_exec");
            Assert.Equal(4, exec.Depth);
            Assert.All(w.Rows, r => Assert.True(r.StartNanos >= 0 && r.EndNanos <= w.DurationNanos && r.StartNanos <= r.EndNanos));
        }

        [Fact]
        public void TheSlowestRootOfAWorkflowIsDrawn()
        {
            var (profile, w) = Slowest("workflow", "wf-daily-report");
            Assert.Equal(7, w.RootCount);
            Assert.Equal(profile.Summary.Roots.MaxMs, (long)Math.Round(w.DurationNanos / 1_000_000m, MidpointRounding.AwayFromZero));
            Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000L, w.RootStartUnixNano);
        }

        [Fact]
        public void ManySpansOnThePathAreCappedAndCounted()
        {
            // A root with 300 sequential children: every child is on the critical path.
            var trace = new TraceId(0, 42);
            var spans = new List<SpanRecord> { Span(trace, 1, 0, 0, 310_000, "root") };
            for (var i = 0; i < 300; i++)
            {
                spans.Add(Span(trace, (ulong)(i + 2), 1, i * 1_000 + 10, i * 1_000 + 10 + (i % 7 + 1) * 100, "step-" + i.ToString("000", CultureInfo.InvariantCulture)));
            }

            var tree = TraceTree.Build(trace, spans);
            var root = tree.IndexOf(1);
            var w = Waterfall.From(tree, root, CriticalPath.Analyze(tree, root, new DataQualityCounters(), keepSections: true), 1);

            Assert.Equal(Waterfall.MaxRows, w.Rows.Count);
            Assert.Equal(301 - Waterfall.MaxRows, w.OmittedRows);
            Assert.Equal(w.DurationNanos, w.Rows.Sum(r => r.CriticalNanos) + w.OmittedCriticalNanos);
            Assert.Contains(w.Rows, r => r.Label == "root");

            // The kept rows are the ones holding the most time; and they are drawn in start order.
            var minKept = w.Rows.Where(r => r.Label != "root").Min(r => r.CriticalNanos);
            Assert.True(minKept >= 400);
            Assert.Equal(w.Rows.Select(r => r.StartNanos).OrderBy(x => x), w.Rows.Select(r => r.StartNanos));

            var html = HtmlReport.Render(Run.Sample("run", "run-1004"), w, null);
            Assert.Contains("101 more span(s) on the critical path", html);
        }

        [Fact]
        public void ThePageHasEveryPartAndNothingThatLoads()
        {
            var (profile, w) = Slowest("run", "run-1004");
            var html = HtmlReport.Render(profile, w, null);

            foreach (var id in new[] { "report", "header", "summary", "waterfall", "waterfall-chart", "breakdown", "breakdown-table", "what-if", "what-if-table", "signals", "findings", "data-quality" })
            {
                Assert.Contains($"id=\"{id}\"", html);
            }

            Assert.DoesNotContain("id=\"comparison\"", html);
            Assert.Equal(profile.WhatIf.Count, Regex.Matches(html, "<tr data-what-if=").Count);
            Assert.Contains("<td class=\"num\">5,037 ms (-32.9%)</td>", html);
            Assert.Equal(w.Rows.Count, Regex.Matches(html, "<g class=\"row\"").Count);
            Assert.Equal(profile.Breakdown.Count, Regex.Matches(html, "<tr data-component=").Count);

            Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">", html);
            foreach (var forbidden in new[] { "<script", "http://", "https://", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe", "<object", "<embed", "xlink" })
            {
                Assert.DoesNotContain(forbidden, html, StringComparison.OrdinalIgnoreCase);
            }

            Assert.DoesNotContain("\r", html);
            Assert.EndsWith("</html>\n", html);
        }

        [Fact]
        public void NoIdentifierBeyondTheTargetIdIsWritten()
        {
            var (profile, w) = Slowest("run", "run-1004");
            var html = HtmlReport.Render(profile, w, null);

            // Trace and span ids, raw span names with ids, and the pods are all in the telemetry; none is in the page.
            Assert.DoesNotContain("4714", html); // POST /v1/query/4714 in the raw span name
            Assert.DoesNotContain("12348", html); // POST /users/12348/notify
            Assert.DoesNotContain("analytics-blue-0", html);
            var request = Run.Request("run", "run-1004");
            var root = new OtlpFileSource(new[] { Path.Combine(Repo.Root, "samples", "telemetry") }, "t")
                .FindCandidates(new TargetMatcher(request.Target), request, new DataQualityCounters(), CancellationToken.None).Single();
            Assert.DoesNotContain(root.TraceId.ToString(), html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(root.SpanId.ToString("x16", CultureInfo.InvariantCulture), html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("POST /users/{id}/notify", html.Replace("&#39;", "'"));
        }

        [Fact]
        public void TheBytesAreTheSameEveryTimeAndInEveryCulture()
        {
            var (profile, w) = Slowest("operation", "op-7f3a");
            var reference = HtmlReport.RenderBytes(profile, w, null);
            var saved = CultureInfo.CurrentCulture;
            var savedUi = CultureInfo.CurrentUICulture;
            try
            {
                foreach (var culture in new[] { "de-DE", "tr-TR", "ar-SA", "fr-CH" })
                {
                    CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
                    var (p2, w2) = Slowest("operation", "op-7f3a");
                    Assert.Equal(reference, HtmlReport.RenderBytes(p2, w2, null));
                }
            }
            finally
            {
                CultureInfo.CurrentCulture = saved;
                CultureInfo.CurrentUICulture = savedUi;
            }

            Assert.False(reference.Take(3).SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte order mark");
            Assert.Contains("90,000.0 ms", Encoding.UTF8.GetString(reference));
        }

        [Fact]
        public void LabelsAreEscapedEverywhere()
        {
            var evil = "<script>alert(\"x\")</script> & 'q'";
            var trace = new TraceId(0, 7);
            var tree = TraceTree.Build(trace, new List<SpanRecord> { Span(trace, 1, 0, 0, 1_000_000, evil) });
            var w = Waterfall.From(tree, 0, CriticalPath.Analyze(tree, 0, new DataQualityCounters(), keepSections: true), 1);
            var p = Run.Sample("run", "run-1004");
            var profile = new Profile(
                p.Header,
                p.Summary with { Bottleneck = evil },
                new[] { new BreakdownEntry(evil, 1, 100m, 1, 1) },
                p.Signals,
                new[] { new Finding("x", "info", evil, new[] { new MetricCitation(evil, 1m, "ms") }) },
                null,
                p.DataQuality);

            var html = HtmlReport.Render(profile, w, evil);
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("alert(\"", html);
            Assert.Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;", html);
        }

        [Fact]
        public void WithoutAWaterfallThePageSaysWhy()
        {
            var html = HtmlReport.Render(Run.Sample("run", "run-1004"), null, "No waterfall: the telemetry could not be read again.");
            Assert.Contains("<p id=\"waterfall-missing\" class=\"note\">No waterfall: the telemetry could not be read again.</p>", html);
            Assert.DoesNotContain("id=\"waterfall-chart\"", html);
            Assert.Contains("id=\"breakdown-table\"", html);
        }

        private static SpanRecord Span(TraceId trace, ulong id, ulong parent, long startMicros, long endMicros, string label) =>
            new(trace, id, parent, Otlp.BaseNanos + startMicros * 1_000, Otlp.BaseNanos + endMicros * 1_000, SpanKind.Internal, 0, ResourceInfo.Empty, label, TargetIdentity.None, 0, 0);

        [Fact]
        public void SignalsShowEachComponentWhileItRanAndNoEmptyNotApplicablePairs()
        {
            var profile = Run.Sample("workflow", "wf-daily-report");
            var html = System.Text.Encoding.UTF8.GetString(HtmlReport.RenderBytes(profile, null, "none"));
            var table = html.Substring(html.IndexOf("id=\"signals-table\"", StringComparison.Ordinal));
            table = table.Substring(0, table.IndexOf("</table>", StringComparison.Ordinal));

            // CPU and throttling while the bottleneck ran, as rows of the table, not only in findings text.
            var cpu = profile.Signals.Single(s => s.Name == "cpu_utilization");
            Assert.NotEmpty(cpu.Components);
            Assert.Contains("<tr class=\"component\" data-component=\"analytics_query_exec\">", table);
            Assert.Equal(
                profile.Signals.Sum(s => s.Components.Count + s.Measures.Where(m => m.Status == "ok" && m.Name != s.Measure).Sum(m => 1 + m.Components.Count)),
                System.Text.RegularExpressions.Regex.Matches(table, "<tr class=\"(component|measure)\"").Count);
            Assert.DoesNotContain("n/a", table, StringComparison.Ordinal);
        }

        [Fact]
        public void EveryComponentBeyondTheTenthHasAColourOfItsOwn()
        {
            var colours = Enumerable.Range(10, 40).Select(HtmlReport.Generated).ToList();
            Assert.Equal(colours.Count, colours.Distinct(StringComparer.Ordinal).Count());
            Assert.All(colours, c => Assert.Matches("^#[0-9a-f]{6}$", c));
            Assert.Equal(colours, Enumerable.Range(10, 40).Select(HtmlReport.Generated)); // the same every time
        }

        [Fact]
        public void ThrottledResponsesAndRetriesAreMarkedWhereTheyHappened()
        {
            using var t = new TempTelemetry();
            t.Write("run.json", Otlp.Line(Otlp.Resource("engine"), new[]
            {
                new TestSpan(Otlp.Trace(1), Otlp.Span(1), null, "workflow w", 2, 0, 10_000, Otlp.Attrs("chartly.run.id", "run-429")),
                new TestSpan(Otlp.Trace(1), Otlp.Span(2), Otlp.Span(1), "POST /export", 3, 100, 6_000, null, new Dictionary<string, long> { ["http.response.status_code"] = 429, ["http.request.resend_count"] = 2 }),
                new TestSpan(Otlp.Trace(1), Otlp.Span(3), Otlp.Span(1), "POST /render", 3, 6_000, 9_000, null, new Dictionary<string, long> { ["http.response.status_code"] = 200 }),
            }));
            var (profile, w) = Waterfall.OfSlowestRoot(Run.Request("run", "run-429"), ConfigLoader.Load(t.ConfigPath), CancellationToken.None);
            var html = Encoding.UTF8.GetString(HtmlReport.RenderBytes(profile, w, null));
            var marks = Regex.Matches(html, "<text class=\"mark\"[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(new[] { "HTTP 429, 2 resends" }, marks);
            Assert.Contains("POST /export (client): span", html);
            Assert.Contains("on the critical path; HTTP 429, 2 resends</title>", html);
        }
    }
}
