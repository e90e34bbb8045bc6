using System;
using System.Collections;
using System.Collections.Generic;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// Several lists read as one, in order, without copying them: a source's files each load their
    /// spans, and one list of a service target's million spans would be allocated only to be read
    /// once and dropped.
    /// </summary>
    internal sealed class ConcatenatedList<T> : IReadOnlyList<T>
    {
        private readonly IReadOnlyList<T>[] _parts;
        private readonly int[] _starts; // _starts[k]: the index of part k's first item; one more entry holds the count

        public ConcatenatedList(IReadOnlyList<IReadOnlyList<T>> parts)
        {
            _parts = new IReadOnlyList<T>[parts.Count];
            _starts = new int[parts.Count + 1];
            for (var k = 0; k < parts.Count; k++)
            {
                _parts[k] = parts[k];
                _starts[k + 1] = checked(_starts[k] + parts[k].Count);
            }
        }

        public int Count => _starts[_parts.Length];

        /// <summary>The lists, in order: a reader of every item walks these rather than search for each index's part.</summary>
        public IReadOnlyList<IReadOnlyList<T>> Parts => _parts;

        /// <summary>The lists a list is made of: its parts, or the list itself.</summary>
        public static IReadOnlyList<IReadOnlyList<T>> PartsOf(IReadOnlyList<T> list) => list is ConcatenatedList<T> c ? c.Parts : new[] { list };

        public T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(index));
                }

                // The last part whose first index is at or before the index (an empty part shares its start with the next).
                var lo = 0;
                var hi = _parts.Length - 1;
                while (lo < hi)
                {
                    var mid = (lo + hi + 1) / 2;
                    if (_starts[mid] <= index)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }

                return _parts[lo][index - _starts[lo]];
            }
        }

        public IEnumerator<T> GetEnumerator()
        {
            foreach (var part in _parts)
            {
                foreach (var item in part)
                {
                    yield return item;
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
