using System;
using System.IO;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// A read-only pass-through that says, each time another <see cref="Step"/> bytes of a file
    /// have been read, how many: progress within a large file that is still being read, counted
    /// in the file's own bytes so the same file gives the same milestones every time.
    /// </summary>
    internal sealed class MilestoneStream : Stream
    {
        /// <summary>Bytes between two milestones.</summary>
        public const long Step = 8L * 1024 * 1024;

        private readonly Stream _inner;
        private readonly Action<long> _milestone;
        private long _read;
        private long _next = Step;

        public MilestoneStream(Stream inner, Action<long> milestone)
        {
            _inner = inner;
            _milestone = milestone;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = _inner.Read(buffer, offset, count);
            _read += n;
            while (_read >= _next)
            {
                _milestone(_next);
                _next += Step;
            }

            return n;
        }

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
    }
}
