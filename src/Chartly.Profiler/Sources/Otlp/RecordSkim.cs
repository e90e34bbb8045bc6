using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Pass one's reading of a record that cannot hold a candidate (<see cref="NeedleFilter"/>):
    /// validates the JSON as the parser's reader would and takes only what pass one counts and
    /// indexes of each span (ids, times, their validity). It answers false, and the record is
    /// parsed whole, at anything it does not take exactly as <see cref="OtlpRecordParser"/> does:
    /// metric records, a field of another type than the collector writes where the parser would
    /// fail or read it otherwise (times as fractions, a resource that is no object), deep nesting.
    /// Its input holds no backslash and no control byte (<see cref="PlainText"/>), so a string ends
    /// at the next quote and the only whitespace is a space.
    /// </summary>
    internal ref struct RecordSkim
    {
        // Straight to optimised code: a one-shot read of a large window would otherwise spend its
        // first records in unoptimised code counting loop iterations (tiered compilation).

        private readonly List<TraceId> _traces;
        private PlainJson _j;
        private int _spans;
        private int _invalid;

        public RecordSkim(ReadOnlySpan<byte> record, List<TraceId> traces)
        {
            _j = new PlainJson(record);
            _traces = traces;
            _spans = 0;
            _invalid = 0;
        }

        /// <summary>Where an object sits in the record: which members count.</summary>
        private enum Level
        {
            Record,
            ResourceSpans,
            ScopeSpans,
            Span,
        }

        /// <summary>True when the record is taken: its span count and invalid spans, its trace ids in <c>traces</c> in order.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Run(out int spans, out int invalid)
        {
            spans = _spans;
            invalid = _invalid;
            if (!Object(Level.Record))
            {
                return false;
            }

            spans = _spans;
            invalid = _invalid;
            return _j.AtEnd();
        }

        /// <summary>An array of objects of one level (the parser fails on anything else there).</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Objects(Level level)
        {
            if (!_j.Enter((byte)'[', (byte)']', out var more))
            {
                return false;
            }

            while (more)
            {
                if (!Object(level) || !_j.More((byte)']', ref more))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>One object; a span is judged as <see cref="SpanBatch.Complete"/> judges its draft.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Object(Level level)
        {
            if (!_j.Enter((byte)'{', (byte)'}', out var more))
            {
                return false;
            }

            var span = default(SpanFacts);
            if (level == Level.Span)
            {
                _spans++;
            }

            while (more)
            {
                if (!_j.Name(out var name) || !Member(level, name, ref span) || !_j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            if (level == Level.Span && !span.Valid)
            {
                _invalid++;
            }

            return true;
        }

        [MethodImpl(HotPath.Optimised)]
        private bool Member(Level level, ReadOnlySpan<byte> name, ref SpanFacts span)
        {
            switch (level)
            {
                case Level.Record:
                    if (name.SequenceEqual("resourceSpans"u8))
                    {
                        return Objects(Level.ResourceSpans);
                    }

                    if (name.SequenceEqual("resourceMetrics"u8))
                    {
                        return false; // metric records are the parser's (and rare in a trace window)
                    }

                    break;
                case Level.ResourceSpans:
                    if (name.SequenceEqual("resource"u8))
                    {
                        // The parser takes an object or null here and fails on anything else.
                        var b = _j.Peek();
                        return (b == (byte)'{' || b == (byte)'n') && _j.Value();
                    }

                    if (name.SequenceEqual("scopeSpans"u8) || name.SequenceEqual("instrumentationLibrarySpans"u8))
                    {
                        return Objects(Level.ScopeSpans);
                    }

                    break;
                case Level.ScopeSpans:
                    if (name.SequenceEqual("spans"u8))
                    {
                        return Objects(Level.Span);
                    }

                    break;
                default:
                    return SpanField(name, ref span);
            }

            return _j.Value();
        }

        /// <summary>A span's field; a repeated one counts as the parser counts it (the last value, any failure).</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool SpanField(ReadOnlySpan<byte> name, ref SpanFacts f)
        {
            // By length first: most fields are none of these five, and "status" is as long as "spanId".
            switch (name.Length)
            {
                case 7 when name.SequenceEqual("traceId"u8):
                {
                    var ok = _j.ReadTraceId(out f.HasTrace, out f.Trace);
                    if (f.HasTrace)
                    {
                        _traces.Add(f.Trace);
                    }

                    f.Invalid |= !f.HasTrace;
                    return ok;
                }

                case 6 when name.SequenceEqual("spanId"u8):
                {
                    var ok = _j.ReadSpanId(out f.HasSpan, out f.SpanId);
                    f.Invalid |= !f.HasSpan;
                    return ok;
                }

                case 12 when name.SequenceEqual("parentSpanId"u8):
                {
                    var parent = 0UL;
                    return _j.ReadParentId(ref parent, ref f.Invalid);
                }

                case 17 when name.SequenceEqual("startTimeUnixNano"u8):
                {
                    var ok = _j.Int64Value(out f.HasStart, out f.Start);
                    f.Invalid |= !f.HasStart;
                    return ok;
                }

                case 15 when name.SequenceEqual("endTimeUnixNano"u8):
                {
                    var ok = _j.Int64Value(out f.HasEnd, out f.End);
                    f.Invalid |= !f.HasEnd;
                    return ok;
                }

                default:
                    // Name, kind, status and attributes count for nothing here: validated only.
                    return _j.Value();
            }
        }

        /// <summary>What pass one's counts need of a span.</summary>
        private struct SpanFacts
        {
            public TraceId Trace;
            public ulong SpanId;
            public long Start;
            public long End;
            public bool HasTrace;
            public bool HasSpan;
            public bool HasStart;
            public bool HasEnd;
            public bool Invalid;

            public readonly bool Valid =>
                !Invalid && HasTrace && HasSpan && HasStart && HasEnd && SpanTimes.Plausible(Start, End) && SpanId != 0 && !Trace.IsEmpty;
        }

    }
}
