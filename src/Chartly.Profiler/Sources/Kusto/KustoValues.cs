using System;
using System.Globalization;
using System.Text;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// The cell values both Kusto-language stores write alike (Log Analytics and Data Explorer):
    /// hex trace and span ids and ISO 8601 UTC datetimes, read once here for every table's mapper.
    /// </summary>
    internal static class KustoValues
    {
        internal static bool TryTraceId(string? text, out TraceId id)
        {
            id = default;
            return text is { Length: 32 } && IdParser.TryParseTraceId(Encoding.ASCII.GetBytes(text), out id) && !id.IsEmpty;
        }

        /// <summary>A span id: 16 hex, or the hierarchical <c>|trace.span.</c> form of older SDKs.</summary>
        internal static bool TrySpanId(string? text, out ulong id)
        {
            id = 0;
            if (text is null)
            {
                return false;
            }

            if (text.Length > 16 && text[0] == '|')
            {
                var dot = text.IndexOf('.');
                var end = text.IndexOf('.', dot + 1);
                if (dot < 0)
                {
                    return false;
                }

                text = text.Substring(dot + 1, (end < 0 ? text.Length : end) - dot - 1);
            }

            return text.Length == 16 && IdParser.TryParseSpanId(Encoding.ASCII.GetBytes(text), out id) && id != 0;
        }

        /// <summary>ISO 8601 UTC as the API writes datetimes (up to 7 fraction digits, 'Z'), into Unix nanoseconds.</summary>
        internal static bool TryParseInstant(string? text, out long unixNano)
        {
            unixNano = 0;
            if (text is null || text.Length < 20 || (text[text.Length - 1] != 'Z' && text[text.Length - 1] != 'z'))
            {
                return false;
            }

            var dot = text.IndexOf('.');
            var head = dot < 0 ? text.Substring(0, text.Length - 1) : text.Substring(0, dot);
            if (!DateTime.TryParseExact(head, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
            {
                return false;
            }

            long fraction = 0;
            if (dot >= 0)
            {
                var digits = text.Substring(dot + 1, text.Length - dot - 2);
                if (digits.Length == 0 || digits.Length > 9 || !long.TryParse(digits.PadRight(9, '0'), NumberStyles.None, CultureInfo.InvariantCulture, out fraction))
                {
                    return false;
                }
            }

            var seconds = (dt.Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks) / TimeSpan.TicksPerSecond;
            if (seconds < 0 || seconds > 9_000_000_000L)
            {
                return false;
            }

            unixNano = seconds * 1_000_000_000L + fraction;
            return true;
        }
    }
}
