using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Hostile and malformed telemetry beside a good run: each case gives a profile of the good run
    /// with the problem counted in data_quality, or a clear error with its exit code; never a
    /// crash, a hang or a buffer the size of the input.
    /// </summary>
    [Collection(AllocationCollection.Name)]
    public class HostileInputTests
    {
        private const string Start = "2026-11-24T10:00:00Z";
        private const string End = "2026-11-24T11:00:00Z";

        /// <summary>The good run: run-ok, 1000 ms, two steps.</summary>
        private static string GoodRun(int trace = 1, string runId = "run-ok", string workflow = "wf-ok", long at = 60_000) => Otlp.Line(Otlp.Resource("engine"), new[]
        {
            new TestSpan(Otlp.Trace(trace), Otlp.Span(1), null, "workflow", 2, at, at + 1000, Otlp.Attrs("chartly.workflow.id", workflow, "chartly.run.id", runId)),
            new TestSpan(Otlp.Trace(trace), Otlp.Span(2), Otlp.Span(1), "step a", 1, at + 100, at + 600, Otlp.Attrs("chartly.component", "a")),
            new TestSpan(Otlp.Trace(trace), Otlp.Span(3), Otlp.Span(1), "step b", 1, at + 600, at + 950, Otlp.Attrs("chartly.component", "b")),
        });

        private static Profile Profile(TempTelemetry t, string type = "run", string id = "run-ok") => Run.Profile(t.ConfigPath, type, id, Start, End);

        /// <summary>A span JSON object with raw values for its fields.</summary>
        private static string RawSpan(string traceId, string spanId, string parent, string name, string start, string end, string extra = "") =>
            "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\"" + (parent.Length > 0 ? ",\"parentSpanId\":\"" + parent + "\"" : string.Empty)
            + ",\"name\":" + name + ",\"kind\":1,\"startTimeUnixNano\":" + start + ",\"endTimeUnixNano\":" + end + extra + "}";

        private static string RawLine(params string[] spans) =>
            "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"engine\"}},{\"key\":\"deployment.environment.name\",\"value\":{\"stringValue\":\"dev\"}}]},\"scopeSpans\":[{\"spans\":[" + string.Join(",", spans) + "]}]}]}";

        private static string Q(string s) => "\"" + s + "\"";

        [Fact]
        public void DeeplyNestedJsonIsAMalformedRecord()
        {
            using var t = new TempTelemetry();
            var deepArray = new string('[', 200_000) + new string(']', 200_000);
            var deepValue = string.Concat(Enumerable.Repeat("{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":", 5_000)) + "{\"stringValue\":\"x\"}" + string.Concat(Enumerable.Repeat("}]}}", 5_000));
            t.Write("t.jsonl",
                GoodRun(),
                "{\"resourceSpans\":" + deepArray + "}",
                RawLine(RawSpan(Otlp.Trace(1), Otlp.Span(9), Otlp.Span(1), Q("deep"), Q(Otlp.At(700)), Q(Otlp.At(710)), ",\"attributes\":[{\"key\":\"chartly.component\",\"value\":" + deepValue + "}]")),
                new string('{', 100_000));
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.True(p.DataQuality.MalformedRecords >= 3, "malformed: " + p.DataQuality.MalformedRecords);
            Assert.Equal(1, p.DataQuality.RecordsRead);
        }

        [Fact]
        public void AFiftyMegabyteSpanNameBecomesABoundedLabel()
        {
            using var t = new TempTelemetry();
            const int NameBytes = 50 * 1024 * 1024;
            var line = RawLine(RawSpan(Otlp.Trace(1), Otlp.Span(9), Otlp.Span(1), "\"GET /NAME\"", Q(Otlp.At(960)), Q(Otlp.At(990))));
            var cut = line.IndexOf("NAME", StringComparison.Ordinal);
            using (var f = new FileStream(Path.Combine(t.TelemetryDir, "t.jsonl"), FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(Encoding.UTF8.GetBytes(GoodRun() + "\n" + line.Substring(0, cut)));
                var chunk = Enumerable.Repeat((byte)'a', 1024 * 1024).ToArray();
                for (var written = 0; written < NameBytes; written += chunk.Length)
                {
                    f.Write(chunk);
                }

                f.Write(Encoding.UTF8.GetBytes(line.Substring(cut + 4) + "\n"));
            }

            // Bounded memory: the reader holds the record (its buffer grows by doubling) and never the name as text.
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var p = Profile(t);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.True(allocated < 8L * NameBytes, $"allocated {allocated / (1024 * 1024)} MB for a {NameBytes / (1024 * 1024)} MB name");
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.Equal(4, p.DataQuality.SpansSelected);
            Assert.All(p.Breakdown, b => Assert.True(b.Component.Length <= Chartly.Profiler.Analysis.LabelNormalizer.MaxLabelLength + 3, "label of " + b.Component.Length + " chars"));
            Assert.Contains(p.Breakdown, b => b.Component.StartsWith("GET /aaaa", StringComparison.Ordinal));
            Assert.True(p.DataQuality.BytesRead > NameBytes);
        }

        [Fact]
        public void InvalidUtf8IsCountedNotACrash()
        {
            using var t = new TempTelemetry();
            var path = t.Write("t.jsonl", GoodRun());
            var bad = Encoding.UTF8.GetBytes(RawLine(RawSpan(Otlp.Trace(1), Otlp.Span(9), Otlp.Span(1), "\"bad \u00ff name\"", Q(Otlp.At(700)), Q(Otlp.At(710)))) + "\n");

            // Replace the UTF-8 of U+00FF (C3 BF) with a lone continuation byte and an overlong form.
            var i = IndexOf(bad, new byte[] { 0xC3, 0xBF });
            bad[i] = 0xC0;
            bad[i + 1] = 0xAF;
            var attr = Encoding.UTF8.GetBytes(RawLine(RawSpan(Otlp.Trace(1), Otlp.Span(10), Otlp.Span(1), Q("ok"), Q(Otlp.At(720)), Q(Otlp.At(730)), ",\"attributes\":[{\"key\":\"x\",\"value\":{\"stringValue\":\"\u00ff\"}}]")) + "\n");
            var j = IndexOf(attr, new byte[] { 0xC3, 0xBF });
            attr[j] = 0xFF;
            attr[j + 1] = 0xFE;
            File.WriteAllBytes(path, File.ReadAllBytes(path).Concat(bad).Concat(attr).Concat(new byte[] { 0xFF, 0xFE, 0x0A }).ToArray());

            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);

            // The bad name is kept, made valid; the bad skipped value costs nothing; the binary line is one malformed record.
            Assert.Equal(5, p.DataQuality.SpansSelected);
            Assert.Contains(p.Breakdown, b => b.Component.StartsWith("bad ", StringComparison.Ordinal) && b.Component.Contains('\uFFFD'));
            Assert.Equal(1, p.DataQuality.MalformedRecords);
            Assert.Equal(3, p.DataQuality.RecordsRead);
        }

        [Fact]
        public void NaNAndInfinityStringsAreInvalidValuesNotNumbers()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl",
                GoodRun(),
                RawLine(
                    RawSpan(Otlp.Trace(1), Otlp.Span(9), Otlp.Span(1), Q("nan"), Q("NaN"), Q(Otlp.At(710))),
                    RawSpan(Otlp.Trace(1), Otlp.Span(10), Otlp.Span(1), Q("inf"), Q(Otlp.At(700)), Q("+Inf")),
                    RawSpan(Otlp.Trace(1), Otlp.Span(11), Otlp.Span(1), Q("minf"), Q("-Infinity"), Q(Otlp.At(710))),
                    RawSpan(Otlp.Trace(1), Otlp.Span(12), Otlp.Span(1), Q("dbl"), "1.7976931348623157e308", Q(Otlp.At(710)))),
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + RawSpan(Otlp.Trace(1), Otlp.Span(13), Otlp.Span(1), Q("json-nan"), "NaN", "Infinity") + "]}]}]}",
                "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"engine\"}}]},\"scopeMetrics\":[{\"metrics\":["
                    + string.Join(",", new[] { "\"NaN\"", "\"+Inf\"", "\"-Inf\"", "\"Infinity\"", "1e400" }.Select((v, n) =>
                        "{\"name\":\"k8s.container.cpu_limit_utilization\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"" + Otlp.At(100 + n) + "\",\"asDouble\":" + v + "}]}}"))
                    + "]}]}]}");
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.Equal(4, p.DataQuality.InvalidSpans);
            Assert.True(p.DataQuality.MalformedRecords >= 1);
            Assert.All(p.Signals, s => Assert.True(s.Avg is null || s.Avg < 1_000_000m, s.Name + " avg " + s.Avg));
        }

        [Fact]
        public void Base64IdsGiveTheSameProfileAsHex()
        {
            using var hex = new TempTelemetry();
            hex.Write("t.jsonl", GoodRun());
            using var b64 = new TempTelemetry();
            var text = GoodRun();
            foreach (var (h, n) in new[] { (Otlp.Trace(1), 16), (Otlp.Span(1), 8), (Otlp.Span(2), 8), (Otlp.Span(3), 8) })
            {
                text = text.Replace("\"" + h + "\"", "\"" + Convert.ToBase64String(Convert.FromHexString(h)) + "\"", StringComparison.Ordinal);
            }

            Assert.DoesNotContain(Otlp.Trace(1), text, StringComparison.Ordinal);
            b64.Write("t.jsonl", text);
            // Everything but the byte count (base64 ids are shorter) is the same.
            static string WithoutBytes(Profile p) => string.Join("\n", Chartly.Profiler.Output.ProfileDocument.Write(p, Chartly.Profiler.Output.DocumentFormat.Json)
                .Split('\n').Where(l => !l.Contains("\"bytes_read\"", StringComparison.Ordinal)));
            var fromB64 = Profile(b64);
            Assert.Equal(WithoutBytes(Profile(hex)), WithoutBytes(fromB64));
            Assert.Equal(0, fromB64.DataQuality.InvalidSpans);
        }

        [Fact]
        public void ParentCyclesAndSelfParentsAreCountedAndCut()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl",
                GoodRun(),
                RawLine(
                    RawSpan(Otlp.Trace(1), Otlp.Span(20), Otlp.Span(21), Q("cycle a"), Q(Otlp.At(650)), Q(Otlp.At(660))),
                    RawSpan(Otlp.Trace(1), Otlp.Span(21), Otlp.Span(22), Q("cycle b"), Q(Otlp.At(650)), Q(Otlp.At(660))),
                    RawSpan(Otlp.Trace(1), Otlp.Span(22), Otlp.Span(20), Q("cycle c"), Q(Otlp.At(650)), Q(Otlp.At(660))),
                    RawSpan(Otlp.Trace(1), Otlp.Span(23), Otlp.Span(23), Q("own parent"), Q(Otlp.At(660)), Q(Otlp.At(670)))),

                // A root that is its own parent and in a cycle with its child: the target itself is hostile.
                RawLine(
                    RawSpan(Otlp.Trace(2), Otlp.Span(1), Otlp.Span(1), Q("workflow"), Q(Otlp.At(120_000)), Q(Otlp.At(121_000)), ",\"attributes\":[{\"key\":\"chartly.workflow.id\",\"value\":{\"stringValue\":\"wf-ok\"}},{\"key\":\"chartly.run.id\",\"value\":{\"stringValue\":\"run-loop\"}}]"),
                    RawSpan(Otlp.Trace(2), Otlp.Span(2), Otlp.Span(3), Q("x"), Q(Otlp.At(120_100)), Q(Otlp.At(120_500))),
                    RawSpan(Otlp.Trace(2), Otlp.Span(3), Otlp.Span(2), Q("y"), Q(Otlp.At(120_100)), Q(Otlp.At(120_500)))));
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.True(p.DataQuality.Cycles >= 4, "cycles: " + p.DataQuality.Cycles);

            var loop = Run.Profile(t.ConfigPath, "run", "run-loop", Start, End);
            Assert.Equal(1000, loop.Summary.TotalDurationMs);
            Assert.True(loop.DataQuality.Cycles >= 1);
            Assert.Equal(100m, loop.Breakdown.Sum(b => b.Pct));
        }

        [Fact]
        public void DuplicateSpanIdsAreCounted()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl", GoodRun(), GoodRun(), RawLine(RawSpan(Otlp.Trace(1), Otlp.Span(2), Otlp.Span(1), Q("same id, other times"), Q(Otlp.At(200)), Q(Otlp.At(900)))));
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.True(p.DataQuality.DuplicateSpans >= 3, "duplicates: " + p.DataQuality.DuplicateSpans);
        }

        [Fact]
        public void NegativeDurationsAreInvalidSpans()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl", GoodRun(), RawLine(RawSpan(Otlp.Trace(1), Otlp.Span(9), Otlp.Span(1), Q("backwards"), Q(Otlp.At(800)), Q(Otlp.At(700)))));
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.Equal(1, p.DataQuality.InvalidSpans);
            Assert.Equal(3, p.DataQuality.SpansSelected);
        }

        [Fact]
        public void TimestampsFarOutsideTheWindowAreCountedNotStretched()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl",
                GoodRun(),
                RawLine(
                    RawSpan(Otlp.Trace(1), Otlp.Span(9), Otlp.Span(1), Q("year 2262"), Q(Otlp.At(900)), Q("9223372036854775807")),
                    RawSpan(Otlp.Trace(1), Otlp.Span(10), Otlp.Span(1), Q("epoch"), Q("0"), Q("1")),
                    RawSpan(Otlp.Trace(1), Otlp.Span(11), Otlp.Span(1), Q("overflow"), Q("18446744073709551616"), Q("18446744073709551617")),
                    RawSpan(Otlp.Trace(1), Otlp.Span(12), Otlp.Span(1), Q("negative"), Q("-5000000000"), Q(Otlp.At(700)))),

                // A run that starts long before the window.
                GoodRun(trace: 3, runId: "run-1970", at: -1_795_514_000_000));
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.True(p.DataQuality.ClippedSpans + p.DataQuality.SpansOutsideParent + p.DataQuality.InvalidSpans >= 4,
                $"clipped {p.DataQuality.ClippedSpans}, outside {p.DataQuality.SpansOutsideParent}, invalid {p.DataQuality.InvalidSpans}");

            var e = Run.Fails(() => Run.Profile(t.ConfigPath, "run", "run-1970", Start, End));
            Assert.Equal("TargetNotInWindow", e.ErrorId);
            Assert.Equal(ExitCodes.PreconditionFailed, e.ExitCode);
        }

        [Fact]
        public void AnEmptyFileIsReadAndCounted()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl", GoodRun());
            File.WriteAllBytes(Path.Combine(t.TelemetryDir, "empty.json"), Array.Empty<byte>());
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.Equal(2, p.DataQuality.FilesRead);

            using var only = new TempTelemetry();
            File.WriteAllBytes(Path.Combine(only.TelemetryDir, "empty.json"), Array.Empty<byte>());
            var e = Run.Fails(() => Profile(only));
            Assert.Equal("TargetNotFound", e.ErrorId);
            Assert.Equal(ExitCodes.PreconditionFailed, e.ExitCode);
        }

        [Fact]
        public void TenThousandSmallFilesAreAllRead()
        {
            using var t = new TempTelemetry();
            for (var i = 0; i < 10_000; i++)
            {
                File.WriteAllText(Path.Combine(t.TelemetryDir, $"part-{i:D5}.json"), GoodRun(trace: i + 1, runId: "run-" + i, workflow: "wf-many", at: 1000 + (i * 300)) + "\n");
            }

            var p = Profile(t, "workflow", "wf-many");
            Assert.Equal(10_000, p.DataQuality.FilesRead);
            Assert.Equal(10_000, p.Summary.Roots.Count);
            Assert.Equal(10_000_000, p.Summary.TotalDurationMs);
            Assert.Equal(30_000, p.DataQuality.SpansSelected);
        }

        [Fact]
        public void BinaryAndTruncatedFilesAreCountedBesideGoodOnes()
        {
            using var t = new TempTelemetry();
            t.Write("t.jsonl", GoodRun(), GoodRun(trace: 2, runId: "run-cut").Substring(0, 200));
            File.WriteAllBytes(Path.Combine(t.TelemetryDir, "archive.json"), new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00 }); // a zip: no layout the source reads (length-prefixed protobuf is read now)
            var p = Profile(t);
            Assert.Equal(1000, p.Summary.TotalDurationMs);
            Assert.Equal(1, p.DataQuality.UnsupportedFiles);
            Assert.Equal(1, p.DataQuality.MalformedRecords);
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (var i = 0; i + needle.Length <= haystack.Length; i++)
            {
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                {
                    return i;
                }
            }

            throw new InvalidOperationException("needle not found");
        }
    }
}
