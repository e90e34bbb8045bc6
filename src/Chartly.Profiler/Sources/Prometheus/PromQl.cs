using System.Globalization;
using System.Text;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>
    /// PromQL text. Label values (which come from the target and the spans) only enter a query
    /// through <see cref="String"/>, a double-quoted literal with every special character escaped,
    /// so no value can end the matcher and append query text.
    /// </summary>
    internal static class PromQl
    {
        public static string String(string value)
        {
            var sb = new StringBuilder(value.Length + 2);
            sb.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }

        /// <summary>An equality matcher, <c>name="value"</c>.</summary>
        public static string Eq(string label, string value) => label + "=" + String(value);

        /// <summary>A range or step duration in whole seconds (Prometheus reads "90s").</summary>
        public static string Duration(long seconds) => seconds.ToString(CultureInfo.InvariantCulture) + "s";

        public static bool IsLabelName(string s) => IsName(s, allowColon: false);

        public static bool IsMetricName(string s) => IsName(s, allowColon: true);

        private static bool IsName(string s, bool allowColon)
        {
            if (s.Length == 0)
            {
                return false;
            }

            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allowColon && c == ':') || (i > 0 && c >= '0' && c <= '9');
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
