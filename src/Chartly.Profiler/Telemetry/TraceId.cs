using System;
using System.Globalization;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>A 128-bit trace id kept as two numbers: no string per span, ordinal order for free.</summary>
    public readonly struct TraceId : IEquatable<TraceId>, IComparable<TraceId>
    {
        public TraceId(ulong high, ulong low)
        {
            High = high;
            Low = low;
        }

        public ulong High { get; }

        public ulong Low { get; }

        public bool IsEmpty => High == 0 && Low == 0;

        public bool Equals(TraceId other) => High == other.High && Low == other.Low;

        public override bool Equals(object? obj) => obj is TraceId t && Equals(t);

        public override int GetHashCode()
        {
            var h = High ^ (Low * 0x9E3779B97F4A7C15UL);
            return (int)(h ^ (h >> 32));
        }

        /// <summary>Both halves mixed into 64 bits (golden-ratio multiply, then a shift): the hash of the record index and the trace table.</summary>
        internal ulong Mix()
        {
            var h = High ^ (Low * 0x9E3779B97F4A7C15UL);
            return h ^ (h >> 29);
        }

        public int CompareTo(TraceId other)
        {
            var c = High.CompareTo(other.High);
            return c != 0 ? c : Low.CompareTo(other.Low);
        }

        public override string ToString() =>
            High.ToString("x16", CultureInfo.InvariantCulture) + Low.ToString("x16", CultureInfo.InvariantCulture);

        public static bool operator ==(TraceId a, TraceId b) => a.Equals(b);

        public static bool operator !=(TraceId a, TraceId b) => !a.Equals(b);
    }

    /// <summary>A trace id and a span id: a span's identity across files.</summary>
    public readonly struct SpanKey : IEquatable<SpanKey>
    {
        public SpanKey(TraceId trace, ulong span)
        {
            Trace = trace;
            Span = span;
        }

        public TraceId Trace { get; }

        public ulong Span { get; }

        public bool Equals(SpanKey other) => Trace.Equals(other.Trace) && Span == other.Span;

        public override bool Equals(object? obj) => obj is SpanKey k && Equals(k);

        public override int GetHashCode() => Trace.GetHashCode() ^ (int)Span ^ (int)(Span >> 32);
    }
}
