namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// Whether a span's times can describe real work; every source asks here, so a span is valid or
    /// invalid (data_quality.invalid_spans) the same way whatever it was read from. A start at or
    /// before the Unix epoch (<c>"0"</c>, <c>"-0"</c>, a negative number) is a missing time, not
    /// 1970; an end before the start or a span longer than <see cref="MaxDurationNanos"/> (a year
    /// and a day) is a broken clock or an end written as int64 max, never a year-long step to
    /// total up.
    /// </summary>
    public static class SpanTimes
    {
        /// <summary>366 days in nanoseconds: long-running operations run for hours or days, not years.</summary>
        public const long MaxDurationNanos = 366L * 24 * 3600 * 1_000_000_000L;

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static bool Plausible(long startUnixNano, long endUnixNano) =>
            startUnixNano > 0 && endUnixNano >= startUnixNano && endUnixNano - startUnixNano <= MaxDurationNanos;
    }
}
