using System;
using System.IO;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// A forward-only view of a stream whose first bytes were already read to tell its layout:
    /// gives those bytes again, then the rest. Counts what it took from the stream below, which for
    /// the outermost one is the bytes read from disk.
    /// </summary>
    internal sealed class ReplayStream : Stream
    {
        private readonly Stream _inner;
        private byte[] _head = Array.Empty<byte>();
        private int _headLength;
        private int _headPos;

        public ReplayStream(Stream inner) => _inner = inner;

        /// <summary>Bytes taken from the stream below so far.</summary>
        public long Consumed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>Reads up to <paramref name="count"/> leading bytes (fewer only at the end) and keeps them to replay.</summary>
        public ReadOnlySpan<byte> Peek(int count)
        {
            _head = new byte[count];
            while (_headLength < count)
            {
                var n = _inner.Read(_head, _headLength, count - _headLength);
                if (n == 0)
                {
                    break;
                }

                _headLength += n;
                Consumed += n;
            }

            return new ReadOnlySpan<byte>(_head, 0, _headLength);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_headPos < _headLength)
            {
                var n = Math.Min(count, _headLength - _headPos);
                Buffer.BlockCopy(_head, _headPos, buffer, offset, n);
                _headPos += n;
                return n;
            }

            var read = _inner.Read(buffer, offset, count);
            Consumed += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
