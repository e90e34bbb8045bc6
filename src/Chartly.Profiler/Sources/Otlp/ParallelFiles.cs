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
            using var started = new BlockingCollection<int>();
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
                            started.Add(i);
                            try
                            {
                                results[i] = read(files[i], readers.Value!);
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                errors[i] = e;
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
            var isStarted = new bool[files.Count];
            var announced = 0;
            foreach (var i in started.GetConsumingEnumerable())
            {
                isStarted[i] = true;
                while (announced < files.Count && isStarted[announced])
                {
                    // Not 'counter?.Next(files[announced++])': with no counter the increment would be skipped too.
                    var file = files[announced];
                    announced++;
                    counter?.Next(file);
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
