using System;
using System.Collections.Generic;
using System.Text;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Turns a span name or component attribute into a breakdown label that identifies nothing but
    /// the code path: ids, numbers, GUIDs, hex, e-mail addresses, quoted literals, query strings and
    /// anything token-like become placeholders (conventions section 4). Pure and culture-free, so the
    /// same name always gives the same label.
    /// </summary>
    public sealed class LabelNormalizer
    {
        public const int MaxLabelLength = 120;
        public const string Unnamed = "(unnamed)";
        private const int MaxCacheEntries = 65536;

        private static readonly string[] SecretPrefixes = { "eyJ", "sk_", "sk-", "pk_", "ghp_", "gho_", "xoxb-", "xoxp-", "AKIA", "AIza" };

        private readonly Dictionary<string, string> _cache = new(StringComparer.Ordinal);

        public string Normalize(string? raw)
        {
            if (raw is null || raw.Length == 0)
            {
                return Unnamed;
            }

            if (_cache.TryGetValue(raw, out var cached))
            {
                return cached;
            }

            var label = NormalizeUncached(raw);
            if (_cache.Count < MaxCacheEntries)
            {
                _cache[raw] = label;
            }

            return label;
        }

        public static string NormalizeUncached(string raw)
        {
            var sb = new StringBuilder(Math.Min(raw.Length, MaxLabelLength + 8));
            var i = 0;
            var redactNext = false;
            while (i < raw.Length)
            {
                var c = raw[i];
                if (c == '?')
                {
                    sb.Append("?{query}");
                    break;
                }

                if (c == '\'' || c == '"' || c == '`')
                {
                    var close = raw.IndexOf(c, i + 1);
                    sb.Append("{value}");
                    i = close < 0 ? raw.Length : close + 1;
                    continue;
                }

                if (IsSeparator(c))
                {
                    sb.Append(char.IsWhiteSpace(c) || char.IsControl(c) ? ' ' : c);
                    if (c == '=')
                    {
                        redactNext = true;
                    }

                    i++;
                    continue;
                }

                var start = i;
                while (i < raw.Length && !IsSeparator(raw[i]) && raw[i] != '?' && raw[i] != '\'' && raw[i] != '"' && raw[i] != '`')
                {
                    i++;
                }

                var token = raw.Substring(start, i - start);
                if (redactNext)
                {
                    sb.Append("{value}");
                    redactNext = false;
                    continue;
                }

                var isScheme = token.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || token.Equals("Basic", StringComparison.OrdinalIgnoreCase);
                AppendToken(sb, token);
                if (isScheme)
                {
                    redactNext = true;
                }
            }

            var text = CollapseSpaces(sb.ToString());
            if (text.Length > MaxLabelLength)
            {
                text = text.Substring(0, MaxLabelLength) + "...";
            }

            return text.Length == 0 ? Unnamed : text;
        }

        private static bool IsSeparator(char c) =>
            c == '/' || c == ' ' || c == '&' || c == '=' || c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || char.IsWhiteSpace(c) || char.IsControl(c);

        private static void AppendToken(StringBuilder sb, string token)
        {
            if (token.IndexOf('@') > 0 && token.IndexOf('.', token.IndexOf('@')) > 0)
            {
                sb.Append("{email}");
                return;
            }

            if (IsGuid(token) || IsNumberLike(token) || IsHexId(token))
            {
                sb.Append("{id}");
                return;
            }

            if (IsTokenLike(token))
            {
                sb.Append("{token}");
                return;
            }

            // Words joined by '-', '_' or '.' keep their words and lose their numbers: order_123 -> order_{id}.
            var partStart = 0;
            for (var j = 0; j <= token.Length; j++)
            {
                if (j == token.Length || token[j] == '-' || token[j] == '_' || token[j] == '.')
                {
                    var part = token.Substring(partStart, j - partStart);
                    sb.Append(part.Length > 0 && (IsNumberLike(part) || IsHexId(part)) ? "{id}" : part);
                    if (j < token.Length)
                    {
                        sb.Append(token[j]);
                    }

                    partStart = j + 1;
                }
            }
        }

        private static bool IsNumberLike(string t)
        {
            if (t.Length == 0 || !char.IsDigit(t[0]))
            {
                return false;
            }

            foreach (var c in t)
            {
                if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '_' && c != '+')
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsHexId(string t)
        {
            if (t.Length < 4)
            {
                return false;
            }

            bool digit = false, letter = false;
            foreach (var c in t)
            {
                if (c >= '0' && c <= '9')
                {
                    digit = true;
                }
                else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
                {
                    letter = true;
                }
                else
                {
                    return false;
                }
            }

            return digit && (letter || t.Length >= 8);
        }

        private static bool IsGuid(string t)
        {
            if (t.Length != 36 && t.Length != 38)
            {
                return false;
            }

            var s = t.Length == 38 ? t.Substring(1, 36) : t;
            for (var i = 0; i < 36; i++)
            {
                var c = s[i];
                var dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? c != '-' : !Uri.IsHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsTokenLike(string t)
        {
            foreach (var p in SecretPrefixes)
            {
                if (t.Length >= p.Length + 8 && t.StartsWith(p, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            if (t.Length < 20)
            {
                return false;
            }

            int digits = 0, upper = 0, lower = 0;
            foreach (var c in t)
            {
                if (c >= '0' && c <= '9') digits++;
                else if (c >= 'A' && c <= 'Z') upper++;
                else if (c >= 'a' && c <= 'z') lower++;
            }

            return digits >= 2 && upper >= 2 && lower >= 2;
        }

        private static string CollapseSpaces(string s)
        {
            var sb = new StringBuilder(s.Length);
            var prevSpace = true;
            foreach (var c in s)
            {
                if (c == ' ')
                {
                    if (!prevSpace)
                    {
                        sb.Append(c);
                    }

                    prevSpace = true;
                }
                else
                {
                    sb.Append(c);
                    prevSpace = false;
                }
            }

            return sb.ToString().TrimEnd(' ');
        }
    }
}
