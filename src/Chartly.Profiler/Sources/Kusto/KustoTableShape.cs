using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// How a Kusto API spells a result table in JSON: the Log Analytics query API
    /// (<c>name</c>, <c>columns</c> of <c>name</c>/<c>type</c>, <c>rows</c>) and the Data Explorer
    /// v2 answer (<c>TableName</c>, <c>Columns</c> of <c>ColumnName</c>/<c>ColumnType</c>,
    /// <c>Rows</c>) hold the same table under other names; one reader reads both.
    /// </summary>
    internal sealed record KustoTableShape(string Name, string Columns, string ColumnName, string ColumnType, string Rows)
    {
        public static KustoTableShape LogAnalytics { get; } = new("name", "columns", "name", "type", "rows");

        public static KustoTableShape DataExplorer { get; } = new("TableName", "Columns", "ColumnName", "ColumnType", "Rows");

        /// <summary>
        /// The table, every cell as text; throws <see cref="FormatException"/> with a short reason
        /// when its shape is wrong. A row that is an object holding <c>OneApiErrors</c> (an error
        /// raised while the rows streamed) is not a row: it is counted in <paramref name="errorRows"/>,
        /// and <paramref name="truncated"/> says whether one of them reports the result cut at the query limits.
        /// </summary>
        public KustoTable Read(JsonElement table, out int errorRows, out bool truncated)
        {
            errorRows = 0;
            truncated = false;
            if (table.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("a table is not an object");
            }

            if (!table.TryGetProperty(Columns, out var cols) || cols.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"a table has no '{Columns}' array");
            }

            var columns = new List<KustoColumn>();
            foreach (var c in cols.EnumerateArray())
            {
                var cn = c.ValueKind == JsonValueKind.Object ? Text(c, ColumnName) : null;
                if (cn is null)
                {
                    throw new FormatException("a column has no name");
                }

                columns.Add(new KustoColumn(cn, Text(c, ColumnType) ?? string.Empty));
            }

            if (!table.TryGetProperty(Rows, out var rowsEl) || rowsEl.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"a table has no '{Rows}' array");
            }

            var rows = new List<string?[]>(rowsEl.GetArrayLength());
            foreach (var r in rowsEl.EnumerateArray())
            {
                if (r.ValueKind == JsonValueKind.Object && r.TryGetProperty("OneApiErrors", out var errors))
                {
                    errorRows++;
                    truncated |= KustoAnswer.SaysTruncated(errors.GetRawText());
                    continue;
                }

                if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != columns.Count)
                {
                    throw new FormatException("a row does not have one value per column");
                }

                var cells = new string?[columns.Count];
                var i = 0;
                foreach (var v in r.EnumerateArray())
                {
                    cells[i++] = v.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => v.GetString(),
                        _ => v.GetRawText(),
                    };
                }

                rows.Add(cells);
            }

            return new KustoTable(Text(table, Name) ?? string.Empty, columns, rows);
        }

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
