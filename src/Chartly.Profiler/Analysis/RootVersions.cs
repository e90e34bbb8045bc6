using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Model;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Which versions a target's roots ran (resource <c>service.version</c>), so a mixed-version
    /// window is visible at a glance, and whether the slow roots sit in one of them
    /// (docs/regression.md, "Two versions side by side").
    /// </summary>
    public static class RootVersions
    {
        /// <summary>Roots a version needs before its percentiles are compared with another's.</summary>
        public const int MinRootsPerVersion = 5;

        /// <summary>How much slower (p50 over p50) one version must be for the finding.</summary>
        public const decimal SlowerRatio = 1.25m;

        /// <summary>Per version (ordinal order, the unversioned last): count, p50 and p95, nearest-rank like summary.roots.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static IReadOnlyList<RootVersion> Of(IReadOnlyList<RootAnalysis> roots, bool seconds)
        {
            // Roots of one resource share its version string: the last one is reused by reference.
            var byVersion = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            string? last = null;
            List<long>? lastList = null;
            foreach (var r in roots)
            {
                var version = r.Root.Resource.ServiceVersion ?? string.Empty;
                if (!ReferenceEquals(version, last))
                {
                    if (!byVersion.TryGetValue(version, out lastList))
                    {
                        byVersion[version] = lastList = new List<long>();
                    }

                    last = version;
                }

                lastList!.Add(Apportion.ToMs(r.DurationNanos, seconds));
            }

            return byVersion
                .OrderBy(g => g.Key.Length == 0 ? 1 : 0)
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g =>
                {
                    var ms = g.Value;
                    ms.Sort();
                    return new RootVersion(g.Key.Length == 0 ? null : g.Key, ms.Count, ProfileBuilder.Percentile(ms, 50), ProfileBuilder.Percentile(ms, 95));
                })
                .ToList();
        }

        /// <summary>Every root's duration in the profile's unit, ascending.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static List<long> AscendingMs(IReadOnlyList<RootAnalysis> roots, bool seconds)
        {
            var ms = new long[roots.Count];
            for (var i = 0; i < ms.Length; i++)
            {
                ms[i] = Apportion.ToMs(roots[i].DurationNanos, seconds);
            }

            Array.Sort(ms);
            return new List<long>(ms);
        }

        /// <summary>
        /// A finding when versions with enough roots differ: the slowest version's p50 at least
        /// <see cref="SlowerRatio"/> times the fastest one's; it cites both versions' p50 and p95.
        /// </summary>
        public static Finding? SlowerVersion(IReadOnlyList<RootVersion> versions)
        {
            var judged = versions.Where(v => v.Version is not null && v.Count >= MinRootsPerVersion).ToList();
            if (judged.Count < 2)
            {
                return null;
            }

            var slow = judged.OrderByDescending(v => v.P50Ms).ThenBy(v => v.Version, StringComparer.Ordinal).First();
            var fast = judged.OrderBy(v => v.P50Ms).ThenBy(v => v.Version, StringComparer.Ordinal).First();
            if (fast.P50Ms <= 0 || slow.P50Ms < fast.P50Ms * SlowerRatio)
            {
                return null;
            }

            return new Finding(
                "roots.version-slower:" + slow.Version,
                "warning",
                string.Format(
                    CultureInfo.InvariantCulture,
                    "Roots of version {0} took {1:#,0} ms at p50 (p95 {2:#,0} ms, {3:#,0} roots), version {4} {5:#,0} ms (p95 {6:#,0} ms, {7:#,0} roots): the slow roots are concentrated in version {0}.",
                    slow.Version,
                    slow.P50Ms,
                    slow.P95Ms,
                    slow.Count,
                    fast.Version,
                    fast.P50Ms,
                    fast.P95Ms,
                    fast.Count),
                new[]
                {
                    new MetricCitation("summary.roots.versions.p50_ms{version=\"" + slow.Version + "\"}", slow.P50Ms, "ms"),
                    new MetricCitation("summary.roots.versions.p95_ms{version=\"" + slow.Version + "\"}", slow.P95Ms, "ms"),
                    new MetricCitation("summary.roots.versions.p50_ms{version=\"" + fast.Version + "\"}", fast.P50Ms, "ms"),
                    new MetricCitation("summary.roots.versions.p95_ms{version=\"" + fast.Version + "\"}", fast.P95Ms, "ms"),
                });
        }
    }
}
