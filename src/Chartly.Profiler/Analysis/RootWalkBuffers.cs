using System;
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

        /// <summary>The walk's sections, copied out exact-size for each root.</summary>
        internal List<CriticalSection> Sections { get; } = new();

        internal LabelTotals.Builder Critical { get; } = new();

        internal LabelTotals.Builder Self { get; } = new();

        internal LabelTotals.Builder Counts { get; } = new();

        /// <summary>Span id to position in the tree being built.</summary>
        internal SpanIndex Index { get; } = new();

        private readonly int[][] _ints = { new int[64], new int[64], new int[64] };

        private long[] _longs = new long[64];

        private Telemetry.SpanRecord[] _spans = Array.Empty<Telemetry.SpanRecord>();

        /// <summary>The path a tree's cycle search is on.</summary>
        internal List<int> Path { get; } = new();

        /// <summary>
        /// Scratch array <paramref name="slot"/> (one per use within a tree's build, so they never
        /// alias) of at least <paramref name="length"/> ints, its first <paramref name="length"/> zero.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        internal int[] Ints(int slot, int length)
        {
            var a = _ints[slot];
            if (a.Length < length)
            {
                _ints[slot] = a = new int[Math.Max(length, a.Length * 2)];
            }
            else
            {
                Array.Clear(a, 0, length);
            }

            return a;
        }

        /// <summary>Scratch longs, at least <paramref name="length"/> of them, contents undefined.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        internal long[] Longs(int length)
        {
            if (_longs.Length < length)
            {
                _longs = new long[Math.Max(length, _longs.Length * 2)];
            }

            return _longs;
        }

        /// <summary>A copy of the first <paramref name="length"/> spans, in a scratch array kept for the next tree.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        internal Telemetry.SpanRecord[] SpanCopy(Telemetry.SpanRecord[] spans, int length)
        {
            if (_spans.Length < length)
            {
                _spans = new Telemetry.SpanRecord[Math.Max(length, _spans.Length * 2)];
            }

            Array.Copy(spans, _spans, length);
            return _spans;
        }
    }
}
