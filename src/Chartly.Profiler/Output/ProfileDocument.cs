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
            doc.Add("summary", new DocMap()
                .Add("total_duration_ms", s.TotalDurationMs)
                .Add("bottleneck", s.Bottleneck)
                .Add("bottleneck_kind", s.BottleneckKind)
                .Add("regression", s.Regression)
                .Add("roots", new DocMap()
                    .Add("count", s.Roots.Count)
                    .Add("p50_ms", s.Roots.P50Ms)
                    .Add("p95_ms", s.Roots.P95Ms)
                    .Add("max_ms", s.Roots.MaxMs)
                    .Add("samples_ms", new DocList(s.Roots.SamplesMs.Select(v => (DocNode)DocScalar.Integer(v)).ToList()))));

            doc.Add("breakdown", List(p.Breakdown, b => new DocMap()
                .Add("component", b.Component)
                .Add("duration_ms", b.DurationMs)
                .Add("pct", b.Pct)
                .Add("self_ms", b.SelfMs)
                .Add("span_count", b.SpanCount)));

            doc.Add("signals", List(p.Signals, sig => new DocMap()
                .Add("name", sig.Name)
                .Add("status", sig.Status)
                .Add("unit", sig.Unit)
                .Add("avg", Ratio(sig.Avg, sig.Unit))
                .Add("max", Ratio(sig.Max, sig.Unit))
                .Add("samples", sig.Samples)
                .Add("metrics", new DocList(sig.Metrics.Select(m => (DocNode)DocScalar.Text(m)).ToList()))
                .Add("components", List(sig.Components, c => new DocMap()
                    .Add("component", c.Component)
                    .Add("avg", Ratio(c.Avg, sig.Unit))
                    .Add("max", Ratio(c.Max, sig.Unit))
                    .Add("samples", c.Samples)))));

            doc.Add("findings", List(p.Findings, f => new DocMap()
                .Add("id", f.Id)
                .Add("severity", f.Severity)
                .Add("text", f.Text)
                .Add("metrics", List(f.Metrics, m => new DocMap()
                    .Add("metric", m.Metric)
                    .Add("value", Value(m.Value, m.Unit))
                    .Add("unit", m.Unit)))));

            if (p.Comparison is { } c)
            {
                doc.Add("comparison", new DocMap()
                    .Add("baseline", c.Baseline)
                    .Add("baseline_window", new DocMap().Add("start", c.BaselineWindow.Start).Add("end", c.BaselineWindow.End))
                    .Add("baseline_total_ms", c.BaselineTotalMs)
                    .Add("delta_ms", c.DeltaMs)
                    .Add("delta_pct", c.DeltaPct)
                    .Add("classification", c.Classification)
                    .Add("test", c.Test)
                    .Add("p_value", c.PValue is null ? DocScalar.Null : DocScalar.Fixed(c.PValue.Value, 4))
                    .Add("current_samples", c.CurrentSamples)
                    .Add("baseline_samples", c.BaselineSamples)
                    .Add("inconclusive", c.Inconclusive)
                    .Add("components", List(c.Components, d => new DocMap()
                        .Add("component", d.Component)
                        .Add("change", d.Change)
                        .Add("baseline_ms", d.BaselineMs)
                        .Add("current_ms", d.CurrentMs)
                        .Add("delta_ms", d.DeltaMs)
                        .Add("baseline_pct", d.BaselinePct)
                        .Add("current_pct", d.CurrentPct)
                        .Add("delta_pct_points", d.DeltaPctPoints)
                        .Add("classification", d.Classification))));
            }

            var q = p.DataQuality;
            doc.Add("data_quality", new DocMap()
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
                .Add("source_partial_errors", q.SourcePartialErrors));
            return doc;
        }

        /// <summary>Ratios keep three decimals (0.382); everything else percent-like keeps one.</summary>
        public static DocNode Ratio(decimal? v, string unit) =>
            v is null ? DocScalar.Null : unit == "ratio" ? DocScalar.Fixed(v.Value, 3) : DocScalar.OneDecimal(v.Value);

        private static DocNode Value(decimal v, string unit) =>
            unit == "ratio" ? DocScalar.Fixed(v, 3) : v == decimal.Truncate(v) && unit != "percent" ? DocScalar.Integer((long)v) : DocScalar.OneDecimal(v);

        private static DocList List<T>(IEnumerable<T> items, System.Func<T, DocNode> map) => new(items.Select(map).ToList());
    }
}
