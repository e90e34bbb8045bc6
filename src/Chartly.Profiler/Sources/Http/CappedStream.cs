using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// A response body that stops being read past its cap (SourceMalformedResponse, exit 4): an
    /// endless or oversized answer costs at most the cap in memory, whatever Content-Length says.
    /// </summary>
    internal sealed class CappedStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _max;
        private readonly string _source;
        private long _read;

        public CappedStream(Stream inner, long max, string source)
        {
            _inner = inner;
            _max = max;
            _source = source;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int n)
        {
            _read += n;
            if (_read > _max)
            {
                throw SourceErrors.Malformed(_source, $"the answer is larger than {InputFile.Mib(_max)} (max-response-mb)");
            }

            return n;
        }
    }
}
