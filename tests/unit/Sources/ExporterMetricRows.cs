using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>One row of the exporter's metrics table (<c>OTELMetrics</c>), its bags as JSON values.</summary>
    public sealed record ExporterMetricRow(
        string Timestamp,
        string MetricName,
        string MetricType,
        string MetricUnit,
        double MetricValue,
        string Host,
        IReadOnlyDictionary<string, object> ResourceAttributes,
        IReadOnlyDictionary<string, object> MetricAttributes)
    {
        /// <summary>When set, the bag is written as this JSON value instead (a string, an array: bad input).</summary>
        public string? ResourceAttributesJson { get; init; }

        public string? MetricAttributesJson { get; init; }
    }

    /// <summary>
    /// OTLP/JSON metrics turned into the rows the collector's <c>azuredataexplorer</c> exporter
    /// writes, by its documented mapping (exporter/azuredataexplorerexporter, metricsdata_to_adx.go):
    /// one row per gauge or sum point (<c>MetricType</c> "Gauge" or "Sum"; no temporality, no
    /// monotonic flag and no start time are stored); a histogram point as a <c>_sum</c> row, a
    /// <c>_count</c> row and one cumulative <c>_bucket</c> row per bound plus <c>+Inf</c>
    /// (<c>le</c> among the attributes), all of type "Histogram"; a summary point as <c>_sum</c>,
    /// <c>_count</c> and one row per quantile, of type "Summary"; exponential histograms are not
    /// written. <c>MetricAttributes</c> holds the scope's name and version and the point's
    /// attributes; <c>Host</c> is the resource's <c>host.name</c> (else the collector's host);
    /// <c>Timestamp</c> is the point's time, kept by Data Explorer to the 100 ns tick.
    /// </summary>
    public static class ExporterMetricRows
    {
        public const string CollectorHost = "otel-collector-0";

        public static List<ExporterMetricRow> FromOtlpDirectory(string dir)
        {
            var rows = new List<ExporterMetricRow>();
            foreach (var file in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                rows.AddRange(FromOtlpLines(File.ReadAllLines(file)));
            }

            return rows;
        }

        public static IEnumerable<ExporterMetricRow> FromOtlpLines(IEnumerable<string> lines)
        {
            foreach (var line in lines.Where(l => l.Contains("\"resourceMetrics\"", StringComparison.Ordinal)))
            {
                using var doc = JsonDocument.Parse(line);
                foreach (var rm in doc.RootElement.GetProperty("resourceMetrics").EnumerateArray())
                {
                    var resource = Bag(rm.GetProperty("resource"));
                    var host = resource.TryGetValue("host.name", out var h) ? (string)h : CollectorHost;
                    foreach (var sm in rm.GetProperty("scopeMetrics").EnumerateArray())
                    {
                        var scope = new Dictionary<string, object>(StringComparer.Ordinal);
                        if (sm.TryGetProperty("scope", out var sc))
                        {
                            if (sc.TryGetProperty("name", out var n) && n.GetString() is { Length: > 0 } name) scope["scope.name"] = name;
                            if (sc.TryGetProperty("version", out var v) && v.GetString() is { Length: > 0 } version) scope["scope.version"] = version;
                        }

                        foreach (var m in sm.GetProperty("metrics").EnumerateArray())
                        {
                            foreach (var row in Rows(m, resource, scope, host))
                            {
                                yield return row;
                            }
                        }
                    }
                }
            }
        }

        private static IEnumerable<ExporterMetricRow> Rows(JsonElement m, Dictionary<string, object> resource, Dictionary<string, object> scope, string host)
        {
            var name = m.GetProperty("name").GetString()!;
            var unit = m.TryGetProperty("unit", out var u) ? u.GetString() ?? string.Empty : string.Empty;
            ExporterMetricRow Row(JsonElement p, string rowName, string type, double value, Dictionary<string, object>? extra = null)
            {
                var attributes = new Dictionary<string, object>(scope, StringComparer.Ordinal);
                foreach (var kv in extra ?? new Dictionary<string, object>())
                {
                    attributes[kv.Key] = kv.Value;
                }

                foreach (var kv in Bag(p))
                {
                    attributes[kv.Key] = kv.Value;
                }

                return new ExporterMetricRow(LogsTables.Iso(long.Parse(p.GetProperty("timeUnixNano").GetString()!, CultureInfo.InvariantCulture)), rowName, type, unit, value, host, resource, attributes);
            }

            static double Number(JsonElement p) =>
                p.TryGetProperty("asDouble", out var d) ? d.GetDouble()
                : p.TryGetProperty("asInt", out var i) ? double.Parse(i.GetString()!, CultureInfo.InvariantCulture)
                : 0;

            if (m.TryGetProperty("gauge", out var gauge))
            {
                foreach (var p in gauge.GetProperty("dataPoints").EnumerateArray())
                {
                    yield return Row(p, name, "Gauge", Number(p));
                }
            }
            else if (m.TryGetProperty("sum", out var sum))
            {
                foreach (var p in sum.GetProperty("dataPoints").EnumerateArray())
                {
                    yield return Row(p, name, "Sum", Number(p));
                }
            }
            else if (m.TryGetProperty("histogram", out var histogram))
            {
                foreach (var p in histogram.GetProperty("dataPoints").EnumerateArray())
                {
                    yield return Row(p, name + "_sum", "Histogram", p.TryGetProperty("sum", out var s) ? s.GetDouble() : 0);
                    yield return Row(p, name + "_count", "Histogram", double.Parse(p.GetProperty("count").GetString()!, CultureInfo.InvariantCulture));
                    var bounds = p.TryGetProperty("explicitBounds", out var b) ? b.EnumerateArray().Select(x => x.GetDouble()).ToList() : new List<double>();
                    var counts = p.TryGetProperty("bucketCounts", out var c) ? c.EnumerateArray().Select(x => double.Parse(x.GetString()!, CultureInfo.InvariantCulture)).ToList() : new List<double>();
                    if (counts.Count == 0 || counts.Count != bounds.Count + 1)
                    {
                        continue;
                    }

                    double cumulative = 0;
                    for (var i = 0; i < bounds.Count; i++)
                    {
                        cumulative += counts[i];
                        yield return Row(p, name + "_bucket", "Histogram", cumulative, new Dictionary<string, object> { ["le"] = bounds[i].ToString("R", CultureInfo.InvariantCulture) });
                    }

                    yield return Row(p, name + "_bucket", "Histogram", cumulative + counts[^1], new Dictionary<string, object> { ["le"] = "+Inf" });
                }
            }
        }

        private static Dictionary<string, object> Bag(JsonElement owner)
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            if (!owner.TryGetProperty("attributes", out var attrs))
            {
                return result;
            }

            foreach (var a in attrs.EnumerateArray())
            {
                var v = a.GetProperty("value");
                object value = v.TryGetProperty("stringValue", out var s) ? s.GetString()!
                    : v.TryGetProperty("intValue", out var i) ? long.Parse(i.GetString()!, CultureInfo.InvariantCulture)
                    : v.TryGetProperty("doubleValue", out var d) ? d.GetDouble()
                    : v.TryGetProperty("boolValue", out var bo) ? bo.GetBoolean()
                    : string.Empty;
                result[a.GetProperty("key").GetString()!] = value;
            }

            return result;
        }
    }
}
