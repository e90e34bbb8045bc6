using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Reads files on every core and hands back one result per file, in file order, so what comes
    /// after cannot tell it from a single-threaded read. Progress is raised on the calling thread
    /// only (PowerShell's Write-Progress and Write-Verbose must not be called from elsewhere), and
    /// when several files fail, the error of the first file in order wins, every time.
    /// </summary>
    internal static class ParallelFiles
    {
        public static T[] Run<T>(
            IReadOnlyList<string> files,
            int maxParallelism,
            Action<ProfileProgress>? progress,
            string source,
            string activity,
            CancellationToken cancellation,
            Func<string, OtlpFileReader, T> read)
        {
            var results = new T[files.Count];
            var errors = new Exception?[files.Count];
            var counter = progress is null ? null : new FileProgressCounter(progress, source, activity, files);
            // Events for the calling thread: (file, -1) when a file starts, (file, bytes) at each
            // milestone within it (MilestoneStream), so a large file's progress moves while it is read.
            using var started = new BlockingCollection<(int File, long Bytes)>();
            // One gate for the readers of this read: large records in memory do not multiply with the cores.
            using var gate = new LargeRecordGate();
            var readers = new ThreadLocal<OtlpFileReader>(() => new OtlpFileReader(gate));
            var worker = Task.Run(() =>
            {
                try
                {
                    Parallel.For(
                        0,
                        files.Count,
                        new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellation },
                        i =>
                        {
                            started.Add((i, -1));
                            var reader = readers.Value!;
                            reader.Milestone = counter is null ? null : bytes => started.Add((i, bytes));
                            try
                            {
                                results[i] = read(files[i], reader);
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                errors[i] = e;
                            }
                            finally
                            {
                                reader.Milestone = null;
                            }
                        });
                }
                finally
                {
                    started.CompleteAdding();
                }
            });

            // Reported in file order (a file is announced once it and every file before it started),
            // so the progress a user sees reads the same on one core or many.
            // A milestone of a file not announced yet waits for it, so a file's progress always follows its announcement.
            var isStarted = new bool[files.Count];
            var waiting = new Dictionary<int, List<long>>();
            var announced = 0;
            foreach (var (i, bytes) in started.GetConsumingEnumerable())
            {
                if (bytes >= 0)
                {
                    if (i < announced)
                    {
                        counter?.Within(i, bytes);
                    }
                    else
                    {
                        if (!waiting.TryGetValue(i, out var list))
                        {
                            waiting[i] = list = new List<long>();
                        }

                        list.Add(bytes);
                    }

                    continue;
                }

                isStarted[i] = true;
                while (announced < files.Count && isStarted[announced])
                {
                    // Not 'counter?.Next(files[announced++])': with no counter the increment would be skipped too.
                    var file = files[announced];
                    announced++;
                    counter?.Next(file);
                    if (waiting.TryGetValue(announced - 1, out var early))
                    {
                        foreach (var b in early)
                        {
                            counter?.Within(announced - 1, b);
                        }

                        waiting.Remove(announced - 1);
                    }
                }
            }

            try
            {
                worker.GetAwaiter().GetResult();
            }
            finally
            {
                readers.Dispose();
            }

            // A stop asked for while the last files finished still stops: no partial profile.
            cancellation.ThrowIfCancellationRequested();
            counter?.Done();
            foreach (var e in errors)
            {
                if (e is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
                }
            }

            return results;
        }
    }
}
