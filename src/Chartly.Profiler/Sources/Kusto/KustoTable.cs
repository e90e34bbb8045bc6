using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>One column of a result table, as a Kusto API (Log Analytics, Data Explorer) names and types it.</summary>
    internal sealed record KustoColumn(string Name, string Type);

    /// <summary>
    /// A result table with every cell as text (numbers and booleans as their JSON text, dynamic
    /// values as raw JSON, null as null): the mapper parses only the cells it reads.
    /// </summary>
    internal sealed class KustoTable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public KustoTable(string name, IReadOnlyList<KustoColumn> columns, IReadOnlyList<string?[]> rows)
        {
            Name = name;
            Columns = columns;
            Rows = rows;
            for (var i = 0; i < columns.Count; i++)
            {
                _index[columns[i].Name] = i;
            }
        }

        public string Name { get; }

        public IReadOnlyList<KustoColumn> Columns { get; }

        public IReadOnlyList<string?[]> Rows { get; }

        public int IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : -1;
    }
}
