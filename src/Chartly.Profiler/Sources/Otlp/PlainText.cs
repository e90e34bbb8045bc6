using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Whether a record's bytes are text a skim can take at face value: no backslash (no JSON
    /// escape), no control byte (no pretty-printing, nothing the JSON reader would reject inside a
    /// string) and valid UTF-8 (each string decodes to exactly its bytes). Eight bytes at a time.
    /// </summary>
    internal static class PlainText
    {
        private const ulong Ones = 0x0101010101010101UL;
        private const ulong Highs = 0x8080808080808080UL;

        [MethodImpl(HotPath.Optimised)]
        public static bool Holds(ReadOnlySpan<byte> bytes)
        {
            // A vector at a time (unsigned byte compares), then the words, then the bytes left.
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(bytes);
            var control = new Vector<byte>(0x20);
            var slash = new Vector<byte>((byte)'\\');
            var top = new Vector<byte>(0x80);
            var bad = Vector<byte>.Zero;
            var highs = Vector<byte>.Zero;
            foreach (var v in vectors)
            {
                bad |= Vector.LessThan(v, control) | Vector.Equals(v, slash);
                highs |= Vector.GreaterThanOrEqual(v, top);
            }

            if (!bad.Equals(Vector<byte>.Zero))
            {
                return false;
            }

            var rest = bytes.Slice(vectors.Length * Vector<byte>.Count);
            var words = MemoryMarshal.Cast<byte, ulong>(rest);
            ulong high = highs.Equals(Vector<byte>.Zero) ? 0 : Highs;
            foreach (var w in words)
            {
                // Exact existence tests (a byte below 0x20; a byte equal to 0x5C) on the ASCII bytes;
                // a byte with its high bit set is only noted here and checked as UTF-8 below.
                var below = (w - (0x20 * Ones)) & ~w & Highs;
                var x = w ^ (0x5C * Ones);
                var backslash = (x - Ones) & ~x & Highs;
                if ((below | backslash) != 0)
                {
                    return false;
                }

                high |= w;
            }

            for (var i = words.Length * 8; i < rest.Length; i++)
            {
                var b = rest[i];
                if (b < 0x20 || b == (byte)'\\')
                {
                    return false;
                }

                high |= b;
            }

            return (high & Highs) == 0 || IsUtf8(bytes);
        }

        /// <summary>Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).</summary>
        internal static bool IsUtf8(ReadOnlySpan<byte> s)
        {
            var i = 0;
            while (i < s.Length)
            {
                var b = s[i];
                if (b < 0x80)
                {
                    i++;
                    continue;
                }

                int n;
                int min;
                if ((b & 0xE0) == 0xC0) { n = 1; min = 0x80; }
                else if ((b & 0xF0) == 0xE0) { n = 2; min = 0x800; }
                else if ((b & 0xF8) == 0xF0) { n = 3; min = 0x10000; }
                else return false;

                if (i + n >= s.Length)
                {
                    return false;
                }

                var cp = b & (0x3F >> n);
                for (var k = 1; k <= n; k++)
                {
                    var c = s[i + k];
                    if ((c & 0xC0) != 0x80)
                    {
                        return false;
                    }

                    cp = (cp << 6) | (c & 0x3F);
                }

                if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                {
                    return false;
                }

                i += n + 1;
            }

            return true;
        }
    }
}
