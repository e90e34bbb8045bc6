using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// OTLP files as the collector's file exporter writes them, in every format and compression it
    /// has (and gzip as log shippers add it): a directory (searched recursively, rotated names
    /// included; <see cref="IsTelemetryFile"/>) or single files. Files are only ever opened for reading.
    /// </summary>
    public sealed class OtlpFileSource : ITraceSource, IProgressSource, IMetricSource
    {
        private readonly IReadOnlyList<string> _paths;

        // What pass 1 found in each file: pass 2 (spans) reads only files with spans, and in them only
        // the records of the selected traces (the index); pass 3 (metrics) only files with metric records.
        private List<string>? _spanFiles;
        private List<string>? _metricFiles;
        private Dictionary<string, TraceRecordIndex>? _indexes;

        // For a target that selects most of the window, pass 1 also keeps each file's spans whole
        // (KeptRecords) and pass 2 takes them from here instead of parsing the records again.
        private Dictionary<string, KeptRecords>? _kept;

        /// <summary>
        /// Spans all files of a read may keep between the passes (about 130 bytes each, so about
        /// 500 MB); past it, pass 2 reads the files again.
        /// </summary>
        public const long DefaultKeepBudgetSpans = 4_000_000;

        private readonly long _keepBudgetSpans;

        private readonly int _maxParallelism;
        private readonly bool _preFilter;

        /// <param name="maxParallelism">How many files are read at once; null: one per core.</param>
        /// <param name="preFilter">Whether pass one skims the JSON records that cannot hold the target (<see cref="NeedleFilter"/>) and both passes read plain-text span records with <see cref="PlainRecordReader"/>; the profile is the same either way.</param>
        /// <param name="keepBudgetSpans">Spans pass one may keep for pass two (<see cref="DefaultKeepBudgetSpans"/>); 0 never keeps. The profile is the same either way.</param>
        public OtlpFileSource(IReadOnlyList<string> paths, string description, int? maxParallelism = null, bool preFilter = true, long keepBudgetSpans = DefaultKeepBudgetSpans)
        {
            _keepBudgetSpans = keepBudgetSpans;
            _paths = paths;
            Description = description;
            _maxParallelism = maxParallelism ?? Math.Max(1, Environment.ProcessorCount);
            _preFilter = preFilter;
        }

        public string Description { get; }

        public IReadOnlyList<string> Paths => _paths;

        /// <summary>Raised before each file and once after the last (files and bytes so far).</summary>
        public Action<ProfileProgress>? Progress { get; set; }

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            var walk = Walk();
            var files = walk.Files;
            return new[]
            {
                $"read {files.Count} OTLP file(s) under {string.Join(", ", _paths.Select(p => p.Replace('\\', '/')))}{Skipped(walk)}",
                $"pass 1: spans that begin {request.Target}",
                $"pass 2: every span of the traces holding a root that starts in [{request.Window.StartText}, {request.Window.EndText})",
                SignalCatalog.MetricsFor(request.IncludeMetrics).Count == 0
                    ? "pass 3: none (no included signal reads metrics)"
                    : $"pass 3: metric points of the resources those spans ran on, in the files pass 1 found metrics in, for signals {string.Join(", ", SignalCatalog.Names.Where(n => SignalCatalog.IsIncluded(n, request.IncludeMetrics)))}",
            };
        }

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var walk = Walk();
            var files = walk.Files;
            for (var i = 0; i < walk.SpecialFiles; i++)
            {
                quality.AddUnsupportedFile();
            }

            RequireFiles(files);

            // Runs, operations and connector runs are needles: only a service or a workflow can select most traces.
            var budget = _keepBudgetSpans > 0 && matcher.Target.Type is TargetType.Service or TargetType.Workflow ? new KeepBudget(_keepBudgetSpans) : null;
            var results = ParallelFiles.Run(files, _maxParallelism, Progress, Description, "Finding target roots", cancellation, (file, reader) =>
            {
                var fileQuality = new DataQualityCounters();
                var candidates = new CandidateSink(matcher);
                var index = new TraceRecordIndex();
                var kept = budget is null ? null : new KeptRecords(index, budget);
                var indexing = new IndexingSink(candidates, index);
                reader.Observer = (IRecordObserver?)kept ?? index;

                // A record the pre-filter skims hands no span to the keeping sink, so KeptRecords
                // stores nothing for it and pass two reads it again: keeping stays exact.
                reader.PreFilter = _preFilter ? NeedleFilter.For(matcher.Target) : null;
                reader.PlainReader = _preFilter;
                try
                {
                    ReadOne(reader, file, kept is null ? indexing : new KeepingSink(indexing, candidates, kept), fileQuality, cancellation);
                    index.Layout = reader.Layout;
                }
                finally
                {
                    reader.Observer = null;
                    reader.PreFilter = null;
                }

                return (Candidates: candidates.Candidates, Index: index, Quality: fileQuality, Unsupported: reader.UnsupportedKind, Kept: kept);
            });

            // Merged in file order: the same candidates in the same order as a single-threaded read.
            var all = new List<SpanRecord>();
            var spanFiles = new List<string>();
            var metricFiles = new List<string>();
            var indexes = new Dictionary<string, TraceRecordIndex>(StringComparer.Ordinal);
            var kept = new Dictionary<string, KeptRecords>(StringComparer.Ordinal);
            for (var i = 0; i < files.Count; i++)
            {
                var r = results[i];
                all.AddRange(r.Candidates);
                quality.Add(r.Quality);
                if (r.Quality.SpansRead > 0)
                {
                    spanFiles.Add(files[i]);
                    indexes[files[i]] = r.Index;
                    if (r.Kept is { Keeping: true })
                    {
                        kept[files[i]] = r.Kept;
                    }
                }

                if (r.Quality.MetricRecords > 0)
                {
                    metricFiles.Add(files[i]);
                }
            }

            RequireSupported(files, results.Select(r => r.Unsupported).ToList());
            _spanFiles = spanFiles;
            _metricFiles = metricFiles;
            _indexes = indexes;
            _kept = kept;
            return all;
        }

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var selected = new TraceIdTable(traces);
            var files = _spanFiles ?? ListFiles();
            if (files.Count == 0)
            {
                return new List<SpanRecord>();
            }

            var hashes = new HashSet<ulong>();
            foreach (var t in selected.Ids())
            {
                hashes.Add(TraceRecordIndex.Hash(t));
            }

            // The second pass re-reads bytes pass 1 already counted: its counts are not kept.
            var keptByFile = _kept;
            _kept = null; // taken once: the spans not selected go with it
            var results = ParallelFiles.Run(files, _maxParallelism, Progress, Description, "Loading traces", cancellation, (file, reader) =>
            {
                reader.PlainReader = _preFilter;
                var sink = new TraceSink(selected);
                if (_indexes is not null && _indexes.TryGetValue(file, out var index) && keptByFile is not null && keptByFile.TryGetValue(file, out var kept)
                    && FromKept(file, reader, index, kept, index.RangesFor(hashes), sink, cancellation))
                {
                    return sink.Spans;
                }

                if (_indexes is not null && _indexes.TryGetValue(file, out index) && index.Layout != TelemetryLayout.Compressed)
                {
                    var ranges = index.RangesFor(hashes);
                    if (ranges.Count > 0)
                    {
                        Guard(file, () => reader.ReadRanges(file, index.Layout, ranges, sink, new DataQualityCounters(), cancellation));
                    }
                }
                else
                {
                    ReadOne(reader, file, sink, new DataQualityCounters(), cancellation);
                }

                return sink.Spans;
            });

            if (results.Length == 1)
            {
                return results[0];
            }

            var spans = new List<SpanRecord>(results.Sum(r => r.Count));
            foreach (var r in results)
            {
                spans.AddRange(r);
            }

            return spans;
        }

        /// <summary>
        /// Pass 2 from what pass 1 kept: each selected record's spans, in file order, parsing only a
        /// record that was not kept. False (nothing added) when a compressed file misses one: it
        /// cannot seek to it and is read whole instead.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool FromKept(string file, OtlpFileReader reader, TraceRecordIndex index, KeptRecords kept, List<RecordRange> ranges, TraceSink sink, CancellationToken cancellation)
        {
            if (index.Layout == TelemetryLayout.Compressed && ranges.Exists(r => !kept.TryGet(r.Offset, out _)))
            {
                return false;
            }

            // Room for every kept span of the selected records at once: a list grown by doubling to a
            // dense file's million spans would allocate as much again for the collector.
            var room = sink.Spans.Count;
            foreach (var range in ranges)
            {
                room += kept.TryGet(range.Offset, out var spans) ? spans.Length : 0;
            }

            sink.Spans.Capacity = Math.Max(sink.Spans.Capacity, room);
            foreach (var range in ranges)
            {
                cancellation.ThrowIfCancellationRequested();
                if (kept.TryGet(range.Offset, out var spans))
                {
                    foreach (var span in spans)
                    {
                        if (sink.Wants(span.TraceId))
                        {
                            sink.Spans.Add(span);
                        }
                    }
                }
                else
                {
                    Guard(file, () => reader.ReadRanges(file, index.Layout, new[] { range }, sink, new DataQualityCounters(), cancellation));
                }
            }

            return true;
        }

        /// <summary>Pass 3: the metric points a query needs, filtered as they are read, as canonical samples.</summary>
        public IReadOnlyList<MetricSample> ReadSamples(MetricQuery query, MetricReadStats stats, CancellationToken cancellation)
        {
            if (_metricFiles is { Count: 0 })
            {
                return Array.Empty<MetricSample>();
            }

            var sink = new OtlpMetricSink(query, stats);
            ReadMetricFiles(sink, cancellation);
            return SeriesAssembler.Assemble(sink.Points, query, stats);
        }

        /// <summary>Every file this source reads, each once, in ordinal order so nothing depends on how the OS lists them.</summary>
        public IReadOnlyList<string> ListFiles() => Walk().Files;

        private TelemetryFolderWalk Walk() => TelemetryFolderWalk.Of(_paths, IsTelemetryFile);

        /// <summary>
        /// The names the file exporter and log shippers give telemetry: the name only selects files,
        /// their bytes decide how they are read (a <c>.json</c> may hold protobuf or zstd).
        /// </summary>
        internal static bool IsTelemetryFile(string path)
        {
            var name = Path.GetFileName(path);
            foreach (var compressed in CompressedSuffixes)
            {
                if (name.EndsWith(compressed, StringComparison.OrdinalIgnoreCase))
                {
                    name = name.Substring(0, name.Length - compressed.Length);
                    if (name.Length == 0 || name.IndexOf('.') < 0)
                    {
                        return compressed != ".gz"; // a bare .zst is the exporter's; a bare .gz could be anything
                    }

                    break;
                }
            }

            foreach (var extension in Extensions)
            {
                if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>What the walk left out, for the plan: nothing when nothing was.</summary>
        private static string Skipped(TelemetryFolderWalk walk)
        {
            var parts = new List<string>();
            if (walk.Duplicates > 0)
            {
                parts.Add($"{walk.Duplicates} name(s) of a file or folder already listed skipped (links, repeated or overlapping paths)");
            }

            if (walk.SpecialFiles > 0)
            {
                parts.Add($"{walk.SpecialFiles} FIFO, socket or device file(s) not opened");
            }

            return parts.Count == 0 ? string.Empty : "; " + string.Join("; ", parts);
        }

        private static readonly string[] Extensions = { ".json", ".jsonl", ".pb", ".proto", ".binpb" };

        private static readonly string[] CompressedSuffixes = { ".gz", ".zst", ".zstd" };

        private void RequireFiles(IReadOnlyList<string> files)
        {
            if (files.Count == 0)
            {
                throw ProfilerException.Precondition("NoTelemetryFiles", $"No OTLP telemetry files (*.json, *.jsonl, *.pb, *.proto, *.binpb, any of them .gz, .zst or .zstd, and *.zst) were found under {string.Join(", ", _paths.Select(p => "'" + Sanitize.ForMessage(p) + "'"))}.");
            }
        }

        /// <summary>
        /// When no file could be read at all, "not found" would be a wrong answer: say how many
        /// files were skipped as unsupported and what they looked like.
        /// </summary>
        private void RequireSupported(IReadOnlyList<string> files, IReadOnlyList<string?> unsupported)
        {
            if (unsupported.Count == 0 || unsupported.Any(k => k is null))
            {
                return;
            }

            var kinds = unsupported.Zip(files, (k, f) => (Kind: k!, File: Path.GetFileName(f)))
                .GroupBy(x => x.Kind, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key} ({string.Join(", ", g.Take(3).Select(x => "'" + Sanitize.ForMessage(x.File) + "'"))}{(g.Count() > 3 ? ", ..." : string.Empty)})");
            throw ProfilerException.Precondition(
                "TelemetryUnsupported",
                $"All {files.Count} telemetry file(s) under {string.Join(", ", _paths.Select(p => "'" + Sanitize.ForMessage(p) + "'"))} were skipped as unsupported: {string.Join("; ", kinds)}. The source reads OTLP as JSON, as length-prefixed protobuf or JSON, zstd or gzip.");
        }

        private static void ReadOne(OtlpFileReader reader, string file, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation) =>
            Guard(file, () => reader.ReadFile(file, sink, quality, cancellation));

        /// <summary>File-system failures become the contract's errors, naming the file only.</summary>
        private static void Guard(string file, Action read)
        {
            try
            {
                read();
            }
            catch (UnauthorizedAccessException)
            {
                throw ProfilerException.Denied("TelemetryFileAccessDenied", $"Permission denied reading telemetry file '{Path.GetFileName(file)}'.");
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw ProfilerException.Precondition("TelemetryFileUnreadable", $"The telemetry file '{Path.GetFileName(file)}' could not be read: {e.GetType().Name}.");
            }
        }

        /// <summary>Pass 3, one file after another: the metric sink and its statistics are not shared across threads.</summary>
        private void ReadMetricFiles(IMetricSink metrics, CancellationToken cancellation)
        {
            var files = _metricFiles ?? ListFiles();
            RequireFiles(files);
            var reader = new OtlpFileReader();
            reader.MetricSink = metrics;
            var progress = Progress is null ? null : new FileProgressCounter(Progress, Description, "Reading metrics", files);

            // Its file and record counts were taken in pass 1: not counted again.
            var quality = new DataQualityCounters();
            foreach (var file in files)
            {
                cancellation.ThrowIfCancellationRequested();
                progress?.Next(file);
                ReadOne(reader, file, SkipAllSpans.Instance, quality, cancellation);
            }

            progress?.Done();
        }
    }
}
