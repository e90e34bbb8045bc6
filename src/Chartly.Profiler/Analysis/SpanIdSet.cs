using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// The span ids of one trace's candidate roots that begin in the window, sorted, as a stretch of
    /// one array shared by every trace. The analysis asks it once per span of the trace: a trace
    /// holds one or two candidates, which a scan finds faster than a hash set (one per trace, a
    /// hundred thousand of them for a service target) did.
    /// </summary>
    public readonly struct SpanIdSet
    {
        /// <summary>Up to this many ids are scanned; more are searched by halves.</summary>
        private const int Scanned = 8;

        private readonly ulong[]? _ids;
        private readonly int _from;
        private readonly int _count;

        private SpanIdSet(ulong[] ids, int from, int count)
        {
            _ids = ids;
            _from = from;
            _count = count;
        }

        /// <summary>The candidates' span ids by the number of their trace in <paramref name="traces"/>; a trace with none has the empty set.</summary>
        [MethodImpl(HotPath.Optimised)]
        internal static SpanIdSet[] ByTrace(IReadOnlyList<SpanRecord> candidates, TraceIdTable traces)
        {
            var slots = new int[candidates.Count];
            var starts = new int[traces.Count + 1];
            for (var i = 0; i < slots.Length; i++)
            {
                var slot = slots[i] = traces.SlotOf(candidates[i].TraceId);
                if (slot >= 0)
                {
                    starts[slot + 1]++;
                }
            }

            for (var t = 0; t < traces.Count; t++)
            {
                starts[t + 1] += starts[t];
            }

            // Filled in candidate order at each trace's stretch, then each stretch sorted.
            var ids = new ulong[starts[traces.Count]];
            var fill = (int[])starts.Clone();
            for (var i = 0; i < slots.Length; i++)
            {
                if (slots[i] >= 0)
                {
                    ids[fill[slots[i]]++] = candidates[i].SpanId;
                }
            }

            var sets = new SpanIdSet[traces.Count];
            for (var t = 0; t < traces.Count; t++)
            {
                var count = starts[t + 1] - starts[t];
                if (count > 1)
                {
                    Array.Sort(ids, starts[t], count);
                }

                sets[t] = new SpanIdSet(ids, starts[t], count);
            }

            return sets;
        }

        public int Count => _count;

        [MethodImpl(HotPath.Optimised)]
        public bool Contains(ulong spanId)
        {
            var ids = _ids;
            if (ids is null)
            {
                return false;
            }

            var end = _from + _count;
            if (_count <= Scanned)
            {
                for (var i = _from; i < end; i++)
                {
                    if (ids[i] == spanId)
                    {
                        return true;
                    }
                }

                return false;
            }

            return Array.BinarySearch(ids, _from, _count, spanId) >= 0;
        }
    }
}
