using System;
using System.Buffers;
using ZstdSharp;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Decompresses one record's zstd frame (the collector's legacy per-record compression) into a
    /// reused buffer that grows as output arrives, never past the record bound: an object that
    /// would decompress further (a zstd bomb) is refused as soon as it crosses the bound, after
    /// at most that many bytes were allocated. The decompressor is reused across records; its native
    /// context is a SafeHandle, released with the reader.
    /// </summary>
    internal sealed class ZstdFrames
    {
        private readonly int _maxBytes;
        private Decompressor? _decompressor;
        private byte[] _output = Array.Empty<byte>();

        public ZstdFrames(int maxBytes) => _maxBytes = maxBytes;

        /// <summary>False when the frame is corrupt, truncated or decompresses past the bound.</summary>
        public bool TryDecompress(ReadOnlySpan<byte> frame, out byte[] output, out int length)
        {
            output = _output;
            length = 0;
            var d = _decompressor ??= new Decompressor();
            d.ResetStream();
            var consumed = 0;
            while (true)
            {
                if (length == _output.Length)
                {
                    if (_output.Length >= _maxBytes)
                    {
                        return false;
                    }

                    Grow(length);
                }

                OperationStatus status;
                try
                {
                    status = d.UnwrapStream(frame.Slice(consumed), new Span<byte>(_output, length, _output.Length - length), out var took, out var wrote);
                    consumed += took;
                    length += wrote;
                }
                catch (ZstdException)
                {
                    return false;
                }

                output = _output;
                switch (status)
                {
                    case OperationStatus.Done when consumed == frame.Length:
                        return true;
                    case OperationStatus.Done:
                        d.ResetStream(); // concatenated frames: one record split into several
                        break;
                    case OperationStatus.DestinationTooSmall:
                        break;
                    default:
                        return false; // NeedMoreData: truncated; InvalidData: corrupt
                }
            }
        }

        private void Grow(int keep)
        {
            var size = (int)Math.Min(_maxBytes, Math.Max(64L * 1024, (long)_output.Length * 2));
            var bigger = new byte[size];
            Buffer.BlockCopy(_output, 0, bigger, 0, keep);
            _output = bigger;
        }
    }
}
