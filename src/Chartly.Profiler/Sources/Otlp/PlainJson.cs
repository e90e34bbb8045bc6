using System;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// A cursor over a record <see cref="PlainText"/> accepts, validating JSON as the parser's reader
    /// does: with no backslash and no control byte in the record, a string ends at the next quote
    /// and the only whitespace is a space. The one set of primitives both <see cref="RecordSkim"/>
    /// and <see cref="PlainRecordReader"/> read with, so the two cannot drift.
    /// </summary>
    internal ref struct PlainJson
    {
        // Below the parser's 64, so nothing the reader rejects for depth is ever taken here.
        private const int MaxDepth = 48;

        private readonly ReadOnlySpan<byte> _s;
        private int _pos;
        private int _depth;

        public PlainJson(ReadOnlySpan<byte> record)
        {
            _s = record;
            _pos = 0;
            _depth = 0;
        }

        /// <summary>The byte at the cursor after any whitespace; 0 at the end (never a byte of plain text).</summary>
        [MethodImpl(HotPath.Optimised)]
        public byte Peek()
        {
            Ws();
            return _pos < _s.Length ? _s[_pos] : (byte)0;
        }

        /// <summary>Only whitespace is left.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool AtEnd()
        {
            Ws();
            return _pos == _s.Length;
        }

        /// <summary>The text of the <paramref name="width"/>-byte string <see cref="Fixed"/> found, not yet taken.</summary>
        public readonly ReadOnlySpan<byte> FixedText(int width) => _s.Slice(_pos + 1, width);

        /// <summary>Takes the <paramref name="width"/>-byte string <see cref="Fixed"/> found.</summary>
        public void Take(int width) => _pos += width + 2;

        /// <summary>An integer number at the cursor (one the parser's reader takes as a number token), as its text; false at anything else, a fraction or exponent included.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Integer(out ReadOnlySpan<byte> text)
        {
            Ws();
            var from = _pos;
            var ok = Number(out var integer) && integer;
            text = ok ? _s.Slice(from, _pos - from) : default;
            return ok;
        }

        /// <summary>
        /// A <c>traceId</c> as the parser's TryReadId reads it: <paramref name="has"/> when a string
        /// holding a hex or base64 id, the id then (default otherwise). False: not valid JSON here.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public bool ReadTraceId(out bool has, out TraceId id)
        {
            // The collector's form: 32 hex digits (all hex, so no quote ends the string earlier).
            id = default;
            if (Fixed(32) && IdParser.TryParseTraceId(FixedText(32), out id))
            {
                Take(32);
                has = true;
                return true;
            }

            var ok = Id(out var text, out var isString);
            has = isString && IdParser.TryParseTraceId(text, out id);
            return ok;
        }

        /// <summary>A <c>spanId</c> as the parser's TryReadId reads it (see <see cref="ReadTraceId"/>).</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool ReadSpanId(out bool has, out ulong id)
        {
            id = 0;
            if (Fixed(16) && IdParser.TryParseSpanId(FixedText(16), out id))
            {
                Take(16);
                has = true;
                return true;
            }

            var ok = Id(out var text, out var isString);
            has = isString && IdParser.TryParseSpanId(text, out id);
            return ok;
        }

        /// <summary>
        /// A <c>parentSpanId</c> as the parser reads it: an empty string is no parent, null leaves
        /// <paramref name="id"/> as it was, anything else not an id is 0 and makes the span invalid.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public bool ReadParentId(ref ulong id, ref bool invalid)
        {
            if (Fixed(16) && IdParser.TryParseSpanId(FixedText(16), out var parent))
            {
                Take(16);
                id = parent;
                return true;
            }

            var isNull = Peek() == (byte)'n';
            var ok = Id(out var text, out var isString);
            if (isString)
            {
                // A malformed id leaves what the id parser left, as in the parser.
                if (text.Length == 0)
                {
                    id = 0;
                }
                else if (!IdParser.TryParseSpanId(text, out id))
                {
                    invalid = true;
                }
            }
            else if (!isNull)
            {
                id = 0;
                invalid = true;
            }

            return ok;
        }

        /// <summary>An id field: its text when it is a string; any other value is validated and is no id.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Id(out ReadOnlySpan<byte> text, out bool isString)
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
        public bool Fixed(int width)
        {
            Ws();
            return _pos + width + 1 < _s.Length && _s[_pos] == (byte)'"' && _s[_pos + width + 1] == (byte)'"';
        }

        /// <summary>A 64-bit integer (a time, an <c>intValue</c>) as the parser's TryReadInt64 reads it; a number it would read other than as a plain integer is not taken.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Int64Value(out bool has, out long value)
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
                // The reader's TryGetInt64; its fallbacks (as uint64, as a double below 9.2e18) take
                // no integer that does not fit an int64, so for an integer token that is all.
                var from = _pos;
                if (!Number(out var integer) || !integer)
                {
                    return false;
                }

                var text = _s.Slice(from, _pos - from);
                has = Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;
                value = has ? value : 0;
                return true;
            }

            return Value();
        }

        /// <summary>
        /// Up to 19 decimal digits and nothing else (what the collector writes) that fit an int64:
        /// read here, to the value Utf8Parser gives; anything else is left to Utf8Parser.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public static bool Digits(ReadOnlySpan<byte> text, out long value)
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
        public bool Value()
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
        public bool Literal(ReadOnlySpan<byte> word)
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
        public bool Number(out bool integer)
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
        public bool Digits()
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
        public bool Str(out ReadOnlySpan<byte> text)
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
        public bool Name(out ReadOnlySpan<byte> name)
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
        public bool Open(byte open)
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
        public bool Close(byte close)
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

        /// <summary>
        /// Opens a container of this kind at the cursor; <paramref name="more"/> is false when it
        /// closes at once. With <see cref="More"/> every container of the record reads as one loop:
        /// <c>Enter(open, close, out var more); while (more) { member; More(close, ref more); }</c>.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Enter(byte open, byte close, out bool more)
        {
            more = false;
            if (!Open(open))
            {
                return false;
            }

            more = !Close(close);
            return true;
        }

        /// <summary>After a member: <paramref name="more"/> stays true at a comma, false at the container's end; false when neither follows.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool More(byte close, ref bool more)
        {
            if (!Next(close, out var done))
            {
                return false;
            }

            more = !done;
            return true;
        }

        /// <summary>After a member: a comma (more follow) or the container's end.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Next(byte close, out bool done)
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
        public void Ws()
        {
            while (_pos < _s.Length && _s[_pos] == (byte)' ')
            {
                _pos++;
            }
        }
    }
}
