using System;
using System.Linq;
using System.Text;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Tests.Support;
using Chartly.TelemetryGen;
using Xunit;
using ZstdSharp;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>
    /// Broken framed, compressed and protobuf input: each costs the malformed records it holds,
    /// never the file where the framing still holds, never an exception or an unbounded allocation.
    /// </summary>
    public class MalformedLayoutTests
    {
        private static string SpanLine(int n) => Otlp.Line(Otlp.Resource("svc"), new[] { new TestSpan(Otlp.Trace(n), Otlp.Span(n), null, "op", 2, 0, 10 + n) });

        private static byte[] Json(int n) => Encoding.UTF8.GetBytes(SpanLine(n));

        private static byte[] Proto(int n) => OtlpProtoWriter.Convert(Json(n));

        private static byte[] Zstd(byte[] bytes) => new Compressor(3).Wrap(bytes).ToArray();

        private static byte[] Prefix(uint length) => new[] { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length };

        [Fact]
        public void ALengthPrefixPastTheEndCostsOneRecordAndKeepsTheOnesBefore()
        {
            var bytes = LayoutRead.Concat(LayoutRead.Framed(Proto(1), Proto(2)), Prefix(1000), new byte[] { 0x0a, 0x01, 0x02 });
            var (spans, q) = LayoutRead.Spans(bytes);
            Assert.Equal(2, spans.Count);
            Assert.Equal(2, q.RecordsRead);
            Assert.Equal(1, q.MalformedRecords);
            Assert.Equal(bytes.Length, q.BytesRead);
        }

        [Fact]
        public void ATruncatedPrefixAtTheEndIsOneMalformedRecord()
        {
            var (spans, q) = LayoutRead.Spans(LayoutRead.Concat(LayoutRead.Framed(Proto(1)), new byte[] { 0x00, 0x00 }));
            Assert.Single(spans);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void APrefixBeyondTheRecordBoundStopsTheFileWithoutAllocatingIt()
        {
            var (spans, q) = LayoutRead.Spans(LayoutRead.Concat(LayoutRead.Framed(Proto(1)), Prefix(0x0fff_ffff), new byte[16]), new OtlpFileReader(maxRecordBytes: 1 << 20));
            Assert.Single(spans);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void AFrameThatDoesNotDecodeCostsItselfAndTheNextFrameIsRead()
        {
            var garbage = new byte[] { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01 };
            var (spans, q) = LayoutRead.Spans(LayoutRead.Framed(Proto(1), garbage, Proto(3)));
            Assert.Equal(new[] { 1, 3 }, spans.Select(s => (int)s.SpanId));
            Assert.Equal(2, q.RecordsRead);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void AKnownFieldWithTheWrongWireTypeIsMalformed()
        {
            // Span field 7 (start time) as a varint instead of fixed64.
            var span = new byte[] { 0x0a, 0x10 }.Concat(Enumerable.Repeat((byte)1, 16)).Concat(new byte[] { 0x12, 0x08 }).Concat(Enumerable.Repeat((byte)2, 8)).Concat(new byte[] { 0x38, 0x05 }).ToArray();
            var scope = new byte[] { 0x12, (byte)span.Length }.Concat(span).ToArray();
            var resource = new byte[] { 0x12, (byte)scope.Length }.Concat(scope).ToArray();
            var request = new byte[] { 0x0a, (byte)resource.Length }.Concat(resource).ToArray();
            var (spans, q) = LayoutRead.Spans(LayoutRead.Framed(request, Proto(2)));
            Assert.Equal(new[] { 2 }, spans.Select(s => (int)s.SpanId));
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void ARecordThatFailsInsideASpanLeavesNothingBehindForTheNext()
        {
            // A SERVER span (kind 2) whose attribute has its key (field 1) as a varint: the record fails while the span is open.
            var badAttribute = new byte[] { 0x08, 0x01 };
            var span = new byte[] { 0x0a, 0x10 }.Concat(Enumerable.Repeat((byte)1, 16)).Concat(new byte[] { 0x12, 0x08 }).Concat(Enumerable.Repeat((byte)2, 8))
                .Concat(new byte[] { 0x30, 0x02, 0x4a, (byte)badAttribute.Length }).Concat(badAttribute).ToArray();
            var scope = new byte[] { 0x12, (byte)span.Length }.Concat(span).ToArray();
            var resource = new byte[] { 0x12, (byte)scope.Length }.Concat(scope).ToArray();
            var request = new byte[] { 0x0a, (byte)resource.Length }.Concat(resource).ToArray();

            var (spans, q) = LayoutRead.Spans(LayoutRead.Framed(request, Proto(2)));

            Assert.Equal(1, q.MalformedRecords);
            var good = Assert.Single(spans);
            Assert.Equal("svc", good.Resource.ServiceName);
            Assert.Equal("dev", good.Resource.Environment);
        }

        [Fact]
        public void UnknownFieldsAreSkippedAsProtobufAllows()
        {
            // Field 99 (varint) and field 50 (bytes) added to the request: a newer producer's additions.
            var extra = new byte[] { 0x98, 0x06, 0x2a, 0x92, 0x03, 0x03, 0x61, 0x62, 0x63 };
            var (spans, q) = LayoutRead.Spans(LayoutRead.Framed(LayoutRead.Concat(Proto(1), extra)));
            Assert.Equal(new[] { 1 }, spans.Select(s => (int)s.SpanId));
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void ZstdGarbageInAFrameCostsThatRecordOnly()
        {
            var garbage = new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
            var truncated = Zstd(Proto(2)).AsSpan(0, 12).ToArray();
            var (spans, q) = LayoutRead.Spans(LayoutRead.Framed(Zstd(Proto(1)), garbage, truncated, Zstd(Json(4))));
            Assert.Equal(new[] { 1, 4 }, spans.Select(s => (int)s.SpanId));
            Assert.Equal(2, q.MalformedRecords);
        }

        [Fact]
        public void AZstdBombIsRefusedAtTheBoundAndTheNextRecordIsRead()
        {
            // A valid record padded with 8 MiB of spaces (still valid JSON) compresses to a few hundred
            // bytes; the reader's bound here is 1 MiB, so it is refused although it would parse.
            var padded = new byte[8 << 20];
            Array.Fill(padded, (byte)' ');
            Json(1).CopyTo(padded, 0);
            var bomb = Zstd(padded);
            Assert.Single(LayoutRead.Spans(LayoutRead.Framed(bomb)).Spans);
            Assert.True(bomb.Length < 4096);
            var (spans, q) = LayoutRead.Spans(LayoutRead.Framed(bomb, Zstd(Proto(2))), new OtlpFileReader(maxRecordBytes: 1 << 20));
            Assert.Equal(new[] { 2 }, spans.Select(s => (int)s.SpanId));
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void AWholeFileZstdStreamCutShortKeepsTheRecordsBeforeTheCut()
        {
            // Enough lines for several zstd blocks, so some decode before the cut.
            var lines = string.Join("\n", Enumerable.Range(1, 3000).Select(SpanLine)) + "\n";
            var stream = Zstd(Encoding.UTF8.GetBytes(lines));
            var (spans, q) = LayoutRead.Spans(stream.AsSpan(0, stream.Length * 3 / 4).ToArray());
            Assert.InRange(spans.Count, 1, 2999);
            Assert.Equal(1, q.MalformedRecords);
            Assert.Equal(0, q.UnsupportedFiles);
        }

        [Fact]
        public void AWholeFileGzipCutShortKeepsTheRecordsBeforeTheCut()
        {
            var lines = string.Join("\n", Enumerable.Range(1, 200).Select(SpanLine)) + "\n";
            var gz = CollectorFiles.Write(Encoding.UTF8.GetBytes(lines), CollectorFormat.JsonGzip);
            var (spans, q) = LayoutRead.Spans(gz.AsSpan(0, gz.Length / 2).ToArray());
            Assert.InRange(spans.Count, 1, 199);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void ConcatenatedZstdFramesReadAsOneStream()
        {
            // The collector's native compression with rotation: each written line its own frame.
            var lines = string.Join("\n", Enumerable.Range(1, 3).Select(SpanLine)) + "\n";
            var (spans, q) = LayoutRead.Spans(CollectorFiles.Write(Encoding.UTF8.GetBytes(lines), CollectorFormat.JsonZstdFrames));
            Assert.Equal(new[] { 1, 2, 3 }, spans.Select(s => (int)s.SpanId));
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void CompressedTwiceIsNotGuessedAt()
        {
            var lines = Encoding.UTF8.GetBytes(SpanLine(1) + "\n");
            var (spans, q) = LayoutRead.Spans(Zstd(CollectorFiles.Write(lines, CollectorFormat.JsonGzip)));
            Assert.Empty(spans);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void TheFileNamesThatAreRead()
        {
            foreach (var name in new[] { "a.json", "a.jsonl", "a.pb", "a.proto", "a.binpb", "a.json.gz", "a.jsonl.gz", "a.pb.zst", "a.json.zstd", "a.zst", "traces-2026-11-24T10-30-00.000.pb" })
            {
                Assert.True(OtlpFileSource.IsTelemetryFile(name), name);
            }

            foreach (var name in new[] { "notes.txt", "a.gz", "a.tar.gz", "a.json.bak", "README.md" })
            {
                Assert.False(OtlpFileSource.IsTelemetryFile(name), name);
            }

        }
    }
}
