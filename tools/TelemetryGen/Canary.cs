using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Chartly.TelemetryGen;

/// <summary>
/// samples/canary: a rollout in progress, for docs/regression.md's "Two versions side by side".
/// Environment <c>staging</c>, 2026-11-24 12:00-13:00 UTC. Service <c>chartly-analytics</c> runs
/// in namespace <c>analytics</c> on two pods of one deployment, the old one at 2.3.1 and a new one
/// at 2.4.0, and as a canary in namespace <c>analytics-canary</c> at 2.4.0. 2.4.0's query
/// execution is slower (a missing index): 12 requests a pod, fixed durations, nothing random.
/// </summary>
internal static class Canary
{
    private const long Ms = 1_000_000L;

    private static readonly long Noon = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * Ms;

    private static Res Pod(string ns, string version, string pod) => new(
        Attr.S("service.name", "chartly-analytics"),
        Attr.S("service.version", version),
        Attr.S("deployment.environment.name", "staging"),
        Attr.S("k8s.namespace.name", ns),
        Attr.S("k8s.pod.name", pod),
        Attr.S("k8s.container.name", "analytics"),
        Attr.S("k8s.node.name", "chartly-node-2"),
        Attr.S("telemetry.sdk.name", "opentelemetry"),
        Attr.S("telemetry.sdk.language", "dotnet"),
        Attr.S("telemetry.sdk.version", "1.14.0"));

    public static int Run(string outDir)
    {
        var scope = new Scope("Chartly.Analytics");
        var pods = new[]
        {
            (Res: Pod("analytics", "2.3.1", "analytics-6d8f9b7c4-x2k9p"), Exec: 600L, Offset: 0L),
            (Res: Pod("analytics", "2.4.0", "analytics-5b7d6c9f8-q7w4z"), Exec: 1_150L, Offset: 20_000L),
            (Res: Pod("analytics-canary", "2.4.0", "analytics-canary-7f9c8d6b5-m3n8r"), Exec: 1_100L, Offset: 40_000L),
        };

        var spans = new List<SpanData>();
        var seq = 0;
        foreach (var (res, exec, offset) in pods)
        {
            for (var i = 0; i < 12; i++)
            {
                var label = "canary:" + res.Attrs[4].Str + ":" + i.ToString(CultureInfo.InvariantCulture);
                var hi = SplitMix64.Hash("trace-hi:" + label);
                var lo = SplitMix64.Hash("trace-lo:" + label);
                ulong n = 0;
                ulong Id() => SplitMix64.Mix(lo ^ (++n * 0x9E3779B97F4A7C15UL)) | 1UL;

                // One request every 4 minutes per pod; the execution varies by a fixed +-40 ms pattern.
                var start = Noon + (offset + i * 240_000L) * Ms;
                var wobble = ((i * 37) % 9 - 4) * 10L;
                var db = 150L + (i % 3) * 10L;
                var execEnd = start + (20 + exec + wobble) * Ms;
                var end = execEnd + (db + 30) * Ms;
                var root = Add(spans, ref seq, hi, lo, Id(), 0, "POST /v1/query", SpanKind.Server, start, end, res, scope, Attr.S("http.request.method", "POST"), Attr.I("http.response.status_code", 200));
                Add(spans, ref seq, hi, lo, Id(), root.SpanId, "analytics_query_exec", SpanKind.Internal, start + 20 * Ms, execEnd, res, scope, Attr.S("chartly.component", "analytics_query_exec"));
                Add(spans, ref seq, hi, lo, Id(), root.SpanId, "SELECT analytics.events", SpanKind.Client, execEnd + 10 * Ms, execEnd + (10 + db) * Ms, res, scope, Attr.S("db.system.name", "postgresql"));
            }
        }

        Directory.CreateDirectory(outDir);
        var ordered = spans.OrderBy(s => s.EndNs).ThenBy(s => s.Seq).ToList();
        using (var fs = new FileStream(Path.Combine(outDir, "traces.json"), FileMode.Create, FileAccess.Write, FileShare.None))
        {
            for (var i = 0; i < ordered.Count; i += 30)
            {
                var buffer = new ArrayBufferWriter<byte>(16 * 1024);
                using (var w = new Utf8JsonWriter(buffer, Otlp.Options(false)))
                {
                    Otlp.WriteTraceRequest(w, ordered.Skip(i).Take(30).ToList(), upper: false);
                }

                fs.Write(buffer.WrittenSpan);
                fs.WriteByte((byte)'\n');
            }
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"canary: {spans.Count} spans of {pods.Length * 12} requests -> {outDir}"));
        return 0;
    }

    private static SpanData Add(List<SpanData> spans, ref int seq, ulong hi, ulong lo, ulong id, ulong parent, string name, int kind, long start, long end, Res res, Scope scope, params Attr[] attrs)
    {
        var s = new SpanData
        {
            TraceHi = hi,
            TraceLo = lo,
            SpanId = id,
            ParentId = parent,
            Name = name,
            Kind = kind,
            StartNs = start,
            EndNs = end,
            Attrs = attrs,
            Resource = res,
            Scope = scope,
            Group = "canary",
            Seq = seq++,
        };
        spans.Add(s);
        return s;
    }
}
