using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Chartly.Profiler.Tests.Support
{
    /// <summary>A hand-built span for tests; times in milliseconds after <see cref="Otlp.BaseNanos"/>.</summary>
    public sealed record TestSpan(
        string TraceId,
        string SpanId,
        string? ParentSpanId,
        string Name,
        int Kind,
        long StartMs,
        long EndMs,
        IReadOnlyDictionary<string, string>? Attributes = null,
        IReadOnlyDictionary<string, long>? IntAttributes = null);

    /// <summary>Writes OTLP/JSON the way the collector's file exporter does (int64 as strings, one request per line).</summary>
    public static class Otlp
    {
        /// <summary>2026-11-24T10:00:00Z.</summary>
        public const long BaseNanos = 1_795_514_400_000_000_000L;

        public static string Trace(int n) => n.ToString("x32", CultureInfo.InvariantCulture);

        public static string Span(int n) => n.ToString("x16", CultureInfo.InvariantCulture);

        public static string At(long ms) => (BaseNanos + ms * 1_000_000L).ToString(CultureInfo.InvariantCulture);

        public static Dictionary<string, string> Resource(string service, string? ns = "core", string? env = "dev", string? version = null)
        {
            var r = new Dictionary<string, string> { ["service.name"] = service };
            if (ns is not null) r["k8s.namespace.name"] = ns;
            if (env is not null) r["deployment.environment.name"] = env;
            if (version is not null) r["service.version"] = version;
            return r;
        }

        public static string Line(IReadOnlyDictionary<string, string> resource, IEnumerable<TestSpan> spans)
        {
            var sb = new StringBuilder();
            sb.Append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
            sb.Append(string.Join(",", resource.OrderBy(k => k.Key, System.StringComparer.Ordinal).Select(kv => Attr(kv.Key, kv.Value))));
            sb.Append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"test\"},\"spans\":[");
            sb.Append(string.Join(",", spans.Select(SpanJson)));
            sb.Append("]}]}]}");
            return sb.ToString();
        }

        public static string SpanJson(TestSpan s)
        {
            var attrs = new List<string>();
            if (s.Attributes is not null)
            {
                attrs.AddRange(s.Attributes.OrderBy(k => k.Key, System.StringComparer.Ordinal).Select(kv => Attr(kv.Key, kv.Value)));
            }

            if (s.IntAttributes is not null)
            {
                attrs.AddRange(s.IntAttributes.OrderBy(k => k.Key, System.StringComparer.Ordinal).Select(kv => $"{{\"key\":\"{kv.Key}\",\"value\":{{\"intValue\":\"{kv.Value}\"}}}}"));
            }

            var parent = s.ParentSpanId is null ? string.Empty : $"\"parentSpanId\":\"{s.ParentSpanId}\",";
            return $"{{\"traceId\":\"{s.TraceId}\",\"spanId\":\"{s.SpanId}\",{parent}\"name\":\"{Escape(s.Name)}\",\"kind\":{s.Kind},\"startTimeUnixNano\":\"{At(s.StartMs)}\",\"endTimeUnixNano\":\"{At(s.EndMs)}\",\"attributes\":[{string.Join(",", attrs)}],\"status\":{{}}}}";
        }

        public static string Attr(string key, string value) => $"{{\"key\":\"{key}\",\"value\":{{\"stringValue\":\"{Escape(value)}\"}}}}";

        private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

        public static Dictionary<string, string> Attrs(params string[] kv)
        {
            var d = new Dictionary<string, string>();
            for (var i = 0; i < kv.Length; i += 2)
            {
                d[kv[i]] = kv[i + 1];
            }

            return d;
        }
    }

    /// <summary>A temporary folder with a telemetry directory and a configuration pointing at it.</summary>
    public sealed class TempTelemetry : System.IDisposable
    {
        public TempTelemetry()
        {
            Root = Path.Combine(Path.GetTempPath(), "chartly-tests-" + System.Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(Root, "telemetry"));
            ConfigPath = Path.Combine(Root, "chartly-profiler.yaml");
            File.WriteAllText(ConfigPath, "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: telemetry\n");
        }

        public string Root { get; }

        public string ConfigPath { get; }

        public string TelemetryDir => Path.Combine(Root, "telemetry");

        public string Write(string name, params string[] lines)
        {
            var path = Path.Combine(TelemetryDir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Join("\n", lines) + "\n");
            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static class Repo
    {
        public static string Root
        {
            get
            {
                foreach (var a in typeof(Repo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
                {
                    if (a is System.Reflection.AssemblyMetadataAttribute { Key: "RepoRoot" } m && m.Value is not null && File.Exists(Path.Combine(m.Value, "Chartly.Profiler.sln")))
                    {
                        return Path.GetFullPath(m.Value);
                    }
                }

                var dir = new DirectoryInfo(System.AppContext.BaseDirectory);
                while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chartly.Profiler.sln")))
                {
                    dir = dir.Parent;
                }

                return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
            }
        }

        public static string SampleConfig => Path.Combine(Root, "samples", "chartly-profiler.yaml");
    }
}
