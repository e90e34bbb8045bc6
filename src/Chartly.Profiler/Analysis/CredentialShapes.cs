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

        public static string Redact(string raw)
        {
            var text = raw;
            foreach (var (pattern, replacement) in Rules)
            {
                text = pattern.Replace(text, replacement);
            }

            return Base64.Replace(text, m => HidesAPair(m.Value) ? "{token}" : m.Value);
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
