using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Tests.Comparison
{
    /// <summary>Hand-made profiles with known numbers, built the way ProfileBuilder shapes them.</summary>
    internal static class ComparisonFixtures
    {
        public const string Start = "2026-11-24T10:00:00Z";
        public const string End = "2026-11-24T11:00:00Z";

        /// <summary>
        /// A profile whose breakdown is <paramref name="components"/> (summed ms) and whose roots are
        /// <paramref name="rootsMs"/>; the total is the breakdown's sum, as in a real profile.
        /// </summary>
        public static Profile Make(
            (string Name, long Ms)[] components,
            long[] rootsMs,
            string type = "workflow",
            string id = "wf-a",
            string env = "dev",
            string start = Start,
            string end = End,
            string precision = "ms",
            string correlationId = "cp-00000000000000000000000000000001")
        {
            var names = components.Select(c => c.Name).ToList();
            var pcts = Apportion.Percentages(components.Select(c => c.Ms).ToList(), names);
            var breakdown = components
                .Select((c, i) => new BreakdownEntry(c.Name, c.Ms, pcts[i], c.Ms, 1))
                .ToList();
            breakdown.Sort(ProfileBuilder.CompareEntries);
            var total = components.Sum(c => c.Ms);
            var sorted = rootsMs.OrderBy(v => v).ToList();
            var roots = new RootStatistics(sorted.Count, ProfileBuilder.Percentile(sorted, 50), ProfileBuilder.Percentile(sorted, 95), sorted.Count == 0 ? 0 : sorted[sorted.Count - 1], sorted);
            var header = new ProfileHeader("chartly-profiler", "0.1.0", Profile.SchemaVersion, new ProfileTarget(type, id), env, new ProfileWindow(start, end), precision, correlationId);
            var summary = new ProfileSummary(total, breakdown.Count > 0 ? breakdown[0].Component : "none", "unknown", "none", roots);
            var findings = new List<Finding>
            {
                new("critical-path.dominant", "info", "base finding", new[] { new MetricCitation("critical_path.pct", 50.0m, "percent") }),
            };
            var dq = new DataQuality(1, 2, 3, 0, 0, 4, 0, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            var signals = ProfileBuilder.SignalNames.Select(n => new Signal(n, "no_data", ProfileBuilder.UnitOf(n), null, null, 0, Array.Empty<string>(), Array.Empty<ComponentSignal>())).ToList();
            return new Profile(header, summary, breakdown, signals, findings, null, dq);
        }

        /// <summary>A single-root run profile: the root's duration is the breakdown's total.</summary>
        public static Profile OneRun(string id, params (string Name, long Ms)[] components) =>
            Make(components, new[] { components.Sum(c => c.Ms) }, type: "run", id: id, correlationId: "cp-run-" + id);

        /// <summary>n roots spread evenly around a mean; the breakdown splits the summed durations 60/40.</summary>
        public static Profile Roots(long[] rootsMs, string id = "wf-a", string correlationId = "cp-00000000000000000000000000000001", string start = Start, string end = End)
        {
            var total = rootsMs.Sum();
            var a = total * 6 / 10;
            return Make(new[] { ("query", a), ("render", total - a) }, rootsMs, id: id, correlationId: correlationId, start: start, end: end);
        }

        public static long[] Range(long from, long step, int count) => Enumerable.Range(0, count).Select(i => from + i * step).ToArray();
    }
}
