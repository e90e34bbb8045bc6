namespace Chartly.Profiler.Metrics
{
    /// <summary>The OTLP shape a raw point arrived in, which decides how it becomes a rate or a value.</summary>
    public enum PointKind
    {
        Gauge,
        CumulativeSum,
        DeltaSum,
        CumulativeHistogram,
        DeltaHistogram,
    }

    /// <summary>
    /// One data point as a file stored it, kept only because it passed the read-time filter. For
    /// histograms <see cref="Value"/> is the sum and <see cref="Count"/> the count. The series key
    /// names the metric, the resource and every attribute, so cumulative values are only ever
    /// subtracted within one series.
    /// </summary>
    public sealed class RawPoint
    {
        public RawPoint(MetricAlias alias, string seriesKey, MetricResource resource, PointKind kind, long startUnixNano, long timeUnixNano, double value, double count, double scale)
        {
            Alias = alias;
            SeriesKey = seriesKey;
            Resource = resource;
            Kind = kind;
            StartUnixNano = startUnixNano;
            TimeUnixNano = timeUnixNano;
            Value = value;
            Count = count;
            Scale = scale;
        }

        public MetricAlias Alias { get; }

        public string SeriesKey { get; }

        public MetricResource Resource { get; }

        public PointKind Kind { get; }

        /// <summary>0 when the point has none.</summary>
        public long StartUnixNano { get; }

        public long TimeUnixNano { get; }

        public double Value { get; }

        public double Count { get; }

        /// <summary>Multiplier into the canonical unit (from the alias and the unit the metric declared).</summary>
        public double Scale { get; }
    }
}
