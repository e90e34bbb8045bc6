using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Nanoseconds (or counts) per label of one root, in the order the walk first met each label.
    /// A large target keeps three of these per root for the whole profile: one exact-size array
    /// each, instead of a hash map per root, is what the garbage collector has to copy and what
    /// every later sum reads.
    /// </summary>
    public sealed class LabelTotals : IReadOnlyDictionary<string, long>
    {
        public static LabelTotals Empty { get; } = new(Array.Empty<KeyValuePair<string, long>>());

        private readonly KeyValuePair<string, long>[] _entries;

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private LabelTotals(KeyValuePair<string, long>[] entries) => _entries = entries;

        public int Count => _entries.Length;

        public IEnumerable<string> Keys
        {
            get
            {
                foreach (var e in _entries)
                {
                    yield return e.Key;
                }
            }
        }

        public IEnumerable<long> Values
        {
            get
            {
                foreach (var e in _entries)
                {
                    yield return e.Value;
                }
            }
        }

        public long this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException("No label '" + key + "'.");

        /// <summary>The label of entry <paramref name="i"/>, in first-met order.</summary>
        public string LabelAt(int i) => _entries[i].Key;

        public long ValueAt(int i) => _entries[i].Value;

        public bool ContainsKey(string key) => IndexOf(key) >= 0;

        public bool TryGetValue(string key, out long value)
        {
            var i = IndexOf(key);
            value = i >= 0 ? _entries[i].Value : 0;
            return i >= 0;
        }

        public IEnumerator<KeyValuePair<string, long>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, long>>)_entries).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        [MethodImpl(HotPath.Optimised)]
        private int IndexOf(string key)
        {
            // A root has a handful of labels: a scan (by reference first: labels are shared strings) beats hashing.
            for (var i = 0; i < _entries.Length; i++)
            {
                if (ReferenceEquals(_entries[i].Key, key))
                {
                    return i;
                }
            }

            for (var i = 0; i < _entries.Length; i++)
            {
                if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>
        /// Sums per label while a root is walked, reused from root to root on one thread; a hash
        /// index is added only for a root with many labels, so a huge trace is not quadratic.
        /// </summary>
        internal sealed class Builder
        {
            private const int ScanLimit = 16;

            /// <summary>An index grown past this for one huge root is dropped rather than cleared for every later one.</summary>
            private const int KeptIndex = 1024;

            private string[] _labels = new string[16];
            private long[] _values = new long[16];
            private int _count;
            private Dictionary<string, int>? _index;

            [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
            public void Clear()
            {
                _count = 0;
                if (_index is { } index)
                {
                    if (index.Count > KeptIndex)
                    {
                        _index = null;
                    }
                    else
                    {
                        index.Clear();
                    }
                }
            }

            /// <summary>Adds <paramref name="value"/> to <paramref name="label"/>'s sum; a zero neither adds nor lists the label.</summary>
            [MethodImpl(HotPath.Optimised)]
            public void Add(string label, long value)
            {
                if (value == 0)
                {
                    return;
                }

                var i = Find(label);
                if (i >= 0)
                {
                    _values[i] += value;
                    return;
                }

                if (_count == _labels.Length)
                {
                    Array.Resize(ref _labels, _count * 2);
                    Array.Resize(ref _values, _count * 2);
                }

                _labels[_count] = label;
                _values[_count] = value;
                if (_index is not null)
                {
                    _index[label] = _count;
                }
                else if (_count + 1 > ScanLimit)
                {
                    _index = new Dictionary<string, int>(StringComparer.Ordinal);
                    for (var k = 0; k <= _count; k++)
                    {
                        _index[_labels[k]] = k;
                    }
                }

                _count++;
            }

            [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
            public LabelTotals ToTotals()
            {
                if (_count == 0)
                {
                    return Empty;
                }

                var entries = new KeyValuePair<string, long>[_count];
                for (var i = 0; i < _count; i++)
                {
                    entries[i] = new KeyValuePair<string, long>(_labels[i], _values[i]);
                }

                return new LabelTotals(entries);
            }

            [MethodImpl(HotPath.Optimised)]
            private int Find(string label)
            {
                if (_index is not null)
                {
                    return _index.TryGetValue(label, out var at) ? at : -1;
                }

                for (var i = 0; i < _count; i++)
                {
                    if (ReferenceEquals(_labels[i], label))
                    {
                        return i;
                    }
                }

                for (var i = 0; i < _count; i++)
                {
                    if (string.Equals(_labels[i], label, StringComparison.Ordinal))
                    {
                        return i;
                    }
                }

                return -1;
            }
        }
    }
}
