using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// OTLP/JSON files as the collector's file exporter writes them: a directory (searched
    /// recursively for *.json and *.jsonl, rotated names included) or single files. Files are only
    /// ever opened for reading.
    /// </summary>
    public sealed class OtlpFileSource : ITraceSource
    {
        private readonly IReadOnlyList<string> _paths;

        public OtlpFileSource(IReadOnlyList<string> paths, string description)
        {
            _paths = paths;
            Description = description;
        }

        public string Description { get; }

        public IReadOnlyList<string> Paths => _paths;

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            var files = ListFiles();
            return new[]
            {
                $"read {files.Count} OTLP/JSON file(s) under {string.Join(", ", _paths.Select(p => p.Replace('\\', '/')))}",
                $"pass 1: spans that begin {request.Target}",
                $"pass 2: every span of the traces holding a root that starts in [{request.Window.StartText}, {request.Window.EndText})",
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

            // The second pass re-reads the same bytes: its file and record counts are not counted twice.
            ReadAll(sink, new DataQualityCounters(), cancellation, countFiles: false);
            return sink.Spans;
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

        private void ReadAll(ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation, bool countFiles)
        {
            var files = ListFiles();
            if (files.Count == 0)
            {
                throw ProfilerException.Precondition("NoTelemetryFiles", $"No OTLP/JSON telemetry files (*.json, *.jsonl) were found under {string.Join(", ", _paths.Select(p => "'" + Sanitize.ForMessage(p) + "'"))}.");
            }

            var reader = new OtlpFileReader();
            foreach (var file in files)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    reader.ReadFile(file, sink, quality, cancellation);
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

            _ = countFiles;
        }
    }
}
