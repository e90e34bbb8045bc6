using System.Globalization;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The scalar an OTLP <c>AnyValue</c> held (arrays, maps and bytes are never kept), as read from
    /// JSON or protobuf. Spans want it as text or an integer, metric labels as text.
    /// </summary>
    internal readonly struct OtlpValue
    {
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private OtlpValue(string? text, long? integer, double? real, bool? flag)
        {
            Text = text;
            Integer = integer;
            Real = real;
            Flag = flag;
        }

        public string? Text { get; }

        public long? Integer { get; }

        public double? Real { get; }

        public bool? Flag { get; }

        public static OtlpValue None => default;

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static OtlpValue OfText(string text) => new(text, null, null, null);

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static OtlpValue OfInteger(long value) => new(null, value, null, null);

        /// <summary>NaN and infinities are no usable value.</summary>
        public static OtlpValue OfReal(double value) => double.IsNaN(value) || double.IsInfinity(value) ? None : new(null, null, value, null);

        public static OtlpValue OfFlag(bool value) => new(null, null, null, value);

        /// <summary>An integer for span attributes (status codes, counts): the integer, or a real that fits.</summary>
        public long? AsInteger => Integer ?? (Real is { } r && r >= long.MinValue && r <= long.MaxValue ? (long)r : null);

        /// <summary>The value as a metric label: text as is, numbers invariant, booleans lower case.</summary>
        public string? AsLabel =>
            Text
            ?? (Integer is { } i ? i.ToString(CultureInfo.InvariantCulture)
            : Real is { } r ? r.ToString("R", CultureInfo.InvariantCulture)
            : Flag is { } f ? (f ? "true" : "false")
            : null);
    }
}
