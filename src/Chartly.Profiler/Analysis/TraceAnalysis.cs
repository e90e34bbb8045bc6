using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Builds each selected trace's tree and walks the target's roots in it, traces spread over the
    /// cores. Traces are independent: each result lands in its trace's slot, the data-quality
    /// counts are integer sums, so the caller reads the same roots in the same order on any number
    /// of cores (the profile's bytes do not depend on it).
    /// </summary>
    public sealed class TraceAnalysis
    {
        private TraceAnalysis(TraceTree tree, List<RootAnalysis> roots)
        {
            Tree = tree;
            Roots = roots;
        }

        public TraceTree Tree { get; }

        /// <summary>The target's roots in the trace, in span order, each walked.</summary>
        public List<RootAnalysis> Roots { get; }

        /// <summary>
        /// One result per trace of <paramref name="traces"/>, in its order (null for a trace none of
        /// whose spans was found), and the span evidence of every root in that order: each chunk
        /// gathers its own while its trees are fresh in the core's cache, merged in chunk order.
        /// </summary>
        public static TraceAnalysis?[] Run(
            List<KeyValuePair<TraceId, SpanRecord[]>> traces,
            IReadOnlyList<SpanIdSet> inWindowIds, // by the trace's position in traces
            TargetMatcher matcher,
            DataQualityCounters quality,
            int maxParallelism,
            CancellationToken cancellation,
            out SpanEvidence evidence)
        {
            var results = new TraceAnalysis?[traces.Count];
            var chunks = WorkChunks.Of(traces.Count, maxParallelism, perCore: 8);
            var parts = new SpanEvidence[chunks.Count];
            WorkChunks.Unwrapped(() => Analyse(traces, inWindowIds, matcher, quality, maxParallelism, chunks, results, parts, cancellation));

            evidence = SpanEvidence.Merge(parts.Where(p => p is not null));
            cancellation.ThrowIfCancellationRequested();
            return results;
        }

        private static void Analyse(
            List<KeyValuePair<TraceId, SpanRecord[]>> traces,
            IReadOnlyList<SpanIdSet> inWindowIds, // by the trace's position in traces
            TargetMatcher matcher,
            DataQualityCounters quality,
            int maxParallelism,
            List<(int From, int To)> chunks,
            TraceAnalysis?[] results,
            SpanEvidence[] evidence,
            CancellationToken cancellation)
        {
            Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallelism), CancellationToken = cancellation }, [MethodImpl(HotPath.Optimised)] (c) =>
            {
                var buffers = new RootWalkBuffers();
                var gathered = evidence[c] = new SpanEvidence();
                for (var i = chunks[c].From; i < chunks[c].To && !cancellation.IsCancellationRequested; i++)
                {
                    var spans = traces[i].Value;
                    if (spans.Length == 0)
                    {
                        continue;
                    }

                    // The tree takes the array over (sorted in place); the list lets go of it.
                    traces[i] = new KeyValuePair<TraceId, SpanRecord[]>(traces[i].Key, Array.Empty<SpanRecord>());
                    var tree = TraceTree.Build(traces[i].Key, spans, buffers);
                    var analysed = results[i] = Analyse(tree, inWindowIds[i], matcher, quality, buffers);
                    foreach (var root in analysed.Roots)
                    {
                        gathered.AddRoot(root);
                    }
                }
            });
        }

        [MethodImpl(HotPath.Optimised)]
        private static TraceAnalysis Analyse(TraceTree tree, SpanIdSet inWindowIds, TargetMatcher matcher, DataQualityCounters quality, RootWalkBuffers buffers)
        {
            for (var d = 0; d < tree.Duplicates; d++)
            {
                quality.AddDuplicateSpan();
            }

            quality.AddOrphanSpans(tree.Orphans);
            quality.AddCycles(tree.Cycles);
            var roots = new List<RootAnalysis>();
            foreach (var r in TargetResolver.FindRoots(tree, inWindowIds, matcher))
            {
                if (tree.Spans[r].Resource.Environment is null)
                {
                    quality.AddRootsWithoutEnvironment(1);
                }

                roots.Add(CriticalPath.Analyze(tree, r, quality, keepSections: true, buffers));
            }

            return new TraceAnalysis(tree, roots);
        }
    }
}
