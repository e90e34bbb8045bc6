using System;
using System.Globalization;
using System.Text;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// KQL literals. User input (target ids) only ever enters a query through <see cref="String"/>,
    /// a verbatim literal in which nothing but a doubled quote is special, so no value can close the
    /// literal and append query text.
    /// </summary>
    internal static class Kql
    {
        private const long NanosPerTick = 100;

        /// <summary><c>@"..."</c> with quotes doubled. Line breaks cannot be written in a KQL literal, so they are refused.</summary>
        public static string String(string value)
        {
            var sb = new StringBuilder(value.Length + 4);
            sb.Append("@\"");
            foreach (var c in value)
            {
                if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                {
                    throw ProfilerException.Invalid("InvalidTargetId", "The target id contains a control or line-break character, which cannot be sent in a query.");
                }

                sb.Append(c == '"' ? "\"\"" : c.ToString());
            }

            return sb.Append('"').ToString();
        }

        /// <summary>
        /// <c>datetime(...)</c> with seven fraction digits (KQL keeps 100 ns ticks). Bounds are
        /// rounded up to the next tick: for tick-resolution values, <c>t &gt;= ceil(x)</c> is exactly
        /// <c>t &gt;= x</c>, so the half-open window keeps its meaning.
        /// </summary>
        public static string DateTime(long unixNano) => "datetime(" + Iso(unixNano) + ")";

        /// <summary>The API's <c>timespan</c>: an ISO 8601 interval <c>start/end</c>.</summary>
        public static string Timespan(long fromUnixNano, long toUnixNano) => Iso(fromUnixNano) + "/" + Iso(toUnixNano);

        public static string Iso(long unixNano)
        {
            var ticks = CeilDiv(unixNano, NanosPerTick);
            var dt = new DateTime(ticks + new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, DateTimeKind.Utc);
            return dt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        }

        private static long CeilDiv(long a, long b)
        {
            var q = a / b;
            return a % b > 0 ? q + 1 : q;
        }
    }
}
