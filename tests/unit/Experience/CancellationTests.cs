using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>Ctrl+C: a cancelled token stops a read inside a big file and between files, before the rest is read.</summary>
    public class CancellationTests
    {
        /// <summary>About 16 MB of span lines: sixteen of the reader's 1 MB chunks.</summary>
        private static byte[] BigTelemetry()
        {
            var sb = new StringBuilder();
            var i = 0;
            while (sb.Length < 16 * 1024 * 1024)
            {
                i++;
                sb.Append(Otlp.Line(Otlp.Resource("engine"), new[] { new TestSpan(Otlp.Trace(i), Otlp.Span(i), null, "step", 2, i, i + 1, Otlp.Attrs("chartly.run.id", "run-" + i)) })).Append('\n');
            }

            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        [Fact]
        public void ACancelledTokenStopsABigFileBeforeItIsAllRead()
        {
            var bytes = BigTelemetry();
            using var stream = new CountingStream(new MemoryStream(bytes));
            using var cts = new CancellationTokenSource();
            var sink = new CancellingSink(cts);
            var quality = new DataQualityCounters();

            Assert.ThrowsAny<OperationCanceledException>(() => new OtlpFileReader().Read(stream, sink, quality, cts.Token));

            // Cancelled at the first span: the reader stops at its next chunk, long before the end.
            Assert.True(sink.Accepted >= 1);
            Assert.True(stream.BytesRead < bytes.Length / 4, $"read {stream.BytesRead} of {bytes.Length} bytes after the cancellation");
            Assert.True(quality.BytesRead < bytes.Length / 4);
        }

        [Fact]
        public void ACancelledTokenStopsTheSourceBeforeTheNextFile()
        {
            // Files are read on every core at once, so the files already in flight finish; the
            // ones not started yet are never read.
            using var t = new TempTelemetry();
            var paths = Enumerable.Range(1, 8).Select(i => t.Write($"f{i}.json", Otlp.Line(Otlp.Resource("engine"), new[] { Root(i) }))).ToList();
            using var cts = new CancellationTokenSource();
            var source = new OtlpFileSource(new[] { t.TelemetryDir }, "t")
            {
                // As Ctrl+C would, while the second file is being read.
                Progress = p =>
                {
                    if (p.Current is not null && p.Current.EndsWith("f2.json", StringComparison.Ordinal))
                    {
                        cts.Cancel();
                    }
                },
            };
            var quality = new DataQualityCounters();
            var request = Run.Request("run", "run-1");

            Assert.ThrowsAny<OperationCanceledException>(() => source.FindCandidates(new TargetMatcher(request.Target), request, quality, cts.Token));

            // A token cancelled before the read starts reads nothing at all.
            var untouched = new DataQualityCounters();
            Assert.ThrowsAny<OperationCanceledException>(() => source.FindCandidates(new TargetMatcher(request.Target), request, untouched, cts.Token));
            Assert.Equal(0, untouched.RecordsRead);
            Assert.Equal(8, paths.Count);
        }

        [Fact]
        public void StoppingTheCmdletEndsThePipelineWithoutAProfileOrAnError()
        {
            using var s = new Session();
            using var ps = PowerShell.Create();
            ps.Runspace = s.Runspace;
            ps.AddScript("Get-ChartlyProfile -ConfigPath samples/chartly-profiler.yaml -Environment dev -TargetType workflow -TargetId wf-daily-report -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z");
            var stopRequested = 0;
            ps.Streams.Progress.DataAdded += (_, _) =>
            {
                // The first progress record means the read has begun: press Ctrl+C.
                if (Interlocked.Exchange(ref stopRequested, 1) == 0)
                {
                    ps.BeginStop(null, null);
                }
            };

            var async = ps.BeginInvoke();
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));
            Assert.Equal(1, stopRequested);
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            Assert.Empty(ps.Streams.Error);
        }

        private static TestSpan Root(int n) => new(Otlp.Trace(n), Otlp.Span(n), null, "workflow", 2, n, n + 5, Otlp.Attrs("chartly.run.id", "run-" + n));

        private sealed class CancellingSink : ISpanSink
        {
            private readonly CancellationTokenSource _cts;

            public CancellingSink(CancellationTokenSource cts) => _cts = cts;

            public int Accepted { get; private set; }

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Probe;

            public void Accept(SpanDraft draft)
            {
                Accepted++;
                _cts.Cancel();
            }
        }

        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;

            public CountingStream(Stream inner) => _inner = inner;

            public long BytesRead { get; private set; }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => _inner.Length;

            public override long Position
            {
                get => _inner.Position;
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = _inner.Read(buffer, offset, count);
                BytesRead += n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
