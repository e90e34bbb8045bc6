using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// One root's blocking graph as the walk sees it, built once for every what-if of the root:
    /// for each span reached from the root, the stretch it occupies on its parent's timeline
    /// (clipped to the parent; from the hand-over of its message for an awaited consumer) and the
    /// children that can block it, in start order. Spans the walk never reaches (fire-and-forget
    /// consumers, children outside their parent) are not in it: their entries are never read.
    /// The children sit in one flat list (a what-if builds a graph for each of a hundred thousand
    /// roots), and a caller may hand the previous root's graph back to be refilled.
    /// </summary>
    public sealed class BlockingGraph
    {
        private long[] _frameStart = Array.Empty<long>();
        private long[] _frameEnd = Array.Empty<long>();
        private int[] _childFrom = Array.Empty<int>();
        private int[] _childCount = Array.Empty<int>();
        private int[] _children = new int[16];
        private readonly Stack<int> _todo = new();
        private readonly ByStretch _byStretch = new();

        private BlockingGraph()
        {
        }

        /// <summary>Recorded start of each span's stretch (clipped, or the message hand-over).</summary>
        public long[] FrameStart => _frameStart;

        /// <summary>Recorded end of each span's stretch (clipped to its parent).</summary>
        public long[] FrameEnd => _frameEnd;

        /// <summary>Blocking children of <paramref name="span"/>, by stretch start, then end, then index.</summary>
        public ReadOnlySpan<int> ChildrenOf(int span) => new(_children, _childFrom[span], _childCount[span]);

        public int ChildCount(int span) => _childCount[span];

        /// <summary>The flat list <see cref="ChildFrom"/> indexes into.</summary>
        internal int[] Children => _children;

        internal int ChildFrom(int span) => _childFrom[span];

        public static BlockingGraph Build(RootAnalysis analysis) => Build(analysis, null);

        /// <summary>The graph of <paramref name="analysis"/>, refilling <paramref name="reuse"/> (whose previous contents become invalid) when given.</summary>
        public static BlockingGraph Build(RootAnalysis analysis, BlockingGraph? reuse)
        {
            var g = reuse ?? new BlockingGraph();
            g.Fill(analysis);
            return g;
        }

        // AggressiveOptimization (512, not in netstandard2.0's enum): a what-if fills a graph for
        // each of a hundred thousand roots in one burst, mostly before tiered compilation catches up.
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private void Fill(RootAnalysis analysis)
        {
            var tree = analysis.Tree;
            var spans = tree.Spans;
            var n = spans.Length;
            if (_frameStart.Length < n)
            {
                var size = Math.Max(n, _frameStart.Length * 2);
                _frameStart = new long[size];
                _frameEnd = new long[size];
                _childFrom = new int[size];
                _childCount = new int[size];
            }

            var frameStart = _frameStart;
            var frameEnd = _frameEnd;
            var root = analysis.RootIndex;
            frameStart[root] = spans[root].StartUnixNano;
            frameEnd[root] = spans[root].EndUnixNano;

            var used = 0;
            var todo = _todo;
            todo.Clear();
            todo.Push(root);
            while (todo.Count > 0)
            {
                var s = todo.Pop();
                var from = used;
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
                    if (used == _children.Length)
                    {
                        Array.Resize(ref _children, _children.Length * 2);
                    }

                    _children[used++] = ci;
                    todo.Push(ci);
                }

                _childFrom[s] = from;
                _childCount[s] = used - from;
                if (used - from > 1)
                {
                    _byStretch.FrameStart = frameStart;
                    _byStretch.FrameEnd = frameEnd;
                    Array.Sort(_children, from, used - from, _byStretch);
                }
            }
        }

        /// <summary>Children by stretch start, then end, then index.</summary>
        private sealed class ByStretch : IComparer<int>
        {
            public long[] FrameStart = Array.Empty<long>();
            public long[] FrameEnd = Array.Empty<long>();

            public int Compare(int a, int b)
            {
                var c = FrameStart[a].CompareTo(FrameStart[b]);
                if (c != 0) return c;
                c = FrameEnd[a].CompareTo(FrameEnd[b]);
                return c != 0 ? c : a.CompareTo(b);
            }
        }
    }
}
