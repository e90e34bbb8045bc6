using System.Collections.Generic;
using System.Threading;
using Chartly.Profiler.Telemetry;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Pass one's spans of one file, record by record, materialised as pass two would materialise
    /// them, for a target whose traces are most of the window (a busy service or workflow): pass
    /// two then takes each selected record's spans from here instead of parsing the record again.
    /// Kept only while the file stays dense with the target's candidates and the source's budget
    /// lasts; otherwise dropped, and pass two reads the file as it would have. Either way the
    /// spans handed on are the same, in the same order.
    /// </summary>
    internal sealed class KeptRecords : IRecordObserver
    {
        /// <summary>Spans read before the density is judged: a file may begin with other services' records.</summary>
        public const int SampleSpans = 20_000;

        /// <summary>At least one candidate root per this many spans, or keeping costs more memory than pass two costs time.</summary>
        public const int SpansPerCandidate = 1_000;

        private readonly IRecordObserver _inner;
        private readonly KeepBudget _budget;
        private readonly SpanMaterializer _materializer = new();
        private readonly List<SpanRecord> _pending = new();
        private Dictionary<long, SpanRecord[]>? _byOffset = new();
        private long _spans;

        public KeptRecords(IRecordObserver inner, KeepBudget budget)
        {
            _inner = inner;
            _budget = budget;
        }

        /// <summary>Whether the file's spans are still kept (false once dropped).</summary>
        public bool Keeping => _byOffset is not null;

        /// <summary>How many candidate roots the file held so far (set by the pass-one sink).</summary>
        public long Candidates { get; set; }

        /// <summary>The span as kept, or null once the file's spans are no longer kept.</summary>
        [MethodImpl(HotPath.Optimised)]
        public SpanRecord? Add(SpanDraft draft)
        {
            if (_byOffset is null)
            {
                return null;
            }

            var span = _materializer.Materialize(draft, withLabel: true);
            _pending.Add(span);
            return span;
        }

        [MethodImpl(HotPath.Optimised)]
        public void OnRecord(long offset, int length, bool parsed)
        {
            _inner.OnRecord(offset, length, parsed);
            if (_byOffset is null)
            {
                return;
            }

            if (parsed && _pending.Count > 0)
            {
                if (!_budget.Take(_pending.Count))
                {
                    Drop();
                    return;
                }

                _byOffset[offset] = _pending.ToArray();
                _spans += _pending.Count;
            }

            _pending.Clear();
            if (_spans >= SampleSpans && Candidates * SpansPerCandidate < _spans)
            {
                Drop();
            }
        }

        /// <summary>The spans a record parsed in pass one gave, in order; false when it was not kept.</summary>
        public bool TryGet(long offset, out SpanRecord[] spans)
        {
            spans = System.Array.Empty<SpanRecord>();
            return _byOffset is not null && _byOffset.TryGetValue(offset, out spans!);
        }

        /// <summary>Lets the spans go (pass two reads the file instead) and gives their share of the budget back.</summary>
        public void Drop()
        {
            if (_byOffset is null)
            {
                return;
            }

            _budget.Give(_spans);
            _byOffset = null;
            _pending.Clear();
            _spans = 0;
        }
    }

    /// <summary>How many spans the files of one source may keep between the passes, all files together.</summary>
    internal sealed class KeepBudget
    {
        private long _left;

        public KeepBudget(long spans) => _left = spans;

        /// <summary>Takes <paramref name="spans"/> from the budget; false (taking nothing) when it would run out.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Take(long spans)
        {
            while (true)
            {
                var left = Volatile.Read(ref _left);
                if (left < spans)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _left, left - spans, left) == left)
                {
                    return true;
                }
            }
        }

        public void Give(long spans) => Interlocked.Add(ref _left, spans);
    }

    /// <summary>Pass one's sink while a file's spans are kept: every span read whole, and handed to the store too.</summary>
    internal sealed class KeepingSink : ISpanSink
    {
        private readonly IndexingSink _inner;
        private readonly CandidateSink _candidates;
        private readonly KeptRecords _kept;

        public KeepingSink(IndexingSink inner, CandidateSink candidates, KeptRecords kept)
        {
            _inner = inner;
            _candidates = candidates;
            _kept = kept;
        }

        [MethodImpl(HotPath.Optimised)]
        public SpanInterest Interest(TraceId traceId)
        {
            var interest = _inner.Interest(traceId);
            return _kept.Keeping ? SpanInterest.Full : interest;
        }

        [MethodImpl(HotPath.Optimised)]
        public void Accept(SpanDraft draft)
        {
            // A kept candidate is the kept span itself, not a second copy of it: a service target's
            // candidates are a tenth of the spans.
            if (_kept.Add(draft) is { } span)
            {
                _candidates.Accept(draft, span);
            }
            else
            {
                _inner.Accept(draft);
            }

            _kept.Candidates = _candidates.Candidates.Count;
        }
    }
}
