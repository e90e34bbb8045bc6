using System.Runtime.CompilerServices;
using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Credentials that span what the label tokenizer splits on (':', '/', '@', '='), found in the
    /// raw name before it is tokenized and replaced by a placeholder: URI user info, webhook and
    /// one-time-link paths, AWS secret access keys, IPv6 addresses, base64 <c>user:password</c>.
    /// Every pattern is linear (no nested quantifier), and names are bounded before they get here.
    /// </summary>
    internal static class CredentialShapes
    {
        private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

        private static readonly (Regex Pattern, string Replacement)[] Rules =
        {
            // scheme://user:password@host, https://admin:pw@host, redis://:pw@cache: the user info goes, the host stays.
            (new Regex(@"(?<keep>\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://)[^/?#@\s]{1,512}@", Options), "${keep}{userinfo}@"),

            // Incoming webhooks: the path is the secret.
            (new Regex(@"(?<keep>(hooks\.slack\.com|discord(app)?\.com/api/webhooks|webhook\.office\.com/webhookb2|outlook\.office\.com/webhook)/)[^\s?#]{1,512}", Options | RegexOptions.IgnoreCase), "${keep}{token}"),
            (new Regex(@"(?<keep>/services/)T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}", Options), "${keep}{token}"),

            // One-time links: the segment after reset-password/, verify/, invite/, ... is a bearer secret.
            (new Regex(@"(?<keep>/(reset[-_]?password|password[-_]?reset|reset|verify[-_]?email|email[-_]?verification|verify|confirm[-_]?email|confirm|activate|activation|invite|invitation|unsubscribe|magic[-_]?link|login[-_]?link|one[-_]?time[-_]?login|tokens?)/)[^/?#\s]{1,512}", Options | RegexOptions.IgnoreCase), "${keep}{token}"),

            // AWS secret access key: 40 characters of base64 with both cases and a digit, not a path.
            (new Regex(@"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])[A-Za-z0-9+][A-Za-z0-9/+]{38}[A-Za-z0-9+](?![A-Za-z0-9/+=])", Options), "{token}"),

            // IPv6 with '::' (and a digit), or all eight groups.
            (new Regex(@"(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f:]{0,38}[0-9])(?=[0-9A-Fa-f:]{0,38}::)[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])", Options), "{ip}"),
            (new Regex(@"(?<![0-9A-Za-z:.])[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){7}(?![0-9A-Za-z:])", Options), "{ip}"),
        };

        /// <summary>Base64 that may hide <c>user:password</c> (Basic credentials without their scheme).</summary>
        private static readonly Regex Base64 = new(@"(?<![A-Za-z0-9+/=.\-_])[A-Za-z0-9+/]{6,1024}={0,2}(?![A-Za-z0-9+/=.\-_])", Options);

        [MethodImpl(HotPath.Optimised)]
        public static string Redact(string raw)
        {
            // Most names hold none of these shapes, and a name with a fresh id in it misses every
            // cache: each rule runs only where a cheap scan finds what any match of it must contain
            // (CouldMatch), so the result is the regexes' own, at a fraction of their cost.
            var text = raw;
            var ascii = IsAscii(raw);
            for (var r = 0; r < Rules.Length; r++)
            {
                if (CouldMatch(r, text, ascii))
                {
                    text = Rules[r].Pattern.Replace(text, Rules[r].Replacement);
                    ascii = IsAscii(text);
                }
            }

            return AnyBase64HidesAPair(text) ? Base64.Replace(text, m => HidesAPair(m.Value) ? "{token}" : m.Value) : text;
        }

        /// <summary>Every rule's regex over the whole name: what <see cref="Redact"/> must equal (the tests compare them).</summary>
        internal static string RedactByRegexes(string raw)
        {
            var text = raw;
            foreach (var (pattern, replacement) in Rules)
            {
                text = pattern.Replace(text, replacement);
            }

            return Base64.Replace(text, m => HidesAPair(m.Value) ? "{token}" : m.Value);
        }

        /// <summary>
        /// False only when rule <paramref name="rule"/> of <see cref="Rules"/> cannot match: each
        /// test is something every match must contain. The case-insensitive rules are pre-checked
        /// on ASCII text only (their regex also folds e.g. the Kelvin sign to 'k'): other text runs them.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool CouldMatch(int rule, string text, bool ascii)
        {
            switch (rule)
            {
                case 0:
                    return text.IndexOf("://", StringComparison.Ordinal) >= 0;
                case 1:
                    // Every webhook host or path of the rule has "hook" in it.
                    return !ascii || text.IndexOf("hook", StringComparison.OrdinalIgnoreCase) >= 0;
                case 2:
                    return text.IndexOf("/services/", StringComparison.Ordinal) >= 0;
                case 3:
                    return !ascii || SlashBeforeOneTimeWord(text);
                case 4:
                    return LongestBase64Run(text) >= 40;
                case 5:
                    return text.IndexOf("::", StringComparison.Ordinal) >= 0;
                case 6:
                    return Count(text, ':') >= 7;
                default:
                    return true;
            }
        }

        /// <summary>The words a one-time link's segment starts with (every alternative of the rule begins with one), after a '/'.</summary>
        private static readonly string[] OneTimeWordStarts = { "reset", "password", "verify", "email", "confirm", "activat", "invit", "unsubscribe", "magic", "login", "one", "token" };

        private const string OneTimeFirstLetters = "rpvecaiumlot";

        [MethodImpl(HotPath.Optimised)]
        private static bool SlashBeforeOneTimeWord(string text)
        {
            for (var i = text.IndexOf('/'); i >= 0; i = text.IndexOf('/', i + 1))
            {
                // ASCII text only gets here: a word can start only with one of the words' first letters.
                if (i + 1 >= text.Length || OneTimeFirstLetters.IndexOf((char)(text[i + 1] | 0x20)) < 0)
                {
                    continue;
                }

                foreach (var w in OneTimeWordStarts)
                {
                    if (string.Compare(text, i + 1, w, 0, w.Length, StringComparison.OrdinalIgnoreCase) == 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// What <see cref="Base64"/> matches, found without the regex: a maximal run of 6 to 1,024
        /// base64 characters not preceded by one of [A-Za-z0-9+/=.-_], then at most two '=', then
        /// none of those (shorter runs and other paddings fail the look-arounds). Only if one of them
        /// hides a pair does the replacement change anything.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool AnyBase64HidesAPair(string text)
        {
            var i = 0;
            while (i < text.Length)
            {
                if (!IsBase64Char(text[i]) || (i > 0 && IsBase64Neighbour(text[i - 1])))
                {
                    i++;
                    continue;
                }

                var start = i;
                while (i < text.Length && IsBase64Char(text[i]))
                {
                    i++;
                }

                var run = i - start;
                var end = i;
                while (end < text.Length && text[end] == '=')
                {
                    end++;
                }

                if (run >= 6 && run <= 1024 && end - i <= 2 && (end == text.Length || !IsBase64Neighbour(text[end]))
                    && MayHideAPair(text, start, end - start) && HidesAPair(text.Substring(start, end - start)))
                {
                    return true;
                }

                i = end;
            }

            return false;
        }

        /// <summary>
        /// False when <see cref="HidesAPair"/> is surely false, decided without decoding into a new
        /// array: most candidates are paths ("/api/items/96403") whose bytes are not printable
        /// text with a colon. True means only "decode and look" (the caller then does).
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool MayHideAPair(string text, int start, int length)
        {
            if (length % 4 != 0)
            {
                return false;
            }

            var colon = false;
            for (var q = start; q < start + length; q += 4)
            {
                var pad = text[q + 3] == '=' ? (text[q + 2] == '=' ? 2 : 1) : 0;
                var v = (Sextet(text[q]) << 18) | (Sextet(text[q + 1]) << 12) | (pad == 2 ? 0 : Sextet(text[q + 2]) << 6) | (pad >= 1 ? 0 : Sextet(text[q + 3]));
                for (var b = 0; b < 3 - pad; b++)
                {
                    var x = (v >> (16 - (8 * b))) & 0xFF;
                    if (x < 0x20 || x > 0x7E)
                    {
                        return false;
                    }

                    colon |= x == ':';
                }
            }

            return colon;
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static int Sextet(char c) =>
            c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : 0;

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static bool IsBase64Char(char c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static bool IsBase64Neighbour(char c) => IsBase64Char(c) || c == '=' || c == '.' || c == '-' || c == '_';

        private static bool IsAwsKeyChar(char c) => IsBase64Char(c);

        [MethodImpl(HotPath.Optimised)]
        private static bool IsAscii(string text)
        {
            foreach (var c in text)
            {
                if (c > 0x7F)
                {
                    return false;
                }
            }

            return true;
        }

        [MethodImpl(HotPath.Optimised)]
        private static int LongestBase64Run(string text)
        {
            int best = 0, run = 0;
            foreach (var c in text)
            {
                run = IsAwsKeyChar(c) ? run + 1 : 0;
                best = Math.Max(best, run);
            }

            return best;
        }

        [MethodImpl(HotPath.Optimised)]
        private static int Count(string text, char c)
        {
            var n = 0;
            foreach (var x in text)
            {
                n += x == c ? 1 : 0;
            }

            return n;
        }

        private static bool HidesAPair(string candidate)
        {
            if (candidate.Length % 4 != 0)
            {
                return false;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(candidate);
            }
            catch (FormatException)
            {
                return false;
            }

            var colon = false;
            foreach (var b in bytes)
            {
                if (b < 0x20 || b > 0x7E)
                {
                    return false;
                }

                colon |= b == ':';
            }

            return colon && Encoding.ASCII.GetString(bytes).IndexOf(':') > 0;
        }
    }
}
