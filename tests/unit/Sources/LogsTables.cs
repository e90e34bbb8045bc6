using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// One row of AppRequests / AppDependencies as the collector's azuremonitor exporter stores an
    /// OpenTelemetry span: span and resource attributes in <see cref="Properties"/> (the SDK
    /// exporters' rows, without resource attributes, come from <see cref="TrackEnvelopes"/>).
    /// </summary>
    public sealed record AppRow(
        string Table,
        string OperationId,
        string Id,
        string ParentId,
        long StartUnixNano,
        double DurationMs,
        string Name,
        string ResultCode,
        bool Success,
        string AppRoleName,
        string AppRoleInstance,
        string AppVersion,
        string DependencyType,
        IReadOnlyDictionary<string, string> Properties)
    {
        /// <summary>A custom dimension, or null when the row has none or an empty one.</summary>
        public string? Property(string key) => Properties.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
    }

    /// <summary>
    /// The documented answer of the Log Analytics query API
    /// (<c>{"tables":[{"name","columns":[{"name","type"}],"rows":[...]}]}</c>) over <see cref="AppRow"/>s,
    /// with the columns the profiler projects: the one place the fake workspace of the tests and the
    /// benchmark's loopback workspace take the shape from.
    /// </summary>
    public static class LogsTables
    {
        /// <summary>The one-row answer of the root statistics.</summary>
        public static string Statistics(IReadOnlyDictionary<string, object> row)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                StartPrimary(w, row.Select(kv => (kv.Key, kv.Value is long ? "long" : "dynamic")));
                w.WriteStartArray("rows");
                w.WriteStartArray();
                foreach (var v in row.Values)
                {
                    if (v is long n)
                    {
                        w.WriteNumberValue(n);
                    }
                    else
                    {
                        // The query API sends a dynamic value as its JSON text.
                        w.WriteStringValue(JsonSerializer.Serialize((string[])v));
                    }
                }

                w.WriteEndArray();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>Opens the answer and its PrimaryResult table, up to its rows.</summary>
        private static void StartPrimary(Utf8JsonWriter w, IEnumerable<(string Name, string Type)> columns)
        {
            w.WriteStartObject();
            w.WriteStartArray("tables");
            w.WriteStartObject();
            w.WriteString("name", "PrimaryResult");
            w.WriteStartArray("columns");
            foreach (var (name, type) in columns)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("type", type);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        public static string Iso(long unixNano) =>
            new DateTime(DateTime.UnixEpoch.Ticks + unixNano / 100, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>A PrimaryResult table with the projected columns, in a shuffled (reversed) row order: the client must not depend on it.</summary>
        public static string Rows(IReadOnlyList<AppRow> rows, bool withTraceColumns, string? error = null)
        {
            var columns = new List<(string Name, string Type, Func<AppRow, object?> Value)>
            {
                ("SourceTable", "string", r => r.Table),
                ("TimeGenerated", "datetime", r => Iso(r.StartUnixNano)),
                ("OperationId", "string", r => r.OperationId),
                ("Id", "string", r => r.Id),
                ("ParentId", "string", r => r.ParentId),
                ("DurationMs", "real", r => r.DurationMs),
                ("AppRoleName", "string", r => r.AppRoleName),
                ("AppRoleInstance", "string", r => r.AppRoleInstance),
                ("AppVersion", "string", r => r.AppVersion),
                ("DependencyType", "string", r => r.DependencyType),
                ("Namespace", "string", r => r.Property("k8s.namespace.name") ?? r.Property("service.namespace") ?? string.Empty),
                ("Environment", "string", r => r.Property("deployment.environment.name") ?? r.Property("deployment.environment") ?? string.Empty),
                ("Pod", "string", r => r.Property("k8s.pod.name") ?? string.Empty),
                ("Container", "string", r => r.Property("k8s.container.name") ?? string.Empty),
                ("Host", "string", r => r.Property("host.name") ?? string.Empty),
                ("WorkflowId", "string", r => r.Property("chartly.workflow.id") ?? string.Empty),
                ("WorkflowName", "string", r => r.Property("chartly.workflow.name") ?? string.Empty),
                ("RunId", "string", r => r.Property("chartly.run.id") ?? string.Empty),
                ("ChartlyOperationId", "string", r => r.Property("chartly.operation.id") ?? string.Empty),
                ("ConnectorId", "string", r => r.Property("chartly.connector.id") ?? string.Empty),
                ("ConnectorRunId", "string", r => r.Property("chartly.connector.run.id") ?? string.Empty),
                ("MessagingOperation", "string", r => r.Property("messaging.operation.type") ?? r.Property("messaging.operation") ?? string.Empty),
            };
            if (withTraceColumns)
            {
                columns.Add(("Name", "string", r => r.Name));
                columns.Add(("ResultCode", "string", r => r.ResultCode));
                columns.Add(("Success", "string", r => r.Success ? "true" : "false"));
                columns.Add(("Component", "string", r => r.Property("chartly.component") ?? string.Empty));
                columns.Add(("ResendCount", "string", r => r.Property("http.request.resend_count") ?? string.Empty));
            }

            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                StartPrimary(w, columns.Select(c => (c.Name, c.Type)));
                w.WriteStartArray("rows");
                foreach (var r in rows.Reverse())
                {
                    w.WriteStartArray();
                    foreach (var c in columns)
                    {
                        switch (c.Value(r))
                        {
                            case double d: w.WriteNumberValue(d); break;
                            case string s: w.WriteStringValue(s); break;
                            default: w.WriteNullValue(); break;
                        }
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                if (error is not null)
                {
                    w.WritePropertyName("error");
                    using var e = JsonDocument.Parse(error);
                    e.RootElement.WriteTo(w);
                }

                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
