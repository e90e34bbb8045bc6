using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Output
{
    /// <summary>
    /// The canonical profile document (conventions section 4): one key map, snake_case keys in a
    /// fixed order, written as JSON or YAML, and read back into the same <see cref="Profile"/>.
    /// </summary>
    public static class ProfileDocument
    {
        public static string Write(Profile profile, DocumentFormat format) => format switch
        {
            DocumentFormat.Yaml => DocWriter.ToYaml(ToDoc(profile)),
            DocumentFormat.Text => TextReport.Render(profile),
            _ => DocWriter.ToJson(ToDoc(profile)),
        };

        public static DocMap ToDoc(Profile p)
        {
            var h = p.Header;
            var doc = new DocMap();
            doc.Add("header", new DocMap()
                .Add("tool", h.Tool)
                .Add("tool_version", h.ToolVersion)
                .Add("schema_version", h.SchemaVersion)
                .Add("target", new DocMap().Add("type", h.Target.Type).Add("id", h.Target.Id))
                .Add("environment", h.Environment)
                .Add("window", new DocMap().Add("start", h.Window.Start).Add("end", h.Window.End))
                .Add("precision", h.Precision)
                .Add("correlation_id", h.CorrelationId));

            var s = p.Summary;
            var v10 = string.Equals(h.SchemaVersion, "1.0", StringComparison.Ordinal);
            var rootsDoc = new DocMap()
                .Add("count", s.Roots.Count)
                .Add("p50_ms", s.Roots.P50Ms)
                .Add("p95_ms", s.Roots.P95Ms)
                .Add("max_ms", s.Roots.MaxMs)
                .Add("samples_ms", new DocList(s.Roots.SamplesMs.Select(v => (DocNode)DocScalar.Integer(v)).ToList()));
            if (!v10)
            {
                rootsDoc.Add("versions", List(s.Roots.Versions, v => new DocMap()
                    .Add("version", v.Version)
                    .Add("count", v.Count)
                    .Add("p50_ms", v.P50Ms)
                    .Add("p95_ms", v.P95Ms)));
            }

            doc.Add("summary", new DocMap()
                .Add("total_duration_ms", s.TotalDurationMs)
                .Add("bottleneck", s.Bottleneck)
                .Add("bottleneck_kind", s.BottleneckKind)
                .Add("regression", s.Regression)
                .Add("roots", rootsDoc));

            doc.Add("breakdown", List(p.Breakdown, b => new DocMap()
                .Add("component", b.Component)
                .Add("duration_ms", b.DurationMs)
                .Add("pct", b.Pct)
                .Add("self_ms", b.SelfMs)
                .Add("span_count", b.SpanCount)));

            doc.Add("signals", List(p.Signals, sig => new DocMap()
                .Add("name", sig.Name)
                .Add("status", sig.Status)
                .Add("measure", sig.Measure)
                .Add("unit", sig.Unit)
                .Add("avg", Ratio(sig.Avg, sig.Unit))
                .Add("max", Ratio(sig.Max, sig.Unit))
                .Add("total", Ratio(sig.Total, sig.Unit))
                .Add("samples", sig.Samples)
                .Add("metrics", new DocList(sig.Metrics.Select(m => (DocNode)DocScalar.Text(m)).ToList()))
                .Add("components", Components(sig.Components, sig.Unit))
                .Add("measures", List(sig.Measures, m => new DocMap()
                    .Add("name", m.Name)
                    .Add("status", m.Status)
                    .Add("unit", m.Unit)
                    .Add("avg", Ratio(m.Avg, m.Unit))
                    .Add("max", Ratio(m.Max, m.Unit))
                    .Add("total", Ratio(m.Total, m.Unit))
                    .Add("samples", m.Samples)
                    .Add("metrics", new DocList(m.Metrics.Select(x => (DocNode)DocScalar.Text(x)).ToList()))
                    .Add("components", Components(m.Components, m.Unit))))));

            // Sections added in schema 1.1; a saved 1.0 document writes back without them.
            if (!v10)
            {
                var sc = p.Scaling ?? ScalingSummary.NoData;
                doc.Add("scaling", new DocMap()
                    .Add("component", sc.Component)
                    .Add("autoscaler", sc.Autoscaler)
                    .Add("workloads", new DocList(sc.Workloads.Select(w => (DocNode)DocScalar.Text(w)).ToList()))
                    .Add("hpa_current_replicas", new DocMap().Add("max", Ratio(sc.MaxCurrentReplicas, "count")))
                    .Add("hpa_max_replicas", new DocMap().Add("max", Ratio(sc.MaxReplicas, "count")))
                    .Add("deployment_available_replicas", new DocMap().Add("min", Ratio(sc.MinAvailableReplicas, "count")))
                    .Add("deployment_desired_replicas", new DocMap().Add("max", Ratio(sc.MaxDesiredReplicas, "count")))
                    .Add("container_restarts", new DocMap().Add("total", sc.Restarts is null ? DocScalar.Null : DocScalar.Integer(sc.Restarts.Value)))
                    .Add("oom_kills", new DocMap().Add("total", sc.OomKills is null ? DocScalar.Null : DocScalar.Integer(sc.OomKills.Value))));
            }

            doc.Add("findings", List(p.Findings, f => new DocMap()
                .Add("id", f.Id)
                .Add("severity", f.Severity)
                .Add("text", f.Text)
                .Add("metrics", List(f.Metrics, m => new DocMap()
                    .Add("metric", m.Metric)
                    .Add("value", Value(m.Value, m.Unit))
                    .Add("unit", m.Unit)))));

            // A document keeps the sections of its own schema version: a saved 1.0 profile reads and writes back unchanged.
            if (!v10)
            {
                doc.Add("what_if", List(p.WhatIf, w => new DocMap()
                .Add("component", w.Component)
                .Add("current_ms", w.CurrentMs)
                .Add("half_ms", w.HalfMs)
                .Add("removed_ms", w.RemovedMs)
                .Add("half_delta_pct", w.HalfDeltaPct)
                .Add("removed_delta_pct", w.RemovedDeltaPct)
                .Add("critical_at_half", w.CriticalAtHalf)
                .Add("next_critical", w.NextCritical)
                .Add("median_root", new DocMap()
                    .Add("current_ms", w.MedianRootCurrentMs)
                    .Add("half_ms", w.MedianRootHalfMs)
                    .Add("removed_ms", w.MedianRootRemovedMs))));
            }

            if (p.Comparison is { } c)
            {
                doc.Add("comparison", ComparisonDoc(c));
            }

            var q = p.DataQuality;
            var dq = new DocMap();
            doc.Add("data_quality", dq
                .Add("files_read", q.FilesRead)
                .Add("bytes_read", q.BytesRead)
                .Add("records_read", q.RecordsRead)
                .Add("malformed_records", q.MalformedRecords)
                .Add("unsupported_files", q.UnsupportedFiles)
                .Add("spans_read", q.SpansRead)
                .Add("invalid_spans", q.InvalidSpans)
                .Add("traces_selected", q.TracesSelected)
                .Add("spans_selected", q.SpansSelected)
                .Add("duplicate_spans", q.DuplicateSpans)
                .Add("orphan_spans", q.OrphanSpans)
                .Add("cycles", q.Cycles)
                .Add("clipped_spans", q.ClippedSpans)
                .Add("spans_outside_parent", q.SpansOutsideParent)
                .Add("overlaps_tolerated", q.OverlapsTolerated)
                .Add("non_blocking_subtrees", q.NonBlockingSubtrees)
                .Add("roots_without_environment", q.RootsWithoutEnvironment)
                .Add("metric_records", q.MetricRecords)
                .Add("metric_points_used", q.MetricPointsUsed)
                .Add("metric_points_invalid", q.MetricPointsInvalid)
                .Add("metric_series_used", q.MetricSeriesUsed)
                .Add("metric_series_gaps", q.MetricSeriesGaps)
                .Add("metric_counter_resets", q.MetricCounterResets)
                .Add("metric_resources_uncovered", q.MetricResourcesUncovered));
            if (!v10)
            {
                dq.Add("metric_points_unattributed", q.MetricPointsUnattributed)
                    .Add("scaling_series_not_covering", q.ScalingSeriesNotCovering);
            }

            dq.Add("source_partial_errors", q.SourcePartialErrors);
            if (q.TracesSampled is { } sampled)
            {
                // Written only when the target was sampled: every other document keeps its bytes.
                dq.Add("traces_sampled", sampled).Add("traces_in_target", q.TracesInTarget ?? 0);
            }

            return doc;
        }

        /// <summary>The comparison section (docs/regression.md): keys in this fixed order.</summary>
        public static DocMap ComparisonDoc(Comparison c)
        {
            var b = c.Baseline;
            return new DocMap()
                .Add("baseline", new DocMap()
                    .Add("kind", b.Kind)
                    .Add("target", new DocMap().Add("type", b.Target.Type).Add("id", b.Target.Id))
                    .Add("service_version", b.ServiceVersion)
                    .Add("window", new DocMap().Add("start", b.Window.Start).Add("end", b.Window.End))
                    .Add("correlation_id", b.CorrelationId))
                .Add("current_correlation_id", c.CurrentCorrelationId)
                .Add("threshold_pct", c.ThresholdPct)
                .Add("alpha", DocScalar.Fixed(c.Alpha, 2))
                .Add("baseline_total_ms", c.BaselineTotalMs)
                .Add("current_total_ms", c.CurrentTotalMs)
                .Add("delta_ms", c.DeltaMs)
                .Add("delta_pct", c.DeltaPct)
                .Add("baseline_roots", c.BaselineRoots)
                .Add("current_roots", c.CurrentRoots)
                .Add("delta_mean_pct", c.DeltaMeanPct)
                .Add("classification", c.Classification)
                .Add("test", c.Test)
                .Add("p_value", c.PValue is null ? DocScalar.Null : DocScalar.Fixed(c.PValue.Value, 4))
                .Add("baseline_samples", c.BaselineSamples)
                .Add("current_samples", c.CurrentSamples)
                .Add("inconclusive", c.Inconclusive)
                .Add("samples_needed", c.SamplesNeeded is null ? DocScalar.Null : DocScalar.Integer(c.SamplesNeeded.Value))
                .Add("components", List(c.Components, d => new DocMap()
                    .Add("component", d.Component)
                    .Add("presence", d.Presence)
                    .Add("baseline_ms", d.BaselineMs)
                    .Add("current_ms", d.CurrentMs)
                    .Add("delta_ms", d.DeltaMs)
                    .Add("baseline_pct", d.BaselinePct)
                    .Add("current_pct", d.CurrentPct)
                    .Add("delta_pct_points", d.DeltaPctPoints)
                    .Add("impact_pct", d.ImpactPct)
                    .Add("classification", d.Classification)));
        }

        /// <summary>
        /// A signal value in its unit's precision (docs/signals.md): ratios and cores keep three
        /// decimals (0.382), bytes and counts are integers where whole, everything else keeps one.
        /// </summary>
        public static DocNode Ratio(decimal? v, string unit)
        {
            if (v is null)
            {
                return DocScalar.Null;
            }

            return Units.Decimals(unit) switch
            {
                { } digits when digits != 1 => DocScalar.Fixed(v.Value, digits),
                null when v.Value == decimal.Truncate(v.Value) && Math.Abs(v.Value) <= long.MaxValue => DocScalar.Integer((long)v.Value),
                _ => DocScalar.OneDecimal(v.Value),
            };
        }

        private static DocList Components(IReadOnlyList<ComponentSignal> components, string unit) => List(components, c => new DocMap()
            .Add("component", c.Component)
            .Add("avg", Ratio(c.Avg, unit))
            .Add("max", Ratio(c.Max, unit))
            .Add("total", Ratio(c.Total, unit))
            .Add("samples", c.Samples));

        /// <summary>
        /// A cited value: ratios and p-values at their fixed decimals, percentages with one,
        /// anything else an integer when whole (a citation states exactly the number the text says).
        /// </summary>
        private static DocNode Value(decimal v, string unit) => unit switch
        {
            Units.Ratio or Units.PValue => DocScalar.Fixed(v, Units.Decimals(unit)!.Value),
            Units.Percent => DocScalar.OneDecimal(v),
            _ => v == decimal.Truncate(v) ? DocScalar.Integer((long)v) : DocScalar.OneDecimal(v),
        };

        private static DocList List<T>(IEnumerable<T> items, System.Func<T, DocNode> map) => new(items.Select(map).ToList());
    }
}
