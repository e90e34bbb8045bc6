using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Targets
{
    public static class MetricNames
    {
        /// <summary>Splits comma lists, trims, de-duplicates and sorts ordinally: the same allowlist, however it was typed.</summary>
        public static IReadOnlyList<string> Normalize(string[]? names)
        {
            if (names is null || names.Length == 0)
            {
                return Array.Empty<string>();
            }

            return names
                .SelectMany(n => (n ?? string.Empty).Split(','))
                .Select(n => n.Trim())
                .Where(n => n.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
        }
    }
}
