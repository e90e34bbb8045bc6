using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// A stand-in for a cluster's query endpoint over the exporter's metrics table. It understands
    /// the KQL the metric reader sends: the time range, the names, the projected identity and the
    /// filter branches over it (each branch's lists read from the query and evaluated with the
    /// meaning docs/sources.md gives them), and answers with the projected columns in the v2
    /// frame shape, rows in reverse order. <see cref="FakeDataExplorer"/> hands it the queries of
    /// the metrics table.
    /// </summary>
    public sealed class FakeDataExplorerMetrics
    {
        private static readonly Regex Range = new("\\| where Timestamp >= datetime\\((?<from>[^)]+)\\) and Timestamp <= datetime\\((?<to>[^)]+)\\)\n", RegexOptions.CultureInvariant);
        private static readonly Regex Literal = new("@\"((?:[^\"]|\"\")*)\"", RegexOptions.CultureInvariant);

        private readonly IReadOnlyList<ExporterMetricRow> _rows;
        private readonly string _table;

        public FakeDataExplorerMetrics(IReadOnlyList<ExporterMetricRow> rows, string table = "OTELMetrics")
        {
            _rows = rows;
            _table = table;
        }

        public string Table => _table;

        /// <summary>Every metric query received, in order.</summary>
        public List<string> Queries { get; } = new();

        /// <summary>Sets the completion frame's error (a partial answer).</summary>
        public string? CompletionError { get; set; }

        /// <summary>When it returns true for a query, the answer says the result was cut at the query limits.</summary>
        public Func<string, bool> Truncate { get; set; } = _ => false;

        /// <summary>Rewrites the projected columns (names, order, extra columns) before they are written.</summary>
        public Func<IReadOnlyList<string>, IReadOnlyList<string>> ColumnsOf { get; set; } = c => c;

        public CannedResponse Answer(RecordedRequest request)
        {
            using var body = JsonDocument.Parse(request.Body);
            var csl = body.RootElement.GetProperty("csl").GetString()!;
            lock (Queries)
            {
                Queries.Add(csl);
            }

            var truncated = Truncate(csl);
            var selected = truncated ? new List<Dictionary<string, object?>>() : Select(csl).ToList();
            return CannedResponse.Json(200, Frames(selected, truncated ? "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)" : CompletionError));
        }

        /// <summary>The row as the query projects it (the identity columns resolved as the KQL resolves them).</summary>
        public static Dictionary<string, object?> Projected(ExporterMetricRow r)
        {
            string R(string k) => r.ResourceAttributes.TryGetValue(k, out var v) ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty : string.Empty;
            string A(string k) => r.MetricAttributes.TryGetValue(k, out var v) ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty : string.Empty;
            static string Coalesce(params string[] values) => values.FirstOrDefault(v => v.Length > 0) ?? string.Empty;
            return new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Timestamp"] = r.Timestamp,
                ["MetricName"] = r.MetricName,
                ["MetricType"] = r.MetricType,
                ["MetricUnit"] = r.MetricUnit,
                ["MetricValue"] = r.MetricValue,
                ["ResourceType"] = r.ResourceAttributesJson is null ? "dictionary" : r.ResourceAttributesJson.StartsWith("[", StringComparison.Ordinal) ? "array" : "string",
                ["AttributesType"] = r.MetricAttributesJson is null ? "dictionary" : r.MetricAttributesJson.StartsWith("[", StringComparison.Ordinal) ? "array" : "string",
                ["ServiceName"] = R("service.name"),
                ["Namespace"] = Coalesce(R("k8s.namespace.name"), R("service.namespace")),
                ["Environment"] = Coalesce(R("deployment.environment.name"), R("deployment.environment")),
                ["Pod"] = R("k8s.pod.name"),
                ["Container"] = R("k8s.container.name"),
                ["Node"] = Coalesce(R("k8s.node.name"), R("host.name")),
                ["PointPod"] = Coalesce(A("k8s.pod.name"), A("pod")),
                ["PodLabelled"] = r.MetricAttributes.ContainsKey("k8s.pod.name") || r.MetricAttributes.ContainsKey("pod"),
                ["PointNode"] = Coalesce(A("k8s.node.name"), A("node"), A("kubernetes_node")),
                ["PointNamespace"] = Coalesce(A("k8s.namespace.name"), A("namespace")),
                ["MetricAttributes"] = r.MetricAttributesJson is null ? r.MetricAttributes : (object)new RawJson(r.MetricAttributesJson),
                ["Resource"] = r.ResourceAttributes,
            };
        }

        private sealed record RawJson(string Json);

        private IEnumerable<Dictionary<string, object?>> Select(string csl)
        {
            var range = Range.Match(csl);
            if (!range.Success)
            {
                throw new InvalidOperationException("The fake does not understand the time filter:\n" + csl);
            }

            var from = Parse(range.Groups["from"].Value);
            var to = Parse(range.Groups["to"].Value);
            var lines = csl.Split('\n');
            var names = Strings(lines.Single(l => l.StartsWith("| where MetricName in (", StringComparison.Ordinal)));
            var filterAt = Array.FindIndex(lines, l => l.StartsWith("| where ", StringComparison.Ordinal) && !l.StartsWith("| where Timestamp", StringComparison.Ordinal) && !l.StartsWith("| where MetricName in", StringComparison.Ordinal));
            var branches = new List<string> { lines[filterAt].Substring("| where ".Length) };
            for (var i = filterAt + 1; i < lines.Length && lines[i].StartsWith("    or ", StringComparison.Ordinal); i++)
            {
                branches.Add(lines[i].Substring("    or ".Length));
            }

            var keys = Regex.Matches(lines.Single(l => l.Contains("ResourceKeys = ", StringComparison.Ordinal)), "\"([^\"]+)\", ResourceAttributes").Select(m => m.Groups[1].Value).ToList();
            foreach (var r in _rows)
            {
                var t = Parse(r.Timestamp);
                if (t < from || t > to || !names.Contains(r.MetricName))
                {
                    continue;
                }

                var p = Projected(r);
                if (!branches.Any(b => Holds(b, p)))
                {
                    continue;
                }

                var res = (IReadOnlyDictionary<string, object>)p["Resource"]!;
                p["ResourceKeys"] = keys.ToDictionary(k => k, k => res.TryGetValue(k, out var v) ? v : null);
                yield return p;
            }
        }

        /// <summary>One branch of the filter, as docs/sources.md says the reader writes them.</summary>
        private static bool Holds(string branch, Dictionary<string, object?> p)
        {
            string S(string c) => (string)p[c]!;
            bool In(string column, string list) => Strings(list).Contains(S(column));
            var lists = Regex.Matches(branch, "in \\(([^)]*)\\)").Select(m => m.Groups[1].Value).ToList();
            if (branch.StartsWith("(MetricName in (", StringComparison.Ordinal) && branch.Contains(" and (Node in (", StringComparison.Ordinal))
            {
                return In("MetricName", lists[0]) && (In("Node", lists[1]) || In("PointNode", lists[2]));
            }

            if (branch.StartsWith("(MetricName in (", StringComparison.Ordinal))
            {
                var noNamespace = S("Namespace").Length == 0 && S("PointNamespace").Length == 0;
                return In("MetricName", lists[0]) && (noNamespace || (lists.Count == 3 && (In("Namespace", lists[1]) || In("PointNamespace", lists[2]))));
            }

            if (branch.StartsWith("Pod in (", StringComparison.Ordinal))
            {
                return In("Pod", lists[0]) || In("PointPod", lists[1]);
            }

            if (branch.StartsWith("ServiceName in (", StringComparison.Ordinal))
            {
                return In("ServiceName", lists[0]);
            }

            if (branch.StartsWith("(isempty(PointPod) and (PodLabelled or isempty(Pod) and isempty(ServiceName)) and (Node in (", StringComparison.Ordinal))
            {
                var nodeOnly = S("PointPod").Length == 0 && ((bool)p["PodLabelled"]! || (S("Pod").Length == 0 && S("ServiceName").Length == 0));
                return nodeOnly && (In("Node", lists[0]) || In("PointNode", lists[1]));
            }

            throw new InvalidOperationException("The fake does not understand the filter branch: " + branch);
        }

        private static HashSet<string> Strings(string text) =>
            new(Literal.Matches(text).Select(m => m.Groups[1].Value.Replace("\"\"", "\"", StringComparison.Ordinal)), StringComparer.Ordinal);

        private static long Parse(string text)
        {
            // Data Explorer keeps a datetime in UTC; a row written without a zone is read as UTC by the server.
            var dt = DateTime.ParseExact(text.TrimEnd('Z'), "yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            return (dt.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        }

        private static readonly string[] Columns =
        {
            "Timestamp", "MetricName", "MetricType", "MetricUnit", "MetricValue", "ResourceType", "AttributesType",
            "ServiceName", "Namespace", "Environment", "Pod", "Container", "Node", "ResourceKeys", "MetricAttributes",
        };

        private static string TypeOf(string column) => column switch
        {
            "Timestamp" => "datetime",
            "MetricValue" => "real",
            "ResourceKeys" or "MetricAttributes" => "dynamic",
            _ => "string",
        };

        private string Frames(IReadOnlyList<Dictionary<string, object?>> rows, string? error)
        {
            var columns = ColumnsOf(Columns);
            return KustoFrames.Answer(w => KustoFrames.PrimaryResult(w, columns.Select(c => (c, TypeOf(c))).ToArray(), tw =>
            {
                foreach (var r in rows.Reverse())
                {
                    tw.WriteStartArray();
                    foreach (var c in columns)
                    {
                        Write(tw, r.TryGetValue(c, out var v) ? v : "extra");
                    }

                    tw.WriteEndArray();
                }
            }), error);
        }

        private static void Write(Utf8JsonWriter w, object? v)
        {
            switch (v)
            {
                case null:
                    w.WriteNullValue();
                    break;
                case RawJson raw:
                    w.WriteRawValue(raw.Json);
                    break;
                case string s:
                    w.WriteStringValue(s);
                    break;
                case bool b:
                    w.WriteBooleanValue(b);
                    break;
                case double d when double.IsNaN(d) || double.IsInfinity(d):
                    w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                    break;
                case double d:
                    w.WriteNumberValue(d);
                    break;
                case long l:
                    w.WriteNumberValue(l);
                    break;
                case IReadOnlyDictionary<string, object> bag:
                    w.WriteStartObject();
                    foreach (var kv in bag)
                    {
                        w.WritePropertyName(kv.Key);
                        Write(w, kv.Value);
                    }

                    w.WriteEndObject();
                    break;
                default:
                    throw new InvalidOperationException("Cannot write " + v.GetType());
            }
        }
    }
}
