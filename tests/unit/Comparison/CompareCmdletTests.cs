using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Comparison
{
    /// <summary>Get-ChartlyProfile -CompareTo and Compare-ChartlyProfile in a real runspace, at the repository root.</summary>
    public sealed class CompareCmdletTests : IDisposable
    {
        private const string Window = "-WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z";
        private const string Common = "-Environment dev -ConfigPath samples/chartly-profiler.yaml " + Window;
        private const string Run1004 = "Get-ChartlyProfile -TargetType run -TargetId run-1004 " + Common;

        private readonly string _temp = Path.Combine(Path.GetTempPath(), "chartly-compare-" + Guid.NewGuid().ToString("N"));

        public CompareCmdletTests() => Directory.CreateDirectory(_temp);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private (List<PSObject> Output, List<ErrorRecord> Errors) Invoke(string script)
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(Chartly.Profiler.Cmdlets.CompareChartlyProfileCommand).Assembly.Location });
            using var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript("Set-Location -LiteralPath '" + Repo.Root.Replace("'", "''") + "'\n$temp = '" + _temp.Replace("'", "''") + "'\n" + script);
            var output = ps.Invoke().ToList();
            return (output, ps.Streams.Error.ToList());
        }

        [Fact]
        public void CompareToAndThePipedCmdletGiveTheSameBytes()
        {
            var (output, errors) = Invoke(
                "$a = " + Run1004 + " -CompareTo run:run-1001 | ConvertTo-ChartlyProfileDocument\n" +
                "$b = " + Run1004 + " | Compare-ChartlyProfile -Baseline run:run-1001 -ConfigPath samples/chartly-profiler.yaml | ConvertTo-ChartlyProfileDocument\n" +
                "$before = Get-ChartlyProfile -TargetType run -TargetId run-1001 " + Common + "\n" +
                "$c = " + Run1004 + " | Compare-ChartlyProfile -Baseline $before | ConvertTo-ChartlyProfileDocument\n" +
                "$a -ceq $b\n$a.Contains('\"regression\": \"regressed\"')\n$c.Contains('\"regression\": \"regressed\"')\n$c.Contains('\"kind\": \"profile\"')");
            Assert.Empty(errors);
            Assert.Equal(new object[] { true, true, true, true }, output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void ASavedBaselineIsReadFromJsonOrYamlAndPipesToConvertToJson()
        {
            var (output, errors) = Invoke(
                "Get-ChartlyProfile -TargetType run -TargetId run-1001 " + Common + " | ConvertTo-ChartlyProfileDocument -Format Yaml | Set-Content -LiteralPath (Join-Path $temp 'base.yaml') -NoNewline\n" +
                "Push-Location $temp\n" +
                "$r = Get-ChartlyProfile -TargetType run -TargetId run-1004 -Environment dev -ConfigPath (Join-Path '" + Repo.Root.Replace("'", "''") + "' samples/chartly-profiler.yaml) " + Window + " | Compare-ChartlyProfile -Baseline ./base.yaml\n" +
                "Pop-Location\n" +
                "($r | ConvertTo-Json -Depth 10 | ConvertFrom-Json).Comparison.Classification\n" +
                "$r.Summary.Regression");
            Assert.Empty(errors);
            Assert.Equal(new object[] { "regressed", "regressed" }, output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void TheThresholdIsAParameter()
        {
            var (output, errors) = Invoke(
                "(Get-ChartlyProfile -TargetType run -TargetId run-1002 " + Common + " -CompareTo run:run-1001 -Threshold 0.5).Summary.Regression\n" +
                "(Get-ChartlyProfile -TargetType run -TargetId run-1002 " + Common + " -CompareTo run:run-1001).Summary.Regression");
            Assert.Empty(errors);
            Assert.Equal(new object[] { "improved", "unchanged" }, output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void AWindowOfAnotherLengthIsInvalidData()
        {
            var (output, errors) = Invoke(
                "Get-ChartlyProfile -TargetType run -TargetId run-1001 -Environment dev -ConfigPath samples/chartly-profiler.yaml -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T10:30:00Z | ConvertTo-ChartlyProfileDocument | Set-Content -LiteralPath (Join-Path $temp 'half.json') -NoNewline\n" +
                Run1004 + " -CompareTo (Join-Path $temp 'half.json')");
            Assert.Empty(output);
            var e = Assert.Single(errors);
            Assert.Equal("BaselineWindowMismatch,Chartly.Profiler.Cmdlets.GetChartlyProfileCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Contains("[2026-11-24T10:00:00Z, 2026-11-24T10:30:00Z)", e.Exception.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("run:run-9999", "BaselineTargetNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("no/such/baseline.json", "ProfileDocumentNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("version:2.3.1", "BaselineNotApplicable", ErrorCategory.InvalidArgument)]
        [InlineData("run:run-1001@2026-11-24T10:00:00Z/2026-11-24T10:30:00Z", "BaselineWindowMismatch", ErrorCategory.InvalidData)]
        public void BaselineErrorsCarryTheirCategory(string spec, string errorId, ErrorCategory category)
        {
            foreach (var script in new[]
            {
                Run1004 + " -CompareTo '" + spec + "'",
                Run1004 + " | Compare-ChartlyProfile -Baseline '" + spec + "' -ConfigPath samples/chartly-profiler.yaml",
            })
            {
                var (output, errors) = Invoke(script);
                Assert.Empty(output);
                var e = Assert.Single(errors);
                Assert.StartsWith(errorId + ",Chartly.Profiler.Cmdlets.", e.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Equal(category, e.CategoryInfo.Category);
            }
        }

        [Fact]
        public void ANonProfileBaselineIsAnInvalidArgument()
        {
            var (output, errors) = Invoke(Run1004 + " | Compare-ChartlyProfile -Baseline 42");
            Assert.Empty(output);
            Assert.Equal("InvalidBaseline,Chartly.Profiler.Cmdlets.CompareChartlyProfileCommand", Assert.Single(errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void TheCmdletDeclaresItsOutputAndParameterSet()
        {
            var (output, errors) = Invoke(
                "$c = Get-Command Compare-ChartlyProfile\n$c.OutputType.Type.FullName\n$c.DefaultParameterSet\n" +
                "(Get-Command Get-ChartlyProfile).ParameterSets.Name | Sort-Object");
            Assert.Empty(errors);
            Assert.Equal(new object[] { typeof(Profile).FullName!, "Baseline", "Compare", "Profile" }, output.Select(o => o.BaseObject).ToArray());
        }
    }
}
