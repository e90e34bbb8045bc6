using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// What a Kusto engine makes of the two over-budget questions, for the fake backends: the root
    /// statistics query (evaluated clause by clause from the text the client sent: the inner
    /// candidates query, the window, the environment and version filters, the anti-join on the
    /// parent, the unit of the rounding, nearest-rank over every root) and the sample predicate
    /// (SHA-256 of the lower-case trace id, first 32 bits, against the threshold in the query). A
    /// clause the client leaves out is not applied, so a wrong query gives wrong figures.
    /// </summary>
    public static class RootStatistics
    {
        private static readonly Regex Predicate = new("^strcmp\\(substring\\(hash_sha256\\(tolower\\((?<c>\\w+)\\)\\), 0, 8\\), \"(?<t>[0-9a-f]{8})\"\\) < 0$", RegexOptions.CultureInvariant);
        private static readonly Regex RootMs = new("\\| extend RootMs = \\(.+ \\+ (?<half>[0-9]+)\\) / (?<unit>[0-9]+)(?<s> \\* 1000)?;\n", RegexOptions.CultureInvariant);
        private static readonly Regex Window = new("^let inwindow = matching\n\\| where \\w+ >= datetime\\((?<from>[^)]+)\\) and \\w+ < datetime\\((?<to>[^)]+)\\)\n", RegexOptions.CultureInvariant | RegexOptions.Multiline);
        private static readonly Regex Env = new("\n\\| where isempty\\(Environment\\) or Environment == @\"(?<v>(?:[^\"]|\"\")*)\"\n", RegexOptions.CultureInvariant);

        /// <summary>How the fake reads a row: ids, start, environment, version and duration in nanoseconds.</summary>
        public sealed record Columns<T>(Func<T, string> Trace, Func<T, string> Span, Func<T, string> Parent, Func<T, long> Start, Func<T, string?> Environment, Func<T, string?> Version, Func<T, long> DurationNanos, string VersionColumn)
        {
            /// <summary>A projected text column by name (empty when the row has none).</summary>
            public Func<T, string, string> Column { get; init; } = (_, _) => string.Empty;

            /// <summary>The backend's namespace expression and what it gives for a row.</summary>
            public (string Expression, Func<T, string> Value) Namespace { get; init; }
        }

        /// <summary>The trace's bucket: the first four bytes of SHA-256 over the UTF-8 of the lower-case id, big-endian.</summary>
        public static long Bucket(string traceId)
        {
            var h = SHA256.HashData(Encoding.UTF8.GetBytes(traceId.ToLowerInvariant()));
            return ((long)h[0] << 24) | ((long)h[1] << 16) | ((long)h[2] << 8) | h[3];
        }

        /// <summary>The environment of a <c>| where isempty(Environment) or Environment == @"..."</c> line, or null when the line is another filter.</summary>
        public static string? InEnvironment(string whereBody)
        {
            var m = Regex.Match(whereBody, "^isempty\\(Environment\\) or Environment == @\"(?<v>(?:[^\"]|\"\")*)\"$");
            return m.Success ? m.Groups["v"].Value.Replace("\"\"", "\"", StringComparison.Ordinal) : null;
        }

        /// <summary>The sample predicate of a <c>| where</c> line, or null when the line is another filter.</summary>
        public static Func<string, bool>? Sampled(string whereBody)
        {
            var m = Predicate.Match(whereBody);
            if (!m.Success)
            {
                return null;
            }

            var threshold = long.Parse(m.Groups["t"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return id => Bucket(id) < threshold;
        }

        /// <summary>True for the statistics query (as opposed to the sample's pass 1, which also begins with <c>let matching</c>).</summary>
        public static bool IsStatistics(string kql) => kql.Contains("\nlet inwindow = matching\n", StringComparison.Ordinal);

        /// <summary>The sample's pass 1: the main query's rows, less those whose parent is in <c>matching</c> when the anti-join is there.</summary>
        public static List<T> SampledCandidates<T>(string kql, Func<string, IEnumerable<T>> select, Columns<T> c)
        {
            const string Head = "let matching = ";
            const string Join = "\n| join kind=leftanti (matching | project ";
            var end = kql.IndexOf(";\n", StringComparison.Ordinal);
            var matching = select(kql.Substring(Head.Length, end - Head.Length) + "\n").ToList();
            var main = kql.Substring(end + 2);
            var join = main.IndexOf(Join, StringComparison.Ordinal);
            var rows = select(join < 0 ? main : main.Substring(0, join + 1)).ToList();
            if (join < 0)
            {
                return rows;
            }

            var spans = new HashSet<(string, string)>(matching.Select(r => (c.Trace(r).ToLowerInvariant(), c.Span(r).ToLowerInvariant())));
            return rows.Where(r => !spans.Contains((c.Trace(r).ToLowerInvariant(), c.Parent(r).ToLowerInvariant()))).ToList();
        }

        /// <summary>The statistics row (Roots, P50Ms, P95Ms, MaxMs, Traces; Keys and KeyCount when asked) for the query text: longs, and the keys as a string array.</summary>
        public static IReadOnlyDictionary<string, object> Answer<T>(string kql, Func<string, IEnumerable<T>> select, Columns<T> c)
        {
            const string Head = "let matching = ";
            var end = kql.IndexOf(";\nlet inwindow = matching\n", StringComparison.Ordinal);
            var matching = select(kql.Substring(Head.Length, end - Head.Length) + "\n").ToList();
            var rest = kql.Substring(end + 2);

            var w = Window.Match(rest);
            var from = ParseTime(w.Groups["from"].Value);
            var to = ParseTime(w.Groups["to"].Value);
            IEnumerable<T> roots = matching.Where(r => c.Start(r) >= from && c.Start(r) < to);

            var env = Env.Match(rest);
            if (env.Success)
            {
                var name = env.Groups["v"].Value.Replace("\"\"", "\"", StringComparison.Ordinal);
                roots = roots.Where(r => string.IsNullOrEmpty(c.Environment(r)) || c.Environment(r) == name);
            }

            var version = Regex.Match(rest, "\n\\| where " + c.VersionColumn + " == @\"(?<v>(?:[^\"]|\"\")*)\"\n");
            if (version.Success)
            {
                var v = version.Groups["v"].Value.Replace("\"\"", "\"", StringComparison.Ordinal);
                roots = roots.Where(r => c.Version(r) == v);
            }

            var inWindow = roots.ToList();
            roots = inWindow;
            if (rest.Contains("\n| join kind=leftanti (matching | project ", StringComparison.Ordinal))
            {
                var spans = new HashSet<(string, string)>(matching.Select(r => (c.Trace(r).ToLowerInvariant(), c.Span(r).ToLowerInvariant())));
                roots = roots.Where(r => !spans.Contains((c.Trace(r).ToLowerInvariant(), c.Parent(r).ToLowerInvariant())));
            }

            var unit = RootMs.Match(rest);
            var half = long.Parse(unit.Groups["half"].Value, CultureInfo.InvariantCulture);
            var per = long.Parse(unit.Groups["unit"].Value, CultureInfo.InvariantCulture);
            var times = unit.Groups["s"].Success ? 1000 : 1;
            var kept = roots.ToList();
            var ms = kept.Select(r => (c.DurationNanos(r) + half) / per * times).OrderBy(v => v).ToList();
            long Rank(double p) => ms.Count == 0 ? 0 : ms[Math.Max(0, Math.Min(ms.Count - 1, (int)Math.Ceiling(p * ms.Count) - 1))];
            var row = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["MaxMs"] = ms.Count == 0 ? 0L : ms[^1],
                ["P50Ms"] = Rank(0.5),
                ["P95Ms"] = Rank(0.95),
                ["Roots"] = (long)ms.Count,
                ["Traces"] = (long)kept.Select(r => c.Trace(r).ToLowerInvariant()).Distinct(StringComparer.Ordinal).Count(),
            };
            var key = Regex.Match(rest, "\nlet keys = inwindow \\| summarize by Key = (?<e>.+);\n");
            if (key.Success)
            {
                Func<T, string> of = key.Groups["e"].Value switch
                {
                    "coalesce(WorkflowId, WorkflowName)" => r => First(c.Column(r, "WorkflowId"), c.Column(r, "WorkflowName")),
                    "iff(isnotempty(WorkflowId), WorkflowId, iff(isnotempty(ConnectorId), strcat(\"connector \", ConnectorId), \"\"))" =>
                        r => c.Column(r, "WorkflowId").Length > 0 ? c.Column(r, "WorkflowId") : c.Column(r, "ConnectorId").Length > 0 ? "connector " + c.Column(r, "ConnectorId") : string.Empty,
                    var e when e == c.Namespace.Expression => c.Namespace.Value,
                    var e => throw new InvalidOperationException("The fake does not understand the key: " + e),
                };
                var keys = inWindow.Select(of).Distinct(StringComparer.Ordinal).ToList();
                row["KeyCount"] = (long)keys.Count;
                row["Keys"] = keys.ToArray();
            }

            return row;
        }

        private static string First(string a, string b) => a.Length > 0 ? a : b;

        private static long ParseTime(string text)
        {
            var dt = DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            return (dt.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        }
    }
}
