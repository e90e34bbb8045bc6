using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Contiguous ranges of items (traces, roots) for work spread over the cores: fixed by the
    /// counts alone (a few per core, so uneven items balance out), each done on its own and the
    /// partial results merged in range order by the caller, so the result is the one a single
    /// pass gives on any number of cores.
    /// </summary>
    internal static class WorkChunks
    {
        /// <summary>Below this many roots a sum over them runs on the calling thread: the hand-off would cost more.</summary>
        public const int MinRootsPerSum = 2048;

        /// <summary>Up to <paramref name="perCore"/> ranges per core, none smaller than <paramref name="minPerChunk"/> items (but always one).</summary>
        public static List<(int From, int To)> Of(int count, int maxParallelism, int perCore, int minPerChunk = 1)
        {
            var n = Math.Max(1, Math.Min(Math.Max(1, maxParallelism) * perCore, count / Math.Max(1, minPerChunk)));
            var chunks = new List<(int, int)>(n);
            for (var c = 0; c < n; c++)
            {
                chunks.Add(((int)((long)count * c / n), (int)((long)count * (c + 1) / n)));
            }

            return chunks;
        }

        /// <summary>Runs <paramref name="body"/> (chunk number, from, to) for every chunk, on up to <paramref name="maxParallelism"/> threads.</summary>
        public static void Run(List<(int From, int To)> chunks, int maxParallelism, Action<int, int, int> body)
        {
            if (chunks.Count == 1 || maxParallelism <= 1)
            {
                for (var c = 0; c < chunks.Count; c++)
                {
                    body(c, chunks[c].From, chunks[c].To);
                }

                return;
            }

            Unwrapped(() => Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, c => body(c, chunks[c].From, chunks[c].To)));
        }

        /// <summary>Runs a parallel loop; a failure surfaces as the error itself, as a single-threaded pass would have thrown it, not the pool's wrapper.</summary>
        public static void Unwrapped(Action loop)
        {
            try
            {
                loop();
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
    }
}
