using System.Management.Automation;
using Chartly.Profiler.Analysis;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// The dry run: validates the arguments and the configuration, then describes what a profile
    /// would read or send (sources, queries, window) without reading any telemetry.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ChartlyProfilePlan")]
    [OutputType(typeof(ProfilePlan))]
    public sealed class GetChartlyProfilePlanCommand : ProfileRequestCommandBase
    {
        /// <summary>The signals to compute (the --include-metrics allowlist); the others are marked excluded.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Metrics")]
        [ArgumentCompleter(typeof(SignalNameCompleter))]
        public string[]? IncludeMetric { get; set; }

        protected override void ProcessRecord()
        {
            Guarded(() =>
            {
                var request = BuildRequest(null, IncludeMetric);
                var config = LoadConfig();
                WriteObject(new ProfileEngine().Plan(request, config));
            });
        }
    }
}
