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
    /// A stand-in for an Azure Data Explorer cluster's query endpoint over the spans of the sample
    /// files, stored as the collector's <c>azuredataexplorer</c> exporter stores them (one row per
    /// span of <c>OTELTraces</c>: hex ids, kind and status by name, resource and span attributes as
    /// dynamic bags). It understands just the KQL the profiler sends (table, time filter, trace-id
    /// list, the projection, the target filters over the projected columns, the nearest starts)
    /// and answers in the documented v2 shape: a JSON array of frames (DataSetHeader, a
    /// QueryProperties table, the PrimaryResult table, a QueryCompletionInformation table,
    /// DataSetCompletion). Rows are sent in reverse order: the client must not depend on it.
    /// </summary>
    public sealed class FakeDataExplorer
    {
        private static readonly Regex Window = new("StartTime >= datetime\\((?<from>[^)]+)\\) and StartTime < datetime\\((?<to>[^)]+)\\)", RegexOptions.CultureInvariant);
        private static readonly Regex Clause = new("^(?<c>\\w+) == @\"(?<v>(?:[^\"]|\"\")*)\"(?: (?<op>and|or) (?<rest>.*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

        private readonly IReadOnlyList<SampleSpan> _spans;
        private readonly string _table;

        public FakeDataExplorer(IReadOnlyList<SampleSpan> spans, string table = "OTELTraces")
        {
            _spans = spans;
            _table = table;
        }

        /// <summary>How the root statistics read a projected row.</summary>
        private static readonly RootStatistics.Columns<IReadOnlyDictionary<string, string?>> RowColumns = new(
            r => r["TraceID"]!,
            r => r["SpanID"]!,
            r => r["ParentID"] ?? string.Empty,
            r => Parse(r["StartTime"]!),
            r => r["Environment"],
            r => r["ServiceVersion"],
            r => Parse(r["EndTime"]!) - Parse(r["StartTime"]!),
            "ServiceVersion")
        {
            Column = (r, name) => r.TryGetValue(name, out var v) ? v ?? string.Empty : string.Empty,
            Namespace = ("Namespace", r => r["Namespace"] ?? string.Empty),
        };

        /// <summary>Every query text received, in order.</summary>
        public List<string> Queries { get; } = new();

        /// <summary>When set, the completion frame reports errors (a partial answer) with this OneApiErrors message.</summary>
        public string? CompletionError { get; set; }

        /// <summary>When set, an inline error object is sent among the rows of the primary table, after the first row.</summary>
        public bool InlineRowError { get; set; }

        /// <summary>The message of that inline error.</summary>
        public string InlineRowMessage { get; set; } = "Request is invalid and cannot be executed.";

        /// <summary>What answers the queries of the metrics table (by default a table without rows).</summary>
        public FakeDataExplorerMetrics Metrics { get; set; } = new(Array.Empty<ExporterMetricRow>());

        /// <summary>The most rows one answer holds; a larger result is cut there and the completion reports the truncation, as the service's 500,000-record limit does.</summary>
        public int MaxRows { get; set; } = int.MaxValue;

        /// <summary>The rows of every answer sent so far (after any truncation).</summary>
        public long RowsSent { get; private set; }

        public const string TruncationMessage = "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)";

        /// <summary>Exporter rows added beside the sample spans (bad rows for the bad-input tests).</summary>
        public List<IReadOnlyDictionary<string, string?>> ExtraRows { get; } = new();

        public CannedResponse Answer(RecordedRequest request)
        {
            using var body = JsonDocument.Parse(request.Body);
            var csl = body.RootElement.GetProperty("csl").GetString()!;
            if (csl.StartsWith(Metrics.Table + "\n", StringComparison.Ordinal))
            {
                return Metrics.Answer(request);
            }

            lock (Queries)
            {
                Queries.Add(csl);
            }

            if (RootStatistics.IsStatistics(csl))
            {
                return CannedResponse.Json(200, StatisticsFrames(RootStatistics.Answer(csl, Select, RowColumns)));
            }

            var sampled = csl.StartsWith("let matching = ", StringComparison.Ordinal);
            if (!csl.StartsWith((sampled ? "let matching = " : string.Empty) + _table + "\n", StringComparison.Ordinal))
            {
                return CannedResponse.Json(400, "{\"error\":{\"code\":\"General_BadRequest\",\"message\":\"Request is invalid and cannot be executed.\",\"@type\":\"Kusto.Data.Exceptions.KustoBadRequestException\",\"@message\":\"Semantic error: 'table' operator: Failed to resolve table expression\"}}");
            }

            var withTrace = csl.Contains("SpanName, SpanStatus", StringComparison.Ordinal);
            var rows = sampled ? RootStatistics.SampledCandidates(csl, Select, RowColumns) : Select(csl).ToList();
            lock (Queries)
            {
                RowsSent += Math.Min(rows.Count, MaxRows);
            }

            if (rows.Count > MaxRows)
            {
                // As the service truncates: the first rows, then the completion says the result set was cut.
                return CannedResponse.Json(200, Frames(rows.Take(MaxRows).ToList(), withTrace, TruncationMessage));
            }

            return CannedResponse.Json(200, Frames(rows, withTrace));
        }

        /// <summary>The row the exporter writes for a span, as the projection reads it (attribute lookups resolved).</summary>
        public static Dictionary<string, string?> Projected(SampleSpan s, bool withTrace)
        {
            string R(string k) => s.Resource.TryGetValue(k, out var v) ? v : string.Empty;
            string T(string k) => s.Attributes.TryGetValue(k, out var v) ? v : string.Empty;
            static string Coalesce(params string[] values) => values.FirstOrDefault(v => v.Length > 0) ?? string.Empty;
            var row = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["TraceID"] = s.TraceId,
                ["SpanID"] = s.SpanId,
                ["ParentID"] = s.ParentSpanId,
                ["SpanKind"] = new[] { "Unspecified", "Internal", "Server", "Client", "Producer", "Consumer" }[s.Kind],
                ["StartTime"] = LogsTables.Iso(s.StartUnixNano),
                ["EndTime"] = LogsTables.Iso(s.EndUnixNano),
                ["ResourceType"] = "dictionary",
                ["AttributesType"] = "dictionary",
                ["ServiceName"] = Coalesce(R("service.name"), T("service.name")),
                ["Namespace"] = Coalesce(R("k8s.namespace.name"), R("service.namespace"), T("k8s.namespace.name"), T("service.namespace")),
                ["Environment"] = Coalesce(R("deployment.environment.name"), R("deployment.environment"), T("deployment.environment.name"), T("deployment.environment")),
                ["ServiceVersion"] = Coalesce(R("service.version"), T("service.version")),
                ["Pod"] = R("k8s.pod.name"),
                ["Container"] = R("k8s.container.name"),
                ["Host"] = Coalesce(R("k8s.node.name"), R("host.name")),
                ["WorkflowId"] = Coalesce(T("chartly.workflow.id"), R("chartly.workflow.id")),
                ["WorkflowName"] = Coalesce(T("chartly.workflow.name"), R("chartly.workflow.name")),
                ["RunId"] = Coalesce(T("chartly.run.id"), R("chartly.run.id")),
                ["ChartlyOperationId"] = Coalesce(T("chartly.operation.id"), R("chartly.operation.id")),
                ["ConnectorId"] = Coalesce(T("chartly.connector.id"), R("chartly.connector.id")),
                ["ConnectorRunId"] = Coalesce(T("chartly.connector.run.id"), R("chartly.connector.run.id")),
            };
            if (withTrace)
            {
                row["SpanName"] = s.Name;
                row["SpanStatus"] = new[] { "Unset", "Ok", "Error" }[s.StatusCode];
                row["Component"] = T("chartly.component");
                row["HttpStatus"] = Coalesce(T("http.response.status_code"), T("http.status_code"));
                row["ResendCount"] = T("http.request.resend_count");
            }

            return row;
        }

        private IEnumerable<IReadOnlyDictionary<string, string?>> Select(string csl)
        {
            var w = Window.Match(csl);
            var from = Parse(w.Groups["from"].Value);
            var to = Parse(w.Groups["to"].Value);
            var withTrace = csl.Contains("SpanName, SpanStatus", StringComparison.Ordinal);
            IEnumerable<IReadOnlyDictionary<string, string?>> rows = _spans
                .Where(s => s.StartUnixNano >= from && s.StartUnixNano < to)
                .Select(s => (IReadOnlyDictionary<string, string?>)Projected(s, withTrace))
                .Concat(ExtraRows);

            var idList = Regex.Match(csl, "\\| where TraceID in~ \\((?<ids>[^)]*)\\)");
            if (idList.Success)
            {
                var ids = new HashSet<string>(Regex.Matches(idList.Groups["ids"].Value, "\"([0-9a-f]+)\"").Select(m => m.Groups[1].Value), StringComparer.OrdinalIgnoreCase);
                return rows.Where(r => r["TraceID"] is { } t && ids.Contains(t)).ToList();
            }

            foreach (var line in csl.Split('\n').Where(l => l.StartsWith("| where ", StringComparison.Ordinal) && !l.Contains("StartTime >=", StringComparison.Ordinal)))
            {
                var body = line.Substring("| where ".Length);
                if (RootStatistics.Sampled(body) is { } keep)
                {
                    rows = rows.Where(r => keep(r["TraceID"]!)).ToList();
                    continue;
                }

                if (RootStatistics.InEnvironment(body) is { } environment)
                {
                    rows = rows.Where(r => string.IsNullOrEmpty(r["Environment"]) || r["Environment"] == environment).ToList();
                    continue;
                }

                if (body.StartsWith("SpanKind in~ (", StringComparison.Ordinal))
                {
                    rows = rows.Where(r => r["SpanKind"] is "Server" or "Consumer").ToList();
                    continue;
                }

                rows = rows.Where(r => Holds(body, r)).ToList();
            }

            var take = Regex.Match(csl, "\n\\| take (?<n>[0-9]+)\n");
            var anchorText = Regex.Match(csl, "\n\\| extend Distance = abs\\(StartTime - datetime\\((?<t>[^)]+)\\)\\)\n");
            if (anchorText.Success)
            {
                var anchor = Parse(anchorText.Groups["t"].Value);
                rows = rows
                    .OrderBy(r => Math.Abs(Parse(r["StartTime"]!) - anchor))
                    .ThenBy(r => Parse(r["StartTime"]!));
            }

            if (take.Success)
            {
                rows = rows.Take(int.Parse(take.Groups["n"].Value, CultureInfo.InvariantCulture));
            }

            return rows;
        }

        /// <summary>Evaluates <c>A == @"x" (and|or) B == @"y" ...</c>, left to right, as the profiler writes its filters.</summary>
        private static bool Holds(string body, IReadOnlyDictionary<string, string?> row)
        {
            var m = Clause.Match(body);
            if (!m.Success)
            {
                throw new InvalidOperationException("The fake does not understand the filter: " + body);
            }

            var here = row.TryGetValue(m.Groups["c"].Value, out var v) && string.Equals(v ?? string.Empty, m.Groups["v"].Value.Replace("\"\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
            if (!m.Groups["op"].Success)
            {
                return here;
            }

            return m.Groups["op"].Value == "and" ? here && Holds(m.Groups["rest"].Value, row) : here || Holds(m.Groups["rest"].Value, row);
        }

        private static long Parse(string text)
        {
            var dt = DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            return (dt.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        }

        private static readonly string[] CandidateColumns =
        {
            "TraceID", "SpanID", "ParentID", "SpanKind", "StartTime", "EndTime", "ResourceType", "AttributesType", "ServiceName", "Namespace", "Environment", "ServiceVersion",
            "Pod", "Container", "Host", "WorkflowId", "WorkflowName", "RunId", "ChartlyOperationId", "ConnectorId", "ConnectorRunId",
        };

        private static readonly string[] TraceColumns = CandidateColumns.Concat(new[] { "SpanName", "SpanStatus", "Component", "HttpStatus", "ResendCount" }).ToArray();

        /// <summary>The v2 answer: header, QueryProperties, PrimaryResult, QueryCompletionInformation, completion.</summary>
        private string Frames(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, bool withTrace, string? truncated = null)
        {
            var columns = withTrace ? TraceColumns : CandidateColumns;
            var completionError = truncated ?? CompletionError;
            return KustoFrames.Answer(w =>
            {
                KustoFrames.Table(w, 0, "QueryProperties", "@ExtendedProperties", new[] { ("TableId", "int"), ("Key", "string"), ("Value", "dynamic") }, tw =>
                {
                    tw.WriteStartArray();
                    tw.WriteNumberValue(1);
                    tw.WriteStringValue("Visualization");
                    tw.WriteStartObject();
                    tw.WriteString("Visualization", (string?)null);
                    tw.WriteEndObject();
                    tw.WriteEndArray();
                });

                KustoFrames.Table(w, 1, "PrimaryResult", "PrimaryResult", columns.Select(c => (c, c is "StartTime" or "EndTime" ? "datetime" : "string")).ToArray(), tw =>
                {
                    var n = 0;
                    foreach (var r in rows.Reverse())
                    {
                        tw.WriteStartArray();
                        foreach (var c in columns)
                        {
                            var value = r.TryGetValue(c, out var v) ? v : null;
                            if (value is null)
                            {
                                tw.WriteNullValue();
                            }
                            else
                            {
                                tw.WriteStringValue(value);
                            }
                        }

                        tw.WriteEndArray();
                        if (++n == 1 && InlineRowError)
                        {
                            tw.WriteStartObject();
                            tw.WriteStartObject("OneApiErrors");
                            tw.WriteStartObject("error");
                            tw.WriteString("code", "LimitsExceeded");
                            tw.WriteString("message", InlineRowMessage);
                            tw.WriteEndObject();
                            tw.WriteEndObject();
                            tw.WriteEndObject();
                        }
                    }
                });

                KustoFrames.Table(w, 2, "QueryCompletionInformation", "QueryCompletionInformation", new[] { ("Timestamp", "datetime"), ("ClientRequestId", "string"), ("StatusCode", "int"), ("StatusDescription", "string") }, tw =>
                {
                    tw.WriteStartArray();
                    tw.WriteStringValue("2026-11-24T12:00:00.0000000Z");
                    tw.WriteStringValue("fake");
                    tw.WriteNumberValue(0);
                    tw.WriteStringValue("Query completed successfully");
                    tw.WriteEndArray();
                });
            }, completionError);
        }

        /// <summary>The one-row answer of the root statistics, in the v2 frames.</summary>
        private string StatisticsFrames(IReadOnlyDictionary<string, object> row)
        {
            return KustoFrames.Answer(w => KustoFrames.PrimaryResult(w, row.Select(kv => (kv.Key, kv.Value is long ? "long" : "dynamic")).ToArray(), tw =>
                {
                    tw.WriteStartArray();
                    foreach (var v in row.Values)
                    {
                        if (v is long n)
                        {
                            tw.WriteNumberValue(n);
                        }
                        else
                        {
                            // A dynamic value is JSON in the v2 frames.
                            JsonSerializer.Serialize(tw, (string[])v);
                        }
                    }

                    tw.WriteEndArray();
                }), CompletionError);
        }
    }
}
