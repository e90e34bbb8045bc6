using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// One root's blocking graph as the walk sees it, built once for every what-if of the root:
    /// for each span reached from the root, the stretch it occupies on its parent's timeline
    /// (clipped to the parent; from the hand-over of its message for an awaited consumer) and the
    /// children that can block it, in start order. Spans the walk never reaches (fire-and-forget
    /// consumers, children outside their parent) are not in it.
    /// </summary>
    public sealed class BlockingGraph
    {
        private static readonly int[] None = Array.Empty<int>();

        private BlockingGraph(long[] frameStart, long[] frameEnd, int[][] children)
        {
            FrameStart = frameStart;
            FrameEnd = frameEnd;
            Children = children;
        }

        /// <summary>Recorded start of each span's stretch (clipped, or the message hand-over).</summary>
        public long[] FrameStart { get; }

        /// <summary>Recorded end of each span's stretch (clipped to its parent).</summary>
        public long[] FrameEnd { get; }

        /// <summary>Blocking children of each span, by stretch start, then end, then index.</summary>
        public int[][] Children { get; }

        public static BlockingGraph Build(RootAnalysis analysis)
        {
            var tree = analysis.Tree;
            var spans = tree.Spans;
            var n = spans.Length;
            var frameStart = new long[n];
            var frameEnd = new long[n];
            var children = new int[n][];
            var root = analysis.RootIndex;
            frameStart[root] = spans[root].StartUnixNano;
            frameEnd[root] = spans[root].EndUnixNano;

            var todo = new Stack<int>();
            todo.Push(root);
            var list = new List<int>();
            while (todo.Count > 0)
            {
                var s = todo.Pop();
                list.Clear();
                foreach (var ci in analysis.Awaited.ChildrenOf(tree, s))
                {
                    if (!analysis.Awaited.Blocks(tree, s, ci, out var childStart))
                    {
                        continue;
                    }

                    var cs = Math.Max(childStart, frameStart[s]);
                    var ce = Math.Min(spans[ci].EndUnixNano, frameEnd[s]);
                    if (ce <= cs)
                    {
                        continue;
                    }

                    frameStart[ci] = cs;
                    frameEnd[ci] = ce;
                    list.Add(ci);
                    todo.Push(ci);
                }

                if (list.Count == 0)
                {
                    children[s] = None;
                    continue;
                }

                var arr = list.ToArray();
                if (arr.Length > 1)
                {
                    Array.Sort(arr, (a, b) =>
                    {
                        var c = frameStart[a].CompareTo(frameStart[b]);
                        if (c != 0) return c;
                        c = frameEnd[a].CompareTo(frameEnd[b]);
                        return c != 0 ? c : a.CompareTo(b);
                    });
                }

                children[s] = arr;
            }

            return new BlockingGraph(frameStart, frameEnd, children);
        }
    }
}
