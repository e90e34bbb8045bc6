using System.Collections.Generic;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// What pass one learns for free while it reads a file: where each record is and which traces
    /// it holds (as 64-bit hashes). Pass two then reads only the records of the selected traces,
    /// so profiling one run out of a large window costs one full read, not two.
    /// </summary>
    internal sealed class TraceRecordIndex : IRecordObserver
    {
        private readonly List<long> _offsets = new();
        private readonly List<int> _lengths = new();
        private readonly List<int> _firstHash = new();
        private readonly List<ulong> _hashes = new();
        private readonly List<ulong> _pending = new();

        public int Records => _offsets.Count;

        /// <summary>How the file holds its records: the offsets mean file positions unless it is compressed whole.</summary>
        public TelemetryLayout Layout { get; set; }

        public static ulong Hash(TraceId id) => id.Mix();

        /// <summary>A span of this trace was seen in the record being parsed.</summary>
        [MethodImpl(HotPath.Optimised)]
        public void Saw(TraceId id)
        {
            // A record lists a trace's spans together as a rule: the repeats go here, and the sort
            // at the record's end orders its few traces, not each of its hundreds of spans.
            var hash = Hash(id);
            if (_pending.Count == 0 || _pending[_pending.Count - 1] != hash)
            {
                _pending.Add(hash);
            }
        }

        [MethodImpl(HotPath.Optimised)]
        public void OnRecord(long offset, int length, bool parsed)
        {
            if (parsed && _pending.Count > 0)
            {
                _offsets.Add(offset);
                _lengths.Add(length);
                _firstHash.Add(_hashes.Count);
                _pending.Sort();
                var last = 0UL;
                for (var i = 0; i < _pending.Count; i++)
                {
                    if (i == 0 || _pending[i] != last)
                    {
                        _hashes.Add(_pending[i]);
                        last = _pending[i];
                    }
                }
            }

            _pending.Clear();
        }

        /// <summary>The records holding any of the traces, in file order (a hash collision only costs an extra parse).</summary>
        [MethodImpl(HotPath.Optimised)]
        public List<RecordRange> RangesFor(HashSet<ulong> traceHashes)
        {
            var ranges = new List<RecordRange>();
            for (var r = 0; r < _offsets.Count; r++)
            {
                var end = r + 1 < _firstHash.Count ? _firstHash[r + 1] : _hashes.Count;
                for (var i = _firstHash[r]; i < end; i++)
                {
                    if (traceHashes.Contains(_hashes[i]))
                    {
                        ranges.Add(new RecordRange(_offsets[r], _lengths[r]));
                        break;
                    }
                }
            }

            return ranges;
        }
    }

    /// <summary>Pass one's sink with the index beside it: every trace id the reader meets is noted.</summary>
    internal sealed class IndexingSink : ISpanSink
    {
        private readonly ISpanSink _inner;

        public IndexingSink(ISpanSink inner, TraceRecordIndex index)
        {
            _inner = inner;
            Index = index;
        }

        public TraceRecordIndex Index { get; }

        [MethodImpl(HotPath.Optimised)]
        public SpanInterest Interest(TraceId traceId)
        {
            Index.Saw(traceId);
            return _inner.Interest(traceId);
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public void Accept(SpanDraft draft) => _inner.Accept(draft);
    }
}
