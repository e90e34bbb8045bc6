using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Span id to position in one trace, while its tree is built: open addressing, at most half
    /// full, reused for every tree a thread builds. An entry belongs to the current tree when its
    /// stamp is the current one, so starting a tree clears nothing. Its own table rather than a
    /// <c>Dictionary&lt;ulong, int&gt;</c>: the runtime has no precompiled code for that one, which
    /// ran unoptimised for most of a service target's hundred thousand trees; this is compiled
    /// optimised at once.
    /// </summary>
    internal sealed class SpanIndex
    {
        private ulong[] _ids = new ulong[64];
        private int[] _positions = new int[64];
        private int[] _stamps = new int[64];
        private int _mask = 63;
        private int _shift = 58;
        private int _stamp = 1;

        /// <summary>Empties the index for a tree of <paramref name="spans"/> spans.</summary>
        [MethodImpl(HotPath.Optimised)]
        public void Reset(int spans)
        {
            if (_ids.Length < spans * 2)
            {
                var capacity = _ids.Length;
                var shift = _shift;
                while (capacity < spans * 2)
                {
                    capacity *= 2;
                    shift--;
                }

                _ids = new ulong[capacity];
                _positions = new int[capacity];
                _stamps = new int[capacity];
                _mask = capacity - 1;
                _shift = shift;
                _stamp = 1;
                return;
            }

            if (++_stamp == int.MaxValue)
            {
                System.Array.Clear(_stamps, 0, _stamps.Length);
                _stamp = 1;
            }
        }

        /// <summary>The span's position, if the current tree has it.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool TryGet(ulong spanId, out int position)
        {
            var at = Find(spanId);
            if (_stamps[at] == _stamp)
            {
                position = _positions[at];
                return true;
            }

            position = -1;
            return false;
        }

        /// <summary>Adds the span at <paramref name="position"/>; false (nothing changed) when the current tree has the id already.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool TryAdd(ulong spanId, int position)
        {
            var at = Find(spanId);
            if (_stamps[at] == _stamp)
            {
                return false;
            }

            _ids[at] = spanId;
            _positions[at] = position;
            _stamps[at] = _stamp;
            return true;
        }

        /// <summary>The entry holding the id, or the free entry where it would go.</summary>
        [MethodImpl(HotPath.Optimised)]
        private int Find(ulong spanId)
        {
            // Fibonacci hashing: the top bits of the product, so sequential ids spread too.
            var at = (int)((spanId * 0x9E3779B97F4A7C15UL) >> _shift);
            while (_stamps[at] == _stamp && _ids[at] != spanId)
            {
                at = (at + 1) & _mask;
            }

            return at;
        }
    }
}
