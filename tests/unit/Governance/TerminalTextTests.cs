using System;
using System.IO;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Text that reaches a terminal, whatever its origin (telemetry labels, saved documents,
    /// arguments echoed in errors), carries no control character, escape sequence, bidi override,
    /// zero-width character or BOM: each is a visible '?' or refused.
    /// </summary>
    public sealed class TerminalTextTests
    {
        private const string Escapes = "\u001b]0;PWNED\u0007\u001b[2J";
        private const string Invisible = "a\u202Eb\u200Bc\uFEFFd\u2066e\u00ADf";

        private static bool Clean(string text) => !text.Any(c => char.IsControl(c) && c != '\n' && c != '\r' && c != '\t' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

        private static string SavedWithLabel(string label)
        {
            var json = ProfileDocument.Write(Run.Sample("run", "run-1004"), DocumentFormat.Json);
            var escaped = System.Text.Json.JsonSerializer.Serialize(label);
            return json.Replace("\"component\": \"render_charts\"", "\"component\": " + escaped, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(Escapes)]
        [InlineData(Invisible)]
        public void A_saved_documents_labels_are_neutralised_when_read(string label)
        {
            var text = SavedWithLabel(label);
            Assert.Contains(System.Text.Json.JsonSerializer.Serialize(label).Trim('"'), text, StringComparison.Ordinal);
            var profile = ProfileDocumentReader.Read(text);
            Assert.All(profile.Breakdown, b => Assert.True(Clean(b.Component), b.Component));
            Assert.Contains(profile.Breakdown, b => b.Component.Contains("PWNED", StringComparison.Ordinal) || b.Component.StartsWith("a?b?c?d?e?f", StringComparison.Ordinal));
            foreach (var format in new[] { DocumentFormat.Text, DocumentFormat.Yaml, DocumentFormat.Json })
            {
                Assert.True(Clean(ProfileDocument.Write(profile, format)), format + " carries a raw control or invisible character");
            }
        }

        [Fact]
        public void A_comparison_to_such_a_document_prints_cleanly()
        {
            var path = Path.Combine(Path.GetTempPath(), "chartly-escapes-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, SavedWithLabel(Escapes + Invisible));
            try
            {
                // What the command line's --format text --compare-to runs, and Import-ChartlyProfile converted to text.
                using var session = new Chartly.Profiler.Tests.Experience.Session();
                var compared = session.Run(
                    "Get-ChartlyProfile -ConfigPath '" + Repo.SampleConfig + "' -Environment dev -TargetType run -TargetId run-1004 -WindowStart " + Run.SampleStart +
                    " -WindowEnd " + Run.SampleEnd + " -CompareTo '" + path + "' | ConvertTo-ChartlyProfileDocument -Format Text");
                var imported = session.Run("Import-ChartlyProfile -Path '" + path + "' | ConvertTo-ChartlyProfileDocument -Format Text");
                foreach (var r in new[] { compared, imported })
                {
                    Assert.Empty(r.Errors);
                    var printed = string.Concat(r.Output.Select(o => o.ToString()));
                    Assert.Contains("PWNED", printed, StringComparison.Ordinal);
                    Assert.True(Clean(printed), "printed text carries a raw control or invisible character");
                }
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Telemetry_labels_and_echoed_arguments_are_neutralised()
        {
            Assert.Equal("a?b?c?d?e?f", LabelNormalizer.NormalizeUncached(Invisible));
            Assert.True(Clean(LabelNormalizer.NormalizeUncached(Escapes)));

            // An id with a bidi override is refused, and the service form's echo of a bad id shows it as '?'.
            var e = Run.Fails(() => Targets.TargetSpec.Parse(Targets.TargetType.Run, "run\u202E-1004"));
            Assert.Equal("InvalidTargetId", e.ErrorId);
            Assert.Equal("x?y?z", Sanitize.ForMessage("x\u200By\u202Ez"));
            Assert.Equal("e?[2J", Sanitize.ForTerminal("e\u001b[2J"));
        }
    }
}
