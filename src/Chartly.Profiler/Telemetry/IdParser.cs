using System;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// OTLP/JSON ids are hex in any case; a few exporters send base64 instead (24 characters for a
    /// trace id, 12 for a span id): the length tells which.
    /// </summary>
    internal static class IdParser
    {
        // Every span's ids pass here: compiled optimised at once (HotPath explains why).
        [MethodImpl(HotPath.Optimised)]
        public static bool TryParseTraceId(ReadOnlySpan<byte> text, out TraceId id)
        {
            id = default;
            if (text.Length == 32)
            {
                if (TryParseHex(text.Slice(0, 16), out var hi) && TryParseHex(text.Slice(16, 16), out var lo))
                {
                    id = new TraceId(hi, lo);
                    return true;
                }

                return false;
            }

            if (text.Length == 24)
            {
                Span<byte> raw = stackalloc byte[18];
                if (TryDecodeBase64(text, raw, out var n) && n == 16)
                {
                    id = new TraceId(ReadUInt64(raw.Slice(0, 8)), ReadUInt64(raw.Slice(8, 8)));
                    return true;
                }
            }

            return false;
        }

        [MethodImpl(HotPath.Optimised)]
        public static bool TryParseSpanId(ReadOnlySpan<byte> text, out ulong id)
        {
            id = 0;
            if (text.Length == 16)
            {
                return TryParseHex(text, out id);
            }

            if (text.Length == 12)
            {
                Span<byte> raw = stackalloc byte[9];
                if (TryDecodeBase64(text, raw, out var n) && n == 8)
                {
                    id = ReadUInt64(raw.Slice(0, 8));
                    return true;
                }
            }

            return false;
        }

        [MethodImpl(HotPath.Optimised)]
        private static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value)
        {
            // A table, not branches: ids are random, so a digit-or-letter branch per character
            // mispredicts half the time, and ids are most of what pass one reads (0xFF: no hex digit).
            var table = HexValues;
            value = 0;
            var bad = 0;
            foreach (var b in text)
            {
                var v = table[b];
                bad |= v;
                value = (value << 4) | (uint)(v & 0x0F);
            }

            return (bad & 0xF0) == 0;
        }

        private static ReadOnlySpan<byte> HexValues => new byte[]
        {
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        };

        private static ulong ReadUInt64(ReadOnlySpan<byte> big)
        {
            ulong v = 0;
            for (var i = 0; i < 8; i++)
            {
                v = (v << 8) | big[i];
            }

            return v;
        }

        private static bool TryDecodeBase64(ReadOnlySpan<byte> text, Span<byte> output, out int written)
        {
            written = 0;
            int buffer = 0, bits = 0;
            foreach (var b in text)
            {
                int v;
                if (b >= 'A' && b <= 'Z') v = b - 'A';
                else if (b >= 'a' && b <= 'z') v = b - 'a' + 26;
                else if (b >= '0' && b <= '9') v = b - '0' + 52;
                else if (b == '+' || b == '-') v = 62;
                else if (b == '/' || b == '_') v = 63;
                else if (b == '=') break;
                else return false;

                buffer = (buffer << 6) | v;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    if (written >= output.Length)
                    {
                        return false;
                    }

                    output[written++] = (byte)(buffer >> bits);
                    buffer &= (1 << bits) - 1;
                }
            }

            return true;
        }
    }
}
