using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// A fixed set of trace ids, each numbered by its first position in the order given; a lookup
    /// answers the number, or -1. Pass two asks it once per span (millions for a service target).
    /// It is its own small table, not a <c>Dictionary&lt;TraceId, int&gt;</c>: the runtime has no
    /// precompiled code for a framework collection over this struct, so such a lookup starts in
    /// unoptimised code and, in a profile of a few seconds, mostly stays there; this one is
    /// compiled optimised at once.
    /// </summary>
    internal sealed class TraceIdTable
    {
        private readonly ulong[] _high;
        private readonly ulong[] _low;
        private readonly int[] _slot;
        private readonly int _mask;
        private readonly TraceId[] _ids;

        public TraceIdTable(IEnumerable<TraceId> ids)
        {
            var list = ids as IReadOnlyCollection<TraceId> ?? new List<TraceId>(ids);

            // Open addressing at most half full: a probe sequence stays short without a second hash.
            var capacity = 4;
            while (capacity < list.Count * 2)
            {
                capacity *= 2;
            }

            _high = new ulong[capacity];
            _low = new ulong[capacity];
            _slot = new int[capacity];
            _mask = capacity - 1;
            _ids = new TraceId[list.Count];
            for (var i = 0; i < capacity; i++)
            {
                _slot[i] = -1;
            }

            foreach (var id in list)
            {
                var at = Find(id);
                if (_slot[at] < 0)
                {
                    _high[at] = id.High;
                    _low[at] = id.Low;
                    _ids[Count] = id;
                    _slot[at] = Count++;
                }
            }
        }

        /// <summary>The distinct ids, by their numbers (first-seen order).</summary>
        public TraceId[] Ids()
        {
            var ids = new TraceId[Count];
            System.Array.Copy(_ids, ids, Count);
            return ids;
        }

        /// <summary>How many distinct trace ids the table holds.</summary>
        public int Count { get; }

        /// <summary>The trace's number (its first position in the ids given), or -1 when it is not in the table.</summary>
        [MethodImpl(HotPath.Optimised)]
        public int SlotOf(TraceId id) => _slot[Find(id)];

        public bool Contains(TraceId id) => SlotOf(id) >= 0;

        /// <summary>The entry holding the id, or the empty entry where it would go.</summary>
        [MethodImpl(HotPath.Optimised)]
        private int Find(TraceId id)
        {
            var at = (int)(id.Mix() & (ulong)_mask);
            while (_slot[at] >= 0 && (_high[at] != id.High || _low[at] != id.Low))
            {
                at = (at + 1) & _mask;
            }

            return at;
        }
    }
}
