using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>One sample: Unix milliseconds (Prometheus' resolution) and the value (NaN and infinities kept).</summary>
    internal readonly record struct PromPoint(long UnixMs, double Value);

    /// <summary>One series of a result: its labels (ordinal order) and its samples (time order).</summary>
    internal sealed record PromSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<PromPoint> Points)
    {
        public string? Label(string name)
        {
            foreach (var kv in Labels)
            {
                if (string.Equals(kv.Key, name, StringComparison.Ordinal))
                {
                    return kv.Value;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// A parsed success answer of <c>/api/v1/query_range</c> or <c>/api/v1/query</c>:
    /// <c>{"status":"success","data":{"resultType":"matrix|vector|scalar","result":...},"warnings"?:[...]}</c>.
    /// Series come back sorted by their labels, so nothing downstream depends on the server's order.
    /// </summary>
    internal sealed class PrometheusResponse
    {
        private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

        private PrometheusResponse(string resultType, IReadOnlyList<PromSeries> series, IReadOnlyList<string> warnings)
        {
            ResultType = resultType;
            Series = series;
            Warnings = warnings;
        }

        public string ResultType { get; }

        public IReadOnlyList<PromSeries> Series { get; }

        public IReadOnlyList<string> Warnings { get; }

        /// <summary>Parses a 200 answer; throws <see cref="FormatException"/> with a short reason when its shape is wrong.</summary>
        public static PrometheusResponse Parse(Stream body)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(body, Options);
            }
            catch (JsonException)
            {
                throw new FormatException("the body is not JSON");
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException("the body is not an object with a 'status'");
                }

                if (status.GetString() != "success")
                {
                    throw new FormatException("'status' is not 'success' in an HTTP 200 answer");
                }

                if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                    || !data.TryGetProperty("resultType", out var rt) || rt.ValueKind != JsonValueKind.String
                    || !data.TryGetProperty("result", out var result))
                {
                    throw new FormatException("'data' lacks 'resultType' or 'result'");
                }

                var warnings = new List<string>();
                if (root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array)
                {
                    warnings.AddRange(w.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                }

                var type = rt.GetString()!;
                var series = new List<PromSeries>();
                switch (type)
                {
                    case "matrix":
                    case "vector":
                        if (result.ValueKind != JsonValueKind.Array)
                        {
                            throw new FormatException("'result' of a " + type + " is not an array");
                        }

                        foreach (var s in result.EnumerateArray())
                        {
                            series.Add(ReadSeries(s, type == "matrix"));
                        }

                        break;
                    case "scalar":
                        series.Add(new PromSeries(Array.Empty<KeyValuePair<string, string>>(), new[] { ReadPoint(result) }));
                        break;
                    default:
                        throw new FormatException("unexpected resultType '" + type + "'");
                }

                series.Sort(CompareLabels);
                return new PrometheusResponse(type, series, warnings);
            }
        }

        /// <summary>The errorType and error of a failed answer, or nulls when the body has none.</summary>
        public static (string? ErrorType, string? Error) ParseError(Stream? body)
        {
            if (body is null)
            {
                return (null, null);
            }

            try
            {
                using var doc = JsonDocument.Parse(body, Options);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return (null, null);
                }

                string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                return (Text("errorType"), Text("error"));
            }
            catch (JsonException)
            {
                return (null, null);
            }
        }

        private static PromSeries ReadSeries(JsonElement s, bool matrix)
        {
            if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("metric", out var metric) || metric.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("a series has no 'metric' object");
            }

            var labels = new List<KeyValuePair<string, string>>();
            foreach (var p in metric.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException("a label value is not a string");
                }

                labels.Add(new KeyValuePair<string, string>(p.Name, p.Value.GetString()!));
            }

            labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var points = new List<PromPoint>();
            if (matrix)
            {
                if (!s.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("a matrix series has no 'values' array");
                }

                foreach (var v in values.EnumerateArray())
                {
                    points.Add(ReadPoint(v));
                }

                points.Sort((a, b) => a.UnixMs.CompareTo(b.UnixMs));
            }
            else
            {
                if (!s.TryGetProperty("value", out var value))
                {
                    throw new FormatException("a vector sample has no 'value'");
                }

                points.Add(ReadPoint(value));
            }

            return new PromSeries(labels, points);
        }

        /// <summary><c>[&lt;unix seconds, float&gt;, "&lt;value&gt;"]</c>.</summary>
        private static PromPoint ReadPoint(JsonElement p)
        {
            if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 2)
            {
                throw new FormatException("a sample is not a [time, value] pair");
            }

            var t = p[0];
            var v = p[1];
            if (t.ValueKind != JsonValueKind.Number || !t.TryGetDecimal(out var seconds) || v.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("a sample's time is not a number or its value not a string");
            }

            var text = v.GetString()!;
            double value;
            switch (text)
            {
                case "NaN": value = double.NaN; break;
                case "+Inf": case "Inf": value = double.PositiveInfinity; break;
                case "-Inf": value = double.NegativeInfinity; break;
                default:
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                    {
                        throw new FormatException("a sample value is not a number");
                    }

                    break;
            }

            return new PromPoint((long)decimal.Round(seconds * 1000m, 0, MidpointRounding.AwayFromZero), value);
        }

        private static int CompareLabels(PromSeries a, PromSeries b)
        {
            var n = Math.Min(a.Labels.Count, b.Labels.Count);
            for (var i = 0; i < n; i++)
            {
                var c = string.CompareOrdinal(a.Labels[i].Key, b.Labels[i].Key);
                if (c != 0) return c;
                c = string.CompareOrdinal(a.Labels[i].Value, b.Labels[i].Value);
                if (c != 0) return c;
            }

            return a.Labels.Count.CompareTo(b.Labels.Count);
        }
    }
}
