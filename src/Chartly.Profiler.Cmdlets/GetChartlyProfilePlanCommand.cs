using System.Management.Automation;
using Chartly.Profiler.Analysis;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// The dry run: validates the arguments and the configuration, then describes what a profile
    /// would read or send (sources, queries, window) without reading any telemetry.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ChartlyProfilePlan", HelpUri = HelpLinks.GetChartlyProfilePlan)]
    [OutputType(typeof(ProfilePlan))]
    public class GetChartlyProfilePlanCommand : ProfileRequestCommandBase
    {
        protected override void ProcessItem()
        {
            var request = BuildRequest();
            var config = LoadConfig();
            WriteObject(NewEngine().Plan(request, config));
        }
    }
}
