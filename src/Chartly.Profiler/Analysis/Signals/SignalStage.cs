using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis.Scaling;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>What the signal stage adds to a profile.</summary>
    public sealed record SignalOutcome(
        IReadOnlyList<Signal> Signals,
        string BottleneckKind,
        IReadOnlyList<Finding> Findings,
        long MetricPointsUsed,
        long MetricPointsInvalid,
        long MetricSeriesUsed,
        long MetricSeriesGaps,
        long MetricCounterResets,
        long MetricResourcesUncovered,
        long SourcePartialErrors,
        ScalingSummary Scaling,
        long MetricPointsUnattributed,
        long ScalingSeriesNotCovering)
    {
        /// <summary>The breakdown the stage computed, with the roots and precision it came from.</summary>
        internal (IReadOnlyList<RootAnalysis> Roots, bool Seconds, List<BreakdownEntry> Breakdown, long TotalMs)? Computed { get; init; }

        /// <summary>The stage's breakdown when it was built from these very roots at this precision; null otherwise.</summary>
        internal (List<BreakdownEntry> Breakdown, long TotalMs)? BreakdownOf(IReadOnlyList<RootAnalysis> roots, bool seconds) =>
            Computed is { } c && ReferenceEquals(c.Roots, roots) && c.Seconds == seconds ? (c.Breakdown, c.TotalMs) : null;
    }

    /// <summary>
    /// After the critical paths: ask every metric source for the canonical samples of the
    /// resources the target's spans ran on (only the metrics the included signals need), compute
    /// the signals, classify the bottleneck and write the findings.
    /// </summary>
    public static class SignalStage
    {
        /// <summary>The query for a target, or null when no included signal needs a metric or no span ran anywhere.</summary>
        public static MetricQuery? Query(IReadOnlyList<string> allowlist, SpanEvidence spans)
        {
            // Replica and restart series are evidence beside the resource signals (docs/taxonomy.md).
            var metrics = SignalCatalog.MetricsFor(allowlist).Concat(ScalingEvidence.MetricsFor(allowlist)).Distinct(StringComparer.Ordinal).OrderBy(m => m, StringComparer.Ordinal).ToList();
            var resources = spans.Windows().Resources;
            if (metrics.Count == 0 || resources.Count == 0 || spans.MaxEndUnixNano < spans.MinStartUnixNano)
            {
                return null;
            }

            return new MetricQuery(resources, spans.MinStartUnixNano, spans.MaxEndUnixNano, metrics, MetricQuery.DefaultLookbackNanos);
        }

        public static SignalOutcome Run(
            ProfileRequest request,
            IReadOnlyList<RootAnalysis> roots,
            SpanEvidence spans,
            IReadOnlyList<IMetricSource> sources,
            long metricRecords,
            CancellationToken cancellation,
            Action<string>? verbose = null)
        {
            var stats = new MetricReadStats();
            var samples = new List<MetricSample>();
            var query = Query(request.IncludeMetrics, spans);
            if (query is not null)
            {
                foreach (var source in sources)
                {
                    cancellation.ThrowIfCancellationRequested();
                    verbose?.Invoke($"Reading {query.Metrics.Count} metric(s) of {query.Resources.Count} resource(s) from {source.Description}");
                    samples.AddRange(source.ReadSamples(query, stats, cancellation));
                }
            }

            // Remote sources may return the inputs of a ratio rather than the ratio: derive it here too
            // (a resource that already has the ratio keeps it, so file samples are not derived twice).
            samples = MetricDerivations.Apply(samples);
            samples.Sort(SampleOrder.Instance);
            verbose?.Invoke($"Computing signals from {samples.Count} metric sample(s)");
            var outcome = Evaluate(request, roots, spans, samples, stats, metricRecords);
            verbose?.Invoke($"Bottleneck kind: {outcome.BottleneckKind}");
            return outcome;
        }

        /// <summary>The pure part: signals, kind and findings from spans and samples already read.</summary>
        public static SignalOutcome Evaluate(
            ProfileRequest request,
            IReadOnlyList<RootAnalysis> roots,
            SpanEvidence spans,
            IReadOnlyList<MetricSample> samples,
            MetricReadStats stats,
            long metricRecords)
        {
            var (breakdown, totalMs) = ProfileBuilder.Breakdown(request, roots, spans.MaxParallelism);
            var report = SignalAnalyzer.Analyze(new SignalInputs(request.IncludeMetrics, request.Precision == Precision.Seconds, breakdown, totalMs, roots, spans, samples));
            var dominant = report.TopComponents.Count > 0 ? report.TopComponents[0] : null;
            var verdict = BottleneckClassifier.Classify(dominant, report, spans);
            var coverage = new MetricCoverage(metricRecords, stats.PointsUsed, stats.SeriesGaps, report.ResourcesUncovered, report.Resources);
            var scaling = ScalingEvidence.Analyze(samples, dominant, dominant is null ? WindowSet.Empty : report.ComponentWindows[dominant], spans.Windows());
            var findings = SignalFindings.Build(verdict, breakdown, report, spans, coverage, scaling.Findings);
            return new SignalOutcome(
                report.Signals,
                verdict.Kind,
                findings,
                stats.PointsUsed,
                stats.PointsInvalid,
                stats.SeriesUsed,
                stats.SeriesGaps,
                stats.CounterResets,
                report.ResourcesUncovered,
                stats.PartialErrors,
                scaling.Summary,
                stats.PointsUnattributed,
                scaling.Quality.ReplicaSeriesNotCovering)
            {
                Computed = (roots, request.Precision == Precision.Seconds, breakdown, totalMs),
            };
        }
    }
}
