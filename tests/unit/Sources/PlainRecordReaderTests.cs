using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Chartly.Profiler.Tests.Governance;
using Chartly.Profiler.Tests.Support;
using Xunit;
using static Chartly.Profiler.Tests.Sources.NeedleFilterTests;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The plain-text reader (docs/performance.md, "The plain-text reader") reads what the parser
    /// reads: wherever it takes a record, the drafts, the calls to the sink and the counts are the
    /// parser's, on every sample and fixture, on each trap, and on mutated records. That the profiles
    /// are the same is NeedleFilterTests' comparison of every target with <c>pre-filter</c> on and off.
    /// </summary>
    public class PlainRecordReaderTests
    {
        private const string T2 = "4bf92f3577b34da6a3ce929d0e0e4736";
        private const string T3 = "5b8efff798038103d269b633813fc60c";

        private static string Value(string key, string value) => "{\"key\":\"" + key + "\",\"value\":" + value + "}";

        private static string Status(string status) => Record(Span().Replace(",\"status\":{}}", ",\"status\":" + status + "}", StringComparison.Ordinal));

        /// <summary>Each trap, whether the reader takes it in every interest mode, and the line.</summary>
        public static IEnumerable<object[]> Traps()
        {
            var http = "http.response.status_code";
            var spans3 = Span(Attr("chartly.run.id", "r1")) + "," + Span(trace: "\"" + T2 + "\"") + "," + Span(trace: "\"" + T3 + "\"", extra: ",\"name\":\"second\"");
            var cases = new (string Name, bool Taken, string Line)[]
            {
                ("kinds as numbers 0 to 5", true, Record(string.Join(",", Enumerable.Range(0, 6).Select(k => Span(extra: ",\"kind\":" + k))))),
                ("kinds out of range", true, Record(Span(extra: ",\"kind\":6") + "," + Span(extra: ",\"kind\":-1") + "," + Span(extra: ",\"kind\":99999999999") + "," + Span(extra: ",\"kind\":-0"))),
                ("kinds as strings", true, Record(string.Join(",", new[] { "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER", "UNSPECIFIED", "server" }.Select(k => Span(extra: ",\"kind\":\"SPAN_KIND_" + k + "\""))))),
                ("kinds of other types", true, Record(Span(extra: ",\"kind\":null") + "," + Span(extra: ",\"kind\":true") + "," + Span(extra: ",\"kind\":[1]") + "," + Span(extra: ",\"kind\":{\"k\":2}"))),
                ("a kind of 2.0", false, Record(Span(extra: ",\"kind\":2.0"))),
                ("a kind of 2e0", false, Record(Span(extra: ",\"kind\":2e0"))),
                ("status codes as numbers", true, Status("{\"code\":2}") + "\n" + Status("{\"code\":-7}") + "\n" + Status("{\"message\":\"m\",\"code\":1}")),
                ("status codes as strings", true, Status("{\"code\":\"STATUS_CODE_ERROR\"}") + "\n" + Status("{\"code\":\"STATUS_CODE_OK\"}") + "\n" + Status("{\"code\":\"STATUS_CODE_UNSET\"}")),
                ("a status code past int32 or null keeps the one before", true, Status("{\"code\":2,\"code\":99999999999}") + "\n" + Status("{\"code\":2,\"code\":null}") + "\n" + Status("{\"code\":2,\"code\":[]}")),
                ("a status that is no object", true, Status("\"x\"") + "\n" + Status("[2]") + "\n" + Status("null") + "\n" + Status("{}")),
                ("a status repeated", true, Record(Span(extra: ",\"status\":{\"code\":2}") .Replace(",\"status\":{}}", ",\"status\":{\"code\":1}}"))),
                ("a status code of 1.0", false, Status("{\"code\":1.0}")),
                ("a value before its key", true, Record(Span("{\"value\":{\"stringValue\":\"comp\"},\"key\":\"chartly.component\"}," + "{\"value\":{\"stringValue\":\"r9\"},\"key\":\"chartly.run.id\"}"))),
                ("keys that are no string", true, Record(Span("{\"key\":5,\"value\":{\"stringValue\":\"x\"}},{\"key\":null,\"value\":{\"stringValue\":\"x\"}},{\"value\":{\"stringValue\":\"y\"}}"))),
                ("a key repeated", true, Record(Span("{\"key\":\"chartly.component\",\"key\":\"other\",\"value\":{\"stringValue\":\"x\"}},{\"key\":\"other\",\"key\":\"chartly.component\",\"value\":{\"stringValue\":\"y\"}}"))),
                ("a value repeated, the second no object", true, Record(Span("{\"key\":\"chartly.component\",\"value\":{\"stringValue\":\"x\"},\"value\":5}," + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"a\"},\"value\":{\"stringValue\":\"b\"}}"))),
                ("array, map and bytes values", true, Record(Span(Value("chartly.component", "{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"}]}}") + "," + Value("service.name", "{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"b\"}}]}}") + "," + Value("chartly.run.id", "{\"bytesValue\":\"AAEC\"}")))),
                ("intValue as a string and as a number", true, Record(Span(Value(http, "{\"intValue\":\"503\"}") + "," + Value("http.request.resend_count", "{\"intValue\":2}")) + "," + Span(Value(http, "{\"intValue\":\"x5\"}") + "," + Value("http.status_code", "{\"intValue\":-3}")))),
                ("intValue past int32, and of other types", true, Record(Span(Value(http, "{\"intValue\":\"99999999999\"}")) + "," + Span(Value(http, "{\"intValue\":true}")) + "," + Span(Value(http, "{\"stringValue\":\"404\",\"intValue\":null}")))),
                ("intValue of 19 and 20 digits as a number", true, Record(Span(Value(http, "{\"intValue\":1234567890123456789}")) + "," + Span(Value(http, "{\"intValue\":-12345678901234567890}")))),
                ("intValue as a fraction", false, Record(Span(Value(http, "{\"intValue\":5.0}")))),
                ("boolValue of other types", true, Record(Span(Value("chartly.component", "{\"boolValue\":\"true\"}") + "," + Value("service.name", "{\"boolValue\":true}") + "," + Value(http, "{\"boolValue\":false}")))),
                ("stringValue that is no string keeps the one before", true, Record(Span(Value("chartly.component", "{\"stringValue\":\"a\",\"stringValue\":5}") + "," + Value("service.name", "{\"stringValue\":null}")))),
                ("a doubleValue read", false, Record(Span(Value(http, "{\"doubleValue\":404}")))),
                ("a doubleValue of an unread key", true, Record(Span(Value("some.ratio", "{\"doubleValue\":0.25}")))),
                ("attributes that are no array, and elements no object", true, Record(Span(extra: ",\"attributes\":{}") + "," + Span(extra: ",\"attributes\":null") + "," + Span("5,[],null,\"x\"," + Attr("chartly.component", "c")))),
                ("resource null", true, "{\"resourceSpans\":[{\"resource\":null,\"scopeSpans\":[{\"spans\":[" + Span() + "]}]}]}"),
                ("resource absent", true, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + Span() + "]}]}]}"),
                ("resource after the spans", true, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + Span() + "]}],\"resource\":{\"attributes\":[" + Attr("service.name", "late") + "," + Attr("chartly.run.id", "r-late") + "]}}]}"),
                ("resource twice, and null last", true, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + Attr("service.name", "a") + "]},\"scopeSpans\":[{\"spans\":[" + Span() + "]}],\"resource\":{\"attributes\":[" + Attr("k8s.pod.name", "p") + "]}},{\"resource\":{\"attributes\":[" + Attr("service.name", "b") + "]},\"resource\":null,\"scopeSpans\":[{\"spans\":[" + Span() + "]}]}]}"),
                ("resource attributes of every kind, in both orders", true, Record(Span(), string.Join(",", new[] { "k8s.node.name", "host.name", "service.namespace", "k8s.namespace.name", "deployment.environment", "deployment.environment.name", "service.version", "k8s.container.name", "chartly.workflow.id", "chartly.workflow.name", "chartly.operation.id", "chartly.connector.id", "chartly.connector.run.id" }.Select((k, i) => Attr(k, "v" + i)))) + "\n" + Record(Span(), Attr("host.name", "h") + "," + Attr("k8s.node.name", "n") + "," + Attr("k8s.namespace.name", "ns") + "," + Attr("service.namespace", "sn"))),
                ("a resource that is a string", false, "{\"resourceSpans\":[{\"resource\":\"x\",\"scopeSpans\":[{\"spans\":[" + Span() + "]}]}]}"),
                ("name before traceId, three traces", true, Record("{\"name\":\"early\",\"traceId\":\"" + T2 + "\",\"spanId\":\"b7ad6b7169203331\",\"startTimeUnixNano\":\"1795514400000000000\",\"endTimeUnixNano\":\"1795514400010000000\"}," + spans3)),
                ("fields after a trace id, in every interest", true, Record(string.Join(",", new[] { T1, T2, T3, "0af7651916cd43dd8448eb211c80319d", "0af7651916cd43dd8448eb211c80319e" }.Select(t => Span(Attr("chartly.component", "c") + "," + Attr("chartly.run.id", "r"), trace: "\"" + t + "\"", extra: ",\"name\":\"n2\",\"kind\":\"SPAN_KIND_SERVER\",\"status\":{\"code\":2}"))))),
                ("a trace id repeated", true, Record(Span(extra: ",\"traceId\":\"" + T2 + "\",\"name\":\"x\"") + "," + Span(extra: ",\"traceId\":\"zz\""))),
                ("parents empty, null, a number, not hex, base64", true, Record(Span(parent: "\"\"") + "," + Span(parent: "null") + "," + Span(parent: "5") + "," + Span(parent: "\"zz\"") + "," + Span(parent: "\"t61rcWkgMzE=\"") + "," + Span(extra: ",\"parentSpanId\":null") + "," + Span(extra: ",\"parentSpanId\":\"\""))),
                ("invalid ids", true, Record(Span(trace: "\"0af7651916cd43dd\"") + "," + Span(span: "\"b7ad6b71692033zz\"") + "," + Span(trace: "null", span: "[]") + "," + Span(span: "\"0000000000000000\"") + "," + Span(trace: "\"CvdlGRbNQ92ESOshHIAxnA==\"", span: "\"t61rcWkgMzE=\""))),
                ("non-ASCII UTF-8 names, keys and values", true, Record(Span(Attr("chartly.component", "caf\u00e9 \u6f22\u5b57 \U0001F600") + "," + Attr("k\u00e9y", "v"), extra: ",\"name\":\"\u00fcber \u6f22\u5b57 \U0001F600\""), Attr("service.name", "s\u00e9rvice"))),
                ("times as numbers and odd strings", true, Record(Span(start: "1795514400000000000", end: "1795514400010000000") + "," + Span(start: "5", end: "-0") + "," + Span(start: "\"+5\"", end: "\"-5\"") + "," + Span(start: "\"99999999999999999999\"", end: "\"0001795514400000000000\""))),
                ("times at and past int64 as numbers", true, Record(Span(start: "\"1795514400000000000\"", end: "9223372036854775807") + "," + Span(end: "9223372036854775808") + "," + Span(start: "-9223372036854775808", end: "18446744073709551616"))),
                ("a time as a fraction", false, Record(Span(end: "1795514400010000000.0"))),
                ("a metric record", false, "{\"resourceMetrics\":[]}"),
                ("spans and metrics in one record", false, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + Span() + "]}]}],\"resourceMetrics\":[]}"),
                ("other fields around the spans", true, "{\"x\":[1,{\"y\":null}],\"resourceSpans\":[{\"schemaUrl\":\"s\",\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[" + Span() + "],\"schemaUrl\":\"u\"}]}],\"z\":true}"),
                ("empty arrays and objects", true, "{\"resourceSpans\":[]}\n{\"resourceSpans\":[{}]}\n{\"resourceSpans\":[{\"scopeSpans\":[]}]}\n{\"resourceSpans\":[{\"scopeSpans\":[{}]}]}\n{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{}]}]}]}\n{}"),
                ("nesting 30 deep in an attribute", true, Record(Span(Value("chartly.component", new string('[', 30) + new string(']', 30))))),
                ("nesting 45 deep in an attribute (the parser takes it)", false, Record(Span(Value("chartly.component", new string('[', 45) + new string(']', 45))))),
                ("nesting 60 deep in an attribute (the parser fails)", false, Record(Span(Value("chartly.component", new string('[', 60) + new string(']', 60))))),
                ("spaces between tokens", true, "{ \"resourceSpans\" : [ { \"resource\" : { \"attributes\" : [ { \"key\" : \"service.name\" , \"value\" : { \"stringValue\" : \"s\" } } ] } , \"scopeSpans\" : [ { \"spans\" : [ { \"traceId\" : \"" + T1 + "\" , \"kind\" : 2 , \"status\" : { \"code\" : 2 } , \"attributes\" : [ ] } ] } ] } ] } "),
            };

            return cases.Select(c => new object[] { c.Name, c.Taken, c.Line });
        }

        /// <summary>One line as bytes, without the line break <see cref="NeedleFilterTests.Bytes"/> ends it with.</summary>
        private static byte[] Line(string line) => Bytes(line)[..^1];

        [Theory]
        [MemberData(nameof(Traps))]
        public void EachTrapIsReadAsTheParserReadsIt(string name, bool taken, string lines)
        {
            var all = true;
            foreach (var line in lines.Split('\n'))
            {
                all &= ReaderComparison.AssertSame(Line(line), name);
            }

            Assert.True(all == taken, $"{name}: the plain reader {(all ? "took" : "left")} it");
        }

        [Theory]
        [MemberData(nameof(NeedleFilterTests.Traps), MemberType = typeof(NeedleFilterTests))]
        public void EachPreFilterTrapIsReadAsTheParserReadsIt(string name, string lines)
        {
            foreach (var line in lines.Split('\n'))
            {
                ReaderComparison.AssertSame(Line(line), name);
            }
        }

        [Fact]
        public void EverySampleAndFixtureRecordIsReadAsTheParserReadsIt()
        {
            var files = new[] { "samples", Path.Combine("tests", "fixtures") }
                .SelectMany(d => Directory.GetFiles(Path.Combine(Repo.Root, d), "*.json*", SearchOption.AllDirectories))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            var taken = 0;
            foreach (var file in files)
            {
                var bytes = File.ReadAllBytes(file);
                foreach (var line in bytes.Split((byte)'\n'))
                {
                    taken += ReaderComparison.AssertSame(line, Path.GetFileName(file)) ? 1 : 0;
                }

                // Whole, through the file reader: compressed and framed files too.
                FilterComparison.AssertSame(bytes, "service", "absent", Path.GetFileName(file));
            }

            Assert.True(taken > 30, "records taken by the plain reader: " + taken);
        }

        [Fact]
        public void MutatedRecordsAreReadAsTheParserReadsThemWhereverTheReaderTakesThem()
        {
            // The fuzz's mutations of real span records (one a line: a pretty document is never plain text), each line compared on its own.
            var seeds = OtlpFuzzTests.Seeds().Where(s => s.AsSpan().StartsWith("{\"resourceSpans\""u8)).ToList();
            var rng = new Random(1616);
            var taken = 0;
            var lines = 0;
            for (var i = 0; i < OtlpFuzzTests.Iterations; i++)
            {
                foreach (var line in OtlpFuzzTests.Mutate(rng, seeds).Split((byte)'\n'))
                {
                    lines++;
                    taken += ReaderComparison.AssertSame(line, $"iteration {i}") ? 1 : 0;
                }
            }

            // Both sides were reached: records taken, and records left to the parser.
            Assert.True(taken > 300 && taken < lines - 300, $"records taken by the plain reader: {taken} of {lines}");
        }
    }
}
