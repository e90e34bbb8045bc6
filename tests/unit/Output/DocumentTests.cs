using System.Globalization;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Output
{
    public class DocumentTests
    {
        [Fact]
        public void JsonHasTheFixedSectionOrderAndSnakeCaseKeys()
        {
            var json = ProfileDocument.Write(Run.Sample("run", "run-1004"), DocumentFormat.Json);
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            var sections = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(new[] { "header", "summary", "breakdown", "signals", "scaling", "findings", "what_if", "data_quality" }, sections);
            var header = doc.RootElement.GetProperty("header").EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(new[] { "tool", "tool_version", "schema_version", "target", "environment", "window", "precision", "correlation_id" }, header);
            Assert.Equal(7507, doc.RootElement.GetProperty("summary").GetProperty("total_duration_ms").GetInt64());
            Assert.DoesNotContain("\r", json);
            Assert.EndsWith("}\n", json);
            Assert.Matches("\"pct\": \\d+\\.\\d,", json);
        }

        [Theory]
        [InlineData(DocumentFormat.Json)]
        [InlineData(DocumentFormat.Yaml)]
        public void ADocumentReadsBackIntoTheSameProfile(DocumentFormat format)
        {
            var p = Run.Sample("workflow", "wf-daily-report");
            var text = ProfileDocument.Write(p, format);
            var back = ProfileDocumentReader.Read(text);
            Assert.Equal(text, ProfileDocument.Write(back, format));
            Assert.Equal(ProfileDocument.Write(p, DocumentFormat.Json), ProfileDocument.Write(back, DocumentFormat.Json));
            Assert.Equal(p.Summary.Roots.SamplesMs, back.Summary.Roots.SamplesMs);
        }

        [Fact]
        public void YamlAndJsonCarryTheSameKeysInTheSameOrder()
        {
            var p = Run.Sample("run", "run-1004");
            var yaml = ProfileDocument.Write(p, DocumentFormat.Yaml);
            var fromYaml = ProfileDocumentReader.Read(yaml);
            Assert.Equal(ProfileDocument.Write(p, DocumentFormat.Json), ProfileDocument.Write(fromYaml, DocumentFormat.Json));
            Assert.StartsWith("header:\n  tool: \"chartly-profiler\"\n", yaml);
        }

        [Fact]
        public void AnotherSchemaVersionIsAContractMismatch()
        {
            var json = ProfileDocument.Write(Run.Sample("run", "run-1004"), DocumentFormat.Json).Replace("\"schema_version\": \"" + Profile.SchemaVersion + "\"", "\"schema_version\": \"0.9\"");
            Assert.Contains("\"0.9\"", json);
            var e = Run.Fails(() => ProfileDocumentReader.Read(json));
            Assert.Equal("ProfileSchemaMismatch", e.ErrorId);
            Assert.Equal(4, e.ExitCode);
        }

        [Fact]
        public void ASavedSchema10DocumentReadsAndWritesBackUnchanged()
        {
            // Written by the profiler before what-if and the on-path measures (schema 1.0): users' saved baselines stay usable.
            var path = System.IO.Path.Combine(Repo.Root, "tests", "fixtures", "profile-1.0", "run-1004.json");
            var text = System.IO.File.ReadAllText(path);
            var p = ProfileDocumentReader.Read(text);
            Assert.Equal("1.0", p.Header.SchemaVersion);
            Assert.Empty(p.WhatIf);
            Assert.Equal(text, ProfileDocument.Write(p, DocumentFormat.Json));
        }

        [Theory]
        [InlineData("{ not json")]
        [InlineData("header: [unclosed")]
        [InlineData("{\"header\": {}}")]
        public void BrokenDocumentsAreInvalidDataNotCrashes(string text)
        {
            var e = Run.Fails(() => ProfileDocumentReader.Read(text));
            Assert.Equal(4, e.ExitCode);
        }

        [Fact]
        public void CorrelationIdIsDerivedFromTheInputsOnly()
        {
            var a = Run.Sample("run", "run-1004").Header.CorrelationId;
            var b = Run.Sample("run", "run-1004").Header.CorrelationId;
            var c = Run.Sample("run", "run-1003").Header.CorrelationId;
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
            Assert.Matches("^cp-[0-9a-f]{32}$", a);
        }

        [Fact]
        public void TextReportShowsEverySection()
        {
            var text = ProfileDocument.Write(Run.Sample("run", "run-1004"), DocumentFormat.Text);
            foreach (var section in new[] { "Summary", "Breakdown (critical path)", "Signals", "Findings", "Data quality" })
            {
                Assert.Contains("\n" + section + "\n", text);
            }

            Assert.Contains("Total duration  7,507 ms", text);
        }
    }

    /// <summary>The contract's "deterministic output test": same inputs, same bytes, whatever the culture, zone or run.</summary>
    [Collection("culture")]
    public class DeterministicOutputTests
    {
        [Theory]
        [InlineData("de-DE")]
        [InlineData("tr-TR")]
        [InlineData("ar-SA")]
        public void SameProfileUnderAnotherCultureTwiceByteForByte(string culture)
        {
            string Produce(DocumentFormat f) => ProfileDocument.Write(Run.Sample("workflow", "wf-daily-report"), f);

            var expected = new[] { DocumentFormat.Json, DocumentFormat.Yaml, DocumentFormat.Text }.Select(Produce).ToArray();
            var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
                for (var run = 0; run < 2; run++)
                {
                    var actual = new[] { DocumentFormat.Json, DocumentFormat.Yaml, DocumentFormat.Text }.Select(Produce).ToArray();
                    Assert.Equal(expected, actual);
                }
            }
            finally
            {
                (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
            }
        }

        [Fact]
        public void OneCoreAndManyCoresGiveTheSameBytes()
        {
            // The sample telemetry split into a file per line, read with 1 and with 4 workers.
            var lines = System.IO.File.ReadAllLines(System.IO.Path.Combine(Repo.Root, "samples", "telemetry", "traces.json"));
            using var t = new TempTelemetry();
            for (var i = 0; i < lines.Length; i++)
            {
                t.Write($"part-{i:D4}.json", lines[i]);
            }

            string Produce(int degree)
            {
                // The max-parallelism setting (docs/configuration.md), as a user on shared CI writes it.
                System.IO.File.WriteAllText(t.ConfigPath, $"environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: telemetry\n        max-parallelism: {degree}\n");
                return ProfileDocument.Write(Run.Profile(t.ConfigPath, "workflow", "wf-daily-report"), DocumentFormat.Json);
            }

            var one = Produce(1);
            Assert.Equal(one, Produce(4));
            Assert.Equal(one, Produce(4));
        }

        [Fact]
        public void SameProfileWhateverOrderTheFilesAreListedIn()
        {
            // The same telemetry split differently across files, in another order, gives the same bytes.
            var lines = System.IO.File.ReadAllLines(System.IO.Path.Combine(Repo.Root, "samples", "telemetry", "traces.json"));
            using var a = new TempTelemetry();
            using var b = new TempTelemetry();
            a.Write("z.json", lines);
            for (var i = 0; i < lines.Length; i++)
            {
                b.Write($"part-{lines.Length - i:D4}.json", lines[i]);
            }

            var pa = Run.Profile(a.ConfigPath, "workflow", "wf-daily-report");
            var pb = Run.Profile(b.ConfigPath, "workflow", "wf-daily-report");
            var ja = ProfileDocument.Write(pa, DocumentFormat.Json);
            var jb = ProfileDocument.Write(pb, DocumentFormat.Json);
            // Only the file count and nothing else may differ.
            Assert.Equal(Strip(ja), Strip(jb));

            static string Strip(string s) => System.Text.RegularExpressions.Regex.Replace(s, "\"(files_read|bytes_read|records_read)\": \\d+", string.Empty);
        }
    }
}
