using System;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>How a telemetry file holds its records, as its first bytes tell (never its name).</summary>
    internal enum TelemetryLayout
    {
        /// <summary>OTLP/JSON, one record per line or pretty documents: the collector's <c>format: json</c>.</summary>
        JsonLines,

        /// <summary>
        /// Records each preceded by a 4-byte big-endian length: the collector's <c>format: proto</c>
        /// and its legacy <c>compression: zstd</c> (one zstd frame per record, JSON or protobuf inside).
        /// </summary>
        Framed,

        /// <summary>
        /// The whole file is one compressed stream (gzip as log shippers write it, zstd as the
        /// collector's native compression writes it) of JSON lines or framed records: record
        /// offsets are in the decompressed stream, so the second pass reads it whole again.
        /// </summary>
        Compressed,

        /// <summary>Binary content of no known kind: counted in unsupported_files, not read.</summary>
        Unsupported,
    }

    /// <summary>Tells a file's layout from its first bytes.</summary>
    internal static class TelemetryLayouts
    {
        /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
        public const int ProbeBytes = 4096;

        public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

        public static bool IsZstd(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd;

        /// <summary>
        /// A length prefix of a record under the 256 MB bound starts with a byte below 0x10, which no
        /// JSON text starts with (but whitespace); JSON never holds a NUL byte. Anything else binary is
        /// unsupported.
        /// </summary>
        public static TelemetryLayout Detect(ReadOnlySpan<byte> head, bool allowCompressed)
        {
            if (head.Length == 0)
            {
                return TelemetryLayout.JsonLines;
            }

            if (IsGzip(head) || IsZstd(head))
            {
                return allowCompressed ? TelemetryLayout.Compressed : TelemetryLayout.Unsupported;
            }

            var first = head[0];
            var whitespace = first is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

            // Text that starts as JSON is JSON: a NUL byte further on spoils one record (counted
            // malformed), not the whole file.
            var start = 0;
            while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                start++;
            }

            if (start < head.Length && head[start] == (byte)'{')
            {
                return TelemetryLayout.JsonLines;
            }

            var binary = head.Slice(0, Math.Min(head.Length, ProbeBytes)).IndexOf((byte)0) >= 0;
            if (first < 0x10 && (!whitespace || binary))
            {
                return TelemetryLayout.Framed;
            }

            return binary ? TelemetryLayout.Unsupported : TelemetryLayout.JsonLines;
        }

        /// <summary>What an unsupported file looks like, by its magic number, for the error that says why nothing was read.</summary>
        public static string DescribeUnsupported(ReadOnlySpan<byte> head)
        {
            if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            {
                return "zip archive";
            }

            if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'A' && head[2] == (byte)'R' && head[3] == (byte)'1')
            {
                return "Parquet";
            }

            if (head.Length >= 4 && head[0] == 0x04 && head[1] == 0x22 && head[2] == 0x4d && head[3] == 0x18)
            {
                return "LZ4 frame";
            }

            if (head.Length >= 3 && head[0] == (byte)'B' && head[1] == (byte)'Z' && head[2] == (byte)'h')
            {
                return "bzip2";
            }

            if (head.Length >= 6 && head[0] == 0xfd && head[1] == (byte)'7' && head[2] == (byte)'z' && head[3] == (byte)'X' && head[4] == (byte)'Z')
            {
                return "xz";
            }

            return "binary of no known kind";
        }
    }
}
