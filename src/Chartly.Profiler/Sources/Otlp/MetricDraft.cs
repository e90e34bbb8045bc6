using System;
using System.Collections.Generic;
using Chartly.Profiler.Metrics;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>The OTLP data shape a metric's points came in.</summary>
    internal enum DataShape
    {
        Gauge,
        Sum,
        Histogram,
        Summary,
    }

    /// <summary>One metric of a record while it is read (JSON or protobuf): only points a query may need.</summary>
    internal sealed class MetricDraft
    {
        public string? Name;
        public string? Unit;
        public MetricAlias[] Aliases = Array.Empty<MetricAlias>();
        public readonly List<PointDraft> Points = new();

        /// <summary>The kind of every point of one data block, once its temporality is known (the collector writes it after the points).</summary>
        public static PointKind KindFor(DataShape shape, int temporality, bool monotonic) => shape switch
        {
            DataShape.Gauge => PointKind.Gauge,
            DataShape.Sum when temporality == 1 => PointKind.DeltaSum,
            DataShape.Sum when temporality == 2 && monotonic => PointKind.CumulativeSum,
            DataShape.Sum => PointKind.Gauge, // a cumulative up-down counter is a current value
            _ when temporality == 1 => PointKind.DeltaHistogram,
            _ => PointKind.CumulativeHistogram,
        };

        /// <summary>A summary has no temporality field: it is cumulative; a sum without isMonotonic is not monotonic.</summary>
        public static int DefaultTemporality(DataShape shape) => shape == DataShape.Summary ? 2 : 0;

        public static bool DefaultMonotonic(DataShape shape) => shape != DataShape.Sum;

        public void SetKind(int first, PointKind kind)
        {
            for (var i = first; i < Points.Count; i++)
            {
                Points[i].Kind = kind;
            }
        }
    }

    /// <summary>One data point while it is read.</summary>
    internal sealed class PointDraft
    {
        public long Start;
        public long Time;
        public double Value;
        public double Count;
        public bool HasTime;
        public bool HasValue;
        public bool HasCount;
        public bool HasSum;
        public bool Bad;
        public bool Invalid;
        public bool NoRecordedValue;
        public PointKind Kind;
        public KeyValuePair<string, string>[] Attributes = Array.Empty<KeyValuePair<string, string>>();

        /// <summary>A gauge or sum value; NaN and infinities are not usable values.</summary>
        public void TakeValue(double value)
        {
            var ok = !double.IsNaN(value) && !double.IsInfinity(value);
            Value = ok ? value : 0;
            Bad |= !ok;
            HasValue |= ok;
        }

        /// <summary>A histogram's or summary's sum.</summary>
        public void TakeSum(double value)
        {
            var ok = !double.IsNaN(value) && !double.IsInfinity(value);
            Value = ok ? value : 0;
            Bad |= !ok;
            HasSum |= ok;
        }

        /// <summary>
        /// Whether the point is worth keeping once read: a staleness marker is not a measurement, a
        /// point outside the query's range is not needed; one without time or value is kept as invalid
        /// (to be counted if the target needed it).
        /// </summary>
        public bool Keep(IMetricSink sink, bool histogram)
        {
            if (NoRecordedValue || (HasTime && !sink.InWindow(Time)))
            {
                return false;
            }

            Invalid = Bad || !HasTime || (histogram ? !(HasCount && HasSum) : !HasValue);
            return true;
        }
    }
}
