using System;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// OTLP/JSON ids are hex in any case; a few exporters send base64 instead (24 characters for a
    /// trace id, 12 for a span id): the length tells which.
    /// </summary>
    internal static class IdParser
    {
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

        private static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value)
        {
            value = 0;
            foreach (var b in text)
            {
                int v;
                if (b >= '0' && b <= '9')
                {
                    v = b - '0';
                }
                else if (b >= 'a' && b <= 'f')
                {
                    v = b - 'a' + 10;
                }
                else if (b >= 'A' && b <= 'F')
                {
                    v = b - 'A' + 10;
                }
                else
                {
                    return false;
                }

                value = (value << 4) | (uint)v;
            }

            return true;
        }

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
