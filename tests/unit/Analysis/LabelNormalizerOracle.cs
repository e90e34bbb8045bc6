using System;
using System.Text;
using Chartly.Profiler.Analysis;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>
    /// The label normaliser as it was before it was made fast (StringBuilder, a substring per
    /// token), kept verbatim as the oracle the fast one must equal on every input
    /// (<see cref="LabelNormalizerDifferentialTests"/>). Do not "improve" it: it is the definition.
    /// </summary>
    internal static class LabelNormalizerOracle
    {
        private const int MaxLabelLength = LabelNormalizer.MaxLabelLength;
        private const string Unnamed = LabelNormalizer.Unnamed;

        private static readonly string[] SecretPrefixes =
        {
            "eyJ", "sk_", "sk-", "pk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "npm_", "pypi-",
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-", "AKIA", "ASIA", "AIza", "shpat_", "SG.", "dop_v1_", "hf_",
        };

        private static readonly string[] NotAValue =
        {
            "refresh", "reset", "change", "changed", "expired", "expiry", "expiration", "validation", "validate", "verify", "verification",
            "check", "rotation", "rotate", "update", "create", "grant", "exchange", "request", "lookup", "issue", "revoke", "policy",
            "hash", "hashing", "store", "cache", "endpoint", "service", "handler", "flow", "provider", "manager", "client",
        };

        public static string Normalize(string raw)
        {
            raw = CredentialShapes.RedactByRegexes(raw);
            var sb = new StringBuilder(Math.Min(raw.Length, MaxLabelLength + 8));
            var i = 0;
            while (i < raw.Length && sb.Length <= MaxLabelLength * 2)
            {
                var c = raw[i];
                if (c == '?')
                {
                    sb.Append("?{query}");
                    break;
                }

                if (IsQuote(c))
                {
                    var close = raw.IndexOf(c, i + 1);
                    sb.Append("{value}");
                    i = close < 0 ? raw.Length : close + 1;
                    continue;
                }

                if (c == '=')
                {
                    // key=value, a = 'literal', Password=...;: the value goes, whatever it holds (':', '/', '=' padding).
                    sb.Append('=');
                    i++;
                    if (i < raw.Length && raw[i] == '=')
                    {
                        sb.Append('=');
                        i++;
                    }

                    i = RedactValue(raw, i, sb, untilSegmentEnd: false);
                    continue;
                }

                if (IsSeparator(c))
                {
                    sb.Append(char.IsWhiteSpace(c) || char.IsControl(c) ? ' ' : Sanitize.IsInvisible(c) ? '?' : c);
                    i++;
                    continue;
                }

                var start = i;
                while (i < raw.Length && !IsSeparator(raw[i]) && raw[i] != '?' && raw[i] != '=' && !IsQuote(raw[i]))
                {
                    i++;
                }

                var token = raw.Substring(start, i - start);
                if (IsScheme(token))
                {
                    // Authorization schemes: the credential after them goes.
                    sb.Append(token);
                    i = RedactValue(raw, i, sb, untilSegmentEnd: false);
                    continue;
                }

                if (IsSecretName(token) && NextNonSpace(raw, i) == ':')
                {
                    // A header or field that holds a credential ("Authorization: Basic ...", "x-api-key: ..."): the rest of the segment goes.
                    sb.Append(token).Append(':');
                    i = RedactValue(raw, raw.IndexOf(':', i) + 1, sb, untilSegmentEnd: true);
                    continue;
                }

                if (IsSecretName(token) && FollowedByValue(raw, i))
                {
                    // "password hunter2", "api token s3cr3t": the word after a credential's name, unless it names an action on it.
                    sb.Append(token);
                    i = RedactValue(raw, i, sb, untilSegmentEnd: false);
                    continue;
                }

                AppendToken(sb, token);
            }

            var text = CollapseSpaces(sb.ToString());
            if (text.Length > MaxLabelLength)
            {
                text = text.Substring(0, MaxLabelLength) + "...";
            }

            return text.Length == 0 ? Unnamed : text;
        }

        private static readonly string[] Schemes = { "Bearer", "Basic", "Digest", "Negotiate", "NTLM", "SharedAccessSignature", "SharedKey", "AWS4-HMAC-SHA256" };

        private static readonly string[] SecretNames =
        {
            "authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "api_key", "x-auth-token", "auth-token",
            "token", "access_token", "refresh_token", "id_token", "password", "passwd", "pwd", "secret", "client_secret",
            "cookie", "set-cookie", "x-amz-security-token", "signature", "private_key", "ocp-apim-subscription-key", "x-functions-key",
        };

        private static bool IsQuote(char c) => c == '\'' || c == '"' || c == '`';

        private static bool IsScheme(string token)
        {
            foreach (var s in Schemes)
            {
                if (token.Equals(s, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsSecretName(string token)
        {
            foreach (var s in SecretNames)
            {
                if (token.Equals(s, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool FollowedByValue(string raw, int i)
        {
            if (i >= raw.Length || raw[i] != ' ')
            {
                return false;
            }

            var start = i;
            while (start < raw.Length && raw[start] == ' ')
            {
                start++;
            }

            var end = start;
            while (end < raw.Length && !IsSeparator(raw[end]) && raw[end] != '?' && raw[end] != '=')
            {
                end++;
            }

            if (end == start || IsQuote(raw[start]))
            {
                return false;
            }

            var word = raw.Substring(start, end - start);
            foreach (var w in NotAValue)
            {
                if (word.Equals(w, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            return !word.StartsWith("{", StringComparison.Ordinal);
        }

        private static char NextNonSpace(string raw, int i)
        {
            while (i < raw.Length && raw[i] == ' ')
            {
                i++;
            }

            return i < raw.Length ? raw[i] : '\0';
        }

        /// <summary>
        /// Replaces the value starting at <paramref name="i"/> (after spaces) with <c>{value}</c>: up to the next
        /// space, ';', '&amp;', ',' or closing bracket, or with <paramref name="untilSegmentEnd"/> up to the next
        /// ';', '&amp;' or ','. A quoted value is left to the quote rule. Returns where reading goes on.
        /// </summary>
        private static int RedactValue(string raw, int i, StringBuilder sb, bool untilSegmentEnd)
        {
            var spaced = false;
            while (i < raw.Length && (raw[i] == ' ' || raw[i] == '\t'))
            {
                spaced = true;
                i++;
            }

            if (spaced)
            {
                sb.Append(' ');
            }

            if (i >= raw.Length || IsQuote(raw[i]))
            {
                return i;
            }

            var start = i;
            while (i < raw.Length)
            {
                var c = raw[i];
                if (c == ';' || c == '&' || c == ',' || c == '?' || char.IsControl(c)
                    || (!untilSegmentEnd && (char.IsWhiteSpace(c) || c == ')' || c == ']' || c == '}' || c == '|')))
                {
                    break;
                }

                i++;
            }

            if (i > start)
            {
                sb.Append("{value}");
                if (!untilSegmentEnd && IsScheme(raw.Substring(start, i - start)))
                {
                    // Authorization=Bearer <token>: the scheme was the value's first word; its credential goes too.
                    var next = i;
                    while (next < raw.Length && raw[next] == ' ')
                    {
                        next++;
                    }

                    var end = next;
                    while (end < raw.Length && !char.IsWhiteSpace(raw[end]) && raw[end] != ';' && raw[end] != '&' && raw[end] != ',')
                    {
                        end++;
                    }

                    return end;
                }
            }

            return i;
        }

        private static bool IsSeparator(char c) =>
            c == '/' || c == ' ' || c == '&' || c == '=' || c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || char.IsWhiteSpace(c) || char.IsControl(c) || Sanitize.IsInvisible(c);

        private static void AppendToken(StringBuilder sb, string token)
        {
            var at = token.IndexOf('@');
            if (at > 0 && token.IndexOf('.', at) > 0)
            {
                sb.Append("{email}");
                return;
            }

            if (at > 0)
            {
                // user@host: the account goes, the host stays.
                sb.Append("{user}");
                AppendToken(sb, token.Substring(at));
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
