using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace Chartly.Profiler.Sources
{
    /// <summary>
    /// Reads a remote source's settings (kept as text by the configuration loader) strictly: every
    /// key must be known, every value well formed, or the configuration is invalid (exit 4 with the
    /// key named). Secrets never live in the file: only the name of the environment variable that
    /// holds one.
    /// </summary>
    internal sealed class SettingsReader
    {
        private static readonly Regex EnvName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly Regex DurationText = new("^(?<n>[0-9]+)(?<u>ms|s|m|h|d)$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private readonly IReadOnlyDictionary<string, string> _settings;
        private readonly Func<string, ProfilerException> _invalid;
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);

        public SettingsReader(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            _settings = settings;
            _invalid = invalid;
        }

        public ProfilerException Invalid(string why) => _invalid(why);

        public string? Optional(string key)
        {
            _known.Add(key);
            return _settings.TryGetValue(key, out var v) && v.Trim().Length > 0 ? v.Trim() : null;
        }

        public string Required(string key, string what) =>
            Optional(key) ?? throw _invalid($"needs '{key}' ({what})");

        public string OneOf(string key, string fallback, params string[] allowed)
        {
            var v = Optional(key) ?? fallback;
            if (Array.IndexOf(allowed, v) < 0)
            {
                throw _invalid($"has '{key}: {Sanitize.ForMessage(v)}' (valid: {string.Join(", ", allowed)})");
            }

            return v;
        }

        public int Int(string key, int fallback, int min, int max)
        {
            var v = Optional(key);
            if (v is null)
            {
                return fallback;
            }

            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                throw _invalid($"has '{key}: {Sanitize.ForMessage(v)}' (an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            }

            return n;
        }

        public bool Bool(string key, bool fallback)
        {
            var v = Optional(key);
            return v switch
            {
                null => fallback,
                "true" => true,
                "false" => false,
                _ => throw _invalid($"has '{key}: {Sanitize.ForMessage(v)}' (true or false)"),
            };
        }

        /// <summary>A duration such as 250ms, 30s, 5m, 1h or 7d, within [min, max].</summary>
        public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
        {
            var v = Optional(key);
            if (v is null)
            {
                return fallback;
            }

            if (!TryParseDuration(v, out var d) || d < min || d > max)
            {
                throw _invalid($"has '{key}: {Sanitize.ForMessage(v)}' (a duration such as 30s, 5m or 1h, from {Format(min)} to {Format(max)})");
            }

            return d;
        }

        /// <summary>The name of an environment variable (never its value: secrets stay out of the file).</summary>
        public string? EnvironmentVariableName(string key)
        {
            var v = Optional(key);
            if (v is not null && !EnvName.IsMatch(v))
            {
                throw _invalid($"has '{key}' that is not an environment variable name (letters, digits and '_'): name the variable that holds the secret, never the secret itself");
            }

            return v;
        }

        /// <summary>
        /// An absolute http(s) URL with no user info, query or fragment (credentials in a URL would
        /// be a secret in the file). Plain http is accepted only where <paramref name="allowHttp"/>
        /// says so, or for a loopback host.
        /// </summary>
        public Uri Url(string key, string what, string? fallback, bool allowHttp)
        {
            var v = Optional(key) ?? fallback ?? throw _invalid($"needs '{key}' ({what})");
            if (!Uri.TryCreate(v, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw _invalid($"has '{key}' that is not an absolute http or https URL");
            }

            if (uri.UserInfo.Length > 0)
            {
                throw _invalid($"has '{key}' with a user name or password in it: put the secret in an environment variable and name it in the settings");
            }

            if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                throw _invalid($"has '{key}' with a query string or fragment");
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp && !IsLoopback(uri))
            {
                throw _invalid($"has '{key}' over plain http: use https");
            }

            return uri;
        }

        /// <summary>Unknown keys are typos until proven otherwise: they fail, with the valid keys listed.</summary>
        public void RejectUnknown()
        {
            foreach (var key in _settings.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                if (!_known.Contains(key))
                {
                    throw _invalid($"has an unknown setting '{Sanitize.ForMessage(key)}' (valid: {string.Join(", ", _known.OrderBy(k => k, StringComparer.Ordinal))})");
                }
            }
        }

        public static bool IsLoopback(Uri uri)
        {
            if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            return IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip);
        }

        public static bool TryParseDuration(string text, out TimeSpan duration)
        {
            duration = TimeSpan.Zero;
            var m = DurationText.Match(text);
            if (!m.Success || !long.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000_000)
            {
                return false;
            }

            duration = m.Groups["u"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
            return true;
        }

        public static string Format(TimeSpan d)
        {
            if (d.Ticks % TimeSpan.TicksPerDay == 0)
            {
                return (d.Ticks / TimeSpan.TicksPerDay).ToString(CultureInfo.InvariantCulture) + "d";
            }

            if (d.Ticks % TimeSpan.TicksPerHour == 0)
            {
                return (d.Ticks / TimeSpan.TicksPerHour).ToString(CultureInfo.InvariantCulture) + "h";
            }

            if (d.Ticks % TimeSpan.TicksPerMinute == 0)
            {
                return (d.Ticks / TimeSpan.TicksPerMinute).ToString(CultureInfo.InvariantCulture) + "m";
            }

            if (d.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                return (d.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
            }

            return (d.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
        }
    }
}
