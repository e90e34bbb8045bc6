using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// OTLP/JSON files as the collector's file exporter writes them: a directory (searched
    /// recursively for *.json and *.jsonl, rotated names included) or single files. Files are only
    /// ever opened for reading.
    /// </summary>
    public sealed class OtlpFileSource : ITraceSource, IProgressSource, IMetricSource
    {
        private readonly IReadOnlyList<string> _paths;

        // What pass 1 found in each file: pass 2 (spans) reads only files with spans, pass 3 (metrics)
        // only files with metric records, so a metrics-only file is not parsed for spans again.
        private List<string>? _spanFiles;
        private List<string>? _metricFiles;

        public OtlpFileSource(IReadOnlyList<string> paths, string description)
        {
            _paths = paths;
            Description = description;
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
            var sink = new CandidateSink(matcher);
            ReadAll(sink, quality, cancellation, countFiles: true);
            return sink.Candidates;
        }

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var sink = new TraceSink(new HashSet<TraceId>(traces));
            if (_spanFiles is { Count: 0 })
            {
                return sink.Spans;
            }

            // The second pass re-reads the same bytes: its file and record counts are not counted twice.
            ReadAll(sink, new DataQualityCounters(), cancellation, countFiles: false);
            return sink.Spans;
        }

        /// <summary>Pass 3: the metric points a query needs, filtered as they are read, as canonical samples.</summary>
        public IReadOnlyList<MetricSample> ReadSamples(MetricQuery query, MetricReadStats stats, CancellationToken cancellation)
        {
            if (_metricFiles is { Count: 0 })
            {
                return Array.Empty<MetricSample>();
            }

            var sink = new OtlpMetricSink(query, stats);

            // Its file and record counts were taken in pass 1: not counted again.
            ReadAll(SkipAllSpans.Instance, new DataQualityCounters(), cancellation, countFiles: false, sink);
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

        private void ReadAll(ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation, bool countFiles, IMetricSink? metrics = null)
        {
            var files = (countFiles ? null : metrics is null ? _spanFiles : _metricFiles) ?? ListFiles();
            var spanFiles = new List<string>();
            var metricFiles = new List<string>();
            if (files.Count == 0)
            {
                throw ProfilerException.Precondition("NoTelemetryFiles", $"No OTLP/JSON telemetry files (*.json, *.jsonl) were found under {string.Join(", ", _paths.Select(p => "'" + Sanitize.ForMessage(p) + "'"))}.");
            }

            var reader = new OtlpFileReader();
            reader.Parser.MetricSink = metrics;
            var progress = Progress is null ? null : new FileProgressCounter(Progress, Description, metrics is not null ? "Reading metrics" : countFiles ? "Finding target roots" : "Loading traces", files);
            foreach (var file in files)
            {
                cancellation.ThrowIfCancellationRequested();
                progress?.Next(file);
                try
                {
                    var spansRead = quality.SpansRead;
                    var metricRecords = quality.MetricRecords;
                    reader.ReadFile(file, sink, quality, cancellation);
                    if (quality.SpansRead > spansRead)
                    {
                        spanFiles.Add(file);
                    }

                    if (quality.MetricRecords > metricRecords)
                    {
                        metricFiles.Add(file);
                    }
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

            progress?.Done();
            if (countFiles)
            {
                _spanFiles = spanFiles;
                _metricFiles = metricFiles;
            }
        }
    }
}
