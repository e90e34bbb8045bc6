using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Streams one OTLP/JSON file record by record without holding it whole: the collector's JSON
    /// lines, and also pretty-printed documents spanning many lines. A record that does not parse is
    /// counted and skipped; reading resumes at the next line that starts a record.
    /// </summary>
    /// <summary>One record's place in its file.</summary>
    internal readonly struct RecordRange
    {
        public RecordRange(long offset, int length)
        {
            Offset = offset;
            Length = length;
        }

        public long Offset { get; }

        public int Length { get; }
    }

    internal interface IRecordObserver
    {
        void OnRecord(long offset, int length, bool parsed);
    }

    internal sealed class OtlpFileReader
    {
        /// <summary>A record (one line, or one pretty document) larger than this is counted malformed, not buffered.</summary>
        public const int MaxRecordBytes = 256 * 1024 * 1024;

        private const int ChunkBytes = 1 << 20;

        private readonly OtlpRecordParser _parser = new();

        // File offset of buffer[0] while a file is read, so each record's byte range is known.
        private long _bufferOffset;

        public OtlpRecordParser Parser => _parser;

        /// <summary>Told of every record's byte range and whether it parsed (pass one builds its index from this).</summary>
        public IRecordObserver? Observer { get; set; }

        public void ReadFile(string path, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            // Read-only by construction: FileAccess.Read, and sharing so a live collector may keep writing.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            Read(stream, sink, quality, cancellation);
        }

        public void Read(Stream stream, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            var state = new SplitState();
            long total = 0;
            _bufferOffset = 0;
            try
            {
                var filled = 0;
                var first = true;
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (filled == buffer.Length)
                    {
                        // One line fills the buffer: grow it (up to the record limit) rather than split a record.
                        if (buffer.Length >= MaxRecordBytes)
                        {
                            quality.AddMalformedRecord();
                            state.SkipToNextRecord = true;
                            state.Reset();
                            _bufferOffset += filled;
                            filled = 0;
                        }
                        else
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                    }

                    var read = stream.Read(buffer, filled, buffer.Length - filled);
                    if (first)
                    {
                        first = false;
                        if (read > 0 && LooksBinary(buffer, read))
                        {
                            // Protobuf or compressed output of the file exporter: not ours to guess at.
                            quality.AddUnsupportedFile();
                            return;
                        }
                    }

                    total += read;
                    var end = filled + read;
                    var consumed = ProcessLines(buffer, end, read == 0, sink, quality, ref state);
                    if (read == 0)
                    {
                        break;
                    }

                    var rest = end - consumed;
                    if (rest > 0 && consumed > 0)
                    {
                        Buffer.BlockCopy(buffer, consumed, buffer, 0, rest);
                    }

                    _bufferOffset += consumed;
                    filled = rest;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                quality.AddFile(total);
            }
        }

        /// <summary>
        /// Compressed or protobuf output of the file exporter (gzip, zstd, or length-prefixed
        /// binary with NUL bytes): not ours to guess at. Anything textual is read line by line, so a
        /// garbage first line costs one malformed record, not the file.
        /// </summary>
        private static bool LooksBinary(byte[] buffer, int length)
        {
            if (length >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b)
            {
                return true;
            }

            if (length >= 4 && buffer[0] == 0x28 && buffer[1] == 0xb5 && buffer[2] == 0x2f && buffer[3] == 0xfd)
            {
                return true;
            }

            var probe = Math.Min(length, 4096);
            for (var i = 0; i < probe; i++)
            {
                if (buffer[i] == 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Where the splitter is between chunks: inside a multi-line record or not.</summary>
        private struct SplitState
        {
            public bool Accumulating;
            public bool SkipToNextRecord;
            public int Depth;
            public bool InString;
            public bool Escaped;
            public byte[]? Pending;
            public int PendingLength;
            public long PendingOffset;

            public void Reset()
            {
                Accumulating = false;
                Depth = 0;
                InString = false;
                Escaped = false;
                PendingLength = 0;
            }
        }

        /// <summary>Handles every complete line in buffer[0..end); returns how many bytes were consumed.</summary>
        private int ProcessLines(byte[] buffer, int end, bool atEof, ISpanSink sink, DataQualityCounters quality, ref SplitState state)
        {
            var pos = 0;
            while (pos < end)
            {
                var nl = Array.IndexOf(buffer, (byte)'\n', pos, end - pos);
                int lineEnd;
                int next;
                if (nl < 0)
                {
                    if (!atEof)
                    {
                        break;
                    }

                    lineEnd = end;
                    next = end;
                }
                else
                {
                    lineEnd = nl;
                    next = nl + 1;
                }

                HandleLine(new ReadOnlySpan<byte>(buffer, pos, lineEnd - pos), _bufferOffset + pos, next - pos, sink, quality, ref state);
                pos = next;
            }

            if (atEof && state.Accumulating)
            {
                // The file ended inside a record: truncated.
                quality.AddMalformedRecord();
                state.Reset();
            }

            return pos;
        }

        private void HandleLine(ReadOnlySpan<byte> line, long lineOffset, int lineBytes, ISpanSink sink, DataQualityCounters quality, ref SplitState state)
        {
            if (line.Length > 0 && line[line.Length - 1] == (byte)'\r')
            {
                line = line.Slice(0, line.Length - 1);
            }

            var startsRecord = line.Length > 0 && line[0] == (byte)'{';
            if (line.Length >= 4 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF)
            {
                line = line.Slice(3);
                startsRecord = line.Length > 0 && line[0] == (byte)'{';
            }

            if (state.Accumulating)
            {
                if (startsRecord)
                {
                    // A '{' in column 0 only ever opens a top-level value: the open record was cut short.
                    quality.AddMalformedRecord();
                    state.Reset();
                }
                else
                {
                    Append(ref state, line);
                    Scan(line, ref state);
                    if (state.Depth <= 0 && !state.InString)
                    {
                        ParseRecord(new ReadOnlySpan<byte>(state.Pending, 0, state.PendingLength), state.PendingOffset, (int)(lineOffset + lineBytes - state.PendingOffset), sink, quality);
                        state.Reset();
                    }
                    else if (state.PendingLength > MaxRecordBytes)
                    {
                        quality.AddMalformedRecord();
                        state.Reset();
                        state.SkipToNextRecord = true;
                    }

                    return;
                }
            }

            var trimmed = TrimWhitespace(line);
            if (trimmed.Length == 0)
            {
                return;
            }

            if (state.SkipToNextRecord && !startsRecord)
            {
                return;
            }

            state.SkipToNextRecord = false;
            if (trimmed[0] != (byte)'{')
            {
                quality.AddMalformedRecord();
                state.SkipToNextRecord = true;
                return;
            }

            // Fast path: the collector's one object per line.
            if (trimmed[trimmed.Length - 1] == (byte)'}' && TryParseRecord(trimmed, lineOffset, lineBytes, sink, quality))
            {
                return;
            }

            // Either a pretty-printed document begins here, or the line is broken: the scanner tells.
            state.Reset();
            Scan(trimmed, ref state);
            if (state.Depth > 0)
            {
                state.Accumulating = true;
                state.PendingLength = 0;
                state.PendingOffset = lineOffset;
                Append(ref state, trimmed);
            }
            else
            {
                quality.AddMalformedRecord();
                state.Reset();
            }
        }

        private bool TryParseRecord(ReadOnlySpan<byte> record, long offset, int length, ISpanSink sink, DataQualityCounters quality)
        {
            bool ok;
            try
            {
                _parser.Parse(record, sink, quality);
                quality.AddRecords(1);
                ok = true;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
            {
                _parser.Abort();
                ok = false;
            }

            Observer?.OnRecord(offset, length, ok);
            return ok;
        }

        private void ParseRecord(ReadOnlySpan<byte> record, long offset, int length, ISpanSink sink, DataQualityCounters quality)
        {
            if (!TryParseRecord(record, offset, length, sink, quality))
            {
                quality.AddMalformedRecord();
            }
        }

        /// <summary>
        /// Pass two with an index: parses only the given byte ranges, each one complete record that
        /// parsed in pass one. A range that no longer parses (the file changed) is skipped.
        /// </summary>
        public void ReadRanges(string path, IReadOnlyList<RecordRange> ranges, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.RandomAccess);
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                foreach (var r in ranges)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (r.Length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(r.Length);
                    }

                    stream.Position = r.Offset;
                    var got = 0;
                    while (got < r.Length)
                    {
                        var n = stream.Read(buffer, got, r.Length - got);
                        if (n == 0)
                        {
                            break;
                        }

                        got += n;
                    }

                    var record = new ReadOnlySpan<byte>(buffer, 0, got);
                    if (record.Length >= 3 && record[0] == 0xEF && record[1] == 0xBB && record[2] == 0xBF)
                    {
                        record = record.Slice(3);
                    }

                    try
                    {
                        _parser.Parse(record, sink, quality);
                    }
                    catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
                    {
                        _parser.Abort();
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private static void Append(ref SplitState state, ReadOnlySpan<byte> line)
        {
            var needed = state.PendingLength + line.Length + 1;
            if (state.Pending is null || state.Pending.Length < needed)
            {
                var size = Math.Max(needed, state.Pending is null ? 64 * 1024 : state.Pending.Length * 2);
                var bigger = new byte[size];
                if (state.Pending is not null)
                {
                    Buffer.BlockCopy(state.Pending, 0, bigger, 0, state.PendingLength);
                }

                state.Pending = bigger;
            }

            line.CopyTo(new Span<byte>(state.Pending, state.PendingLength, line.Length));
            state.PendingLength += line.Length;
            state.Pending[state.PendingLength++] = (byte)'\n';
        }

        /// <summary>Tracks bracket depth outside strings, to find where a multi-line value closes.</summary>
        private static void Scan(ReadOnlySpan<byte> line, ref SplitState state)
        {
            foreach (var b in line)
            {
                if (state.InString)
                {
                    if (state.Escaped)
                    {
                        state.Escaped = false;
                    }
                    else if (b == (byte)'\\')
                    {
                        state.Escaped = true;
                    }
                    else if (b == (byte)'"')
                    {
                        state.InString = false;
                    }

                    continue;
                }

                switch (b)
                {
                    case (byte)'"': state.InString = true; break;
                    case (byte)'{':
                    case (byte)'[': state.Depth++; break;
                    case (byte)'}':
                    case (byte)']': state.Depth--; break;
                }
            }

            // A JSON string never spans lines: an open one means the line is broken.
            if (state.InString)
            {
                state.InString = false;
                state.Depth = -1;
            }
        }

        private static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> s)
        {
            var a = 0;
            var b = s.Length;
            while (a < b && IsWs(s[a])) a++;
            while (b > a && IsWs(s[b - 1])) b--;
            return s.Slice(a, b - a);
        }

        private static bool IsWs(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';
    }
}
