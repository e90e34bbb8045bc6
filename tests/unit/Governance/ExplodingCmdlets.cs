using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Cmdlets;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// The module's two profiling cmdlets, derived so that every source they create explodes the way a
    /// bug would: the whole cmdlet runs (parameters, configuration, engine, guard) except the source.
    /// This is how a test makes the engine fail behind the cmdlets and the command line; the product
    /// holds no hook for it.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ExplodingChartlyProfile", DefaultParameterSetName = "Profile")]
    public sealed class ExplodingGetChartlyProfile : GetChartlyProfileCommand
    {
        [Parameter]
        public string Explode { get; set; } = "NullReferenceException";

        protected override ITraceSource? CreateSource(SourceConfig source) => new ExplodingSource(() => NoStackTraceTests.Thrown(Explode));
    }

    [Cmdlet(VerbsCommon.Get, "ExplodingChartlyProfilePlan")]
    public sealed class ExplodingGetChartlyProfilePlan : GetChartlyProfilePlanCommand
    {
        [Parameter]
        public string Explode { get; set; } = "KeyNotFoundException";

        protected override ITraceSource? CreateSource(SourceConfig source) => new ExplodingSource(() => NoStackTraceTests.Thrown(Explode));
    }

    [Cmdlet(VerbsData.Import, "ExplodingChartlyProfile", DefaultParameterSetName = "Path")]
    public sealed class ExplodingImportChartlyProfile : ImportChartlyProfileCommand
    {
        protected override Model.Profile ReadFile(string fullPath) => throw NoStackTraceTests.Thrown("InvalidOperationException");
    }

    internal static class ExplodingCmdlets
    {
        /// <summary>A session where Get-ChartlyProfile and Get-ChartlyProfilePlan are the exploding ones.</summary>
        public static InitialSessionState Session()
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(GetChartlyProfileCommand).Assembly.Location });
            InsteadOfTheModule(iss);
            return iss;
        }

        /// <summary>
        /// Aliases come before cmdlets in PowerShell's command lookup, so a script that imports the
        /// module (tools/profiler/profiler.ps1) still reaches the exploding cmdlets.
        /// </summary>
        public static void InsteadOfTheModule(InitialSessionState iss)
        {
            iss.Commands.Add(new SessionStateCmdletEntry("Get-ExplodingChartlyProfile", typeof(ExplodingGetChartlyProfile), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Get-ExplodingChartlyProfilePlan", typeof(ExplodingGetChartlyProfilePlan), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Import-ExplodingChartlyProfile", typeof(ExplodingImportChartlyProfile), null));
            iss.Commands.Add(new SessionStateAliasEntry("Get-ChartlyProfile", "Get-ExplodingChartlyProfile"));
            iss.Commands.Add(new SessionStateAliasEntry("Get-ChartlyProfilePlan", "Get-ExplodingChartlyProfilePlan"));
        }
    }
}
