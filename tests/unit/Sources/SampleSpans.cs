using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>One span of an OTLP/JSON file with its resource's and its own attributes as text, the raw material of every fake backend.</summary>
    public sealed record SampleSpan(
        string TraceId,
        string SpanId,
        string ParentSpanId,
        string Name,
        int Kind,
        int StatusCode,
        long StartUnixNano,
        long EndUnixNano,
        IReadOnlyDictionary<string, string> Resource,
        IReadOnlyDictionary<string, string> Attributes);

    /// <summary>The spans of the OTLP/JSON trace files under a folder (the samples), in file order.</summary>
    public static class SampleSpans
    {
        public static List<SampleSpan> FromOtlpDirectory(string dir)
        {
            var spans = new List<SampleSpan>();
            foreach (var file in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                var text = File.ReadAllText(file);
                var docs = text.TrimStart().StartsWith("{\n", StringComparison.Ordinal) || text.Contains("\n  ", StringComparison.Ordinal)
                    ? new[] { text }
                    : text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                foreach (var doc in docs)
                {
                    using var json = JsonDocument.Parse(doc);
                    if (json.RootElement.TryGetProperty("resourceSpans", out var rs))
                    {
                        spans.AddRange(FromResourceSpans(rs));
                    }
                }
            }

            return spans;
        }

        private static IEnumerable<SampleSpan> FromResourceSpans(JsonElement resourceSpans)
        {
            foreach (var r in resourceSpans.EnumerateArray())
            {
                var resource = Attributes(r.GetProperty("resource"));
                foreach (var ss in r.GetProperty("scopeSpans").EnumerateArray())
                {
                    foreach (var s in ss.GetProperty("spans").EnumerateArray())
                    {
                        yield return new SampleSpan(
                            s.GetProperty("traceId").GetString()!.ToLowerInvariant(),
                            s.GetProperty("spanId").GetString()!.ToLowerInvariant(),
                            s.TryGetProperty("parentSpanId", out var p) ? p.GetString()!.ToLowerInvariant() : string.Empty,
                            s.GetProperty("name").GetString()!,
                            s.TryGetProperty("kind", out var k) ? k.GetInt32() : 0,
                            s.TryGetProperty("status", out var st) && st.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
                            long.Parse(s.GetProperty("startTimeUnixNano").GetString()!, CultureInfo.InvariantCulture),
                            long.Parse(s.GetProperty("endTimeUnixNano").GetString()!, CultureInfo.InvariantCulture),
                            resource,
                            Attributes(s));
                    }
                }
            }
        }

        private static Dictionary<string, string> Attributes(JsonElement owner)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!owner.TryGetProperty("attributes", out var attrs))
            {
                return result;
            }

            foreach (var a in attrs.EnumerateArray())
            {
                var v = a.GetProperty("value");
                string? text = v.TryGetProperty("stringValue", out var s) ? s.GetString()
                    : v.TryGetProperty("intValue", out var i) ? (i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText())
                    : v.TryGetProperty("boolValue", out var b) ? (b.GetBoolean() ? "true" : "false")
                    : v.TryGetProperty("doubleValue", out var d) ? d.GetRawText()
                    : null;
                if (text is not null)
                {
                    result[a.GetProperty("key").GetString()!] = text;
                }
            }

            return result;
        }
    }
}
