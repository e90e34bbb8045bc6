using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// Turns rows of an exporter-schema metrics table (as <see cref="OtelMetricQueries"/> projects
    /// them) into the points the file reader keeps, through the file reader's own sink
    /// (<see cref="OtlpMetricSink"/>: identity, alias filters, workloads, flags, the match to the
    /// target's resources), so both sources give the same samples where the exporter kept what
    /// the files hold. What it did not keep decides the point's kind: <c>Gauge</c> rows are
    /// gauges; <c>Sum</c> rows (no temporality, no monotonic flag, no start time stored) are
    /// cumulative counters for a counter alias and values otherwise; the <c>_sum</c> and
    /// <c>_count</c> rows of a <c>Histogram</c> or <c>Summary</c> point are paired back into
    /// one cumulative histogram point. A row that cannot be a point (a time without a time zone,
    /// a type the exporter does not write, an attribute bag that is not an object, a histogram
    /// row without its twin) is counted in <c>metric_points_invalid</c>, never guessed at.
    /// </summary>
    internal sealed class OtelMetricMapper
    {
        private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

        // Rows are read in the order of OtelMetricQueries.Columns, whatever the answer's order.
        private const int _time = 0, _name = 1, _type = 2, _unit = 3, _value = 4, _resourceType = 5, _attributesType = 6;
        private const int _service = 7, _namespace = 8, _environment = 9, _pod = 10, _container = 11, _node = 12, _resourceKeys = 13, _attributes = 14;

        private readonly OtlpMetricSink _sink;
        private readonly MetricReadStats _stats;
        private readonly Func<string, Exception> _malformed;
        private readonly Dictionary<string, (PointDraft Point, string?[] Row)> _halves = new(StringComparer.Ordinal);

        public OtelMetricMapper(OtlpMetricSink sink, MetricReadStats stats, Func<string, Exception> malformed)
        {
            _sink = sink;
            _stats = stats;
            _malformed = malformed;
        }

        /// <summary>
        /// Every row of one answer; histogram halves wait for their twin until <see cref="Finish"/>.
        /// Columns are found by name: one the answer lacks makes it malformed (exit 4), one it adds
        /// is not read.
        /// </summary>
        public void Map(KustoTable table)
        {
            var columns = OtelMetricQueries.Columns;
            var index = new int[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                index[c] = table.IndexOf(columns[c]) is var i && i >= 0 ? i : throw _malformed("the result has no column '" + columns[c] + "'");
            }

            foreach (var cells in table.Rows)
            {
                var row = new string?[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    row[c] = cells[index[c]];
                }

                Map(row);
            }
        }

        /// <summary>Histogram points whose sum or count row never came: invalid (counted if a target resource needed them). Then commits.</summary>
        public void Finish()
        {
            foreach (var key in _halves.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                var (point, row) = _halves[key];
                Add(row, BaseName(row[_name]!, out _), point);
            }

            _halves.Clear();
            _sink.Commit();
        }

        private void Map(string?[] row)
        {
            var name = row[_name];
            if (name is null
                || !KustoValues.TryParseInstant(row[_time], out var time)
                || !IsBag(row[_resourceType])
                || !IsBag(row[_attributesType]))
            {
                _stats.AddPointsInvalid(1);
                return;
            }

            var p = new PointDraft { Time = time, HasTime = true, Attributes = Attributes(row[_attributes]) };
            switch (row[_type])
            {
                case "Gauge":
                case "Sum":
                    var aliases = _sink.AliasesFor(name);
                    p.Kind = row[_type] == "Sum" && aliases.Any(a => a.Counter) ? PointKind.CumulativeSum : PointKind.Gauge;
                    TakeValue(p, row[_value], sum: false);
                    Add(row, name, p);
                    break;
                case "Histogram":
                case "Summary":
                    Half(row, p);
                    break;
                default:
                    // ExponentialHistogram is never written; anything else is not the exporter's.
                    _stats.AddPointsInvalid(1);
                    break;
            }
        }

        /// <summary>A histogram's sum or count row: kept until the other half of the same point arrives.</summary>
        private void Half(string?[] row, PointDraft p)
        {
            var baseName = BaseName(row[_name]!, out var isSum);
            if (baseName is null)
            {
                return; // a bucket or quantile row: never asked for, ignored if sent
            }

            var key = PointKey(row, baseName);
            if (!_halves.TryGetValue(key, out var pending))
            {
                p.Kind = PointKind.CumulativeHistogram;
                pending = (p, row);
                _halves[key] = pending;
            }

            var point = pending.Point;
            if (isSum)
            {
                TakeValue(point, row[_value], sum: true);
            }
            else if (TryReal(row[_value], out var count) && count >= 0)
            {
                point.Count = count;
                point.HasCount = true;
            }
            else
            {
                point.Bad = true;
            }

            if (point.HasSum && point.HasCount)
            {
                _halves.Remove(key);
                Add(pending.Row, baseName, point);
            }
        }

        private void Add(string?[] row, string? name, PointDraft p)
        {
            if (name is null)
            {
                return;
            }

            var aliases = _sink.AliasesFor(name);
            if (aliases.Length == 0 || !p.Keep(_sink, p.Kind == PointKind.CumulativeHistogram))
            {
                return;
            }

            var draft = new MetricDraft { Name = name, Unit = Text(row[_unit]), Aliases = aliases };
            draft.Points.Add(p);
            var resource = new ResourceInfo(Text(row[_service]), Text(row[_namespace]), Text(row[_environment]), null, Text(row[_pod]), Text(row[_container]), Text(row[_node]));
            _sink.AddResourceMetrics(resource, new List<MetricDraft> { draft }, Attributes(row[_resourceKeys]));
        }

        /// <summary>The histogram's own name from its <c>_sum</c> or <c>_count</c> row; null for any other row.</summary>
        private static string? BaseName(string name, out bool isSum)
        {
            isSum = name.EndsWith(OtelMetricQueries.SumSuffix, StringComparison.Ordinal);
            if (isSum)
            {
                return name.Substring(0, name.Length - OtelMetricQueries.SumSuffix.Length);
            }

            return name.EndsWith(OtelMetricQueries.CountSuffix, StringComparison.Ordinal) ? name.Substring(0, name.Length - OtelMetricQueries.CountSuffix.Length) : null;
        }

        /// <summary>One point: the name, the time, the resource identity and every attribute (the two rows of one point share all of them).</summary>
        private string PointKey(string?[] row, string baseName)
        {
            var sb = new StringBuilder(baseName);
            foreach (var i in new[] { _time, _service, _namespace, _environment, _pod, _container, _node, _resourceKeys })
            {
                sb.Append('\u001f').Append(row[i]);
            }

            foreach (var kv in Attributes(row[_attributes]).OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                sb.Append('\u001f').Append(kv.Key).Append('=').Append(kv.Value);
            }

            return sb.ToString();
        }

        private static void TakeValue(PointDraft p, string? cell, bool sum)
        {
            if (!TryReal(cell, out var v))
            {
                p.Bad = true;
                return;
            }

            if (sum)
            {
                p.TakeSum(v);
            }
            else
            {
                p.TakeValue(v);
            }
        }

        /// <summary>A <c>real</c> cell: a JSON number, or the text Data Explorer writes for NaN and the infinities.</summary>
        private static bool TryReal(string? cell, out double value)
        {
            value = 0;
            return cell is not null && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        /// <summary>The exporter writes both bags as JSON objects (or nothing); any other type is a row someone else wrote.</summary>
        private static bool IsBag(string? type) => type is null or "dictionary" or "null";

        /// <summary>A dynamic object's scalar members as labels, as the file reader makes them (text as is, numbers invariant, booleans lower case).</summary>
        private static KeyValuePair<string, string>[] Attributes(string? json)
        {
            if (string.IsNullOrEmpty(json) || json![0] != '{')
            {
                return Array.Empty<KeyValuePair<string, string>>();
            }

            try
            {
                using var doc = JsonDocument.Parse(json, Options);
                var list = new List<KeyValuePair<string, string>>();
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    var label = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Number => p.Value.TryGetInt64(out var i) ? i.ToString(CultureInfo.InvariantCulture) : p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => null,
                    };
                    if (label is not null)
                    {
                        list.Add(new KeyValuePair<string, string>(p.Name, label));
                    }
                }

                return list.ToArray();
            }
            catch (JsonException)
            {
                return Array.Empty<KeyValuePair<string, string>>();
            }
        }

        private static string? Text(string? cell) => ResourceInterner.Text(cell);
    }
}
