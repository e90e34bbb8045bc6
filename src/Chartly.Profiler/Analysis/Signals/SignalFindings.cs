using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>What the findings say about the metric data itself.</summary>
    public sealed record MetricCoverage(long MetricRecords, long PointsUsed, long SeriesGaps, long ResourcesUncovered, long Resources);

    /// <summary>
    /// The findings the signals support, in a fixed order: the bottleneck (or why it is unknown),
    /// then every other threshold a top component crossed (in breakdown order, then rule order),
    /// then the target's 429s and queue waits, then the metric data's own gaps. Every finding cites
    /// the metric values it states; ids are stable (a rule id, and the component where it has one).
    /// </summary>
    public static class SignalFindings
    {
        public static IReadOnlyList<Finding> Build(Verdict verdict, IReadOnlyList<BreakdownEntry> breakdown, SignalReport report, SpanEvidence spans, MetricCoverage coverage, IReadOnlyList<Finding>? scaling = null)
        {
            var findings = new List<Finding>();
            var byComponent = breakdown.ToDictionary(b => b.Component, b => b, System.StringComparer.Ordinal);
            var dominant = report.TopComponents.Count > 0 ? byComponent[report.TopComponents[0]] : null;
            var metricData = report.Measures.Any(m => m.Definition.Source == MeasureSource.Metric && m.HasData);
            var metricWanted = report.Measures.Any(m => m.Definition.Source == MeasureSource.Metric);

            if (verdict.Kind != BottleneckKinds.Unknown)
            {
                var citations = new List<MetricCitation>();
                var text = verdict.Clause;
                var about = verdict.Component is not null && byComponent.TryGetValue(verdict.Component, out var c) ? c : dominant;
                if (about is not null)
                {
                    citations.AddRange(Held(about));
                    text = HeldText(about) + "; " + text;
                }

                citations.AddRange(verdict.Citations);
                findings.Add(new Finding(
                    "bottleneck." + verdict.Kind,
                    "warning",
                    Sentence(text) + " Bottleneck kind: " + verdict.Kind + " (rule " + verdict.Rule + ").",
                    citations));
            }
            else if (dominant is not null)
            {
                findings.Add(Unknown(dominant, report, metricData, metricWanted, coverage));
            }

            // What the bottleneck finding already cites is not repeated as a finding of its own.
            var cited = new HashSet<string>(verdict.Citations.Select(c => c.Metric), System.StringComparer.Ordinal);
            foreach (var component in report.TopComponents)
            {
                foreach (var rule in BottleneckClassifier.ComponentRules)
                {
                    var v = rule.Evaluate(component, report, spans);
                    if (v is null || (v.Rule == verdict.Rule && v.Component == verdict.Component) || v.Citations.All(c => cited.Contains(c.Metric)))
                    {
                        continue;
                    }

                    var entry = byComponent[component];
                    findings.Add(new Finding(
                        "signal." + v.Rule + ":" + component,
                        v.Kind == BottleneckKinds.Dependency ? "info" : "warning",
                        Sentence(HeldText(entry) + "; " + v.Clause),
                        Held(entry).Concat(v.Citations).ToList()));
                }

                Peak(findings, report, byComponent[component], SignalCatalog.Throttling, "cfs_throttle_ratio", BottleneckClassifier.CfsThrottleRatio, "cfs-throttle", "its container was CFS-throttled in up to {0} of periods in one interval while it ran (mean {1})");
                Peak(findings, report, byComponent[component], SignalCatalog.CpuUtilization, "limit_utilization", BottleneckClassifier.CpuLimitAvg, "cpu-limit", "its container ran at up to {0} of its CPU limit in one interval while it ran (mean {1})");
            }

            // Scaling limits beside the kind: were they hit while the bottleneck held the path?
            findings.AddRange(scaling ?? System.Array.Empty<Finding>());
            Http429(findings, verdict, report, spans);
            QueueWait(findings, verdict, report, spans);

            if (metricWanted && !metricData && verdict.Kind != BottleneckKinds.Unknown)
            {
                findings.Add(new Finding(
                    "data-quality.no-metrics",
                    "info",
                    "No metric sample described the resources the target's spans ran on while they ran: the metric-based signals are no_data.",
                    new[]
                    {
                        new MetricCitation("data_quality.metric_points_used", coverage.PointsUsed, "count"),
                        new MetricCitation("data_quality.metric_records", coverage.MetricRecords, "count"),
                    }));
            }

            if (coverage.SeriesGaps > 0)
            {
                findings.Add(new Finding(
                    "data-quality.metric-gaps",
                    "warning",
                    string.Format(CultureInfo.InvariantCulture, "{0:#,0} step(s) in the metric series used were longer than twice the series' usual interval (missed scrapes): signals around them rest on fewer samples.", coverage.SeriesGaps),
                    new[] { new MetricCitation("data_quality.metric_series_gaps", coverage.SeriesGaps, "count") }));
            }

            if (metricData && coverage.ResourcesUncovered > 0)
            {
                findings.Add(new Finding(
                    "data-quality.metric-coverage",
                    "info",
                    string.Format(CultureInfo.InvariantCulture, "{0:#,0} of the {1:#,0} resources the target's spans ran on had no metric sample while they ran: signals describe the others only.", coverage.ResourcesUncovered, coverage.Resources),
                    new[] { new MetricCitation("data_quality.metric_resources_uncovered", coverage.ResourcesUncovered, "count") }));
            }

            return findings;
        }

        private static Finding Unknown(BreakdownEntry dominant, SignalReport report, bool metricData, bool metricWanted, MetricCoverage coverage)
        {
            var c = dominant.Component;
            var citations = new List<MetricCitation>(Held(dominant));
            if (report.ClientShare.TryGetValue(c, out var share))
            {
                citations.Add(new MetricCitation("critical_path.client_share{component=\"" + c + "\"}", share, "ratio"));
            }

            string text;
            if (metricWanted && !metricData)
            {
                citations.Add(new MetricCitation("data_quality.metric_points_used", coverage.PointsUsed, "count"));
                citations.Add(new MetricCitation("data_quality.metric_records", coverage.MetricRecords, "count"));
                text = HeldText(dominant) + "; no metric sample described the resources the target's spans ran on while they ran, and the spans show no throttling, queueing or waiting on a dependency. Bottleneck kind: unknown.";
            }
            else
            {
                foreach (var (signal, measure, stat) in new[]
                {
                    (SignalCatalog.CpuUtilization, "limit_utilization", "avg"),
                    (SignalCatalog.MemoryUtilization, "limit_utilization", "max"),
                    (SignalCatalog.IoWait, "node_iowait", "avg"),
                    (SignalCatalog.Throttling, "cfs_throttle_ratio", "avg"),
                })
                {
                    var m = report.Measure(signal, measure);
                    var s = m is { HasData: true } ? m.Component(c) : null;
                    var v = stat == "max" ? s?.Max : s?.Avg;
                    if (v is { } value)
                    {
                        citations.Add(BottleneckClassifier.Cite(signal, measure, stat, c, value, m!.Unit));
                    }
                }

                text = HeldText(dominant) + "; no signal crossed a taxonomy threshold while it ran (docs/taxonomy.md). Bottleneck kind: unknown.";
            }

            return new Finding("bottleneck.unknown", "info", text, citations);
        }

        /// <summary>
        /// A threshold the mean stayed under but one interval crossed: over many roots, one slow
        /// run's throttling is diluted in the mean; this says it happened, without making it the kind.
        /// </summary>
        private static void Peak(List<Finding> findings, SignalReport report, BreakdownEntry entry, string signal, string measure, decimal threshold, string rule, string format)
        {
            var m = report.Measure(signal, measure);
            var s = m is { HasData: true } ? m.Component(entry.Component) : null;
            if (s?.Avg is not { } avg || s.Max is not { } max || avg >= threshold || max < threshold)
            {
                return;
            }

            findings.Add(new Finding(
                "signal." + rule + "-peak:" + entry.Component,
                "info",
                Sentence(HeldText(entry) + "; " + string.Format(CultureInfo.InvariantCulture, format, BottleneckClassifier.Pct(max), BottleneckClassifier.Pct(avg))),
                Held(entry).Concat(new[]
                {
                    BottleneckClassifier.Cite(signal, measure, "max", entry.Component, max, "ratio"),
                    BottleneckClassifier.Cite(signal, measure, "avg", entry.Component, avg, "ratio"),
                }).ToList()));
        }

        /// <summary>
        /// 429s that were not the bottleneck: what they cost in all and, separately, what of that
        /// lay on the critical path (often 0 ms: a parallel branch that was throttled delayed nothing).
        /// </summary>
        private static void Http429(List<Finding> findings, Verdict verdict, SignalReport report, SpanEvidence spans)
        {
            var responses = report.Measure(SignalCatalog.Throttling, "http_429_responses");
            var time = report.Measure(SignalCatalog.Throttling, "http_429_time");
            var onPath = report.Measure(SignalCatalog.Throttling, "http_429_time_on_path");
            var resends = report.Measure(SignalCatalog.Throttling, "http_resends");
            if (verdict.Rule == "http-429" || responses is not { HasData: true } || responses.Whole.Total is not > 0)
            {
                return;
            }

            var share = BottleneckClassifier.Share(spans.Target.Http429OnPathNanos, spans.RootNanos);
            var onPathMs = onPath?.Whole.Total ?? 0m;
            var resent = resends is { HasData: true } ? resends.Whole.Total ?? 0m : 0m;
            findings.Add(new Finding(
                "signal.http-429",
                "info",
                string.Format(
                    CultureInfo.InvariantCulture,
                    "{0:#,0} of {1:#,0} HTTP responses in the target were 429 (Too Many Requests) and {2:#,0} request(s) were resent; the throttled requests with their back-off took {3:#,0} ms, of which {4:#,0} ms lay on the critical path ({5} of the root time{6}).",
                    responses.Whole.Total.Value,
                    responses.Whole.Samples,
                    resent,
                    time?.Whole.Total ?? 0m,
                    onPathMs,
                    BottleneckClassifier.Pct(share),
                    onPathMs == 0m ? ": removing them would not have made the target faster" : Under(share, BottleneckClassifier.Http429TimeShare, BottleneckKinds.Throttling)),
                new[]
                {
                    new MetricCitation("throttling.http_429_responses.total", responses.Whole.Total.Value, "count"),
                    new MetricCitation("throttling.http_resends.total", resent, "count"),
                    new MetricCitation("throttling.http_429_time.total", time?.Whole.Total ?? 0m, "ms"),
                    new MetricCitation("throttling.http_429_time_on_path.total", onPathMs, "ms"),
                    new MetricCitation("throttling.http_429_time_on_path.share_of_roots", share, "ratio"),
                }));
        }

        /// <summary>Queue waits that were not the bottleneck: all of them, and the part the target waited through on its critical path.</summary>
        private static void QueueWait(List<Finding> findings, Verdict verdict, SignalReport report, SpanEvidence spans)
        {
            var m = report.Measure(SignalCatalog.Backpressure, "queue_wait");
            var onPath = report.Measure(SignalCatalog.Backpressure, "queue_wait_on_path");
            if (verdict.Rule == "queue-wait" || m is not { HasData: true })
            {
                return;
            }

            var share = BottleneckClassifier.Share(BottleneckClassifier.QueueWaitOnPathNanos(spans), spans.RootNanos);
            var onPathMs = onPath?.Whole.Total ?? 0m;
            findings.Add(new Finding(
                "signal.queue-wait",
                "info",
                string.Format(
                    CultureInfo.InvariantCulture,
                    "{0:#,0} message(s) waited {1:#,0.#} ms on average (max {2:#,0.#} ms) between producer and consumer; {3:#,0.#} ms of that lay on the critical path ({4} of the root time{5}).",
                    m.Whole.Samples,
                    m.Whole.Avg ?? 0m,
                    m.Whole.Max ?? 0m,
                    onPathMs,
                    BottleneckClassifier.Pct(share),
                    onPathMs == 0m ? ": the target did not wait for them" : Under(share, BottleneckClassifier.QueueWaitShare, BottleneckKinds.Queueing)),
                new[]
                {
                    new MetricCitation("backpressure.queue_wait.avg", m.Whole.Avg ?? 0m, "ms"),
                    new MetricCitation("backpressure.queue_wait.max", m.Whole.Max ?? 0m, "ms"),
                    new MetricCitation("backpressure.queue_wait_on_path.total", onPathMs, "ms"),
                    new MetricCitation("backpressure.queue_wait_on_path.share_of_roots", share, "ratio"),
                }));
        }

        private static string Under(decimal share, decimal threshold, string kind) =>
            share < threshold ? ", under the " + BottleneckClassifier.Pct(threshold) + " that makes " + kind + " the bottleneck" : string.Empty;

        private static IEnumerable<MetricCitation> Held(BreakdownEntry e) => new[]
        {
            new MetricCitation("critical_path.pct{component=\"" + e.Component + "\"}", e.Pct, "percent"),
            new MetricCitation("critical_path.duration_ms{component=\"" + e.Component + "\"}", e.DurationMs, "ms"),
        };

        private static string HeldText(BreakdownEntry e) =>
            string.Format(CultureInfo.InvariantCulture, "{0} held {1:0.0}% of the critical path ({2:#,0} ms)", e.Component, e.Pct, e.DurationMs);

        private static string Sentence(string s) => s.EndsWith(".", System.StringComparison.Ordinal) ? s : s + ".";
    }
}
