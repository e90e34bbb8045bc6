using System;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The OTLP/JSON primitives both the span and the metric side read with (one set, so the two
    /// cannot drift): int64 and doubles as numbers or strings, ids, attribute values.
    /// </summary>
    internal static class OtlpJson
    {
        /// <summary>64-bit integers come as decimal strings or numbers (field notes); both are taken.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static bool TryReadInt64(ref Utf8JsonReader reader, out long value)
        {
            value = 0;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out value))
                    {
                        return true;
                    }

                    if (reader.TryGetUInt64(out var u) && u <= long.MaxValue)
                    {
                        value = (long)u;
                        return true;
                    }

                    if (reader.TryGetDouble(out var d) && d >= 0 && d < 9.2e18)
                    {
                        value = (long)d;
                        return true;
                    }

                    return false;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped)
                    {
                        var s = OtlpText.Read(ref reader);
                        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
                    }

                    return Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length;
                default:
                    reader.Skip();
                    return false;
            }
        }

        /// <summary>A double from a number or a numeric string; NaN and infinities (as the collector spells them) are not usable values.</summary>
        public static bool TryReadDouble(ref Utf8JsonReader reader, out double value)
        {
            value = 0;
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.TryGetDouble(out value) && !double.IsNaN(value) && !double.IsInfinity(value);
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                if (!reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length)
                {
                    return !double.IsNaN(value) && !double.IsInfinity(value);
                }

                return false;
            }

            reader.Skip();
            return false;
        }

        /// <summary>Reads an OTLP <c>AnyValue</c> object; arrays, maps and bytes are skipped.</summary>
        public static OtlpValue ReadAnyValue(ref Utf8JsonReader reader) => ReadAnyValue(ref reader, null);

        /// <summary>As <see cref="ReadAnyValue(ref Utf8JsonReader)"/>, text through <paramref name="texts"/> when given (values that repeat).</summary>
        [MethodImpl(HotPath.Optimised)]
        public static OtlpValue ReadAnyValue(ref Utf8JsonReader reader, Utf8Strings? texts)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return OtlpValue.None;
            }

            var value = OtlpValue.None;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = PropertyName(ref reader);
                if (name.SequenceEqual("stringValue"u8))
                {
                    reader.Read();
                    var s = texts is null ? OtlpText.ReadStringOrSkip(ref reader) : texts.ReadStringOrSkip(ref reader);
                    if (s is not null)
                    {
                        value = OtlpValue.OfText(s);
                    }
                }
                else if (name.SequenceEqual("intValue"u8))
                {
                    reader.Read();
                    if (TryReadInt64(ref reader, out var v))
                    {
                        value = OtlpValue.OfInteger(v);
                    }
                }
                else if (reader.ValueTextEquals("doubleValue"u8))
                {
                    reader.Read();
                    if (TryReadDouble(ref reader, out var d))
                    {
                        value = OtlpValue.OfReal(d);
                    }
                }
                else if (name.SequenceEqual("boolValue"u8))
                {
                    reader.Read();
                    if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                    {
                        value = OtlpValue.OfFlag(reader.TokenType == JsonTokenType.True);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return value;
        }

        /// <summary>A hex (or base64) id; an escaped or malformed one is no id.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static bool TryReadId(ref Utf8JsonReader reader, bool isTrace, out TraceId trace, out ulong span)
        {
            trace = default;
            span = 0;
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                return false;
            }

            if (reader.ValueIsEscaped)
            {
                return false;
            }

            return isTrace ? IdParser.TryParseTraceId(reader.ValueSpan, out trace) : IdParser.TryParseSpanId(reader.ValueSpan, out span);
        }

        /// <summary>
        /// The current property name's UTF-8, unescaped, to compare with <c>SequenceEqual</c>: what
        /// <c>ValueTextEquals</c> compares, without a call into the reader per candidate name (a
        /// span's ten properties tried against up to nine names each).
        /// </summary>
        public static ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader) =>
            reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(OtlpText.Read(ref reader)) : reader.ValueSpan;

        public static void ExpectArray(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException("Expected an array.");
            }
        }

        public static void ExpectObject(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("Expected an object.");
            }
        }
    }
}
