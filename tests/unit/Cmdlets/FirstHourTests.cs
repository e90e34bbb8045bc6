using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Chartly.Profiler.Cmdlets;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Experience;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Cmdlets
{
    /// <summary>Issue 13: what a PowerShell user trips over in the first hour, one test per item.</summary>
    public sealed class FirstHourTests : IDisposable
    {
        private const string Window = "-WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z";
        private static readonly string Run1004 = $"Get-ChartlyProfile -ConfigPath '{Repo.SampleConfig}' -Environment dev -TargetType run -TargetId run-1004 {Window}";

        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chartly-first-hour-" + Guid.NewGuid().ToString("N"));

        public FirstHourTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        /// <summary>A session as the built module gives it: the cmdlets, the views and the type data.</summary>
        private Session NewSession()
        {
            var s = new Session(_dir);
            var module = Path.Combine(Repo.Root, "module");
            s.Run($"Update-TypeData -PrependPath '{Path.Combine(module, "ChartlyProfiler.types.ps1xml")}'; Update-FormatData -PrependPath '{Path.Combine(module, "ChartlyProfiler.format.ps1xml")}'");
            return s;
        }

        [Fact]
        public void ADeserializedProfileShowsItsViewAndEveryCmdletTakesIt()
        {
            using var s = NewSession();
            var r = s.Run(
                $"$p = {Run1004}\n" +
                "$d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($p))\n" +
                "$d.PSObject.TypeNames[0]\n" +
                "($d | Out-String -Width 200) -ceq ($p | Out-String -Width 200)\n" +
                "($d | ConvertTo-ChartlyProfileDocument) -ceq ($p | ConvertTo-ChartlyProfileDocument)\n" +
                "($d | Compare-ChartlyProfile -Baseline $d).Summary.Regression\n" +
                "($p | Compare-ChartlyProfile -Baseline $d).Comparison.DeltaMs\n" +
                "$d | Export-ChartlyProfileReport -Path r.html -PassThru | ForEach-Object Name");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "Deserialized.Chartly.Profiler.Model.Profile", "True", "True", "unchanged", "0", "r.html" }, r.Output.Select(o => o.ToString()));
            Assert.Empty(r.Warnings); // the deserialized profile remembers its configuration too
        }

        [Fact]
        public void PipedTextIsTheDocumentNotAPath()
        {
            using var s = NewSession();
            var r = s.Run(
                $"$p = {Run1004}\n" +
                "$p | ConvertTo-ChartlyProfileDocument | Import-ChartlyProfile | ForEach-Object { $_.Summary.TotalDurationMs }\n" +
                "$p | ConvertTo-ChartlyProfileDocument -Format Yaml | Set-Content -NoNewline p.yaml\n" +
                "Get-Content p.yaml -Raw | Import-ChartlyProfile | ForEach-Object { $_.Summary.TotalDurationMs }\n" +
                "Get-Content p.yaml | Import-ChartlyProfile | ForEach-Object { $_.Summary.TotalDurationMs }\n" +
                "Import-ChartlyProfile -Content (Get-Content p.yaml) | ForEach-Object { $_.Summary.TotalDurationMs }\n" +
                "@($p, $p | ConvertTo-ChartlyProfileDocument | Import-ChartlyProfile).Count\n" +
                "Copy-Item p.yaml 'q[1].yaml'; Copy-Item p.yaml p2.yaml\n" +
                "@(Import-ChartlyProfile -Path p*.yaml).Count\n" +
                "@(Import-ChartlyProfile -LiteralPath 'q[1].yaml').Count\n" +
                "@(Get-ChildItem -Filter *.yaml | Import-ChartlyProfile).Count");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "7507", "7507", "7507", "7507", "2", "2", "1", "3" }, r.Output.Select(o => o.ToString()));

            // A path piped by habit: the error says how to read a file.
            r = s.Run("'p.yaml' | Import-ChartlyProfile");
            var e = Assert.Single(r.Errors);
            Assert.Contains("use -Path or pipe Get-Item", e.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EmptyCsvCellsMeanNotGiven()
        {
            using var s = NewSession();
            var r = s.Run(
                "'Environment,TargetType,TargetId,CompareTo,IncludeMetric', 'dev,run,run-1004,,', 'dev,run,run-1004,run:run-1001,cpu_utilization' | ConvertFrom-Csv |\n" +
                $"    Get-ChartlyProfile -ConfigPath '{Repo.SampleConfig}' {Window} | ForEach-Object {{ $_.Summary.Regression }}");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "none", "regressed" }, r.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void ConfigPathGoesThroughTheProvider()
        {
            using var s = NewSession();
            var r = s.Run(
                $"New-PSDrive -Name chartlycfg -PSProvider FileSystem -Root '{Path.Combine(Repo.Root, "samples")}' | Out-Null\n" +
                $"(Get-ChartlyProfile -ConfigPath chartlycfg:/chartly-profiler.yaml -Environment dev -TargetType run -TargetId run-1004 {Window}).Summary.TotalDurationMs\n" +
                $"(Get-ChartlyProfilePlan -ConfigPath chartlycfg:chartly-profiler.yaml -Environment dev -TargetType run -TargetId run-1004 {Window}).ConfigPath");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "7507", Repo.SampleConfig }, r.Output.Select(o => o.ToString()));

            // The error names the cmdlet's parameter, not the command line's flag.
            r = s.Run($"Get-ChartlyProfile -Environment dev -TargetType run -TargetId run-1004 {Window}");
            var e = Assert.Single(r.Errors);
            Assert.StartsWith("ConfigNotFound,", e.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("Pass -ConfigPath", e.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("--config", e.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheWindowIsAlsoTwoDateTimeOffsetsForScripts()
        {
            using var s = NewSession();
            var r = s.Run($"$w = ({Run1004}).Header.Window; $w.StartTime.GetType().Name; ($w.EndTime - $w.StartTime).TotalMinutes; $w.Start");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "DateTimeOffset", "60", "2026-11-24T10:00:00Z" }, r.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void HostAndFlowControlExceptionsPassThroughAsThemselves()
        {
            Assert.True(ChartlyCmdlet.PassesThrough(new PSInvalidOperationException("no prompt")));
            Assert.True(ChartlyCmdlet.PassesThrough(new System.Management.Automation.Host.HostException("no host")));
            Assert.True(ChartlyCmdlet.PassesThrough(new ActionPreferenceStopException()));
            Assert.False(ChartlyCmdlet.PassesThrough(new NullReferenceException()));

            // -WarningAction Stop on a cmdlet that warns: PowerShell's own stop, not InternalError.
            using var s = NewSession();
            var r = s.Run($"try {{ {Run1004} | Import-ChartlyProfile -ErrorAction SilentlyContinue; $p = {Run1004}; $p | ConvertTo-ChartlyProfileDocument | Import-ChartlyProfile | Export-ChartlyProfileReport -Path w.html -ConfigPath '{Path.Combine(_dir, "none.yaml")}' -WarningAction Stop }} catch {{ $_.FullyQualifiedErrorId }}");
            Assert.Contains(r.Output, o => o.ToString()!.StartsWith("ActionPreferenceStop", StringComparison.Ordinal));
            Assert.DoesNotContain(r.Output, o => o.ToString()!.StartsWith("InternalError", StringComparison.Ordinal));
        }

        [Fact]
        public void ProfilesInATableShowWhatMattersAndRootsReadAsText()
        {
            using var s = NewSession();
            var r = s.Run(
                $"$a = {Run1004}\n$b = Get-ChartlyProfile -ConfigPath '{Repo.SampleConfig}' -Environment dev -TargetType run -TargetId run-1001 {Window}\n" +
                "$a, $b | Format-Table | Out-String -Width 200\n" +
                "$a.Summary | Format-List | Out-String -Width 200\n" +
                "$a.Breakdown | Format-Table | Out-String -Width 200");
            Assert.Empty(r.Errors);
            var table = r.Output[0].ToString()!;
            Assert.Matches(@"Target\s+Environment\s+TotalDurationMs\s+Roots\s+Bottleneck\s+BottleneckKind\s+Regression", table);
            Assert.Contains("run:run-1004", table);
            Assert.Contains("run:run-1001", table);
            Assert.Contains("7507", table);
            var summary = r.Output[1].ToString()!;
            Assert.Contains("Roots           : 1 root (p50 7507 ms, p95 7507 ms, max 7507 ms)", summary);
            Assert.DoesNotContain("System.Collections.Generic", summary);
            Assert.Contains("SpanCount", r.Output[2].ToString());
        }

        [Fact]
        public void TheConsoleViewFitsTheWidthAndNeverWraps()
        {
            var text = Chartly.Profiler.Output.TextReport.Render(Run.Sample("workflow", "wf-daily-report"));
            foreach (var width in new[] { 60, 80, 120 })
            {
                var fitted = ConsoleView.Fit(text, width);
                var lines = fitted.Split('\n');
                Assert.All(lines, l => Assert.True(l.Length <= width - 1, $"{l.Length} > {width - 1}: {l}"));
                Assert.Equal(text.Split('\n').Length, lines.Length); // nothing wrapped, nothing dropped
                Assert.Contains(lines, l => l.EndsWith(ConsoleView.Ellipsis));
                Assert.All(lines.Zip(text.Split('\n')), p => Assert.True(p.First == p.Second || p.First.EndsWith(ConsoleView.Ellipsis)));
            }

            // No console (redirected output, a file): whole lines, the CLI's text.
            Assert.Equal(text, ConsoleView.Fit(text, 0));
        }

        [Fact]
        public void SavedWithSetContentNoNewlineADocumentHasTheCommandLinesBytes()
        {
            using var s = NewSession();
            s.Run($"{Run1004} | ConvertTo-ChartlyProfileDocument | Set-Content -NoNewline saved.json");
            var cli = Governance.CliHarness.Run("--config", Repo.SampleConfig, "--env", "dev", "--target-type", "run", "--target-id", "run-1004", "--window-start", "2026-11-24T10:00:00Z", "--window-end", "2026-11-24T11:00:00Z");
            Assert.Equal(0, cli.ExitCode);
            var expected = Chartly.Profiler.Output.ProfileDocument.Write(Run.Sample("run", "run-1004"), Chartly.Profiler.Output.DocumentFormat.Json);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(expected), File.ReadAllBytes(Path.Combine(_dir, "saved.json")));
        }

        [Fact]
        public void CompletionOffersBaselineFormsAndSavedDocumentsAndNoFilesForTimestamps()
        {
            File.WriteAllText(Path.Combine(_dir, "base.json"), "{}");
            using var s = NewSession();
            var baseline = s.Complete("Get-ChartlyProfile -CompareTo ").Select(c => c.CompletionText).ToList();
            Assert.Equal(new[] { "run:", "version:", "base.json" }, baseline);
            Assert.Equal(new[] { "version:" }, s.Complete("Compare-ChartlyProfile -Baseline ver").Select(c => c.CompletionText));
            var window = s.Complete("Get-ChartlyProfile -WindowStart ").Select(c => c.CompletionText).ToList();
            Assert.DoesNotContain(window, c => c.Contains("base.json"));
            Assert.True(NaturalOrder.Instance.Compare("run-2", "run-10") < 0);
            Assert.True(NaturalOrder.Instance.Compare("run-010", "run-10") != 0);
        }

        [Fact]
        public void GetHelpOnlineHasAPageForEveryCmdletAndTheManifestFindsIt()
        {
            var manifest = File.ReadAllText(Path.Combine(Repo.Root, "module", "ChartlyProfiler.psd1"));
            Assert.Contains("HelpInfoURI          = '" + HelpLinks.Base + "'", manifest);
            foreach (var t in typeof(ChartlyCmdlet).Assembly.GetTypes().Where(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0))
            {
                var a = (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
                var name = a.VerbName + "-" + a.NounName;
                Assert.Equal(HelpLinks.Base + name + ".md", a.HelpUri);
                Assert.True(File.Exists(Path.Combine(Repo.Root, "docs", "help", name + ".md")), name);
                Assert.Contains("'PSCmdlet_" + name + "', 'PSCommand_" + name + "'", manifest);
            }
        }

        [Fact]
        public void GetHelpOfTheCommandLineScriptHasItsSynopsisAndExitCodes()
        {
            using var s = NewSession();
            var script = Path.Combine(Repo.Root, "tools", "profiler", "profiler.ps1");
            var r = s.Run($"$h = Get-Help '{script}' -Full; $h.Synopsis; ($h | Out-String -Width 200)");
            Assert.Empty(r.Errors);
            Assert.StartsWith("Chartly Profiler: the contract's command line.", r.Output[0].ToString());
            Assert.Contains("0 success, 2 invalid arguments", r.Output[1].ToString());
            Assert.Contains("--format text", r.Output[1].ToString());
        }
    }
}
