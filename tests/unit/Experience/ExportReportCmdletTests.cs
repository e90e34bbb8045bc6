using System;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>Export-ChartlyProfileReport: the one file it writes, and nothing else.</summary>
    public sealed class ExportReportCmdletTests : IDisposable
    {
        private const string Run1004 = "Get-ChartlyProfile -ConfigPath samples/chartly-profiler.yaml -Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z";

        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chartly-report-" + Guid.NewGuid().ToString("N"));

        public ExportReportCmdletTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private string Quoted(string name) => "'" + Path.Combine(_dir, name).Replace("'", "''") + "'";

        [Fact]
        public void WritesTheReportAndReturnsItsFile()
        {
            using var s = new Session();
            var r = s.Run($"{Run1004} | Export-ChartlyProfileReport -Path {Quoted("r.html")} -ConfigPath samples/chartly-profiler.yaml -PassThru");
            Assert.Empty(r.Errors);
            Assert.Empty(r.Warnings);
            var file = Assert.IsType<FileInfo>(Assert.Single(r.Output).BaseObject);
            Assert.Equal(Path.Combine(_dir, "r.html"), file.FullName);
            Assert.Equal(new[] { "r.html" }, Directory.GetFiles(_dir).Select(Path.GetFileName));

            // The bytes are the engine's rendering of that profile and its slowest root, nothing more.
            var (profile, waterfall) = Waterfall.OfSlowestRoot(Run.Request("run", "run-1004"), ConfigLoader.Load(Repo.SampleConfig), CancellationToken.None);
            Assert.Equal(HtmlReport.RenderBytes(profile, waterfall, null), File.ReadAllBytes(file.FullName));
        }

        [Fact]
        public void AnExistingFileIsReplacedAsExportCsvDoesAndLeftAloneWithNoClobber()
        {
            var path = Path.Combine(_dir, "r.html");
            File.WriteAllText(path, "keep me");
            var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, stamp);
            using var s = new Session();

            var r = s.Run($"{Run1004} | Export-ChartlyProfileReport -Path {Quoted("r.html")} -NoClobber");
            Assert.Empty(r.Output);
            var e = Assert.Single(r.Errors);
            Assert.Equal("ReportFileExists,Chartly.Profiler.Cmdlets.ExportChartlyProfileReportCommand", e.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, e.CategoryInfo.Category);
            Assert.Contains("-NoClobber", e.Exception.Message);
            Assert.Null(e.Exception.InnerException);
            Assert.Equal("keep me", File.ReadAllText(path));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));

            r = s.Run($"{Run1004} | Export-ChartlyProfileReport -Path {Quoted("r.html")}");
            Assert.Empty(r.Errors);
            Assert.Empty(r.Output); // no -PassThru, no output
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(_dir));
        }

        [Fact]
        public void WhatIfWritesNothingAndReadsNothingAndHonoursThePreference()
        {
            using var s = new Session();
            var r = s.Run($"{Run1004} | Export-ChartlyProfileReport -Path {Quoted("a.html")} -WhatIf -Verbose");
            Assert.Empty(r.Errors);
            Assert.Empty(r.Output);
            Assert.DoesNotContain(r.Verbose, v => v.StartsWith("Reading ", StringComparison.Ordinal) && v.Contains("telemetry"));
            r = s.Run($"$WhatIfPreference = $true; {Run1004} | Export-ChartlyProfileReport -Path {Quoted("b.html")}; $WhatIfPreference = $false");
            Assert.Empty(r.Errors);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }

        [Fact]
        public void LiteralPathTakesWildcardCharactersAsTyped()
        {
            using var s = new Session();
            var r = s.Run($"{Run1004} | Export-ChartlyProfileReport -LiteralPath {Quoted("r[1].html")} -PassThru");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "r[1].html" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        }

        [Fact]
        public void TheReportAndTheComparisonReadTheTelemetryTheProfileWasMadeFrom()
        {
            // Issue 13: the profile is made with -ConfigPath; Export and Compare are not told again, and
            // neither CHARTLY_PROFILER_CONFIG nor a chartly-profiler.yaml in the current location exists.
            var before = Environment.GetEnvironmentVariable(ConfigLoader.EnvironmentVariable);
            Environment.SetEnvironmentVariable(ConfigLoader.EnvironmentVariable, null);
            try
            {
                using var s = new Session(_dir);
                var r = s.Run(
                    $"$p = Get-ChartlyProfile -ConfigPath '{Repo.SampleConfig}' -Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z\n" +
                    "$p | Export-ChartlyProfileReport -Path r.html\n" +
                    "($p | Compare-ChartlyProfile -Baseline run:run-1001).Summary.Regression\n" +
                    "$p.ConfigPath");
                Assert.Empty(r.Errors);
                Assert.Empty(r.Warnings);
                Assert.Equal(new[] { "regressed", Repo.SampleConfig }, r.Output.Select(o => o.ToString()));
                Assert.Contains("waterfall-chart", File.ReadAllText(Path.Combine(_dir, "r.html")));

                // The document does not carry it: read back, the profile has none and says so.
                r = s.Run("$p | ConvertTo-ChartlyProfileDocument | Import-ChartlyProfile | Export-ChartlyProfileReport -Path back.html");
                Assert.Contains("ConfigNotFound", Assert.Single(r.Warnings));
            }
            finally
            {
                Environment.SetEnvironmentVariable(ConfigLoader.EnvironmentVariable, before);
            }
        }

        [Fact]
        public void AMissingFolderIsAnErrorAndCreatesNothing()
        {
            using var s = new Session();
            var r = s.Run($"{Run1004} | Export-ChartlyProfileReport -Path {Quoted("no/such/folder/r.html")}");
            Assert.Equal("ReportFolderNotFound", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }

        [Fact]
        public void OneFilePerProfileThroughAScriptBlockPath()
        {
            using var s = new Session();
            var r = s.Run(
                "'run-1001', 'run-1004' | ForEach-Object { [pscustomobject]@{ Environment = 'dev'; TargetType = 'run'; TargetId = $_ } } | " +
                "Get-ChartlyProfile -ConfigPath samples/chartly-profiler.yaml -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z | " +
                $"Export-ChartlyProfileReport -PassThru -ConfigPath samples/chartly-profiler.yaml -Path {{ Join-Path '{_dir.Replace("'", "''")}' ($_.Header.Target.Id + '.html') }}");
            Assert.Empty(r.Errors);
            Assert.Equal(2, r.Output.Count);
            Assert.Equal(new[] { "run-1001.html", "run-1004.html" }, Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Contains("run-1001", File.ReadAllText(Path.Combine(_dir, "run-1001.html")));
        }

        [Fact]
        public void TwoProfilesToOnePathIsAnErrorNotAnOverwrite()
        {
            using var s = new Session();
            var r = s.Run(
                "$a = Get-ChartlyProfile -ConfigPath samples/chartly-profiler.yaml -Environment dev -TargetType run -TargetId run-1001 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z\n" +
                $"$b = {Run1004}\n" +
                $"$a, $b | Export-ChartlyProfileReport -Path {Quoted("r.html")} -PassThru -ConfigPath samples/chartly-profiler.yaml");
            Assert.Single(r.Output);
            Assert.Equal("ReportPathAlreadyWritten", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("run-1001", File.ReadAllText(Path.Combine(_dir, "r.html")));
        }

        [Fact]
        public void WhenTheTelemetryIsGoneThePageSaysSoAndAWarningIsWritten()
        {
            using var t = new TempTelemetry();
            t.Write("other.json", Otlp.Line(Otlp.Resource("engine"), new[] { new TestSpan(Otlp.Trace(1), Otlp.Span(1), null, "w", 2, 0, 5, Otlp.Attrs("chartly.run.id", "run-x")) }));
            using var s = new Session();
            var r = s.Run(
                $"$json = {Run1004} | ConvertTo-ChartlyProfileDocument\n" +
                $"Import-ChartlyProfile -Content $json | Export-ChartlyProfileReport -Path {Quoted("r.html")} -ConfigPath '{t.ConfigPath}' -PassThru");
            Assert.Empty(r.Errors);
            Assert.Single(r.Output);
            var warning = Assert.Single(r.Warnings);
            Assert.Contains("TargetNotFound", warning);
            var html = File.ReadAllText(Path.Combine(_dir, "r.html"));
            Assert.Contains("id=\"waterfall-missing\"", html);
            Assert.Contains("TargetNotFound", html);
            Assert.Contains("id=\"breakdown-table\"", html);
        }

        [Fact]
        public void ATelemetryThatNoLongerGivesTheProfileIsNotDrawn()
        {
            // The same run, but its telemetry now holds a longer root: the saved profile's path is not in it.
            using var t = new TempTelemetry();
            t.Write("run.json", Otlp.Line(Otlp.Resource("engine"), new[] { new TestSpan(Otlp.Trace(1), Otlp.Span(1), null, "workflow daily-report", 2, 30 * 60 * 1000, 30 * 60 * 1000 + 9000, Otlp.Attrs("chartly.run.id", "run-1004")) }));
            using var s = new Session();
            var r = s.Run($"{Run1004} | Export-ChartlyProfileReport -Path {Quoted("r.html")} -ConfigPath '{t.ConfigPath}'");
            Assert.Empty(r.Errors);
            Assert.Contains("no longer gives this profile", Assert.Single(r.Warnings));
            Assert.Contains("id=\"waterfall-missing\"", File.ReadAllText(Path.Combine(_dir, "r.html")));
        }

        [Fact]
        public void AComparisonAddsTheDeltas()
        {
            using var s = new Session();
            var r = s.Run($"{Run1004} -CompareTo run:run-1003 | Export-ChartlyProfileReport -Path {Quoted("r.html")} -ConfigPath samples/chartly-profiler.yaml");
            Assert.Empty(r.Errors);
            var html = File.ReadAllText(Path.Combine(_dir, "r.html"));
            Assert.Contains("id=\"comparison\"", html);
            Assert.Contains("id=\"deltas\"", html);
            Assert.Contains("<span class=\"verdict-regressed\">regressed</span>", html);
            Assert.Contains("waterfall-chart", html);
        }
    }
}
