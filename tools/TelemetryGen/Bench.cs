using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Chartly.TelemetryGen;

/// <summary>Shared pieces of the two bench verbs: resources, a span pool, a streaming line writer.</summary>
internal abstract class BenchBase
{
    protected const long Ms = 1_000_000L;
    protected const long Sec = 1000 * Ms;

    protected static readonly JsonEncodedText KComponent = Attr.EncodeKey("chartly.component");
    protected static readonly JsonEncodedText KWorkflowId = Attr.EncodeKey("chartly.workflow.id");
    protected static readonly JsonEncodedText KWorkflowName = Attr.EncodeKey("chartly.workflow.name");
    protected static readonly JsonEncodedText KRunId = Attr.EncodeKey("chartly.run.id");

    protected readonly Res Engine = ServiceRes("chartly-bench-engine", "bench", "1.0.0", "bench-engine-0", "engine");
    protected readonly Res Api = ServiceRes("chartly-bench-api", "bench", "1.0.0", "bench-api-0", "api");
    protected readonly Scope EngineScope = new("Chartly.WorkflowEngine", "1.0.0");
    protected readonly Scope EngineHttp = new("System.Net.Http");
    protected readonly Scope ApiServer = new("Microsoft.AspNetCore");
    protected readonly Scope ApiDb = new("Npgsql", "9.0.3");

    protected static readonly string[] Components =
    {
        "load_config", "fetch_source", "validate", "normalize", "enrich", "deduplicate", "aggregate",
        "score", "render_charts", "export_pdf", "upload", "cache_lookup", "schedule_next", "audit",
    };

    protected readonly Attr[][] ComponentAttrs;
    protected readonly Attr[] ClientAttrs =
    {
        Attr.S("http.request.method", "POST"),
        Attr.S("server.address", "chartly-bench-api.bench.svc.cluster.local"),
        Attr.I("http.response.status_code", 200),
    };
    protected readonly Attr[] ServerAttrs =
    {
        Attr.S("http.request.method", "POST"),
        Attr.S("http.route", "/api/items/{itemId}"),
        Attr.I("http.response.status_code", 200),
    };
    protected readonly Attr[] DbAttrs =
    {
        Attr.S("db.system.name", "postgresql"),
        Attr.S("db.namespace", "bench"),
        Attr.S("db.operation.name", "SELECT"),
    };

    private readonly List<SpanData> _pool = new();
    private int _rented;
    protected readonly List<SpanData> Line = new();

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly Utf8JsonWriter _writer;

    protected BenchBase()
    {
        ComponentAttrs = new Attr[Components.Length][];
        for (int i = 0; i < Components.Length; i++) ComponentAttrs[i] = new[] { Attr.S(KComponent, Components[i]) };
        _writer = new Utf8JsonWriter(_buffer, Otlp.Options(indented: false));
    }

    protected static Res ServiceRes(string service, string ns, string version, string pod, string container) => new(
        Attr.S("service.name", service),
        Attr.S("service.version", version),
        Attr.S("deployment.environment.name", "prod"),
        Attr.S("k8s.namespace.name", ns),
        Attr.S("k8s.pod.name", pod),
        Attr.S("k8s.container.name", container),
        Attr.S("telemetry.sdk.language", "dotnet"));

    protected static long UnixNs(int y, int mo, int d, int h, int mi, int s) =>
        new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeMilliseconds() * Ms;

    protected static string Rfc3339(long ns) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ns / Ms).AddTicks(ns % Ms / 100)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A span from the pool, reset; valid until <see cref="FlushLine"/>.</summary>
    protected SpanData Rent()
    {
        SpanData s;
        if (_rented < _pool.Count)
        {
            s = _pool[_rented];
        }
        else
        {
            s = new SpanData();
            _pool.Add(s);
        }
        _rented++;
        s.ParentId = 0;
        s.EmptyParentKey = false;
        s.StatusCode = 0;
        s.StatusMessage = null;
        s.Flags = 0;
        s.Attrs = Array.Empty<Attr>();
        return s;
    }

    protected static ulong NonZero(ulong v) => v == 0 ? 1 : v;

    /// <summary>Writes the pending spans as one ExportTraceServiceRequest line, returns the bytes written.</summary>
    protected long FlushLine(Stream output)
    {
        if (Line.Count == 0) return 0;
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        Otlp.WriteTraceRequest(_writer, Line, upper: false);
        _writer.Flush();
        output.Write(_buffer.WrittenSpan);
        output.WriteByte((byte)'\n');
        long n = _buffer.WrittenCount + 1;
        Line.Clear();
        _rented = 0;
        return n;
    }
}

/// <summary>The `bench` verb: a large window of many workflow-like traces, streamed to K files.</summary>
internal sealed class Bench : BenchBase
{
    private const int TracesPerLine = 16;
    private const long SpacingNs = 250 * Ms;
    public const string TargetRunId = "bench-run-target";
    private static readonly long WindowStart = UnixNs(2026, 11, 25, 0, 0, 0);

    private readonly ulong _seed;
    private readonly Attr[] _workflowAttrs = { Attr.S("chartly.workflow.id", "wf-bench"), Attr.S("chartly.workflow.name", "bench") };

    public long SpanCount { get; private set; }

    private Bench(ulong seed) => _seed = seed;

    private SpanData Add(SpanData? parent, ulong traceHi, ulong traceLo, ref SplitMix64 rng, Res res, Scope scope,
        string name, int kind, long start, long end, Attr[] attrs, bool append = true)
    {
        SpanData s = Rent();
        s.TraceHi = traceHi;
        s.TraceLo = traceLo;
        s.SpanId = NonZero(rng.Next());
        s.ParentId = parent?.SpanId ?? 0;
        s.Name = name;
        s.Kind = kind;
        s.StartNs = start;
        s.EndNs = end;
        s.Attrs = attrs;
        s.Resource = res;
        s.Scope = scope;
        if (append) Line.Add(s);
        SpanCount++;
        return s;
    }

    private SpanData Step(SpanData root, ref SplitMix64 rng, long start, long end)
    {
        int c = rng.Below(Components.Length);
        return Add(root, root.TraceHi, root.TraceLo, ref rng, Engine, EngineScope, Components[c].Replace('_', ' '),
            SpanKind.Internal, start, end, ComponentAttrs[c]);
    }

    /// <summary>One workflow run: a root plus 5-40 descendants, sequential stages, parallel groups, nesting, remote calls.</summary>
    private void GenTrace(SplitMix64 rng, string runId, long start)
    {
        ulong hi = rng.Next(), lo = NonZero(rng.Next());
        var rootAttrs = new[] { _workflowAttrs[0], _workflowAttrs[1], Attr.S(KRunId, runId) };
        SpanData root = Add(null, hi, lo, ref rng, Engine, EngineScope, "workflow bench", SpanKind.Server, start, 0, rootAttrs, append: false);
        int budget = rng.Range(5, 40);
        long c = start + rng.Range(2, 10) * Ms;
        while (budget > 0)
        {
            int r = rng.Below(100);
            if (r < 25 && budget >= 2)
            {
                int k = Math.Min(budget, rng.Range(2, 4));
                long groupEnd = c;
                for (int j = 0; j < k; j++)
                {
                    long s = c + rng.Range(0, 5) * Ms;
                    long e = s + rng.Range(20, 400) * Ms;
                    Step(root, ref rng, s, e);
                    groupEnd = Math.Max(groupEnd, e);
                }
                budget -= k;
                c = groupEnd + rng.Range(1, 15) * Ms;
            }
            else if (r < 45 && budget >= 4)
            {
                long d = rng.Range(50, 600) * Ms;
                SpanData step = Step(root, ref rng, c, c + d);
                string name = string.Concat("POST /api/items/", rng.Range(1000, 99999).ToString(CultureInfo.InvariantCulture));
                SpanData client = Add(step, hi, lo, ref rng, Engine, EngineHttp, name, SpanKind.Client, c + 1 * Ms, c + d - 1 * Ms, ClientAttrs);
                SpanData server = Add(client, hi, lo, ref rng, Api, ApiServer, name, SpanKind.Server,
                    client.StartNs + 1 * Ms, client.EndNs - 1 * Ms, ServerAttrs);
                long sd = server.EndNs - server.StartNs;
                Add(server, hi, lo, ref rng, Api, ApiDb, "SELECT bench.items", SpanKind.Client,
                    server.StartNs + sd / 20, server.StartNs + sd * 6 / 10, DbAttrs);
                budget -= 4;
                c = step.EndNs + rng.Range(1, 15) * Ms;
            }
            else if (r < 60 && budget >= 3)
            {
                long a = rng.Range(20, 300) * Ms, b = rng.Range(20, 300) * Ms;
                SpanData step = Step(root, ref rng, c, c + a + b + 4 * Ms);
                Step(step, ref rng, c + 1 * Ms, c + 1 * Ms + a);
                Step(step, ref rng, c + 3 * Ms + a, c + 3 * Ms + a + b);
                budget -= 3;
                c = step.EndNs + rng.Range(1, 15) * Ms;
            }
            else
            {
                long e = c + rng.Range(10, 500) * Ms;
                Step(root, ref rng, c, e);
                budget -= 1;
                c = e + rng.Range(1, 15) * Ms;
            }
        }
        root.EndNs = c + rng.Range(1, 10) * Ms;
        Line.Add(root); // the root ends last, so the exporter writes it after its children
    }

    private SplitMix64 RngFor(long index) => new(SplitMix64.Mix(_seed * 0x9E3779B97F4A7C15UL ^ SplitMix64.Mix((ulong)index + 1)));

    private static string RunId(long i) => "bench-run-" + i.ToString(CultureInfo.InvariantCulture);

    public static int Run(string outDir, double sizeMb, int files, ulong seed)
    {
        var sw = Stopwatch.StartNew();
        long target = (long)(sizeMb * 1024 * 1024);

        // Estimate bytes per trace from the first traces (up to 4096, or fewer when they already
        // reach the target). Deterministic: the same seed gives the same traces.
        long traces;
        {
            var probe = new Bench(seed);
            int n = 0;
            long bytes = 0;
            while (n < 4096 && bytes < target)
            {
                probe.GenTrace(probe.RngFor(n), RunId(n), WindowStart + n * SpacingNs);
                n++;
                if (n % TracesPerLine == 0) bytes += probe.FlushLine(Stream.Null);
            }
            bytes += probe.FlushLine(Stream.Null);
            traces = Math.Max(1, (long)Math.Round((double)target / ((double)bytes / n)));
        }
        files = (int)Math.Max(1, Math.Min(files, traces));
        long mid = traces / 2;
        long targetStart = WindowStart + mid * SpacingNs + SpacingNs / 2;

        Directory.CreateDirectory(outDir);
        var gen = new Bench(seed);
        var names = new List<string>();
        long total = 0;
        long targetEnd = 0;
        for (int f = 0; f < files; f++)
        {
            long from = traces * f / files, to = traces * (f + 1) / files;
            string name = "traces-" + f.ToString("D2", CultureInfo.InvariantCulture) + ".json";
            names.Add(name);
            using var fs = new FileStream(Path.Combine(outDir, name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            int inLine = 0;
            for (long i = from; i < to; i++)
            {
                gen.GenTrace(gen.RngFor(i), RunId(i), WindowStart + i * SpacingNs);
                if (i == mid)
                {
                    // The designated run: its shape depends on nothing but its name.
                    gen.GenTrace(SplitMix64.For(TargetRunId), TargetRunId, targetStart);
                    targetEnd = gen.Line[^1].EndNs;
                }
                if (++inLine == TracesPerLine)
                {
                    total += gen.FlushLine(fs);
                    inLine = 0;
                }
            }
            total += gen.FlushLine(fs);
        }
        sw.Stop();

        long windowEnd = WindowStart + traces * SpacingNs;
        var summary = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(summary, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("out", outDir);
            w.WriteStartArray("files");
            foreach (string n in names) w.WriteStringValue(n);
            w.WriteEndArray();
            w.WriteNumber("bytes", total);
            w.WriteNumber("traces", traces + 1);
            w.WriteNumber("spans", gen.SpanCount);
            w.WriteString("window_start", Rfc3339(WindowStart));
            w.WriteString("window_end", Rfc3339(windowEnd));
            w.WriteString("environment", "prod");
            w.WriteString("workflow_id", "wf-bench");
            w.WriteString("target_run_id", TargetRunId);
            w.WriteString("target_start", Rfc3339(targetStart));
            w.WriteString("target_end", Rfc3339(targetEnd));
            w.WriteEndObject();
        }
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(summary.WrittenSpan));
        double secs = Math.Max(sw.Elapsed.TotalSeconds, 1e-9);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: {total / 1048576.0:F1} MiB in {secs:F2} s ({total / 1048576.0 / secs:F0} MiB/s)"));
        return 0;
    }
}
