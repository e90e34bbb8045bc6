using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>The columns of one backend's pass-1 projection that the root statistics and the sample read.</summary>
    /// <param name="Trace">the trace id column</param>
    /// <param name="Span">the span id column</param>
    /// <param name="Parent">the parent span id column</param>
    /// <param name="Time">the start time column the range filters</param>
    /// <param name="DurationNanos">a KQL expression of the span's duration in whole nanoseconds, as the row mapper computes it</param>
    /// <param name="Version">the service version column</param>
    /// <param name="ServiceNamespace">a KQL expression of the namespace the row mapper gives a span's service</param>
    internal sealed record KustoRootColumns(string Trace, string Span, string Parent, string Time, string DurationNanos, string Version, string ServiceNamespace);

    /// <summary>
    /// The two questions a Kusto backend answers for a target with more roots than the budget
    /// (docs/sources.md, "Targets with more roots than the budget"): the exact root statistics over
    /// every root, computed in the query, and the deterministic sample of traces, chosen in the query
    /// by the SHA-256 of the trace id.
    /// </summary>
    internal static class RootSampling
    {
        /// <summary>The sample's buckets: the first 32 bits of the SHA-256 of the lower-case trace id.</summary>
        public const long Buckets = 1L << 32;

        /// <summary>
        /// Keeps the traces whose bucket is below <paramref name="threshold"/>. Eight lower-case hex
        /// digits compare as text in the order of the numbers they write, so the comparison needs no
        /// hex parsing in KQL; <c>hash_sha256</c> is a documented, stable function (unlike a seeded hash).
        /// </summary>
        public static string Predicate(string traceColumn, long threshold) =>
            "| where strcmp(substring(hash_sha256(tolower(" + traceColumn + ")), 0, 8), \"" + Hex(threshold) + "\") < 0\n";

        /// <summary>The threshold that keeps about <paramref name="budget"/> of <paramref name="traces"/> traces (all of them at or below the budget).</summary>
        public static long Threshold(long budget, long traces) =>
            traces <= budget ? Buckets : Math.Max(1, (long)(Buckets * (decimal)budget / traces));

        /// <summary>The bucket of one trace id, as the predicate computes it on the server (tests and the benchmark check the server with it).</summary>
        public static long Bucket(string traceIdHex)
        {
            using var sha = SHA256.Create();
            var h = sha.ComputeHash(Encoding.UTF8.GetBytes(traceIdHex.ToLowerInvariant()));
            return ((long)h[0] << 24) | ((long)h[1] << 16) | ((long)h[2] << 8) | h[3];
        }

        /// <summary>
        /// Root count, nearest-rank p50 and p95, maximum and distinct traces of the target's roots, in
        /// one row. <paramref name="around"/> is the pass-1 query over the window widened by the trace
        /// margin: its spans are the target's matches, the possible enclosing matches of a root. A
        /// root is a match that starts in the window, in the environment (or naming none), of the
        /// version when one is asked, whose parent span is not itself a match. Durations are rounded
        /// to the profile's unit as <c>Apportion.ToMs</c> rounds them (half up), then ranked exactly:
        /// rank ceil(p/100 * n), the same double arithmetic as <c>ProfileBuilder.Percentile</c>.
        /// </summary>
        public static string Statistics(KustoRootColumns c, TargetSpec target, string around, long fromUnixNano, long toUnixNano, string environment, string? version, bool seconds)
        {
            var unit = seconds ? "1000000000" : "1000000";
            var half = seconds ? "500000000" : "500000";
            var key = AmbiguityKey(c, target);
            return
                "let matching = " + around.TrimEnd('\n') + ";\n" +
                "let inwindow = matching\n" +
                "| where " + c.Time + " >= " + Kql.DateTime(fromUnixNano) + " and " + c.Time + " < " + Kql.DateTime(toUnixNano) + "\n" +
                InTarget(c, environment, version) +
                ";\n" +
                "let roots = inwindow\n" +
                ParentIsNoMatch(c) +
                "| extend RootMs = (" + c.DurationNanos + " + " + half + ") / " + unit + (seconds ? " * 1000" : string.Empty) + ";\n" +
                (key is null ? string.Empty : "let keys = inwindow | summarize by Key = " + key + ";\n") +
                "let n = toscalar(roots | count);\n" +
                "roots\n" +
                "| sort by RootMs asc\n" +
                "| extend Rank = row_number()\n" +
                "| summarize Roots = count(), P50Ms = maxif(RootMs, Rank <= ceiling(0.5 * n)), P95Ms = maxif(RootMs, Rank <= ceiling(0.95 * n)), MaxMs = max(RootMs)\n" +
                "| extend Traces = toscalar(roots | distinct TraceKey = tolower(" + c.Trace + ") | count)\n" +
                (key is null ? string.Empty : "| extend Keys = toscalar(keys | summarize make_list(Key, " + ListedKeys.ToString(CultureInfo.InvariantCulture) + ")), KeyCount = toscalar(keys | count)\n");
        }

        /// <summary>
        /// Pass 1 of the sample: the candidates of the kept traces, of the environment and version the
        /// statistics counted, whose parent is not a match. A
        /// candidate under a matching parent can never be a root (the engine removes a match nested
        /// under another), so leaving it out changes no root and keeps the answer near one row per
        /// root where every span of a trace matches (target ids set on the resource).
        /// </summary>
        public static string SampledCandidates(KustoRootColumns c, string around, string candidates, long threshold, string environment, string? version) =>
            "let matching = " + Then(around, Predicate(c.Trace, threshold)).TrimEnd('\n') + ";\n" +
            Then(candidates, Predicate(c.Trace, threshold)) +
            InTarget(c, environment, version) +
            ParentIsNoMatch(c);

        /// <summary>The roots' environment (or none named) and, for a version baseline, their version: the engine's filters, applied on the server.</summary>
        private static string InTarget(KustoRootColumns c, string environment, string? version) =>
            "| where isempty(Environment) or Environment == " + Kql.String(environment) + "\n" +
            (version is null ? string.Empty : "| where " + c.Version + " == " + Kql.String(version) + "\n");

        /// <summary>Keeps the rows whose parent span is not among <c>matching</c> (of the same trace).</summary>
        private static string ParentIsNoMatch(KustoRootColumns c) =>
            "| join kind=leftanti (matching | project " + c.Trace + ", ParentKey = " + c.Span + ") on $left." + c.Trace + " == $right." + c.Trace + ", $left." + c.Parent + " == $right.ParentKey\n";

        /// <summary>The distinct ambiguity keys the statistics list (their count is exact beside them).</summary>
        public const int ListedKeys = 1000;

        /// <summary>
        /// What tells two targets of one id apart, as <c>TargetResolver</c> checks it over every
        /// candidate in the window: the namespace of a service given without one, the workflow of a
        /// workflow or run (a run without a workflow, its connector). Null for the other targets.
        /// </summary>
        private static string? AmbiguityKey(KustoRootColumns c, TargetSpec target) => target.Type switch
        {
            TargetType.Service when target.Qualifier is null => c.ServiceNamespace,
            TargetType.Workflow => "coalesce(WorkflowId, WorkflowName)",
            TargetType.Run => "iff(isnotempty(WorkflowId), WorkflowId, iff(isnotempty(ConnectorId), strcat(\"connector \", ConnectorId), \"\"))",
            _ => null,
        };

        /// <summary>Appends one pipe line to a query whether or not it ends with a line break.</summary>
        public static string Then(string kql, string line) => (kql.EndsWith("\n", StringComparison.Ordinal) ? kql : kql + "\n") + line;

        public static string Take(int rows) => "| take " + rows.ToString(CultureInfo.InvariantCulture) + "\n";

        private static string Hex(long threshold) => threshold.ToString("x8", CultureInfo.InvariantCulture);
    }
}
