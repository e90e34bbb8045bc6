using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

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

        private static readonly string[] SecretPrefixes =
        {
            "eyJ", "sk_", "sk-", "pk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "npm_", "pypi-",
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-", "AKIA", "ASIA", "AIza", "shpat_", "SG.", "dop_v1_", "hf_",
        };

        /// <summary>Words that follow a credential's name without being its value ("token refresh", "password reset").</summary>
        private static readonly string[] NotAValue =
        {
            "refresh", "reset", "change", "changed", "expired", "expiry", "expiration", "validation", "validate", "verify", "verification",
            "check", "rotation", "rotate", "update", "create", "grant", "exchange", "request", "lookup", "issue", "revoke", "policy",
            "hash", "hashing", "store", "cache", "endpoint", "service", "handler", "flow", "provider", "manager", "client",
        };

        /// <summary>Entries of the by-reference cache in front of <see cref="_cache"/>, in pairs (a power of two).</summary>
        private const int RecentEntries = 256;

        private readonly Dictionary<string, string> _cache = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

        // A reader hands the same string object for a name it met before (its decoded-once cache),
        // so most spans' names are found here by reference, without hashing their characters.
        private readonly string?[] _recentNames = new string?[RecentEntries];
        private readonly string[] _recentLabels = new string[RecentEntries];

        [MethodImpl(HotPath.Optimised)]
        public string Normalize(string? raw)
        {
            if (raw is null || raw.Length == 0)
            {
                return Unnamed;
            }

            // The pair of slots from the length and three characters: the object's own hash code
            // would cost a write to the header of every fresh string (most root names), far more
            // than this. Two slots, because two names of every trace that share one ("fetch
            // source" and "schedule next") would otherwise push each other out span after span.
            var recent = ((raw.Length * 31) + raw[0] + (raw[raw.Length - 1] * 7) + (raw[raw.Length >> 1] * 131)) & (RecentEntries - 2);
            if (ReferenceEquals(_recentNames[recent], raw))
            {
                return _recentLabels[recent];
            }

            if (ReferenceEquals(_recentNames[recent + 1], raw))
            {
                return _recentLabels[recent + 1];
            }

            if (!_cache.TryGetValue(raw, out var label))
            {
                // A name met for the first time does not take a slot: most are fresh root names
                // ("GET /items/96403") that would push out the names that repeat.
                return Label(raw);
            }

            // The newer name in the first slot, the one it displaces in the second.
            _recentNames[recent + 1] = _recentNames[recent];
            _recentLabels[recent + 1] = _recentLabels[recent];
            _recentNames[recent] = raw;
            _recentLabels[recent] = label;
            return label;
        }

        /// <summary>A name the caches missed: its label, shared with the names of the same label, and remembered.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private string Label(string raw)
        {
            var label = NormalizeUncached(raw);

            // Names with a fresh id in each ("GET /items/96403") miss the cache but share a label:
            // one string per label, not one per span, for every span a large target keeps.
            if (_labels.TryGetValue(label, out var shared))
            {
                label = shared;
            }
            else if (_labels.Count < MaxCacheEntries)
            {
                _labels[label] = label;
            }

            if (_cache.Count < MaxCacheEntries)
            {
                _cache[raw] = label;
            }

            return label;
        }

        /// <summary>
        /// The label of one name, without the caches. Names with a fresh id in each miss every
        /// cache, so this runs for most roots of a large target: tokens are read in place (no
        /// substring per token) into one reused buffer, and ASCII characters are classified by
        /// table. The rules and their order are the definition; the tests hold this to the
        /// original StringBuilder implementation on every input they generate.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public static string NormalizeUncached(string raw)
        {
            raw = CredentialShapes.Redact(raw);
            var sb = LabelText.ForThread();
            var i = 0;
            var n = raw.Length;
            while (i < n && sb.Length <= MaxLabelLength * 2)
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
                    i = close < 0 ? n : close + 1;
                    continue;
                }

                if (c == '=')
                {
                    // key=value, a = 'literal', Password=...;: the value goes, whatever it holds (':', '/', '=' padding).
                    sb.Append('=');
                    i++;
                    if (i < n && raw[i] == '=')
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
                while (i < n && IsTokenChar(raw[i]))
                {
                    i++;
                }

                var token = raw.AsSpan(start, i - start);
                if (IsScheme(token))
                {
                    // Authorization schemes: the credential after them goes.
                    sb.Append(token);
                    i = RedactValue(raw, i, sb, untilSegmentEnd: false);
                    continue;
                }

                if (IsSecretName(token))
                {
                    if (NextNonSpace(raw, i) == ':')
                    {
                        // A header or field that holds a credential ("Authorization: Basic ...", "x-api-key: ..."): the rest of the segment goes.
                        sb.Append(token);
                        sb.Append(':');
                        i = RedactValue(raw, raw.IndexOf(':', i) + 1, sb, untilSegmentEnd: true);
                        continue;
                    }

                    if (FollowedByValue(raw, i))
                    {
                        // "password hunter2", "api token s3cr3t": the word after a credential's name, unless it names an action on it.
                        sb.Append(token);
                        i = RedactValue(raw, i, sb, untilSegmentEnd: false);
                        continue;
                    }
                }

                AppendToken(sb, token);
            }

            return sb.ToLabel(MaxLabelLength, Unnamed);
        }

        private static readonly string[] Schemes = { "Bearer", "Basic", "Digest", "Negotiate", "NTLM", "SharedAccessSignature", "SharedKey", "AWS4-HMAC-SHA256" };

        private static readonly string[] SecretNames =
        {
            "authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "api_key", "x-auth-token", "auth-token",
            "token", "access_token", "refresh_token", "id_token", "password", "passwd", "pwd", "secret", "client_secret",
            "cookie", "set-cookie", "x-amz-security-token", "signature", "private_key", "ocp-apim-subscription-key", "x-functions-key",
        };

        /// <summary>The ASCII characters' classes, computed once from the predicates themselves so the table cannot drift from them.</summary>
        private static readonly byte[] AsciiClass = ClassifyAscii();

        private const byte SeparatorClass = 1;
        private const byte TokenClass = 2;

        private static byte[] ClassifyAscii()
        {
            var table = new byte[128];
            for (var c = (char)0; c < 128; c++)
            {
                table[c] = IsSeparatorAnyChar(c) ? SeparatorClass : c != '?' && c != '=' && !IsQuote(c) ? TokenClass : (byte)0;
            }

            return table;
        }

        private static bool IsQuote(char c) => c == '\'' || c == '"' || c == '`';

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static bool IsTokenChar(char c) => c < 128 ? AsciiClass[c] == TokenClass : !IsSeparatorAnyChar(c);

        private static bool IsScheme(ReadOnlySpan<char> token) => EqualsAnyIgnoringCase(token, Schemes);

        private static bool IsSecretName(ReadOnlySpan<char> token) => EqualsAnyIgnoringCase(token, SecretNames);

        [MethodImpl(HotPath.Optimised)]
        private static bool EqualsAnyIgnoringCase(ReadOnlySpan<char> token, string[] words)
        {
            foreach (var w in words)
            {
                // Ordinal comparison ignoring case maps char to char: only a word of the same length can match.
                if (w.Length == token.Length && token.Equals(w.AsSpan(), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        [MethodImpl(HotPath.Optimised)]
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

            return !EqualsAnyIgnoringCase(raw.AsSpan(start, end - start), NotAValue) && raw[start] != '{';
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
        [MethodImpl(HotPath.Optimised)]
        private static int RedactValue(string raw, int i, LabelText sb, bool untilSegmentEnd)
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
                if (!untilSegmentEnd && IsScheme(raw.AsSpan(start, i - start)))
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

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static bool IsSeparator(char c) => c < 128 ? AsciiClass[c] == SeparatorClass : IsSeparatorAnyChar(c);

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static bool IsSeparatorAnyChar(char c) =>
            c == '/' || c == ' ' || c == '&' || c == '=' || c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || char.IsWhiteSpace(c) || char.IsControl(c) || Sanitize.IsInvisible(c);

        [MethodImpl(HotPath.Optimised)]
        private static void AppendToken(LabelText sb, ReadOnlySpan<char> token)
        {
            var at = token.IndexOf('@');
            if (at > 0 && token.Slice(at + 1).IndexOf('.') >= 0)
            {
                sb.Append("{email}");
                return;
            }

            if (at > 0)
            {
                // user@host: the account goes, the host stays.
                sb.Append("{user}");
                AppendToken(sb, token.Slice(at));
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
                    var part = token.Slice(partStart, j - partStart);
                    if (part.Length > 0 && (IsNumberLike(part) || IsHexId(part)))
                    {
                        sb.Append("{id}");
                    }
                    else
                    {
                        sb.Append(part);
                    }

                    if (j < token.Length)
                    {
                        sb.Append(token[j]);
                    }

                    partStart = j + 1;
                }
            }
        }

        [MethodImpl(HotPath.Optimised)]
        private static bool IsNumberLike(ReadOnlySpan<char> t)
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

        [MethodImpl(HotPath.Optimised)]
        private static bool IsHexId(ReadOnlySpan<char> t)
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

        [MethodImpl(HotPath.Optimised)]
        private static bool IsGuid(ReadOnlySpan<char> t)
        {
            if (t.Length != 36 && t.Length != 38)
            {
                return false;
            }

            var s = t.Length == 38 ? t.Slice(1, 36) : t;
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

        /// <summary>The shortest token a secret prefix can mark: the shortest prefix and eight characters after it.</summary>
        private static readonly int MinPrefixedToken = ShortestPrefix() + 8;

        private static int ShortestPrefix()
        {
            var min = int.MaxValue;
            foreach (var p in SecretPrefixes)
            {
                min = Math.Min(min, p.Length);
            }

            return min;
        }

        [MethodImpl(HotPath.Optimised)]
        private static bool IsTokenLike(ReadOnlySpan<char> t)
        {
            if (t.Length >= MinPrefixedToken)
            {
                foreach (var p in SecretPrefixes)
                {
                    if (t.Length >= p.Length + 8 && t[0] == p[0] && t.StartsWith(p.AsSpan()))
                    {
                        return true;
                    }
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
    }
}
