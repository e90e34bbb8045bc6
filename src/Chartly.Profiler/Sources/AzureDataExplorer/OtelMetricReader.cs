using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis.Scaling;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// Metrics from the exporter's metrics table: one query over the range widened by the lookback
    /// (<see cref="OtelMetricQueries"/>), its rows through <see cref="OtelMetricMapper"/> into the
    /// file reader's sink, and the file reader's <see cref="SeriesAssembler"/> (rates between
    /// consecutive points per series, a value that goes back is a reset, as Prometheus has it).
    /// An answer cut at the query limits is never used: the range is asked again in two halves
    /// (the same halves every time), down to <see cref="MinimumSpanNanos"/>, where the profile
    /// fails with <c>SourceResultTruncated</c> (exit 3).
    /// </summary>
    internal sealed class OtelMetricReader
    {
        /// <summary>Below one minute a range is not split further: no metric table holds that many points per minute for a handful of pods.</summary>
        private const long MinimumSpanNanos = 60L * 1_000_000_000;

        /// <summary>The resolution of a Data Explorer <c>datetime</c>.</summary>
        private const long TickNanos = 100;

        private readonly string _table;
        private readonly string _source;
        private readonly Func<string, CancellationToken, Kusto.KustoAnswer> _query;

        public OtelMetricReader(string table, string source, Func<string, CancellationToken, Kusto.KustoAnswer> query)
        {
            _table = table;
            _source = source;
            _query = query;
        }

        /// <summary>The plan's step: the query as it will be sent, the resources shown as placeholders.</summary>
        public string Plan(ProfileRequest request)
        {
            var metrics = SignalCatalog.MetricsFor(request.IncludeMetrics).Concat(ScalingEvidence.MetricsFor(request.IncludeMetrics)).Distinct(StringComparer.Ordinal).OrderBy(m => m, StringComparer.Ordinal).ToList();
            if (metrics.Count == 0)
            {
                return "metrics: no query, no included signal reads metrics";
            }

            // The signal stage asks for the time the target's spans ran, which lies inside the window.
            var w = request.Window;
            return $"metrics, over the time the target's spans ran plus {MetricQuery.DefaultLookbackNanos / 60_000_000_000L}m either side (shown here for the whole window), on their pods, nodes, services and namespaces:\n" +
                OtelMetricQueries.Template(_table, metrics, w.StartUnixNano - MetricQuery.DefaultLookbackNanos, w.EndUnixNano + MetricQuery.DefaultLookbackNanos);
        }

        public IReadOnlyList<MetricSample> Read(MetricQuery query, MetricReadStats stats, CancellationToken cancellation)
        {
            if (query.Metrics.Count == 0 || query.Resources.Count == 0 || query.EndUnixNano <= query.StartUnixNano)
            {
                return Array.Empty<MetricSample>();
            }

            var sink = new OtlpMetricSink(query, stats);
            var mapper = new OtelMetricMapper(sink, stats, why => SourceErrors.Malformed(_source, why));
            Ask(query.StartUnixNano - query.LookbackNanos, query.EndUnixNano + query.LookbackNanos, query, mapper, stats, cancellation);
            mapper.Finish();
            return SeriesAssembler.Assemble(sink.Points, query, stats);
        }

        private void Ask(long from, long to, MetricQuery query, OtelMetricMapper mapper, MetricReadStats stats, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            var answer = _query(OtelMetricQueries.Build(_table, query with { StartUnixNano = from, EndUnixNano = to, LookbackNanos = 0 }), cancellation);
            if (answer.Truncated)
            {
                if (to - from <= MinimumSpanNanos)
                {
                    throw SourceErrors.Truncated(_source, "the metric points of one minute", "narrow the target (a run or operation instead of a workflow or service) so fewer pods are asked for, or leave out signals with --include-metrics");
                }

                // Both bounds are inclusive and Data Explorer keeps 100 ns ticks: halves split on a tick, the second
                // starting one tick later, hold every point of the range once.
                var middle = (from + ((to - from) / 2)) / TickNanos * TickNanos;
                Ask(from, middle, query, mapper, stats, cancellation);
                Ask(middle + TickNanos, to, query, mapper, stats, cancellation);
                return;
            }

            if (answer.Partial)
            {
                stats.AddPartialErrors(1);
            }

            if (answer.Primary is { } table)
            {
                mapper.Map(table);
            }
        }
    }
}
