using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

        // Below the parser's 64, so nothing the reader rejects for depth is ever taken here.
        private const int MaxDepth = 48;

        private readonly ReadOnlySpan<byte> _s;
        private readonly List<TraceId> _traces;
        private int _pos;
        private int _depth;
        private int _spans;
        private int _invalid;

        public RecordSkim(ReadOnlySpan<byte> record, List<TraceId> traces)
        {
            _s = record;
            _traces = traces;
            _pos = 0;
            _depth = 0;
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

            Ws();
            spans = _spans;
            invalid = _invalid;
            return _pos == _s.Length;
        }

        /// <summary>An array of objects of one level (the parser fails on anything else there).</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Objects(Level level)
        {
            if (!Open((byte)'['))
            {
                return false;
            }

            if (Close((byte)']'))
            {
                return true;
            }

            while (true)
            {
                if (!Object(level) || !Next((byte)']', out var last))
                {
                    return false;
                }

                if (last)
                {
                    return true;
                }
            }
        }

        /// <summary>One object; a span is judged as <see cref="SpanBatch.Complete"/> judges its draft.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Object(Level level)
        {
            if (!Open((byte)'{'))
            {
                return false;
            }

            var span = default(SpanFacts);
            if (level == Level.Span)
            {
                _spans++;
            }

            if (!Close((byte)'}'))
            {
                while (true)
                {
                    if (!Name(out var name) || !Member(level, name, ref span) || !Next((byte)'}', out var done))
                    {
                        return false;
                    }

                    if (done)
                    {
                        break;
                    }
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
                        Ws();
                        return _pos < _s.Length && (_s[_pos] == (byte)'{' || _s[_pos] == (byte)'n') && Value();
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

            return Value();
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
                    if (Fixed(32) && IdParser.TryParseTraceId(_s.Slice(_pos + 1, 32), out f.Trace))
                    {
                        _pos += 34;
                        f.HasTrace = true;
                        _traces.Add(f.Trace);
                        return true;
                    }

                    var ok = Id(out var text, out var isString);
                    f.HasTrace = isString && IdParser.TryParseTraceId(text, out f.Trace);
                    if (f.HasTrace)
                    {
                        _traces.Add(f.Trace);
                    }
                    else
                    {
                        f.Trace = default;
                    }

                    f.Invalid |= !f.HasTrace;
                    return ok;
                }

                case 6 when name.SequenceEqual("spanId"u8):
                {
                    if (Fixed(16) && IdParser.TryParseSpanId(_s.Slice(_pos + 1, 16), out f.SpanId))
                    {
                        _pos += 18;
                        f.HasSpan = true;
                        return true;
                    }

                    var ok = Id(out var text, out var isString);
                    f.SpanId = 0;
                    f.HasSpan = isString && IdParser.TryParseSpanId(text, out f.SpanId);
                    f.Invalid |= !f.HasSpan;
                    return ok;
                }

                case 12 when name.SequenceEqual("parentSpanId"u8):
                {
                    if (Fixed(16) && IdParser.TryParseSpanId(_s.Slice(_pos + 1, 16), out _))
                    {
                        _pos += 18;
                        return true;
                    }

                    Ws();
                    var isNull = _pos < _s.Length && _s[_pos] == (byte)'n';
                    var ok = Id(out var text, out var isString);
                    if (isString ? text.Length > 0 && !IdParser.TryParseSpanId(text, out _) : !isNull)
                    {
                        f.Invalid = true;
                    }

                    return ok;
                }

                case 17 when name.SequenceEqual("startTimeUnixNano"u8):
                {
                    var ok = Time(out f.HasStart, out f.Start);
                    f.Invalid |= !f.HasStart;
                    return ok;
                }

                case 15 when name.SequenceEqual("endTimeUnixNano"u8):
                {
                    var ok = Time(out f.HasEnd, out f.End);
                    f.Invalid |= !f.HasEnd;
                    return ok;
                }

                default:
                    // Name, kind, status and attributes count for nothing here: validated only.
                    return Value();
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

        /// <summary>An id field: its text when it is a string; any other value is validated and is no id.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Id(out ReadOnlySpan<byte> text, out bool isString)
        {
            Ws();
            text = default;
            isString = _pos < _s.Length && _s[_pos] == (byte)'"';
            return isString ? Str(out text) : Value();
        }

        /// <summary>
        /// Whether a string of exactly <paramref name="width"/> bytes may start at the cursor: its
        /// closing quote is where that width puts it. Only the caller's check that every byte is a
        /// hex digit (or decimal digit) proves no earlier quote ends it; the general path follows otherwise.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Fixed(int width)
        {
            Ws();
            return _pos + width + 1 < _s.Length && _s[_pos] == (byte)'"' && _s[_pos + width + 1] == (byte)'"';
        }

        /// <summary>A time as the parser's TryReadInt64 reads it; a number it would read other than as a plain integer is not taken.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Time(out bool has, out long value)
        {
            // The collector's form: a string of 19 digits.
            if (Fixed(19) && Digits(_s.Slice(_pos + 1, 19), out value))
            {
                _pos += 21;
                has = true;
                return true;
            }

            Ws();
            has = false;
            value = 0;
            if (_pos >= _s.Length)
            {
                return false;
            }

            var b = _s[_pos];
            if (b == (byte)'"')
            {
                if (!Str(out var text))
                {
                    return false;
                }

                has = Digits(text, out value) || (Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length);
                return true;
            }

            if (b == (byte)'-' || (b >= (byte)'0' && b <= (byte)'9'))
            {
                var from = _pos;
                if (!Number(out var integer) || !integer || _pos - from > 18)
                {
                    return false;
                }

                has = Utf8Parser.TryParse(_s.Slice(from, _pos - from), out value, out _);
                return has;
            }

            return Value();
        }

        /// <summary>
        /// Up to 19 decimal digits and nothing else (what the collector writes) that fit an int64:
        /// read here, to the value Utf8Parser gives; anything else is left to Utf8Parser.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool Digits(ReadOnlySpan<byte> text, out long value)
        {
            value = 0;
            if (text.Length == 0 || text.Length > 19)
            {
                return false;
            }

            ulong v = 0;
            foreach (var b in text)
            {
                var d = (uint)(b - (byte)'0');
                if (d > 9)
                {
                    return false;
                }

                v = (v * 10) + d;
            }

            if (v > long.MaxValue)
            {
                return false;
            }

            value = (long)v;
            return true;
        }

        /// <summary>Any JSON value, validated and skipped.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Value()
        {
            Ws();
            if (_pos >= _s.Length)
            {
                return false;
            }

            switch (_s[_pos])
            {
                case (byte)'"':
                    return Str(out _);
                case (byte)'{':
                    Open((byte)'{');
                    if (_depth > MaxDepth)
                    {
                        return false;
                    }

                    if (Close((byte)'}'))
                    {
                        return true;
                    }

                    while (true)
                    {
                        if (!Name(out _) || !Value() || !Next((byte)'}', out var done))
                        {
                            return false;
                        }

                        if (done)
                        {
                            return true;
                        }
                    }

                case (byte)'[':
                    Open((byte)'[');
                    if (_depth > MaxDepth)
                    {
                        return false;
                    }

                    if (Close((byte)']'))
                    {
                        return true;
                    }

                    while (true)
                    {
                        if (!Value() || !Next((byte)']', out var last))
                        {
                            return false;
                        }

                        if (last)
                        {
                            return true;
                        }
                    }

                case (byte)'t':
                    return Literal("true"u8);
                case (byte)'f':
                    return Literal("false"u8);
                case (byte)'n':
                    return Literal("null"u8);
                default:
                    return Number(out _);
            }
        }

        [MethodImpl(HotPath.Optimised)]
        private bool Literal(ReadOnlySpan<byte> word)
        {
            if (_s.Length - _pos < word.Length || !_s.Slice(_pos, word.Length).SequenceEqual(word))
            {
                return false;
            }

            _pos += word.Length;
            return true;
        }

        /// <summary>A JSON number (RFC 8259 grammar, what the reader accepts); what may follow it is checked by the caller's next token.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Number(out bool integer)
        {
            integer = true;
            if (_pos < _s.Length && _s[_pos] == (byte)'-')
            {
                _pos++;
            }

            if (_pos >= _s.Length)
            {
                return false;
            }

            if (_s[_pos] == (byte)'0')
            {
                _pos++;
            }
            else if (!Digits())
            {
                return false;
            }

            if (_pos < _s.Length && _s[_pos] == (byte)'.')
            {
                integer = false;
                _pos++;
                if (!Digits())
                {
                    return false;
                }
            }

            if (_pos < _s.Length && (_s[_pos] == (byte)'e' || _s[_pos] == (byte)'E'))
            {
                integer = false;
                _pos++;
                if (_pos < _s.Length && (_s[_pos] == (byte)'+' || _s[_pos] == (byte)'-'))
                {
                    _pos++;
                }

                if (!Digits())
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>One or more decimal digits.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Digits()
        {
            var from = _pos;
            while (_pos < _s.Length && _s[_pos] >= (byte)'0' && _s[_pos] <= (byte)'9')
            {
                _pos++;
            }

            return _pos > from;
        }

        /// <summary>A string at the cursor: with no backslash in the record, it ends at the next quote.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Str(out ReadOnlySpan<byte> text)
        {
            text = default;
            if (_pos >= _s.Length || _s[_pos] != (byte)'"')
            {
                return false;
            }

            // Most strings are short (keys, names): eight bytes at a time finds their end before a
            // vectorised search would have started; longer ones get the search.
            var rest = _s.Slice(_pos + 1);
            var length = 0;
            while (BitConverter.IsLittleEndian && length + 8 <= rest.Length && length < 32)
            {
                var x = MemoryMarshal.Read<ulong>(rest.Slice(length)) ^ 0x2222222222222222UL;
                var found = (x - 0x0101010101010101UL) & ~x & 0x8080808080808080UL;
                if (found != 0)
                {
                    // The lowest flagged byte is the first quote (a borrow only flags bytes above it).
                    while ((found & 0x80) == 0)
                    {
                        found >>= 8;
                        length++;
                    }

                    text = rest.Slice(0, length);
                    _pos += length + 2;
                    return true;
                }

                length += 8;
            }

            var more = rest.Slice(length).IndexOf((byte)'"');
            if (more < 0)
            {
                return false;
            }

            length += more;
            text = _s.Slice(_pos + 1, length);
            _pos += length + 2;
            return true;
        }

        /// <summary>A property name and its colon.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Name(out ReadOnlySpan<byte> name)
        {
            Ws();
            if (!Str(out name))
            {
                return false;
            }

            Ws();
            if (_pos >= _s.Length || _s[_pos] != (byte)':')
            {
                return false;
            }

            _pos++;
            return true;
        }

        /// <summary>Opens a container of this kind at the cursor.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Open(byte open)
        {
            Ws();
            if (_pos >= _s.Length || _s[_pos] != open)
            {
                return false;
            }

            _pos++;
            _depth++;
            return true;
        }

        /// <summary>Closes the container at the cursor if it is empty here.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Close(byte close)
        {
            Ws();
            if (_pos < _s.Length && _s[_pos] == close)
            {
                _pos++;
                _depth--;
                return true;
            }

            return false;
        }

        /// <summary>After a member: a comma (more follow) or the container's end.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Next(byte close, out bool done)
        {
            done = false;
            Ws();
            if (_pos >= _s.Length)
            {
                return false;
            }

            if (_s[_pos] == (byte)',')
            {
                _pos++;
                return true;
            }

            if (_s[_pos] == close)
            {
                _pos++;
                _depth--;
                done = true;
                return true;
            }

            return false;
        }

        [MethodImpl(HotPath.Optimised)]
        private void Ws()
        {
            while (_pos < _s.Length && _s[_pos] == (byte)' ')
            {
                _pos++;
            }
        }
    }
}
