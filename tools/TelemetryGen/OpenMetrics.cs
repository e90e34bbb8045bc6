using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Chartly.TelemetryGen;

/// <summary>
/// <c>openmetrics</c>: the metric points of OTLP/JSON files (e.g. the samples) as an OpenMetrics
/// text file that <c>promtool tsdb create-blocks-from openmetrics</c> backfills, so a real
/// Prometheus serves exactly the values the files hold. Names and labels are translated as the
/// OpenTelemetry Collector's Prometheus exporters do (dots to underscores, unit suffixes
/// <c>_ratio</c>/<c>_bytes</c>/<c>_seconds</c>, <c>_total</c> on monotonic cumulative sums,
/// resource attributes copied to labels as with <c>resource_to_telemetry_conversion</c>).
/// Timestamps are in seconds, lines end with LF, the file ends with <c># EOF</c>; families,
/// series and samples are sorted, so the output is a pure function of the input points.
/// </summary>
internal static class OpenMetrics
{
    private sealed record Series(string Family, string Type, string Name, string Labels);

    public static int Run(string inDir, string outFile)
    {
        if (!Directory.Exists(inDir))
        {
            throw new ArgumentException("--in: not a directory: '" + inDir + "'");
        }

        var points = new Dictionary<Series, SortedDictionary<long, string>>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(inDir, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
        long read = 0;
        foreach (string file in files)
        {
            foreach (string line in File.ReadLines(file))
            {
                if (line.IndexOf("\"resourceMetrics\"", StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                read += Collect(doc.RootElement, points, types);
            }
        }

        var sb = new StringBuilder();
        foreach (var family in points.Keys.Select(s => s.Family).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal))
        {
            sb.Append("# TYPE ").Append(family).Append(' ').Append(types[family]).Append('\n');
            foreach (var series in points.Keys.Where(s => s.Family == family).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Labels, StringComparer.Ordinal))
            {
                foreach (var (t, v) in points[series])
                {
                    sb.Append(series.Name).Append('{').Append(series.Labels).Append("} ").Append(v).Append(' ').Append(Seconds(t)).Append('\n');
                }
            }
        }

        sb.Append("# EOF\n");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(outFile, sb.ToString(), new UTF8Encoding(false));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"openmetrics: {read} points from {files.Count} files -> {points.Count} series in {outFile}"));
        return 0;
    }

    private static long Collect(JsonElement root, Dictionary<Series, SortedDictionary<long, string>> points, Dictionary<string, string> types)
    {
        long n = 0;
        foreach (var rm in root.GetProperty("resourceMetrics").EnumerateArray())
        {
            var resource = Attributes(rm.TryGetProperty("resource", out var r) ? r : default);
            foreach (var sm in rm.GetProperty("scopeMetrics").EnumerateArray())
            {
                foreach (var m in sm.GetProperty("metrics").EnumerateArray())
                {
                    string name = m.GetProperty("name").GetString()!;
                    string unit = m.TryGetProperty("unit", out var u) ? u.GetString() ?? string.Empty : string.Empty;
                    JsonElement data;
                    string type;
                    bool counter = false;
                    if (m.TryGetProperty("gauge", out data))
                    {
                        type = "gauge";
                    }
                    else if (m.TryGetProperty("sum", out data))
                    {
                        bool monotonic = data.TryGetProperty("isMonotonic", out var mono) && mono.GetBoolean();
                        int temporality = data.TryGetProperty("aggregationTemporality", out var at) ? at.GetInt32() : 0;
                        if (temporality != 2)
                        {
                            continue; // delta sums have no Prometheus form without a conversion step
                        }

                        counter = monotonic;
                        type = monotonic ? "counter" : "gauge";
                    }
                    else
                    {
                        continue; // histograms and summaries: the samples have none
                    }

                    string family = FamilyName(name, unit, counter);
                    if (types.TryGetValue(family, out var known) && known != type)
                    {
                        throw new ArgumentException("metric family '" + family + "' is both " + known + " and " + type);
                    }

                    types[family] = type;
                    string sampleName = counter ? family + "_total" : family;
                    foreach (var p in data.GetProperty("dataPoints").EnumerateArray())
                    {
                        var labels = new SortedDictionary<string, string>(resource, StringComparer.Ordinal);
                        foreach (var kv in Attributes(p))
                        {
                            labels[kv.Key] = kv.Value;
                        }

                        long t = long.Parse(Int64Text(p.GetProperty("timeUnixNano")), NumberStyles.None, CultureInfo.InvariantCulture);
                        string value = p.TryGetProperty("asDouble", out var d) ? Double(d)
                            : p.TryGetProperty("asInt", out var i) ? Int64Text(i)
                            : "0";
                        var series = new Series(family, type, sampleName, string.Join(",", labels.Select(kv => kv.Key + "=\"" + Escape(kv.Value) + "\"")));
                        if (!points.TryGetValue(series, out var byTime))
                        {
                            points[series] = byTime = new SortedDictionary<long, string>();
                        }

                        byTime[t] = value;
                        n++;
                    }
                }
            }
        }

        return n;
    }

    /// <summary>Attributes as sanitised label names (dots and other invalid characters become '_').</summary>
    private static SortedDictionary<string, string> Attributes(JsonElement owner)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty("attributes", out var attrs))
        {
            return result;
        }

        foreach (var a in attrs.EnumerateArray())
        {
            var v = a.GetProperty("value");
            string? text = v.TryGetProperty("stringValue", out var s) ? s.GetString()
                : v.TryGetProperty("intValue", out var i) ? Int64Text(i)
                : v.TryGetProperty("boolValue", out var b) ? (b.GetBoolean() ? "true" : "false")
                : v.TryGetProperty("doubleValue", out var d) ? Double(d)
                : null;
            if (text is not null)
            {
                result[Sanitize(a.GetProperty("key").GetString()!)] = text;
            }
        }

        return result;
    }

    /// <summary>The family name: sanitised, plus the unit suffix the metric does not already carry (OTel's Prometheus compatibility rules).</summary>
    internal static string FamilyName(string name, string unit, bool counter)
    {
        string n = Sanitize(name);
        if (counter && n.EndsWith("_total", StringComparison.Ordinal))
        {
            n = n[..^"_total".Length];
        }

        string suffix = unit switch
        {
            "1" when !counter => "ratio",
            "By" => "bytes",
            "s" => "seconds",
            "ms" => "milliseconds",
            _ => string.Empty,
        };
        if (suffix.Length > 0 && !n.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            n += "_" + suffix;
        }

        return n;
    }

    internal static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
            char w = ok ? c : '_';
            if (w == '_' && sb.Length > 0 && sb[^1] == '_')
            {
                continue;
            }

            sb.Append(w);
        }

        if (sb.Length > 0 && sb[0] >= '0' && sb[0] <= '9')
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }

    private static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Int64Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private static string Double(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "NaN" => "NaN", "Infinity" or "+Inf" => "+Inf", "-Infinity" or "-Inf" => "-Inf", var s => s! }
        : e.GetDouble().ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Unix seconds, with as many fraction digits as the nanoseconds need (promtool reads seconds).</summary>
    internal static string Seconds(long unixNano)
    {
        long s = unixNano / 1_000_000_000L;
        long frac = unixNano % 1_000_000_000L;
        string text = s.ToString(CultureInfo.InvariantCulture);
        return frac == 0 ? text : text + "." + frac.ToString("000000000", CultureInfo.InvariantCulture).TrimEnd('0');
    }
}
