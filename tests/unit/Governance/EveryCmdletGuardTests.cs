using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Cmdlets;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Issue 17: one cmdlet base, one error guard. An exception no cmdlet planned for, forced through
    /// each cmdlet of the module, comes out as one clean ErrorRecord: a stable id (InternalError), no
    /// inner exception, no stack trace, the exit code the engine decides; never a raw exception.
    /// </summary>
    [Collection(ConsoleCollection.Name)]
    public sealed class EveryCmdletGuardTests
    {
        private const string Request = "-Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z";

        /// <summary>A profile a script could build by hand with a part missing: every consumer trips over it.</summary>
        private static string Broken => "$p = Chartly.Profiler.Cmdlets\\Get-ChartlyProfile " + Request + " -ConfigPath '" + Repo.SampleConfig + "'\n" +
            "$broken = [Chartly.Profiler.Model.Profile]::new($p.Header, $null, $p.Breakdown, $p.Signals, $p.Findings, $null, $p.DataQuality)\n";

        /// <summary>Per cmdlet: the script that forces the unexpected exception through it.</summary>
        public static readonly IReadOnlyDictionary<string, string> Scripts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Get-ChartlyProfile"] = "Get-ExplodingChartlyProfile " + Request + " -ConfigPath '" + Repo.SampleConfig + "'",
            ["Get-ChartlyProfilePlan"] = "Get-ExplodingChartlyProfilePlan " + Request + " -ConfigPath '" + Repo.SampleConfig + "'",
            ["Compare-ChartlyProfile"] = Broken + "$broken | Compare-ChartlyProfile -Baseline $p",
            ["Export-ChartlyProfileReport"] = Broken + "$broken | Export-ChartlyProfileReport -Path (Join-Path ([IO.Path]::GetTempPath()) ('chartly-guard-' + [guid]::NewGuid() + '.html'))",
            ["ConvertTo-ChartlyProfileDocument"] = Broken + "$broken | ConvertTo-ChartlyProfileDocument",

            // The reader itself fails the way a bug would (an I/O error is a clean ProfileDocumentUnreadable now).
            ["Import-ChartlyProfile"] = "Import-ExplodingChartlyProfile -LiteralPath '" + System.IO.Path.Combine(Repo.Root, "tests", "golden", "run.json") + "'",
        };

        public static IEnumerable<object[]> Cmdlets => Scripts.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

        [Fact]
        public void EveryCmdletOfTheModuleDerivesFromTheOneBaseAndIsCoveredHere()
        {
            var cmdlets = typeof(ChartlyCmdlet).Assembly.GetTypes()
                .Where(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0)
                .ToList();
            Assert.Equal(6, cmdlets.Count);
            foreach (var t in cmdlets)
            {
                Assert.True(typeof(ChartlyCmdlet).IsAssignableFrom(t), t.Name + " does not derive from ChartlyCmdlet");
                var a = (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
                Assert.Contains(a.VerbName + "-" + a.NounName, Scripts.Keys);
            }
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void AnUnexpectedExceptionBecomesACleanErrorRecord(string cmdlet)
        {
            using var rs = RunspaceFactory.CreateRunspace(ExplodingCmdlets.Session());
            rs.ThreadOptions = PSThreadOptions.UseCurrentThread;
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript(Scripts[cmdlet]);
            Assert.Empty(ps.Invoke());
            Assert.True(ps.Streams.Error.Count == 1, string.Join("\n", ps.Streams.Error.Select(r => r.FullyQualifiedErrorId + ": " + r.Exception.Message)));
            var e = ps.Streams.Error[0];
            Assert.StartsWith("InternalError,", e.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            var p = Assert.IsType<ProfilerException>(e.Exception);
            Assert.Null(p.InnerException);
            Assert.Null(p.StackTrace);
            Assert.Equal(ExitCodes.ValidationFailed, ErrorExitCode.Of(e));
            Assert.Contains("because of an unexpected", p.Message, StringComparison.Ordinal);
            NoStackTraceTests.AssertShortAndClean(e.ToString());
        }
    }
}
