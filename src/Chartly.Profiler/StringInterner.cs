using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler
{
    /// <summary>
    /// Shares one instance per distinct string (service names, labels, keys repeat millions of
    /// times), with a bound so hostile input with endless distinct values cannot grow it forever.
    /// </summary>
    internal sealed class StringInterner
    {
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
        private readonly int _max;

        public StringInterner(int max) => _max = max;

        [MethodImpl(HotPath.Optimised)]
        public string? Intern(string? s)
        {
            if (s is null)
            {
                return null;
            }

            if (_strings.TryGetValue(s, out var i))
            {
                return i;
            }

            if (_strings.Count < _max)
            {
                _strings[s] = s;
            }

            return s;
        }
    }

    /// <summary>Correlation ids: <c>cp-</c> and 32 hex digits of SHA-256 over a key made only of inputs.</summary>
    internal static class CorrelationIds
    {
        public static string From(string key)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(key));
            var sb = new System.Text.StringBuilder("cp-", 35);
            for (var i = 0; i < 16; i++)
            {
                sb.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }
    }
}
