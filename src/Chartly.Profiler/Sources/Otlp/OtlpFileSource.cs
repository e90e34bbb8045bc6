using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// OTLP/JSON files as the collector's file exporter writes them: a directory (searched
    /// recursively for *.json and *.jsonl, rotated names included) or single files. Files are only
    /// ever opened for reading.
    /// </summary>
    public sealed class OtlpFileSource : ITraceSource, IProgressSource, IMetricSource
    {
        private readonly IReadOnlyList<string> _paths;

        // What pass 1 found in each file: pass 2 (spans) reads only files with spans, and in them only
        // the records of the selected traces (the index); pass 3 (metrics) only files with metric records.
        private List<string>? _spanFiles;
        private List<string>? _metricFiles;
        private Dictionary<string, TraceRecordIndex>? _indexes;

        private readonly int _maxParallelism;

        /// <param name="maxParallelism">How many files are read at once; null: one per core.</param>
        public OtlpFileSource(IReadOnlyList<string> paths, string description, int? maxParallelism = null)
        {
            _paths = paths;
            Description = description;
            _maxParallelism = maxParallelism ?? Math.Max(1, Environment.ProcessorCount);
        }

        public string Description { get; }

        public IReadOnlyList<string> Paths => _paths;

        /// <summary>Raised before each file and once after the last (files and bytes so far).</summary>
        public Action<ProfileProgress>? Progress { get; set; }

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            var files = ListFiles();
            return new[]
            {
                $"read {files.Count} OTLP/JSON file(s) under {string.Join(", ", _paths.Select(p => p.Replace('\\', '/')))}",
                $"pass 1: spans that begin {request.Target}",
                $"pass 2: every span of the traces holding a root that starts in [{request.Window.StartText}, {request.Window.EndText})",
                SignalCatalog.MetricsFor(request.IncludeMetrics).Count == 0
                    ? "pass 3: none (no included signal reads metrics)"
                    : $"pass 3: metric points of the resources those spans ran on, in the files pass 1 found metrics in, for signals {string.Join(", ", SignalCatalog.Names.Where(n => SignalCatalog.IsIncluded(n, request.IncludeMetrics)))}",
            };
        }

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var files = ListFiles();
            RequireFiles(files);
            var results = ParallelFiles.Run(files, _maxParallelism, Progress, Description, "Finding target roots", cancellation, (file, reader) =>
            {
                var fileQuality = new DataQualityCounters();
                var candidates = new CandidateSink(matcher);
                var index = new TraceRecordIndex();
                reader.Observer = index;
                try
                {
                    ReadOne(reader, file, new IndexingSink(candidates, index), fileQuality, cancellation);
                }
                finally
                {
                    reader.Observer = null;
                }

                return (Candidates: candidates.Candidates, Index: index, Quality: fileQuality);
            });

            // Merged in file order: the same candidates in the same order as a single-threaded read.
            var all = new List<SpanRecord>();
            var spanFiles = new List<string>();
            var metricFiles = new List<string>();
            var indexes = new Dictionary<string, TraceRecordIndex>(StringComparer.Ordinal);
            for (var i = 0; i < files.Count; i++)
            {
                var r = results[i];
                all.AddRange(r.Candidates);
                quality.Add(r.Quality);
                if (r.Quality.SpansRead > 0)
                {
                    spanFiles.Add(files[i]);
                    indexes[files[i]] = r.Index;
                }

                if (r.Quality.MetricRecords > 0)
                {
                    metricFiles.Add(files[i]);
                }
            }

            _spanFiles = spanFiles;
            _metricFiles = metricFiles;
            _indexes = indexes;
            return all;
        }

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var selected = new HashSet<TraceId>(traces);
            var files = _spanFiles ?? ListFiles();
            if (files.Count == 0)
            {
                return new List<SpanRecord>();
            }

            var hashes = new HashSet<ulong>();
            foreach (var t in selected)
            {
                hashes.Add(TraceRecordIndex.Hash(t));
            }

            // The second pass re-reads bytes pass 1 already counted: its counts are not kept.
            var results = ParallelFiles.Run(files, _maxParallelism, Progress, Description, "Loading traces", cancellation, (file, reader) =>
            {
                var sink = new TraceSink(selected);
                if (_indexes is not null && _indexes.TryGetValue(file, out var index))
                {
                    var ranges = index.RangesFor(hashes);
                    if (ranges.Count > 0)
                    {
                        Guard(file, () => reader.ReadRanges(file, ranges, sink, new DataQualityCounters(), cancellation));
                    }
                }
                else
                {
                    ReadOne(reader, file, sink, new DataQualityCounters(), cancellation);
                }

                return sink.Spans;
            });

            var spans = new List<SpanRecord>();
            foreach (var r in results)
            {
                spans.AddRange(r);
            }

            return spans;
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

        /// <summary>Every file this source reads, in ordinal order so nothing depends on how the OS lists them.</summary>
        public IReadOnlyList<string> ListFiles()
        {
            var files = new List<string>();
            foreach (var p in _paths)
            {
                if (File.Exists(p))
                {
                    files.Add(Path.GetFullPath(p));
                }
                else if (Directory.Exists(p))
                {
                    foreach (var f in Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories))
                    {
                        if (IsTelemetryFile(f))
                        {
                            files.Add(Path.GetFullPath(f));
                        }
                    }
                }
                else
                {
                    throw ProfilerException.Precondition("TelemetryPathNotFound", $"The telemetry path '{Sanitize.ForMessage(p)}' does not exist.");
                }
            }

            files.Sort(StringComparer.Ordinal);
            return files;
        }

        private static bool IsTelemetryFile(string path)
        {
            var name = Path.GetFileName(path);
            return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        }

        private void RequireFiles(IReadOnlyList<string> files)
        {
            if (files.Count == 0)
            {
                throw ProfilerException.Precondition("NoTelemetryFiles", $"No OTLP/JSON telemetry files (*.json, *.jsonl) were found under {string.Join(", ", _paths.Select(p => "'" + Sanitize.ForMessage(p) + "'"))}.");
            }
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
            reader.Parser.MetricSink = metrics;
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
