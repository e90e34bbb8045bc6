using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The documented v2 query answer of Azure Data Explorer, written frame by frame: the one place
    /// the loopback clusters of the tests and the benchmark take the shape from, so a fix to the
    /// shape reaches every fake at once.
    /// </summary>
    public static class KustoFrames
    {
        /// <summary>A whole answer: header, the given tables, completion (with an error: partial or truncated).</summary>
        public static string Answer(Action<Utf8JsonWriter> tables, string? completionError)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartArray();
                Header(w);
                tables(w);
                Completion(w, completionError);
                w.WriteEndArray();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        public static void Header(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("FrameType", "DataSetHeader");
            w.WriteBoolean("IsProgressive", false);
            w.WriteString("Version", "v2.0");
            w.WriteBoolean("IsFragmented", false);
            w.WriteString("ErrorReportingPlacement", "InData");
            w.WriteEndObject();
        }

        /// <summary>The last frame; with an error, the answer is partial (or, by its message, truncated).</summary>
        public static void Completion(Utf8JsonWriter w, string? error)
        {
            w.WriteStartObject();
            w.WriteString("FrameType", "DataSetCompletion");
            w.WriteBoolean("HasErrors", error is not null);
            w.WriteBoolean("Cancelled", false);
            if (error is not null)
            {
                w.WriteStartArray("OneApiErrors");
                w.WriteStartObject();
                w.WriteStartObject("error");
                w.WriteString("code", "LimitsExceeded");
                w.WriteString("message", error);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        /// <summary>One DataTable frame; <paramref name="rows"/> writes the row arrays.</summary>
        public static void Table(Utf8JsonWriter w, int id, string kind, string name, (string Name, string Type)[] columns, Action<Utf8JsonWriter> rows)
        {
            w.WriteStartObject();
            w.WriteString("FrameType", "DataTable");
            w.WriteNumber("TableId", id);
            w.WriteString("TableKind", kind);
            w.WriteString("TableName", name);
            w.WriteStartArray("Columns");
            foreach (var (n, t) in columns)
            {
                w.WriteStartObject();
                w.WriteString("ColumnName", n);
                w.WriteString("ColumnType", t);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("Rows");
            rows(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>The primary result table alone, as most answers hold.</summary>
        public static void PrimaryResult(Utf8JsonWriter w, (string Name, string Type)[] columns, Action<Utf8JsonWriter> rows) =>
            Table(w, 0, "PrimaryResult", "PrimaryResult", columns, rows);
    }
}
