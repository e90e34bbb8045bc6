using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The first pass's needle pre-filter (docs/performance.md, "The needle pre-filter") is exact:
    /// pass one with it counts, indexes and finds what pass one without it does, byte for byte,
    /// on every sample and fixture and on each trap a byte search could fall into.
    /// </summary>
    public class NeedleFilterTests
    {
        internal const string T1 = "0af7651916cd43dd8448eb211c80319c";
        private const string S1 = "b7ad6b7169203331";
        private const string S2 = "00f067aa0ba902b7";

        private static readonly (string Type, string Id)[] Targets =
        {
            ("run", "run-1004"),
            ("run", "run-absent"),
            ("workflow", "wf-1"),
            ("operation", "op-1"),
            ("connector", "conn-1"),
            ("connector", "conn-1/cr-1"),
            ("service", "svc-a"),
            ("service", "core/svc-a"),
        };

        internal static string Record(string spans, string resource = "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc-a\"}}") =>
            "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + resource + "]},\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[" + spans + "]}]}]}";

        internal static string Span(string attributes = "", string trace = "\"" + T1 + "\"", string span = "\"" + S1 + "\"", string parent = "\"" + S2 + "\"", string start = "\"1795514400000000000\"", string end = "\"1795514400010000000\"", string extra = "") =>
            "{\"traceId\":" + trace + ",\"spanId\":" + span + ",\"parentSpanId\":" + parent + ",\"name\":\"work\",\"kind\":2,\"startTimeUnixNano\":" + start + ",\"endTimeUnixNano\":" + end + extra + ",\"attributes\":[" + attributes + "],\"status\":{}}";

        internal static string Attr(string key, string value) => "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";

        /// <summary>Each trap, as one line; "&lt;FF&gt;" stands for the raw byte 0xFF (invalid UTF-8).</summary>
        public static IEnumerable<object[]> Traps()
        {
            var run = Attr("chartly.run.id", "run-1004");
            var other = Attr("chartly.run.id", "run-9");
            var cases = new (string Name, string Line)[]
            {
                ("plain record of another run", Record(Span(other))),
                ("the target's run on the span", Record(Span(run))),
                ("escaped value spelling the run id", Record(Span(Attr("chartly.run.id", "\\u0072un-1004")))),
                ("escaped value spelling the service", Record(Span(run), Attr("service.name", "sv\\u0063-a"))),
                ("escaped key naming the run id", Record(Span(Attr("chartly.run\\u002eid", "run-1004")))),
                ("escaped key naming another run", Record(Span(Attr("chartly.run\\u002eid", "run-9")))),
                ("identity on the resource", Record(Span(), Attr("service.name", "svc-a") + "," + run)),
                ("identity on the resource, escaped", Record(Span(), Attr("service.name", "svc-a") + "," + Attr("chartly.run.id", "run-100\\u0034"))),
                ("environment on the resource, legacy key", Record(Span(run), Attr("service.name", "svc-a") + "," + Attr("deployment.environment", "dev"))),
                ("environment on the span", Record(Span(run + "," + Attr("deployment.environment.name", "prod")))),
                ("connector ids on the resource", Record(Span(), Attr("chartly.connector.id", "conn-1") + "," + Attr("chartly.connector.run.id", "cr-1"))),
                ("workflow name and operation on the span", Record(Span(Attr("chartly.workflow.name", "wf-1") + "," + Attr("chartly.operation.id", "op-1")))),
                ("service in another namespace", Record(Span(), Attr("service.name", "svc-a") + "," + Attr("k8s.namespace.name", "other"))),
                ("the run id only as a span name", Record(Span(other, extra: ",\"name\":\"run-1004\""))),
                ("the run id as an integer value", Record(Span("{\"key\":\"chartly.run.id\",\"value\":{\"intValue\":\"1004\"}}"))),
                ("\\u escape in a trace id", Record(Span(other, trace: "\"\\u0030af7651916cd43dd8448eb211c80319c\""))),
                ("\\u escape in a span id", Record(Span(other, span: "\"\\u0062\\u0037ad6b7169203331\""))),
                ("\\u escape in a parent id", Record(Span(other, parent: "\"\\u0030\\u0030f067aa0ba902b7\""))),
                ("malformed attribute array: trailing comma", Record(Span(other + ","))),
                ("malformed attribute array: missing comma", Record(Span("{\"key\":\"a\" \"value\":{\"stringValue\":\"x\"}}"))),
                ("malformed attribute array: bad literal", Record(Span("{\"key\":\"a\",\"value\":{\"boolValue\":tru}}"))),
                ("malformed attribute array: leading zero", Record(Span("{\"key\":\"a\",\"value\":{\"intValue\":01}}"))),
                ("malformed attribute array: bare minus", Record(Span("{\"key\":\"a\",\"value\":{\"doubleValue\":-}}"))),
                ("malformed attribute array: fraction without digits", Record(Span("{\"key\":\"a\",\"value\":{\"doubleValue\":1.}}"))),
                ("malformed attribute array: tab inside a string", Record(Span(Attr("a", "x\ty")))),
                ("invalid UTF-8 in an attribute value", Record(Span(Attr("a", "x<FF>y") + "," + other))),
                ("invalid UTF-8 in a kept attribute value", Record(Span(Attr("chartly.component", "x<FF>y")))),
                ("non-ASCII text", Record(Span(Attr("chartly.component", "caf\u00e9 \u6f22\u5b57 \U0001F600") + "," + other))),
                ("deep nesting inside an attribute (50)", Record(Span(Attr("a", "x") + "," + "{\"key\":\"n\",\"value\":" + new string('[', 50) + new string(']', 50) + "}"))),
                ("deep nesting inside an attribute (70)", Record(Span(Attr("a", "x") + "," + "{\"key\":\"n\",\"value\":" + new string('[', 70) + new string(']', 70) + "}"))),
                ("times as numbers", Record(Span(other, start: "1795514400000000000", end: "1795514400010000000"))),
                ("times as short numbers", Record(Span(other, start: "5", end: "7"))),
                ("times as fractions and exponents", Record(Span(other, start: "1.7955144e18", end: "1795514400010000000.0"))),
                ("times past int64", Record(Span(other, start: "\"99999999999999999999\"", end: "18446744073709551616"))),
                ("times of 19 digits past int64, and at its limit", Record(Span(other, start: "\"9999999999999999999\"") + "," + Span(other, end: "\"9223372036854775807\"") + "," + Span(other, start: "\"0001795514400000000000\""))),
                ("upper-case and mixed-case hex ids, and hex-like letters", Record(Span(other, trace: "\"0AF7651916CD43DD8448EB211C80319C\"", span: "\"B7aD6b7169203331\"") + "," + Span(other, span: "\"g7ad6b7169203331\"") + "," + Span(other, parent: "\"00F067AA0BA902B:\""))),
                ("times negative, null, an object", Record(Span(other, start: "-5", end: "null") + "," + Span(other, start: "{}", end: "[1]"))),
                ("times with a sign or spaces in the string", Record(Span(other, start: "\"+1795514400000000000\"", end: "\" 1795514400010000000\""))),
                ("end before start, and a year long", Record(Span(other, start: "\"1795514400010000000\"", end: "\"1795514400000000000\"") + "," + Span(other, end: "\"1827050400000000000\""))),
                ("parent null, empty, a number, not hex", Record(Span(other, parent: "null") + "," + Span(other, parent: "\"\"") + "," + Span(other, parent: "5") + "," + Span(other, parent: "\"zz\""))),
                ("ids of the wrong type or value", Record(Span(other, trace: "5") + "," + Span(other, span: "null") + "," + Span(other, span: "\"0000000000000000\"") + "," + Span(other, trace: "\"00000000000000000000000000000000\""))),
                ("base64 ids", Record(Span(other, trace: "\"CvdlGRbNQ92ESOshHIAxnA==\"", span: "\"t61rcWkgMzE=\""))),
                ("repeated fields, last one wins", Record(Span(other, extra: ",\"traceId\":\"xx\",\"spanId\":\"" + S2 + "\",\"startTimeUnixNano\":\"1795514400005000000\""))),
                ("a span without fields and one that is no object", Record("{}," + Span(other))),
                ("a span that is a number", Record("1")),
                ("spans that are no array", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":{}}]}]}"),
                ("scope spans that are no array", "{\"resourceSpans\":[{\"scopeSpans\":{}}]}"),
                ("legacy instrumentationLibrarySpans", "{\"resourceSpans\":[{\"resource\":null,\"instrumentationLibrarySpans\":[{\"spans\":[" + Span(other) + "]}]}]}"),
                ("resource null", "{\"resourceSpans\":[{\"resource\":null,\"scopeSpans\":[{\"spans\":[" + Span(other) + "]}]}]}"),
                ("resource that is a string", "{\"resourceSpans\":[{\"resource\":\"x\",\"scopeSpans\":[{\"spans\":[" + Span(other) + "]}]}]}"),
                ("resource spans null", "{\"resourceSpans\":null}"),
                ("resource spans an object", "{\"resourceSpans\":{}}"),
                ("resource spans twice", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + Span(other) + "]}]}],\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + Span(other) + "]}]}]}"),
                ("an empty record and another field", "{}\n{\"x\":[1,{\"y\":null}],\"resourceSpans\":[]}"),
                ("a metric record", "{\"resourceMetrics\":[]}"),
                ("content after the record", Record(Span(other)) + " x"),
                ("a second closing brace", Record(Span(other)) + "}"),
                ("spaces between tokens", "{ \"resourceSpans\" : [ { \"scopeSpans\" : [ { \"spans\" : [ " + Span(other) + " ] } ] } ] }"),
                ("a record cut short", Record(Span(other)).Substring(0, 150)),
                ("a pretty-printed record", "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": [{\"spans\": [" + Span(other) + "]}]}\n  ]\n}"),
                ("a short id whose next quote falls where a full id would end", Record(Span(other, trace: "\"0af7651916cd43dd\",\"kkkkkkkkkkkkk\":1", span: "\"b7ad6b71\",\"kkkkk\":1", start: "\"1795514400\",\"kkkkkk\":1"))),
                ("strings of every length around the word size", Record(Span(string.Join(",", Enumerable.Range(0, 42).Select(n => Attr("k" + new string('x', n), new string('v', n)))) + "," + other))),
                ("kind and status in every spelling", Record(Span(other, extra: ",\"kind\":\"SPAN_KIND_SERVER\",\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"m\"}") + "," + Span(other, extra: ",\"kind\":[],\"status\":{\"code\":1.5}"))),
            };

            return cases.Select(c => new object[] { c.Name, c.Line });
        }

        internal static byte[] Bytes(string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n").ToList();
            var marker = Encoding.UTF8.GetBytes("<FF>");
            for (var i = bytes.Count - marker.Length; i >= 0; i--)
            {
                if (bytes.Skip(i).Take(marker.Length).SequenceEqual(marker))
                {
                    bytes.RemoveRange(i, marker.Length);
                    bytes.Insert(i, 0xFF);
                }
            }

            return bytes.ToArray();
        }

        [Theory]
        [MemberData(nameof(Traps))]
        public void EachTrapIsReadTheSameWithAndWithoutTheFilter(string name, string line)
        {
            foreach (var (type, id) in Targets)
            {
                FilterComparison.AssertSame(Bytes(line), type, id, name);
            }
        }

        [Fact]
        public void RandomTokensWhereAValueGoesAreJudgedAsTheReaderJudgesThem()
        {
            // The skim's own JSON grammar against the reader's: random fragments, valid or not, in
            // an attribute value, a time and a resource; any disagreement shows in the counts.
            var fragments = new[]
            {
                "{", "}", "[", "]", ",", ":", " ", "\"a\"", "\"\"", "\"", "1", "-", "0", "01", "-0", "1.", ".5", "1.5", "1e", "1e+5", "-0.0E-1", "2E3",
                "true", "tru", "false", "null", "nul", "x", "{\"k\":1}", "[1,2]", "[]", "{}", "1795514400000000000", "\"1795514400000000000\"",
            };
            var rng = new Random(1604);
            long skimmed = 0;
            for (var i = 0; i < 4000; i++)
            {
                var value = string.Concat(Enumerable.Range(0, 1 + rng.Next(8)).Select(_ => fragments[rng.Next(fragments.Length)]));
                var line = (i % 3) switch
                {
                    0 => Record(Span("{\"key\":\"a\",\"value\":" + value + "}")),
                    1 => Record(Span(start: value)),
                    _ => "{\"resourceSpans\":[{\"resource\":" + value + ",\"scopeSpans\":[{\"spans\":[" + Span() + "]}]}]}",
                };
                skimmed += FilterComparison.AssertSame(Bytes(line), "run", "run-absent", $"iteration {i}: {value}");
            }

            Assert.True(skimmed > 100, "records skimmed: " + skimmed);
        }

        [Fact]
        public void PlainRecordsWithoutTheValueAreSkimmedAndTheOthersParsed()
        {
            // The comparisons above prove nothing if the filter never skims: it does, and only where it may.
            var other = Record(Span(Attr("chartly.run.id", "run-9")));
            Assert.Equal(2, FilterComparison.AssertSame(Bytes(other + "\n" + other), "run", "run-1004", "plain"));
            Assert.Equal(0, FilterComparison.AssertSame(Bytes(Record(Span(Attr("chartly.run.id", "run-1004")))), "run", "run-1004", "needle"));
            Assert.Equal(0, FilterComparison.AssertSame(Bytes(Record(Span(Attr("chartly.run.id", "\\u0072un-9")))), "run", "run-1004", "escape"));
            Assert.Equal(0, FilterComparison.AssertSame(Bytes(Record(Span(Attr("a", "x<FF>")))), "run", "run-1004", "invalid UTF-8"));
            Assert.Equal(1, FilterComparison.AssertSame(Bytes(Record(Span(Attr("a", "caf\u00e9")))), "run", "run-1004", "valid UTF-8"));
        }

        [Fact]
        public void NoFilterWhereAValueCouldDecodeFromOtherBytes()
        {
            Assert.NotNull(NeedleFilter.For(TargetSpec.Parse(TargetType.Run, "run-1004")));
            Assert.Null(NeedleFilter.For(TargetSpec.Parse(TargetType.Run, "run-\uFFFD")));
        }

        [Fact]
        public void ValidUtf8IsTakenAndEveryIllFormedKindIsNot()
        {
            Assert.True(PlainText.IsUtf8(Encoding.UTF8.GetBytes("a\u00e9\u6f22\U0001F600")));
            foreach (var bad in new[] { new byte[] { 0xC0, 0x80 }, new byte[] { 0xED, 0xA0, 0x80 }, new byte[] { 0xF4, 0x90, 0x80, 0x80 }, new byte[] { 0xE6, 0xBC }, new byte[] { 0x80 }, new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 } })
            {
                Assert.False(PlainText.IsUtf8(bad));
            }
        }

        [Fact]
        public void PlainTextFindsABackslashOrControlByteAtAnyPosition()
        {
            // Vectors, then words, then single bytes: a bad byte in each part is found.
            for (var length = 1; length <= 100; length++)
            {
                var text = Enumerable.Repeat((byte)'a', length).ToArray();
                Assert.True(PlainText.Holds(text));
                for (var at = 0; at < length; at++)
                {
                    foreach (var bad in new byte[] { (byte)'\\', 0x00, 0x09, 0x0A, 0x1F })
                    {
                        var copy = (byte[])text.Clone();
                        copy[at] = bad;
                        Assert.False(PlainText.Holds(copy), $"length {length}, byte 0x{bad:X2} at {at}");
                    }

                    var high = (byte[])text.Clone();
                    high[at] = 0xFF;
                    Assert.False(PlainText.Holds(high), $"length {length}, 0xFF at {at}");
                }
            }
        }

        [Fact]
        public void EverySampleAndFixtureGivesTheSameProfileWithAndWithoutTheFilter()
        {
            var folders = new[]
            {
                Path.Combine(Repo.Root, "samples", "telemetry"),
                Path.Combine(Repo.Root, "samples", "canary"),
                Path.Combine(Repo.Root, "tests", "fixtures", "otel-js"),
                Path.Combine(Repo.Root, "tests", "fixtures", "scenarios"),
            };
            var environments = new[] { "dev", "staging", "test" };
            var compared = 0;
            var profiles = 0;
            foreach (var folder in folders)
            {
                var files = new OtlpFileSource(new[] { folder }, "t").ListFiles()
                    .Where(f => !Path.GetFileName(f).StartsWith("package", StringComparison.Ordinal) && Path.GetFileName(f) != "expected.json")
                    .ToList();
                var scan = TargetIdCatalog.ScanFiles(files, long.MaxValue, default);
                using var t = new TempTelemetry();
                foreach (var env in environments)
                {
                    foreach (var type in TargetTypes.Names)
                    {
                        var ids = scan.Ids(TargetTypes.Parse(type), env).Concat(new[] { "absent-id" }).ToList();
                        foreach (var id in ids)
                        {
                            var filtered = Produce(t, files, env, type, id, true);
                            Assert.True(filtered == Produce(t, files, env, type, id, false), $"{Path.GetFileName(folder)} {env} {type}:{id}");
                            compared++;
                            profiles += filtered.StartsWith("{", StringComparison.Ordinal) ? 1 : 0;
                        }
                    }
                }
            }

            Assert.True(compared > 60 && profiles > 30, $"targets compared: {compared}, of them profiles: {profiles}");
        }

        /// <summary>The profile document, or the error, of one target read with the source's pre-filter on or off (the documented setting).</summary>
        private static string Produce(TempTelemetry t, IReadOnlyList<string> files, string env, string type, string id, bool preFilter)
        {
            var paths = string.Concat(files.Select(f => "          - '" + f.Replace("'", "''") + "'\n"));
            File.WriteAllText(t.ConfigPath, $"environments:\n  {env}:\n    sources:\n      - type: otlp-file\n        pre-filter: {(preFilter ? "true" : "false")}\n        paths:\n{paths}");
            try
            {
                var request = Run.Request(type, id, "2026-11-20T00:00:00Z", "2026-12-01T00:00:00Z", env);
                var profile = new ProfileEngine().Run(request, ConfigLoader.Load(t.ConfigPath));
                return ProfileDocument.Write(profile, DocumentFormat.Json);
            }
            catch (ProfilerException e)
            {
                return e.ErrorId + ": " + e.Message;
            }
        }

        [Fact]
        public void ThePreFilterSettingTakesTrueOrFalseOnly()
        {
            using var t = new TempTelemetry();
            File.WriteAllText(t.ConfigPath, "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: telemetry\n        pre-filter: off\n");
            var e = Run.Fails(() => ConfigLoader.Load(t.ConfigPath));
            Assert.Equal("ConfigInvalid", e.ErrorId);
            Assert.Contains("'pre-filter' must be true or false", e.Message, StringComparison.Ordinal);
        }
    }
}
