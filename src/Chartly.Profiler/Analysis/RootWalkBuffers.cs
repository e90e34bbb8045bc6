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
    }
}
