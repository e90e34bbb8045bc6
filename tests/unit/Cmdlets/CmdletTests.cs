using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Cmdlets
{
    /// <summary>The cmdlets in-process, in a real runspace, as a user's session runs them.</summary>
    public class CmdletTests
    {
        private static (Collection<PSObject> Output, System.Collections.Generic.List<ErrorRecord> Errors) Invoke(string script)
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.Location });
            using var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript("Set-Location -LiteralPath '" + Repo.Root.Replace("'", "''") + "'\n" + script);
            var output = ps.Invoke();
            return (output, ps.Streams.Error.ToList());
        }

        private const string Args = "-Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -ConfigPath samples/chartly-profiler.yaml";

        [Fact]
        public void GetChartlyProfileEmitsATypedProfile()
        {
            var (output, errors) = Invoke("Get-ChartlyProfile " + Args);
            Assert.Empty(errors);
            var p = Assert.IsType<Profile>(Assert.Single(output).BaseObject);
            Assert.Equal(7507, p.Summary.TotalDurationMs);
        }

        [Fact]
        public void DocumentRoundTripThroughTheCmdlets()
        {
            var (output, errors) = Invoke(
                "$p = Get-ChartlyProfile " + Args + "\n" +
                "$json = $p | ConvertTo-ChartlyProfileDocument -Format Json\n" +
                "$back = Import-ChartlyProfile -Content $json\n" +
                "($back | ConvertTo-ChartlyProfileDocument -Format Json) -ceq $json\n" +
                "$yaml = $p | ConvertTo-ChartlyProfileDocument -Format Yaml\n" +
                "((Import-ChartlyProfile -Content $yaml) | ConvertTo-ChartlyProfileDocument -Format Json) -ceq $json");
            Assert.Empty(errors);
            Assert.Equal(new object[] { true, true }, output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void ProfilePipesToConvertToJson()
        {
            var (output, errors) = Invoke("Get-ChartlyProfile " + Args + " | ConvertTo-Json -Depth 10 | ConvertFrom-Json | ForEach-Object { $_.Summary.TotalDurationMs }");
            Assert.Empty(errors);
            Assert.Equal(7507L, System.Convert.ToInt64(Assert.Single(output).BaseObject));
        }

        [Theory]
        [InlineData("-Environment qa", "InvalidEnvironment", ErrorCategory.InvalidArgument)]
        [InlineData("-TargetType pod", "InvalidTargetType", ErrorCategory.InvalidArgument)]
        [InlineData("-WindowStart 2026-11-24T10:00:00", "InvalidTimestamp", ErrorCategory.InvalidArgument)]
        [InlineData("-TargetId run-9999", "TargetNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData("-TargetId run-dup-1", "TargetAmbiguous", ErrorCategory.ObjectNotFound)]
        [InlineData("-ConfigPath nowhere.yaml", "ConfigNotFound", ErrorCategory.ObjectNotFound)]
        public void ErrorsCarryStableIdsAndTheirCategory(string overrides, string errorId, ErrorCategory category)
        {
            var args = Args;
            foreach (var part in overrides.Split(' ').Select((v, i) => (v, i)).GroupBy(x => x.i / 2).Select(g => g.Select(x => x.v).ToArray()))
            {
                args = System.Text.RegularExpressions.Regex.Replace(args, part[0] + " \\S+", part[0] + " " + part[1]);
            }

            var (output, errors) = Invoke("Get-ChartlyProfile " + args);
            Assert.Empty(output);
            var e = Assert.Single(errors);
            Assert.Equal(errorId + ",Chartly.Profiler.Cmdlets.GetChartlyProfileCommand", e.FullyQualifiedErrorId);
            Assert.Equal(category, e.CategoryInfo.Category);
            Assert.DoesNotContain(" at ", e.Exception.Message);
        }

        [Fact]
        public void PipelineRowsBindByPropertyNameAndOneBadRowDoesNotStopTheOthers()
        {
            var (output, errors) = Invoke(
                "@([pscustomobject]@{ Environment='dev'; TargetType='run'; TargetId='run-1001' }," +
                "  [pscustomobject]@{ Environment='dev'; TargetType='run'; TargetId='run-9999' }," +
                "  [pscustomobject]@{ Environment='dev'; TargetType='run'; TargetId='run-1004' }) |" +
                " Get-ChartlyProfile -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -ConfigPath samples/chartly-profiler.yaml");
            Assert.Equal(2, output.Count);
            Assert.Equal(new[] { "run-1001", "run-1004" }, output.Select(o => ((Profile)o.BaseObject).Header.Target.Id).ToArray());
            Assert.Equal("TargetNotFound", Assert.Single(errors).FullyQualifiedErrorId.Split(',')[0]);
        }

        [Fact]
        public void DateTimeOffsetValuesBindAsExplicitInstants()
        {
            var (output, errors) = Invoke(
                "Get-ChartlyProfile -Environment dev -TargetType run -TargetId run-1004 -ConfigPath samples/chartly-profiler.yaml " +
                "-WindowStart ([datetimeoffset]'2026-11-24T11:00:00+01:00') -WindowEnd ([datetimeoffset]'2026-11-24T12:00:00+01:00')");
            Assert.Empty(errors);
            Assert.Equal("2026-11-24T10:00:00Z", ((Profile)Assert.Single(output).BaseObject).Header.Window.Start);
        }

        [Fact]
        public void PlanReadsNothingAndListsTheSources()
        {
            var (output, errors) = Invoke("Get-ChartlyProfilePlan " + Args);
            Assert.Empty(errors);
            var plan = Assert.IsType<Chartly.Profiler.Analysis.ProfilePlan>(Assert.Single(output).BaseObject);
            Assert.Single(plan.Sources);
            Assert.StartsWith("otlp-file", plan.Sources[0].Source);
        }

        [Fact]
        public void NoCmdletCanChangeAnything()
        {
            // Read-only by construction: no parameter that sounds like applying a change, and ShouldProcess
            // (-WhatIf/-Confirm) only where the user's own file is written (Export, issue 13).
            var types = typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.GetTypes()
                .Where(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0).ToList();
            Assert.NotEmpty(types);
            foreach (var t in types)
            {
                var attr = (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
                Assert.Equal(attr.VerbName == "Export", attr.SupportsShouldProcess);
                Assert.False(attr.SupportsTransactions, t.Name + " declares SupportsTransactions");
                Assert.DoesNotContain(new[] { "Set", "Remove", "New", "Clear", "Start", "Stop", "Invoke", "Update" }, v => v == attr.VerbName);

                // Governance (docs/security.md): only verbs that read or report. Export writes the one file the user names with -Path.
                Assert.Contains(attr.VerbName, new[] { "Get", "Import", "ConvertTo", "Compare", "Export", "Test", "Measure", "Show" });
                var parameters = t.GetProperties().Where(p => p.GetCustomAttributes(typeof(ParameterAttribute), true).Length > 0).ToList();
                var names = parameters.Select(p => p.Name)
                    .Concat(parameters.SelectMany(p => p.GetCustomAttributes(typeof(AliasAttribute), true).Cast<AliasAttribute>().SelectMany(a => a.AliasNames)))
                    .ToList();
                Assert.DoesNotContain(names, n => n is "Apply" or "Fix" or "Scale" or "Trigger" or "Execute" or "Commit" or "Restart" or "Remediate" or "Mitigate"
                    or "Rollback" or "Deploy" or "Kill" or "Delete" or "Remove" or "Purge" or "Mutate" or "Replicas" or "WhatIf" or "Confirm" or "Write");
                if (attr.VerbName == "Export")
                {
                    // Its -Force replaces the report file named by -Path, never telemetry or a system under profile.
                    Assert.Contains("Path", names);
                }
                else
                {
                    Assert.DoesNotContain("Force", names);
                }
            }
        }
    }
}
