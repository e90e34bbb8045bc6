using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Contiguous ranges of the roots for a sum spread over the cores: fixed by the counts alone
    /// (a few per core, so uneven roots balance out), each summed on its own and the partial sums
    /// merged in range order by the caller, so the result is the one a single pass gives.
    /// </summary>
    internal static class RootChunks
    {
        /// <summary>Below this many roots a sum runs on the calling thread: the hand-off would cost more.</summary>
        private const int MinRootsPerChunk = 2048;

        public static List<(int From, int To)> Of(int count, int maxParallelism)
        {
            var n = Math.Max(1, Math.Min(Math.Max(1, maxParallelism) * 4, count / MinRootsPerChunk));
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

            try
            {
                Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, c => body(c, chunks[c].From, chunks[c].To));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // The error itself, as a single-threaded pass would have thrown it, not the pool's wrapper.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
    }
}
