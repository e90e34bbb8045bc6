using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Bench
{
    /// <summary>
    /// The engine's in-process measurements. build.ps1 Bench drives it (tools/bench/Invoke-Bench.ps1)
    /// beside whole-process timings; `smoke` runs every path once on tiny data for the test suite.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var verb = args.Length > 0 ? args[0] : "help";
            switch (verb)
            {
                case "micro":
                    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Skip(1).ToArray());
                    return 0;
                case "reader":
                    return Reader(args[1], Repeat(args));
                case "layout":
                    return Layout(args[1], args[2], Repeat(args));
                case "critical-path":
                    return CriticalPathOf(args[1], Repeat(args));
                case "smoke":
                    return Smoke();
                case "kusto-million":
                    return KustoMillion(args);
                case "profile":
                    return ProfileOnce(args);
                default:
                    Console.Error.WriteLine("usage: Chartly.Profiler.Bench micro [BenchmarkDotNet args] | reader <dir-or-file> [--repeat N] | layout <json-window-dir> <layout> [--repeat N] | critical-path <file> [--repeat N] | profile <config> <env> <type> <id> <start> <end> [--parts] [--gc-log] [--jit-log] [--out file.json] | kusto-million [roots] [root-budget] [--backend adx|logs] | smoke");
                    return 2;
            }
        }

        /// <summary>kusto-million [roots] [root-budget] [--backend adx|logs]: the positional numbers, the backend (Data Explorer unless told) anywhere.</summary>
        private static int KustoMillion(string[] args)
        {
            var at = Array.IndexOf(args, "--backend");
            var backend = at >= 0 && at + 1 < args.Length ? args[at + 1] : "adx";
            var numbers = args.Skip(1).Where((_, i) => at < 0 || (i + 1 != at && i + 1 != at + 1)).ToArray();
            if (backend is not ("adx" or "logs"))
            {
                Console.Error.WriteLine("kusto-million: --backend is adx or logs, not '" + backend + "'");
                return 2;
            }

            return MillionRoots.Run(numbers.Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 1_000_000, numbers.Length > 1 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 20_000, backend);
        }

        private static int Repeat(string[] args)
        {
            var i = Array.IndexOf(args, "--repeat");
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 3;
        }

        /// <summary>One core, from the page cache: bytes to probed spans (the first pass), median of N.</summary>
        private static int Reader(string path, int repeat)
        {
            var source = new OtlpFileSource(new[] { path }, "bench");
            var files = source.ListFiles();
            long bytes = files.Sum(f => new FileInfo(f).Length);
            foreach (var f in files)
            {
                using var s = File.OpenRead(f);
                s.CopyTo(Stream.Null); // warm the page cache
            }

            var times = new List<double>();
            long spans = 0;
            for (var r = 0; r < repeat; r++)
            {
                var q = new DataQualityCounters();
                var sink = new CountingSink();
                var sw = Stopwatch.StartNew();
                var reader = new OtlpFileReader();
                foreach (var f in files)
                {
                    reader.ReadFile(f, sink, q, CancellationToken.None);
                }

                times.Add(sw.Elapsed.TotalSeconds);
                spans = sink.Count;
            }

            var median = Median(times);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "reader bytes={0} spans={1} median_s={2:0.000} mb_per_s={3:0.0}", bytes, spans, median, bytes / 1e6 / median));
            return 0;
        }

        /// <summary>
        /// The first pass over one collector layout of a JSON window (converted once, next to it,
        /// by TelemetryGen's convert), in a process of its own so the peak working set is this
        /// layout's: throughput on disk and per JSON byte, allocation, peak memory.
        /// </summary>
        private static int Layout(string window, string layout, int repeat)
        {
            var target = window.TrimEnd('/', '\\') + "-" + layout.Replace('+', '_');
            if (!Directory.Exists(target))
            {
                Chartly.TelemetryGen.CollectorFiles.Run(window, target + ".tmp", layout);
                Directory.Move(target + ".tmp", target);
            }

            long json = Directory.EnumerateFiles(window, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var result = Reader(target, repeat);
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / Math.Max(1, repeat);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "layout {0} json_bytes={1} allocated_mb_per_read={2:0.0} peak_ws_mb={3:0.0}", layout, json, allocated / 1e6, Process.GetCurrentProcess().PeakWorkingSet64 / 1e6));
            return result;
        }

        /// <summary>Reads one big trace, then times tree building plus the walk (what the analysis costs), median of N.</summary>
        private static int CriticalPathOf(string file, int repeat)
        {
            var q = new DataQualityCounters();
            var sink = new KeepAllSink();
            new OtlpFileReader().ReadFile(file, sink, q, CancellationToken.None);
            var spans = sink.Spans;
            var times = new List<double>();
            long allocated = 0;
            for (var r = 0; r < repeat; r++)
            {
                GC.Collect();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var sw = Stopwatch.StartNew();
                var tree = TraceTree.Build(spans[0].TraceId, spans);
                var root = Array.FindIndex(tree.Spans, s => s.ParentSpanId == 0);
                var analysis = CriticalPath.Analyze(tree, root, q);
                times.Add(sw.Elapsed.TotalSeconds);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                if (analysis.CriticalNanos.Values.Sum() != analysis.DurationNanos)
                {
                    Console.Error.WriteLine("critical path does not partition the root");
                    return 1;
                }
            }

            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "critical-path spans={0} median_s={1:0.000} allocated_mb={2:0.0} peak_ws_mb={3:0.0}", spans.Count, Median(times), allocated / 1e6, peak / 1e6));
            return 0;
        }

        /// <summary>
        /// One whole profile in-process, for a sampling profiler (dotnet-trace) to look at: each stage
        /// the engine reports (its progress lines) with wall and CPU time (user + system, all threads),
        /// then the document written as JSON, its SHA-256 (byte identity across changes) and the peak
        /// working set. CPU beside wall because the machine is shared: CPU moves least with the load.
        /// </summary>
        private static int ProfileOnce(string[] a)
        {
            var request = new Targets.ProfileRequest(
                a[2],
                Targets.TargetSpec.Parse(Targets.TargetTypes.Parse(a[3]), a[4]),
                Targets.TimeWindow.Parse(a[5], a[6]),
                Targets.Precision.Milliseconds,
                Array.Empty<string>(),
                null);
            var process = Process.GetCurrentProcess();
            var sw = Stopwatch.StartNew();
            var lastWall = TimeSpan.Zero;
            var lastCpu = process.TotalProcessorTime;
            var startCpu = lastCpu;
            var lastStage = "start";
            var lastPause = GC.GetTotalPauseDuration();
            var lastAllocated = GC.GetTotalAllocatedBytes();
            void Stage(string next)
            {
                process.Refresh();
                var wall = sw.Elapsed;
                var cpu = process.TotalProcessorTime;
                var pause = GC.GetTotalPauseDuration();
                var allocated = GC.GetTotalAllocatedBytes();
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,8:n0} ms  wall {1,6:n0} ms  cpu {2,6:n0} ms  gc pause {3,5:n0} ms  alloc {4,6:n0} MB  {5}", wall.TotalMilliseconds, (wall - lastWall).TotalMilliseconds, (cpu - lastCpu).TotalMilliseconds, (pause - lastPause).TotalMilliseconds, (allocated - lastAllocated) / 1e6, lastStage));
                lastWall = wall;
                lastCpu = cpu;
                lastPause = pause;
                lastAllocated = allocated;
                lastStage = next;
            }

            using var gcLog = Array.IndexOf(a, "--gc-log") >= 0 ? new GcLog(sw) : null;
            using var jitLog = Array.IndexOf(a, "--jit-log") >= 0 ? new JitLog(sw) : null;
            var roots = new List<RootAnalysis>();
            var engine = new ProfileEngine { Verbose = Stage, RootAnalysed = (_, _, r) => roots.Add(r) };
            var p = engine.Run(request, Configuration.ConfigLoader.Load(a[1]));
            Stage("write the document (JSON)");
            var json = Output.ProfileDocument.Write(p, Output.DocumentFormat.Json);
            Stage("(totals)");
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(json)));
            process.Refresh();
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,8:n0} ms  cpu {1,6:n0} ms  done: roots={2} total_ms={3} bytes={4} sha256={5} peak_ws_mb={6:0} gcs={7}/{8}/{9} jit={10:n0} ms/{11:n0} methods", sw.ElapsedMilliseconds, (process.TotalProcessorTime - startCpu).TotalMilliseconds, p.Summary.Roots.Count, p.Summary.TotalDurationMs, json.Length, hash, process.PeakWorkingSet64 / 1e6, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, System.Runtime.JitInfo.GetCompiledMethodCount()));
            if (Array.IndexOf(a, "--parts") >= 0)
            {
                // Parts of the stages above, timed again on their own (after the totals above).
                Stage("the what-if alone, again");
                WhatIfAnalysis.Build(roots, p.Breakdown.ToList(), seconds: false, Environment.ProcessorCount);
                Stage("the breakdown alone, again");
                ProfileBuilder.Breakdown(request, roots);
                Stage("the span evidence alone, again");
                var evidence = new Analysis.Signals.SpanEvidence();
                foreach (var r in roots)
                {
                    evidence.AddRoot(r);
                }

                evidence.Windows();
                Stage("end");
            }

            if (Array.IndexOf(a, "--out") is var o && o >= 0 && o + 1 < a.Length)
            {
                File.WriteAllText(a[o + 1], json, new UTF8Encoding(false));
            }

            return 0;
        }

        private static int Smoke()
        {
            var dir = Path.Combine(Path.GetTempPath(), "chartly-bench-smoke-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            try
            {
                var file = Path.Combine(dir, "t.json");
                File.WriteAllText(file, MicroData.Lines(200, 30), new UTF8Encoding(false));
                // kusto-million on 2,000 roots, both backends: a source's new question the loopback cannot answer fails here, not at the next measurement.
                if (Reader(dir, 1) != 0 || CriticalPathOf(file, 1) != 0 || MillionRoots.Run(2_000, 100, "adx") != 0 || MillionRoots.Run(2_000, 100, "logs") != 0)
                {
                    return 1;
                }

                // One cold iteration in-process: proves the BenchmarkDotNet wiring, measures nothing.
                var config = BenchmarkDotNet.Configs.ManualConfig.CreateEmpty()
                    .AddJob(BenchmarkDotNet.Jobs.Job.Dry.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.NoEmit.InProcessNoEmitToolchain.Instance))
                    .AddLogger(BenchmarkDotNet.Loggers.NullLogger.Instance)
                    .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
                    .WithOptions(BenchmarkDotNet.Configs.ConfigOptions.DisableLogFile)
                    .WithArtifactsPath(Path.Combine(dir, "artifacts"));
                var summary = BenchmarkRunner.Run(new[] { typeof(ReaderBenchmarks), typeof(CriticalPathBenchmarks) }, config);
                var ok = summary.All(x => x.Reports.Length > 0 && x.Reports.All(r => r.Success));
                Console.WriteLine(ok ? "smoke ok" : "smoke failed");
                return ok ? 0 : 1;
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        private static double Median(List<double> values)
        {
            var s = values.OrderBy(v => v).ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }

        /// <summary>
        /// For --jit-log: the methods compiled more than once (promoted from a first tier: hot, and
        /// run in slower code until then), with the time of their last compilation.
        /// </summary>
        private sealed class JitLog : System.Diagnostics.Tracing.EventListener
        {
            private readonly DateTime _start;
            private readonly Dictionary<string, (int Count, double LastMs)> _loads = new(StringComparer.Ordinal);
            private readonly Dictionary<ulong, DateTime> _started = new();
            private readonly Dictionary<string, double> _costs = new(StringComparer.Ordinal);

            // The events' own time stamps: the listener receives them in batches, late.
            public JitLog(Stopwatch clock) => _start = DateTime.UtcNow - clock.Elapsed;

            protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
            {
                if (source.Name == "Microsoft-Windows-DotNETRuntime")
                {
                    EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10);
                }
            }

            protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
            {
                if (e.EventName is not null && e.EventName.StartsWith("MethodJittingStarted", StringComparison.Ordinal) && e.Payload is { } started)
                {
                    lock (_loads)
                    {
                        _started[(ulong)started[0]!] = e.TimeStamp;
                    }
                }

                if (e.EventName is not null && e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) && e.Payload is { } p)
                {
                    var name = e.PayloadNames!.IndexOf("MethodNamespace") is var ns and >= 0 ? p[ns] + "." + p[e.PayloadNames.IndexOf("MethodName")] : "?";
                    lock (_loads)
                    {
                        _loads.TryGetValue(name, out var v);
                        _loads[name] = (v.Count + 1, (e.TimeStamp.ToUniversalTime() - _start).TotalMilliseconds);
                        if (_started.Remove((ulong)p[0]!, out var t0))
                        {
                            var ms = (e.TimeStamp - t0).TotalMilliseconds;
                            _costs.TryGetValue(name, out var c);
                            _costs[name] = c + ms;
                        }
                    }
                }
            }

            public override void Dispose()
            {
                base.Dispose();
                lock (_loads)
                {
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "jit time by method (ms), {0:n0} ms in all:", _costs.Values.Sum()));
                    foreach (var kv in _costs.OrderByDescending(kv => kv.Value).Take(40))
                    {
                        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "jit-cost {0,8:n1} ms  {1}", kv.Value, kv.Key));
                    }

                    foreach (var kv in _loads.Where(kv => kv.Value.Count > 1 || kv.Key.Contains("TraceId", StringComparison.Ordinal)).OrderBy(kv => kv.Value.LastMs))
                    {
                        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "jit {0,8:n0} ms  x{1}  {2}", kv.Value.LastMs, kv.Value.Count, kv.Key));
                    }
                }
            }
        }

        /// <summary>Each collection as the runtime reports it (generation, reason, type, pause), for --gc-log.</summary>
        private sealed class GcLog : System.Diagnostics.Tracing.EventListener
        {
            private readonly Stopwatch _clock;
            private TimeSpan _suspended;

            public GcLog(Stopwatch clock) => _clock = clock;

            protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
            {
                if (source.Name == "Microsoft-Windows-DotNETRuntime")
                {
                    EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Informational, (System.Diagnostics.Tracing.EventKeywords)0x1);
                }
            }

            protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
            {
                switch (e.EventName)
                {
                    case "GCSuspendEEBegin_V1":
                        _suspended = _clock.Elapsed;
                        break;
                    case "GCStart_V2":
                        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,8:n0} ms  gc#{1} gen{2} reason={3} type={4}", _clock.Elapsed.TotalMilliseconds, e.Payload![0], e.Payload[1], e.Payload[2], e.Payload[3]));
                        break;
                    case "GCRestartEEEnd_V1":
                        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,8:n0} ms  gc paused {1:n0} ms", _clock.Elapsed.TotalMilliseconds, (_clock.Elapsed - _suspended).TotalMilliseconds));
                        break;
                }
            }
        }

        private sealed class CountingSink : ISpanSink
        {
            public long Count;

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Probe;

            public void Accept(SpanDraft draft) => Count++;
        }

        private sealed class KeepAllSink : ISpanSink
        {
            private readonly SpanMaterializer _m = new();

            public List<SpanRecord> Spans { get; } = new();

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Full;

            public void Accept(SpanDraft draft) => Spans.Add(_m.Materialize(draft, withLabel: true));
        }
    }
}
