using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>The error object of an answer: its code, the most specific message in it, and whether any part of it says the result set was cut at the query limits.</summary>
    internal sealed record LogsError(string? Code, string? Message, int Details, bool Truncated = false);

    /// <summary>
    /// A parsed answer of <c>POST /v1/workspaces/{id}/query</c>:
    /// <c>{"tables":[{"name","columns":[{"name","type"}],"rows":[[...]]}], "error"?: {...}}</c>.
    /// An HTTP 200 that carries <c>error</c> is a partial result (code <c>PartialError</c>): the
    /// tables are still used and the error is counted.
    /// </summary>
    internal sealed class LogsResponse
    {
        private LogsResponse(IReadOnlyList<KustoTable> tables, LogsError? error)
        {
            Tables = tables;
            Error = error;
        }

        public IReadOnlyList<KustoTable> Tables { get; }

        public LogsError? Error { get; }

        /// <summary>The first table (PrimaryResult); an answer with no table holds no rows.</summary>
        public KustoTable? Primary => Tables.Count > 0 ? Tables[0] : null;

        /// <summary>Parses a 200 answer; throws <see cref="FormatException"/> with a short reason when its shape is wrong.</summary>
        public static LogsResponse Parse(Stream body)
        {
            using (var doc = KustoJson.Open(body))
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("the body is not a JSON object");
                }

                LogsError? error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? ReadError(e) : null;
                var tables = new List<KustoTable>();
                if (root.TryGetProperty("tables", out var t))
                {
                    if (t.ValueKind != JsonValueKind.Array)
                    {
                        throw new FormatException("'tables' is not an array");
                    }

                    foreach (var table in t.EnumerateArray())
                    {
                        // The v1 answer reports errors in its 'error' object, never among the rows: an object there is a broken row.
                        tables.Add(KustoTableShape.LogAnalytics.Read(table, out var errorRows, out _));
                        if (errorRows > 0)
                        {
                            throw new FormatException("a row does not have one value per column");
                        }
                    }
                }
                else if (error is null)
                {
                    throw new FormatException("it has neither 'tables' nor 'error'");
                }

                return new LogsResponse(tables, error);
            }
        }

        /// <summary>The error object of a failed answer (any status), or null when the body holds none.</summary>
        public static LogsError? ParseError(Stream? body)
        {
            if (body is null)
            {
                return null;
            }

            try
            {
                using var doc = JsonDocument.Parse(body, KustoJson.Options);
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                    ? ReadError(e)
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static LogsError ReadError(JsonElement e)
        {
            var code = Text(e, "code");
            var message = Text(e, "message");
            var details = 0;
            if (e.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Array)
            {
                details = d.GetArrayLength();
            }

            // The innermost error says what actually failed (e.g. SemanticError and its message).
            var inner = e;
            for (var depth = 0; depth < 16 && inner.TryGetProperty("innererror", out var next) && next.ValueKind == JsonValueKind.Object; depth++)
            {
                inner = next;
                message = Text(inner, "message") ?? message;
            }

            return new LogsError(code, message, details, KustoAnswer.SaysTruncated(e.GetRawText()));
        }

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
