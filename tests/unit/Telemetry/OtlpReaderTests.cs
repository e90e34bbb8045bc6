using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Telemetry
{
    public class OtlpReaderTests
    {
        private sealed class AllSink : ISpanSink
        {
            public List<SpanRecord> Spans { get; } = new();

            private readonly SpanMaterializer _m = new();

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Full;

            public void Accept(SpanDraft draft) => Spans.Add(_m.Materialize(draft, withLabel: true));
        }

        private static (List<SpanRecord> Spans, DataQualityCounters Quality) Read(string text)
        {
            var sink = new AllSink();
            var q = new DataQualityCounters();
            new OtlpFileReader().Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), sink, q, CancellationToken.None);
            return (sink.Spans, q);
        }

        private static string OneSpanLine(string traceId, string spanId, string parent = "", string startNanos = "\"1000\"", string endNanos = "\"3000\"", string extra = "") =>
            "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\"" + parent
            + ",\"name\":\"op\",\"kind\":2,\"startTimeUnixNano\":" + startNanos + ",\"endTimeUnixNano\":" + endNanos + extra + "}]}]}]}";

        [Fact]
        public void Int64AsStringsAndAsNumbersBothParse()
        {
            var text = OneSpanLine(Otlp.Trace(1), Otlp.Span(1)) + "\n" + OneSpanLine(Otlp.Trace(2), Otlp.Span(2), startNanos: "1000", endNanos: "3000");
            var (spans, q) = Read(text);
            Assert.Equal(2, spans.Count);
            Assert.All(spans, s => Assert.Equal(2000, s.DurationNanos));
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void IdsInAnyCaseAreTheSameId()
        {
            var upper = OneSpanLine("0000000000000000000000000000ABCD", "00000000000000EF");
            var lower = OneSpanLine("0000000000000000000000000000abcd", "00000000000000ef");
            var (spans, _) = Read(upper + "\n" + lower);
            Assert.Equal(spans[0].TraceId, spans[1].TraceId);
            Assert.Equal(spans[0].SpanId, spans[1].SpanId);
            Assert.Equal("0000000000000000000000000000abcd", spans[0].TraceId.ToString());
        }

        [Fact]
        public void Base64IdsAreDetectedByLength()
        {
            // 16 bytes 0x00..0x0f and 8 bytes 0x01..0x08, base64-encoded as some exporters send them.
            var (spans, q) = Read(OneSpanLine("AAECAwQFBgcICQoLDA0ODw==", "AQIDBAUGBwg="));
            Assert.Single(spans);
            Assert.Equal("000102030405060708090a0b0c0d0e0f", spans[0].TraceId.ToString());
            Assert.Equal(0x0102030405060708UL, spans[0].SpanId);
            Assert.Equal(0, q.InvalidSpans);
        }

        [Fact]
        public void MissingAndEmptyParentBothMeanRoot()
        {
            var (spans, _) = Read(OneSpanLine(Otlp.Trace(1), Otlp.Span(1)) + "\n" + OneSpanLine(Otlp.Trace(1), Otlp.Span(2), ",\"parentSpanId\":\"\""));
            Assert.All(spans, s => Assert.Equal(0UL, s.ParentSpanId));
        }

        [Fact]
        public void TruncatedLineIsCountedAndTheRestIsRead()
        {
            var good = OneSpanLine(Otlp.Trace(1), Otlp.Span(1));
            var truncated = good.Substring(0, good.Length / 2);
            var (spans, q) = Read(truncated + "\n" + good + "\n" + "not json at all\n" + good.Replace(Otlp.Span(1), Otlp.Span(2)));
            Assert.Equal(2, spans.Count);
            Assert.Equal(2, q.MalformedRecords);
        }

        [Fact]
        public void TruncatedLastLineWithoutNewlineIsCounted()
        {
            var good = OneSpanLine(Otlp.Trace(1), Otlp.Span(1));
            var (spans, q) = Read(good + "\n" + good.Substring(0, 40));
            Assert.Single(spans);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void PrettyPrintedDocumentSpanningManyLinesIsRead()
        {
            var line = OneSpanLine(Otlp.Trace(1), Otlp.Span(1));
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var pretty = System.Text.Json.JsonSerializer.Serialize(doc.RootElement, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
            Assert.True(pretty.Split('\n').Length > 10);
            var (spans, q) = Read(pretty + "\n" + line.Replace(Otlp.Span(1), Otlp.Span(2)));
            Assert.Equal(2, spans.Count);
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void CrLfLineEndingsAndByteOrderMarkAreTolerated()
        {
            var line = OneSpanLine(Otlp.Trace(1), Otlp.Span(1));
            var (spans, q) = Read("\uFEFF" + line + "\r\n" + line.Replace(Otlp.Span(1), Otlp.Span(2)) + "\r\n");
            Assert.Equal(2, spans.Count);
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void ResourceAfterItsSpansStillApplies()
        {
            var line = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + Otlp.Trace(1) + "\",\"spanId\":\"" + Otlp.Span(1) + "\",\"name\":\"op\",\"kind\":2,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}],"
                + "\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"late\"}},{\"key\":\"deployment.environment\",\"value\":{\"stringValue\":\"dev\"}}]}}]}";
            var (spans, _) = Read(line);
            Assert.Equal("late", spans[0].Resource.ServiceName);
            Assert.Equal("dev", spans[0].Resource.Environment);
        }

        [Fact]
        public void UnknownFieldsAreIgnoredAndMetricsLinesAreSniffed()
        {
            var traceLine = OneSpanLine(Otlp.Trace(1), Otlp.Span(1), extra: ",\"somethingNew\":{\"deep\":[1,2,{\"x\":null}]},\"events\":[{\"name\":\"e\"}]");
            var metricLine = "{\"resourceMetrics\":[{\"resource\":{},\"scopeMetrics\":[]}]}";
            var (spans, q) = Read(metricLine + "\n" + traceLine);
            Assert.Single(spans);
            Assert.Equal(1, q.MetricRecords);
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void InvalidSpansAreCountedNotKept()
        {
            var negative = OneSpanLine(Otlp.Trace(1), Otlp.Span(1), startNanos: "\"5000\"", endNanos: "\"1000\"");
            var badId = OneSpanLine("xyz", Otlp.Span(2));
            var zeroId = OneSpanLine(Otlp.Trace(1), "0000000000000000");
            var (spans, q) = Read(string.Join("\n", negative, badId, zeroId));
            Assert.Empty(spans);
            Assert.Equal(3, q.InvalidSpans);
        }

        [Fact]
        public void AttributesOfInterestAreReadAndLabelsNormalised()
        {
            var extra = ",\"attributes\":[{\"key\":\"chartly.run.id\",\"value\":{\"stringValue\":\"run-1\"}},{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":429}},{\"key\":\"http.request.resend_count\",\"value\":{\"intValue\":\"2\"}},{\"key\":\"secret\",\"value\":{\"stringValue\":\"hunter2\"}}]";
            var line = OneSpanLine(Otlp.Trace(1), Otlp.Span(1), extra: extra).Replace("\"name\":\"op\"", "\"name\":\"GET /users/12345\"");
            var (spans, _) = Read(line);
            var s = Assert.Single(spans);
            Assert.Equal("run-1", s.Identity.RunId);
            Assert.Equal(429, s.HttpStatusCode);
            Assert.Equal(2, s.ResendCount);
            Assert.Equal("GET /users/{id}", s.Label);
        }

        [Fact]
        public void BinaryFileOfNoTelemetryKindIsCountedUnsupported()
        {
            var sink = new AllSink();
            var q = new DataQualityCounters();
            new OtlpFileReader().Read(new MemoryStream(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00 }), sink, q, CancellationToken.None);
            Assert.Empty(sink.Spans);
            Assert.Equal(1, q.UnsupportedFiles);
            Assert.Equal(0, q.MalformedRecords);
        }

        [Fact]
        public void AGzipStreamThatDoesNotDecompressIsOneMalformedRecord()
        {
            var sink = new AllSink();
            var q = new DataQualityCounters();

            // A valid gzip header, then a deflate block of the reserved type 3.
            var bytes = new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
            new OtlpFileReader().Read(new MemoryStream(bytes), sink, q, CancellationToken.None);
            Assert.Empty(sink.Spans);
            Assert.Equal(0, q.UnsupportedFiles);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void AGarbageFirstLineCostsOneRecordNotTheFile()
        {
            var good = OneSpanLine(Otlp.Trace(1), Otlp.Span(1));
            var (spans, q) = Read("\"spanId\":\"tail of a line cut by rotation\"}]}]}]}\n" + good);
            Assert.Single(spans);
            Assert.Equal(1, q.MalformedRecords);
            Assert.Equal(0, q.UnsupportedFiles);
        }

        [Fact]
        public void ALengthPrefixPastTheEndIsOneMalformedRecordNotAnUnsupportedFile()
        {
            var sink = new AllSink();
            var q = new DataQualityCounters();
            new OtlpFileReader().Read(new MemoryStream(new byte[] { 0x00, 0x00, 0x01, 0x2a, 0x0a, 0x8f, 0x02 }), sink, q, CancellationToken.None);
            Assert.Equal(0, q.UnsupportedFiles);
            Assert.Equal(1, q.MalformedRecords);
        }

        [Fact]
        public void TheRealOpenTelemetryJsSdkOutputParses()
        {
            var path = Path.Combine(Repo.Root, "tests", "fixtures", "otel-js", "traces.jsonl");
            var sink = new AllSink();
            var q = new DataQualityCounters();
            new OtlpFileReader().ReadFile(path, sink, q, CancellationToken.None);
            Assert.Equal(0, q.MalformedRecords);
            Assert.Equal(0, q.InvalidSpans);
            var root = Assert.Single(sink.Spans, s => s.ParentSpanId == 0);
            Assert.Equal("run-js-1", root.Identity.RunId);
            Assert.Equal(1_000_000_000, root.DurationNanos);
            Assert.Contains(sink.Spans, s => s.Label == "transform_a");
        }

        [Fact]
        public void DirectoryListingIsOrdinalAndIncludesRotatedNames()
        {
            using var t = new TempTelemetry();
            t.Write("b.json", OneSpanLine(Otlp.Trace(1), Otlp.Span(1)));
            t.Write("a-2026-11-24T05-02-14.173.json", OneSpanLine(Otlp.Trace(1), Otlp.Span(2)));
            t.Write("sub/c.jsonl", OneSpanLine(Otlp.Trace(1), Otlp.Span(3)));
            t.Write("notes.txt", "ignored");
            var source = new OtlpFileSource(new[] { t.TelemetryDir }, "test");
            var names = source.ListFiles().Select(Path.GetFileName).ToList();
            Assert.Equal(new[] { "a-2026-11-24T05-02-14.173.json", "b.json", "c.jsonl" }, names);
        }
    }
}
