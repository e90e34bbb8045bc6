using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Text out of telemetry, the same way for spans and metrics, JSON and protobuf: bounded (a
    /// 50 MB attribute is never materialised whole) and tolerant (invalid UTF-8 becomes U+FFFD
    /// instead of throwing, which would drop the whole record).
    /// </summary>
    internal static class OtlpText
    {
        /// <summary>Names, ids and label values the profiler keeps are short: longer ones are cut here.</summary>
        public const int MaxChars = 1024;

        /// <summary>Decodes at most what <see cref="MaxChars"/> characters can take, invalid UTF-8 as U+FFFD, then cuts.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static string Decode(ReadOnlySpan<byte> utf8)
        {
            var take = Math.Min(utf8.Length, MaxChars * 4);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(take, 1));
            try
            {
                utf8.Slice(0, take).CopyTo(buffer);
                var s = Encoding.UTF8.GetString(buffer, 0, take);
                return s.Length > MaxChars ? s.Substring(0, MaxChars) : s;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>The current JSON string token, bounded and tolerant; the caller checked it is a string.</summary>
        public static string Read(ref Utf8JsonReader reader)
        {
            if (!reader.ValueIsEscaped)
            {
                return Decode(reader.ValueSpan);
            }

            try
            {
                var s = reader.GetString() ?? string.Empty;
                return s.Length > MaxChars ? s.Substring(0, MaxChars) : s;
            }
            catch (InvalidOperationException)
            {
                // Invalid UTF-8 behind an escape: the raw text, made valid, is enough for a label.
                return Decode(reader.ValueSpan);
            }
        }

        /// <summary>A string token as text; any other token is skipped and gives null.</summary>
        public static string? ReadStringOrSkip(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return Read(ref reader);
            }

            reader.Skip();
            return null;
        }
    }
}
