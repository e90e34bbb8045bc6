using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;
using Google.Protobuf;
using ZstdSharp;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>One record's place in its file (for framed files: the record's bytes after its length prefix).</summary>
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

    /// <summary>
    /// Streams one telemetry file record by record without holding it whole, in every layout the
    /// collector's file exporter writes (<see cref="TelemetryLayout"/>): JSON lines (and pretty
    /// documents spanning many lines), length-prefixed records (protobuf or JSON, each optionally
    /// one zstd frame), and whole-file gzip or zstd streams of either. A record that does not parse
    /// is counted and skipped; reading resumes at the next record where the framing allows.
    /// </summary>
    internal sealed class OtlpFileReader
    {
        /// <summary>A record (one line, one pretty document, one framed object, compressed or not) larger than this is counted malformed, not buffered.</summary>
        public const int MaxRecordBytes = 256 * 1024 * 1024;

        private const int ChunkBytes = 1 << 20;

        private readonly int _maxRecordBytes;
        private readonly OtlpRecordParser _parser;
        private readonly PlainRecordReader _plain;
        private readonly OtlpProtoParser _proto;
        private readonly ZstdFrames _frames;
        private readonly LargeRecordGate? _gate;

        // File offset of buffer[0] while a file is read, so each record's byte range is known.
        private long _bufferOffset;

        public OtlpFileReader()
            : this(MaxRecordBytes)
        {
        }

        /// <param name="gate">Shared by the readers of one parallel read: how many may hold a large record at once.</param>
        public OtlpFileReader(LargeRecordGate? gate)
            : this(MaxRecordBytes)
        {
            _gate = gate;
        }

        /// <param name="maxRecordBytes">The bound on one record, before and after decompression.</param>
        public OtlpFileReader(int maxRecordBytes)
        {
            _maxRecordBytes = maxRecordBytes;
            var spans = new SpanBatch();
            _parser = new OtlpRecordParser(spans);
            _plain = new PlainRecordReader(spans);
            _proto = new OtlpProtoParser(spans);
            _frames = new ZstdFrames(maxRecordBytes);
        }

        /// <summary>Where the metric points of every record go (null: metrics are skipped).</summary>
        public IMetricSink? MetricSink
        {
            get => _parser.MetricSink;
            set
            {
                _parser.MetricSink = value;
                _proto.MetricSink = value;
            }
        }

        /// <summary>Told of every record's byte range and whether it parsed (pass one builds its index from this).</summary>
        public IRecordObserver? Observer { get; set; }

        /// <summary>
        /// Pass one's needle pre-filter: JSON records that cannot hold a candidate are skimmed, not
        /// parsed (<see cref="NeedleFilter"/>). Null: every record is parsed. Only for a sink that
        /// probes every trace and keeps candidates of that target alone.
        /// </summary>
        public NeedleFilter? PreFilter { get; set; }

        /// <summary>
        /// Whether JSON span records of plain text are read by <see cref="PlainRecordReader"/>
        /// (the same drafts, sink calls and counts as the parser, faster); false: every record the
        /// pre-filter does not skim is parsed. Only for a sink whose <see cref="ISpanSink.Interest"/>
        /// may be asked twice for a trace of one record.
        /// </summary>
        public bool PlainReader { get; set; } = true;

        /// <summary>How many records this reader's plain-text reader took, in every read so far.</summary>
        public long PlainRecords => _plain.Taken;

        /// <summary>The layout of the file read last (pass two needs it to find records again).</summary>
        public TelemetryLayout Layout { get; private set; }

        /// <summary>What the file read last looked like when its layout is unsupported; null otherwise.</summary>
        public string? UnsupportedKind { get; private set; }

        /// <summary>Told every <see cref="MilestoneStream.Step"/> bytes of the file being read (progress within a large file); null: not told.</summary>
        public Action<long>? Milestone { get; set; }

        public void ReadFile(string path, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            // Read-only by construction: FileAccess.Read, and sharing so a live collector may keep writing.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            using var stream = Milestone is { } milestone ? new MilestoneStream(file, milestone) : (Stream)file;
            Read(stream, sink, quality, cancellation);
        }

        public void Read(Stream stream, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            var raw = new ReplayStream(stream);
            var counted = true;
            try
            {
                var head = raw.Peek(TelemetryLayouts.ProbeBytes);
                var gzip = TelemetryLayouts.IsGzip(head);
                Layout = TelemetryLayouts.Detect(head, allowCompressed: true);
                UnsupportedKind = Layout == TelemetryLayout.Unsupported ? TelemetryLayouts.DescribeUnsupported(head) : null;
                switch (Layout)
                {
                    case TelemetryLayout.JsonLines:
                        ReadLines(raw, sink, quality, cancellation);
                        break;
                    case TelemetryLayout.Framed:
                        ReadFramed(raw, sink, quality, cancellation);
                        break;
                    case TelemetryLayout.Compressed:
                        ReadCompressed(raw, gzip, sink, quality, cancellation);
                        break;
                    default:
                        // Binary content of no kind the exporter writes: not ours to guess at.
                        quality.AddUnsupportedFile();
                        counted = false;
                        break;
                }
            }
            finally
            {
                quality.AddFile(counted ? raw.Consumed : 0);
            }
        }

        /// <summary>
        /// A whole-file gzip or zstd stream: decompressed as it is read (so memory stays one chunk
        /// and one record), its content detected again. Where the stream breaks (corrupt or cut
        /// short), that costs one malformed record and the rest of the file; what came before stays.
        /// </summary>
        private void ReadCompressed(ReplayStream raw, bool gzip, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            try
            {
                using Stream decompressed = gzip
                    ? new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true)
                    : new DecompressionStream(raw, ChunkBytes, checkEndOfStream: true, leaveOpen: true);
                var inner = new ReplayStream(decompressed);
                switch (TelemetryLayouts.Detect(inner.Peek(TelemetryLayouts.ProbeBytes), allowCompressed: false))
                {
                    case TelemetryLayout.JsonLines:
                        ReadLines(inner, sink, quality, cancellation);
                        break;
                    case TelemetryLayout.Framed:
                        ReadFramed(inner, sink, quality, cancellation);
                        break;
                    default:
                        // Compressed twice, or binary of no known kind.
                        quality.AddMalformedRecord();
                        break;
                }
            }
            catch (Exception e) when (e is InvalidDataException or ZstdException or EndOfStreamException)
            {
                // The stream broke where the decompressor stopped: a record is lost there, and the rest.
                _parser.Abort();
                quality.AddMalformedRecord();
            }
        }

        /// <summary>
        /// Length-prefixed records (4 bytes, big-endian, then that many bytes). A prefix past the
        /// bound or past the end of the file loses the framing: that record is malformed and reading
        /// stops. A record that does not decompress or parse is malformed and the next one is read.
        /// The record buffer grows with the bytes that actually arrive, so a lying prefix cannot make
        /// it allocate more than the file holds.
        /// </summary>
        private void ReadFramed(Stream stream, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            var prefix = new byte[4];
            var record = new RecordBuffer(_gate, ChunkBytes);
            long offset = 0;
            try
            {
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var got = ReadFully(stream, prefix, 0, 4);
                    if (got == 0)
                    {
                        return;
                    }

                    var length = ((uint)prefix[0] << 24) | ((uint)prefix[1] << 16) | ((uint)prefix[2] << 8) | prefix[3];
                    if (got < 4 || length > (uint)_maxRecordBytes)
                    {
                        quality.AddMalformedRecord();
                        return;
                    }

                    var filled = 0;
                    while (filled < (int)length)
                    {
                        if (filled == record.Array.Length)
                        {
                            record.Grow((int)Math.Min(length, (long)record.Array.Length * 2), filled, cancellation);
                        }

                        var n = ReadFully(stream, record.Array, filled, (int)Math.Min(length, record.Array.Length) - filled);
                        if (n == 0)
                        {
                            break;
                        }

                        filled += n;
                    }

                    if (filled < (int)length)
                    {
                        // Cut short: the file ends inside the record (or the prefix lies).
                        quality.AddMalformedRecord();
                        return;
                    }

                    var ok = TryParseFramed(record.Array, (int)length, sink, quality);
                    if (!ok)
                    {
                        quality.AddMalformedRecord();
                    }

                    Observer?.OnRecord(offset + 4, (int)length, ok);
                    offset += 4 + length;
                }
            }
            finally
            {
                record.Dispose();
            }
        }

        private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
        {
            var got = 0;
            while (got < count)
            {
                var n = stream.Read(buffer, offset + got, count - got);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }

            return got;
        }

        /// <summary>One framed record: a zstd frame is decompressed (bounded) first; then JSON if it opens an object, else protobuf.</summary>
        private bool TryParseFramed(byte[] buffer, int length, ISpanSink sink, DataQualityCounters quality)
        {
            var record = buffer;
            var recordLength = length;
            if (TelemetryLayouts.IsZstd(new ReadOnlySpan<byte>(buffer, 0, length)))
            {
                if (!_frames.TryDecompress(new ReadOnlySpan<byte>(buffer, 0, length), out record, out recordLength))
                {
                    return false;
                }
            }

            var span = new ReadOnlySpan<byte>(record, 0, recordLength);
            if (span.Length >= 3 && span[0] == 0xEF && span[1] == 0xBB && span[2] == 0xBF)
            {
                span = span.Slice(3);
            }

            if (span.Length > 0 && span[0] == (byte)'{')
            {
                return TryParse(span, sink, quality);
            }

            try
            {
                _proto.Parse(record, 0, recordLength, sink, quality);
                quality.AddRecords(1);
                return true;
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or FormatException)
            {
                _proto.Abort();
                return false;
            }
        }

        /// <summary>One JSON record; false (and nothing kept) when it does not parse.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private bool TryParse(ReadOnlySpan<byte> record, ISpanSink sink, DataQualityCounters quality)
        {
            // Whether the record is plain text is judged once, for the pre-filter and the plain reader alike.
            if (MetricSink is null && (PreFilter is not null || PlainReader) && PlainText.Holds(record)
                && ((PreFilter is { } filter && filter.TrySkim(record, sink, quality)) || (PlainReader && _plain.TryRead(record, sink, quality))))
            {
                quality.AddRecords(1);
                return true;
            }

            try
            {
                _parser.Parse(record, sink, quality);
                quality.AddRecords(1);
                return true;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
            {
                _parser.Abort();
                return false;
            }
        }

        /// <summary>JSON lines, and pretty documents spanning many lines.</summary>
        private void ReadLines(Stream stream, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
        {
            var record = new RecordBuffer(_gate, ChunkBytes);
            var state = new SplitState();
            _bufferOffset = 0;
            try
            {
                var filled = 0;
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var buffer = record.Array;
                    if (filled == buffer.Length)
                    {
                        // One line fills the buffer: grow it (up to the record limit) rather than split a record.
                        if (record.Array.Length >= _maxRecordBytes)
                        {
                            quality.AddMalformedRecord();
                            state.SkipToNextRecord = true;
                            state.Reset();
                            _bufferOffset += filled;
                            filled = 0;
                        }
                        else
                        {
                            record.Grow(record.Array.Length * 2, filled, cancellation);
                        }
                    }

                    buffer = record.Array;
                    var read = stream.Read(buffer, filled, buffer.Length - filled);
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
                record.Dispose();
            }
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
        [MethodImpl(HotPath.Optimised)]
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

        [MethodImpl(HotPath.Optimised)]
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
                    else if (state.PendingLength > _maxRecordBytes)
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
            var ok = TryParse(record, sink, quality);
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
        /// parsed in pass one (a JSON line or document, or a framed record). A range that no longer
        /// parses (the file changed) is skipped. Compressed files have no ranges to seek to: they
        /// are read whole instead.
        /// </summary>
        public void ReadRanges(string path, TelemetryLayout layout, IReadOnlyList<RecordRange> ranges, ISpanSink sink, DataQualityCounters quality, CancellationToken cancellation)
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
                    var got = ReadFully(stream, buffer, 0, r.Length);
                    if (layout == TelemetryLayout.Framed)
                    {
                        if (got == r.Length)
                        {
                            TryParseFramed(buffer, got, sink, quality);
                        }

                        continue;
                    }

                    var record = new ReadOnlySpan<byte>(buffer, 0, got);
                    if (record.Length >= 3 && record[0] == 0xEF && record[1] == 0xBB && record[2] == 0xBF)
                    {
                        record = record.Slice(3);
                    }

                    // A range holds its line's end too: without it, as the sequential read hands the
                    // record on, a record of plain text goes to the plain-text reader and not to the
                    // parser (for which the whitespace around a value means nothing).
                    TryParse(TrimWhitespace(record), sink, quality);
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

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> s)
        {
            var a = 0;
            var b = s.Length;
            while (a < b && IsWs(s[a])) a++;
            while (b > a && IsWs(s[b - 1])) b--;
            return s.Slice(a, b - a);
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        private static bool IsWs(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';
    }
}
