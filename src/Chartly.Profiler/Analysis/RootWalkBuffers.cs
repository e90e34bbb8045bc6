using System.Collections.Generic;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// The stacks and lists one root's walks (critical path, self time) use, kept by a caller that
    /// walks many roots on one thread: a large target walks a hundred thousand roots, and each
    /// would otherwise grow its own from empty. Never shared between threads.
    /// </summary>
    public sealed class RootWalkBuffers
    {
        internal Stack<CriticalPath.Frame> Frames { get; } = new();

        internal Stack<int> Spans { get; } = new();

        internal List<(long Start, long End)> Intervals { get; } = new();

        /// <summary>Traces up to this many spans share one span-id index; a larger one gets its own, so clearing stays cheap.</summary>
        private const int SharedIndexSpans = 4096;

        private readonly Dictionary<ulong, int> _index = new();

        /// <summary>An empty span-id index for a tree of <paramref name="spans"/> spans (garbage once the tree is built).</summary>
        internal Dictionary<ulong, int> IndexFor(int spans)
        {
            if (spans > SharedIndexSpans)
            {
                return new Dictionary<ulong, int>(spans);
            }

            _index.Clear();
            return _index;
        }
    }
}
