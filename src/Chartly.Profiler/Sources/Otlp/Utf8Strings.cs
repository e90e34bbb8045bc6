using System;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// One string per distinct short UTF-8 text a reader meets again and again (span names,
    /// components, service names): a busy target's million spans repeat a few hundred names, and
    /// decoding each afresh cost two allocations per span. Looked up by the bytes themselves, so a
    /// hit allocates nothing; the string is what <see cref="OtlpText.Decode"/> gives for those bytes,
    /// so cached or not the text is the same. Bounded: once full, texts are decoded as before.
    /// </summary>
    internal sealed class Utf8Strings
    {
        /// <summary>Longer texts are rarely repeated names; they are decoded, not kept.</summary>
        public const int MaxBytes = 128;

        /// <summary>Slots in the table; at most half are filled so probes stay short.</summary>
        private const int Slots = 1 << 14;

        private readonly Entry[] _table = new Entry[Slots];
        private int _count;

        /// <summary>The current JSON string token as <see cref="OtlpText.Read"/> reads it; the caller checked it is a string.</summary>
        public string Read(ref Utf8JsonReader reader) =>
            reader.ValueIsEscaped || reader.HasValueSequence ? OtlpText.Read(ref reader) : Get(reader.ValueSpan);

        /// <summary>A string token through the cache; any other token is skipped and gives null.</summary>
        public string? ReadStringOrSkip(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return Read(ref reader);
            }

            reader.Skip();
            return null;
        }

        /// <summary>The text of <paramref name="utf8"/>, the same string each time it is met while there is room.</summary>
        [MethodImpl(HotPath.Optimised)]
        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > MaxBytes)
            {
                return OtlpText.Decode(utf8);
            }

            var hash = Hash(utf8);
            var mask = Slots - 1;
            for (var i = hash & mask; ; i = (i + 1) & mask)
            {
                var e = _table[i];
                if (e.Text is null)
                {
                    var text = OtlpText.Decode(utf8);
                    if (_count < Slots / 2)
                    {
                        _table[i] = new Entry(hash, utf8.ToArray(), text);
                        _count++;
                    }

                    return text;
                }

                if (e.Hash == hash && utf8.SequenceEqual(e.Bytes))
                {
                    return e.Text;
                }
            }
        }

        /// <summary>FNV-1a: cheap over short texts, and only ever used inside this table.</summary>
        [MethodImpl(HotPath.Optimised)]
        private static int Hash(ReadOnlySpan<byte> utf8)
        {
            var h = 2166136261u;
            foreach (var b in utf8)
            {
                h = (h ^ b) * 16777619u;
            }

            return (int)(h & 0x7FFFFFFF);
        }

        private readonly struct Entry
        {
            public Entry(int hash, byte[] bytes, string text)
            {
                Hash = hash;
                Bytes = bytes;
                Text = text;
            }

            public int Hash { get; }

            public byte[] Bytes { get; }

            public string? Text { get; }
        }
    }
}
