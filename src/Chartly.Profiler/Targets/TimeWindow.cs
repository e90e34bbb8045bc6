using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Chartly.Profiler.Targets
{
    /// <summary>A half-open window [Start, End) in Unix nanoseconds, always written in UTC with 'Z'.</summary>
    public sealed record TimeWindow(long StartUnixNano, long EndUnixNano)
    {
        // RFC 3339 section 5.6, with the explicit offset the conventions require; 'T' or ' ' and
        // any fraction length are allowed by the RFC, so both are.
        private static readonly Regex Rfc3339 = new(
            @"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<time>\d{2}:\d{2}:\d{2})(?<frac>\.\d{1,9})?(?<off>[Zz]|[+-]\d{2}:\d{2})$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        public long DurationNanos => EndUnixNano - StartUnixNano;

        public bool Contains(long unixNano) => unixNano >= StartUnixNano && unixNano < EndUnixNano;

        public string StartText => FormatUtc(StartUnixNano);

        public string EndText => FormatUtc(EndUnixNano);

        public static TimeWindow Parse(string? start, string? end)
        {
            if (string.IsNullOrWhiteSpace(start))
            {
                throw ProfilerException.Precondition("WindowStartMissing", "The window start is required (--window-start / -WindowStart, RFC 3339 with an offset). There is no default window.");
            }

            if (string.IsNullOrWhiteSpace(end))
            {
                throw ProfilerException.Precondition("WindowEndMissing", "The window end is required (--window-end / -WindowEnd, RFC 3339 with an offset). There is no default window.");
            }

            var s = ParseInstant(start!, "window start");
            var e = ParseInstant(end!, "window end");
            if (e <= s)
            {
                throw ProfilerException.Invalid("WindowNotIncreasing", $"The window end ({FormatUtc(e)}) must be after its start ({FormatUtc(s)}).");
            }

            return new TimeWindow(s, e);
        }

        /// <summary>Parses one RFC 3339 instant into Unix nanoseconds, keeping all nine fraction digits.</summary>
        public static long ParseInstant(string text, string what)
        {
            var trimmed = text.Trim();
            var m = Rfc3339.Match(trimmed);
            if (!m.Success)
            {
                throw ProfilerException.Invalid(
                    "InvalidTimestamp",
                    $"The {what} '{Sanitize.ForMessage(trimmed)}' is not an RFC 3339 timestamp with an explicit offset, such as 2026-11-24T10:00:00Z or 2026-11-24T11:00:00+01:00.");
            }

            var offsetText = m.Groups["off"].Value;
            var iso = m.Groups["date"].Value + "T" + m.Groups["time"].Value + (offsetText is "Z" or "z" ? "+00:00" : offsetText);
            if (!DateTimeOffset.TryParseExact(iso, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
            {
                throw ProfilerException.Invalid("InvalidTimestamp", $"The {what} '{Sanitize.ForMessage(trimmed)}' is not a valid date and time.");
            }

            long fractionNanos = 0;
            var frac = m.Groups["frac"].Value;
            if (frac.Length > 1)
            {
                var digits = frac.Substring(1).PadRight(9, '0');
                fractionNanos = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            var seconds = dto.ToUnixTimeSeconds();
            if (seconds < 0 || seconds > 9_000_000_000L)
            {
                throw ProfilerException.Invalid("InvalidTimestamp", $"The {what} '{Sanitize.ForMessage(trimmed)}' is outside the supported range (1970 to 2255).");
            }

            return seconds * 1_000_000_000L + fractionNanos;
        }

        /// <summary>UTC, 'Z', and only as many fraction digits as the instant needs (none, 3, 6 or 9).</summary>
        public static string FormatUtc(long unixNano)
        {
            var seconds = FloorDiv(unixNano, 1_000_000_000L);
            var nanos = unixNano - seconds * 1_000_000_000L;
            var dt = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
            var text = dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            if (nanos != 0)
            {
                string f;
                if (nanos % 1_000_000 == 0)
                {
                    f = (nanos / 1_000_000).ToString("000", CultureInfo.InvariantCulture);
                }
                else if (nanos % 1_000 == 0)
                {
                    f = (nanos / 1_000).ToString("000000", CultureInfo.InvariantCulture);
                }
                else
                {
                    f = nanos.ToString("000000000", CultureInfo.InvariantCulture);
                }

                text += "." + f;
            }

            return text + "Z";
        }

        private static long FloorDiv(long a, long b)
        {
            var q = a / b;
            return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
        }
    }
}
