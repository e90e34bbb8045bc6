using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Chartly.TelemetryGen;

/// <summary>
/// The `bench-trace` verb: ONE trace of N spans for critical-path scaling tests.
/// Shape (root spans 600 s):
///   [0 s, 200 s)   a deep chain: D nested spans, each strictly inside its parent;
///   [200 s, 400 s) a wide fan-out: one span with W children, 8 lanes in parallel;
///   [400 s, 600 s) a bushy tree: breadth-first, up to 6 children per node, sequential
///                  with every third child running in parallel with its predecessor.
/// Spans are streamed in lines of 2000; the root is written last.
/// </summary>
internal sealed class BenchTrace : BenchBase
{
    private const int SpansPerLine = 2000;
    private static readonly long Start = UnixNs(2026, 11, 26, 0, 0, 0);

    private readonly ulong _hi;
    private readonly ulong _lo;
    private ulong _next;
    private long _count;
    private long _bytes;
    private readonly Stream _out;

    private BenchTrace(Stream output)
    {
        _out = output;
        _hi = SplitMix64.Hash("bench-huge:hi");
        _lo = NonZero(SplitMix64.Hash("bench-huge:lo"));
    }

    private ulong NewId() => NonZero(SplitMix64.Mix(++_next ^ 0xC3A5C85C97CB3127UL));

    private SpanData Emit(ulong id, ulong parent, Res res, Scope scope, string name, int kind, long start, long end, Attr[] attrs)
    {
        SpanData s = Rent();
        s.TraceHi = _hi;
        s.TraceLo = _lo;
        s.SpanId = id;
        s.ParentId = parent;
        s.Name = name;
        s.Kind = kind;
        s.StartNs = start;
        s.EndNs = end;
        s.Attrs = attrs;
        s.Resource = res;
        s.Scope = scope;
        Line.Add(s);
        _count++;
        if (Line.Count >= SpansPerLine) _bytes += FlushLine(_out);
        return s;
    }

    private readonly struct Node
    {
        public Node(ulong id, long start, long end)
        {
            Id = id;
            Start = start;
            End = end;
        }

        public ulong Id { get; }
        public long Start { get; }
        public long End { get; }
    }

    private void Generate(long n, long depth)
    {
        long rootStart = Start, rootEnd = Start + 600 * Sec;
        ulong rootId = NewId();
        long remaining = n - 1;

        // Deep chain.
        long d = Math.Min(depth, remaining);
        if (d > 0)
        {
            long a = rootStart + 1 * Ms, b = rootStart + 200 * Sec;
            long step = (b - a) / (2 * d + 2);
            ulong parent = rootId;
            int comp = Array.IndexOf(Components, "deduplicate");
            for (long k = 0; k < d; k++)
            {
                ulong id = NewId();
                Emit(id, parent, Engine, EngineScope, "recurse", SpanKind.Internal, a + k * step, b - k * step, ComponentAttrs[comp]);
                parent = id;
            }
            remaining -= d;
        }

        // Wide fan-out: 30% of what is left (at least one span for the parent itself).
        long w = remaining > 0 ? Math.Max(0, (remaining * 3 / 10) - 1) : 0;
        if (remaining > 0)
        {
            ulong fan = NewId();
            long a = rootStart + 200 * Sec + 1 * Ms, b = rootStart + 400 * Sec - 1 * Ms;
            Emit(fan, rootId, Engine, EngineScope, "fan out", SpanKind.Internal, a, b, ComponentAttrs[Array.IndexOf(Components, "enrich")]);
            remaining--;
            const int lanes = 8;
            long slots = Math.Max(1, (w + lanes - 1) / lanes);
            long slot = (b - a) / slots;
            for (long j = 0; j < w; j++)
            {
                long s = a + (j / lanes) * slot + (j % lanes) * (slot / 64);
                long e = s + Math.Max(1, slot * 8 / 10);
                string name = string.Concat("GET /shard/", (j % 4096).ToString(CultureInfo.InvariantCulture), "/items");
                Emit(NewId(), fan, Engine, EngineHttp, name, SpanKind.Client, s, e, ClientAttrs);
            }
            remaining -= w;
        }

        // Bushy tree, breadth first.
        if (remaining > 0)
        {
            ulong top = NewId();
            long a = rootStart + 400 * Sec + 1 * Ms, b = rootEnd - 1 * Ms;
            Emit(top, rootId, Engine, EngineScope, "aggregate", SpanKind.Internal, a, b, ComponentAttrs[Array.IndexOf(Components, "aggregate")]);
            remaining--;
            var queue = new Queue<Node>();
            queue.Enqueue(new Node(top, a, b));
            var rng = SplitMix64.For("bench-huge:tree");
            while (remaining > 0 && queue.Count > 0)
            {
                Node p = queue.Dequeue();
                int k = (int)Math.Min(remaining, rng.Range(2, 6));
                long span = p.End - p.Start;
                long margin = span / 50;
                long inner = span - 2 * margin;
                if (inner < 2 * k) continue; // too short to split further
                long piece = inner / k;
                long prevStart = p.Start + margin;
                for (int i = 0; i < k; i++)
                {
                    long s = p.Start + margin + i * piece;
                    if (i % 3 == 2) s = prevStart; // runs in parallel with the previous sibling
                    long e = p.Start + margin + (i + 1) * piece - Math.Max(1, piece / 20);
                    prevStart = s;
                    ulong id = NewId();
                    int c = rng.Below(Components.Length);
                    bool api = rng.Below(5) == 0;
                    if (api)
                    {
                        Emit(id, p.Id, Api, ApiServer, "POST /api/items/" + rng.Range(1000, 99999).ToString(CultureInfo.InvariantCulture),
                            SpanKind.Server, s, e, ServerAttrs);
                    }
                    else
                    {
                        Emit(id, p.Id, Engine, EngineScope, Components[c].Replace('_', ' '), SpanKind.Internal, s, e, ComponentAttrs[c]);
                    }
                    queue.Enqueue(new Node(id, s, e));
                    remaining--;
                }
            }
        }

        var rootAttrs = new[]
        {
            Attr.S(KWorkflowId, "wf-bench-huge"),
            Attr.S(KWorkflowName, "bench-huge"),
            Attr.S(KRunId, "bench-huge"),
        };
        Emit(rootId, 0, Engine, EngineScope, "workflow bench-huge", SpanKind.Server, rootStart, rootEnd, rootAttrs);
        _bytes += FlushLine(_out);
    }

    public static int Run(string outFile, long spans, long? depth)
    {
        var sw = Stopwatch.StartNew();
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        long d = depth ?? Math.Min(10_000, Math.Max(0, spans / 10));
        long count, bytes;
        using (var fs = new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var gen = new BenchTrace(fs);
            gen.Generate(Math.Max(1, spans), d);
            count = gen._count;
            bytes = gen._bytes;
        }
        sw.Stop();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"out\":\"{outFile.Replace("\\", "\\\\")}\",\"spans\":{count},\"depth\":{d},\"bytes\":{bytes},\"run_id\":\"bench-huge\",\"trace_start\":\"{Rfc3339(Start)}\",\"trace_end\":\"{Rfc3339(Start + 600 * Sec)}\"}}"));
        double secs = Math.Max(sw.Elapsed.TotalSeconds, 1e-9);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-trace: {count} spans, {bytes / 1048576.0:F1} MiB in {secs:F2} s ({bytes / 1048576.0 / secs:F0} MiB/s)"));
        return 0;
    }
}
