using System.Collections.Generic;
using System.Threading;

namespace Chartly.Profiler.Metrics
{
    /// <summary>
    /// One canonical sample: the value of <see cref="Metric"/> (a <see cref="CanonicalMetrics"/>
    /// name, in its canonical unit) on <see cref="Resource"/> over the interval
    /// (<see cref="TimeUnixNano"/> - <see cref="IntervalNanos"/>, <see cref="TimeUnixNano"/>].
    /// An interval of 0 is an instant. <see cref="Source"/> is the emitter's metric name (or
    /// names, joined with '/', for a derived ratio), so every number traces back to what was read.
    /// </summary>
    public sealed record MetricSample(string Metric, MetricResource Resource, long TimeUnixNano, long IntervalNanos, double Value, string Source)
    {
        public long StartUnixNano => TimeUnixNano - IntervalNanos;

        /// <summary>Whether the sample describes any time in [start, end).</summary>
        public bool Overlaps(long start, long end) =>
            IntervalNanos <= 0 ? TimeUnixNano >= start && TimeUnixNano < end : StartUnixNano < end && TimeUnixNano > start;
    }

    /// <summary>
    /// What a profile needs from a metric source: the canonical <see cref="Metrics"/> measured on
    /// any of <see cref="Resources"/> (the resources the target's spans ran on) whose intervals
    /// overlap [<see cref="StartUnixNano"/>, <see cref="EndUnixNano"/>). A source may read raw
    /// points up to <see cref="LookbackNanos"/> either side of the range (a counter needs the point
    /// before the range to give a rate in it; a gauge describes the interval since the point before).
    /// </summary>
    public sealed record MetricQuery(
        IReadOnlyList<MetricResource> Resources,
        long StartUnixNano,
        long EndUnixNano,
        IReadOnlyList<string> Metrics,
        long LookbackNanos)
    {
        /// <summary>Five minutes, Prometheus's default lookback: covers scrape intervals up to that.</summary>
        public const long DefaultLookbackNanos = 5L * 60 * 1_000_000_000;
    }

    /// <summary>
    /// A read-only source of metric samples in the canonical model. Sources that store raw OTLP
    /// points (files) read, filter and convert them here (<see cref="SeriesAssembler"/>); a remote
    /// source (Prometheus, KQL) pushes the rate and the filter down to its server and maps the
    /// answer onto the same canonical names. Either way the samples must already be in canonical
    /// units, counters as rates, one sample per resource, metric and interval.
    /// </summary>
    public interface IMetricSource
    {
        /// <summary>A short description for plans and messages.</summary>
        string Description { get; }

        IReadOnlyList<MetricSample> ReadSamples(MetricQuery query, MetricReadStats stats, CancellationToken cancellation);
    }

    /// <summary>Counts of how far the metric data can be trusted; thread-safe adds, like the span counters.</summary>
    public sealed class MetricReadStats
    {
        private long _pointsUsed;
        private long _pointsInvalid;
        private long _seriesUsed;
        private long _seriesGaps;
        private long _counterResets;
        private long _partialErrors;
        private long _pointsUnattributed;

        /// <summary>Raw points that passed the filter (a known metric, on a target resource, in the range).</summary>
        public long PointsUsed => Volatile.Read(ref _pointsUsed);

        /// <summary>Points a target resource needed without a usable time or value (NaN, infinite, missing).</summary>
        public long PointsInvalid => Volatile.Read(ref _pointsInvalid);

        /// <summary>Series (metric, resource and attributes) those points belong to.</summary>
        public long SeriesUsed => Volatile.Read(ref _seriesUsed);

        /// <summary>Steps between consecutive points of a series longer than twice its median step.</summary>
        public long SeriesGaps => Volatile.Read(ref _seriesGaps);

        /// <summary>Cumulative counters seen going back (a restart); handled as a reset, counted here.</summary>
        public long CounterResets => Volatile.Read(ref _counterResets);

        /// <summary>Partial failures a remote source reported (its answer is still used).</summary>
        public long PartialErrors => Volatile.Read(ref _partialErrors);

        /// <summary>Points of a workload metric (an autoscaler's, a deployment's) without the label that names the workload: unusable, never guessed.</summary>
        public long PointsUnattributed => Volatile.Read(ref _pointsUnattributed);

        public void AddPointsUnattributed(long n) => Interlocked.Add(ref _pointsUnattributed, n);

        public void AddPointsUsed(long n) => Interlocked.Add(ref _pointsUsed, n);

        public void AddPointsInvalid(long n) => Interlocked.Add(ref _pointsInvalid, n);

        public void AddSeriesUsed(long n) => Interlocked.Add(ref _seriesUsed, n);

        public void AddSeriesGaps(long n) => Interlocked.Add(ref _seriesGaps, n);

        public void AddCounterResets(long n) => Interlocked.Add(ref _counterResets, n);

        public void AddPartialErrors(long n) => Interlocked.Add(ref _partialErrors, n);
    }
}
