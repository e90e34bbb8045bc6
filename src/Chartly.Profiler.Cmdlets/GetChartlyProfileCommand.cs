using System.Management.Automation;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Profiles one explicit target over an explicit window from the telemetry the configuration
    /// names for the environment, and writes a typed <see cref="Profile"/>. Reads only.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ChartlyProfile")]
    [OutputType(typeof(Profile))]
    public sealed class GetChartlyProfileCommand : ProfileRequestCommandBase
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Metrics")]
        public string[]? IncludeMetric { get; set; }

        protected override void ProcessRecord()
        {
            Guarded(() =>
            {
                var request = BuildRequest(null, IncludeMetric);
                var config = LoadConfig();
                var engine = new ProfileEngine { Verbose = WriteVerbose };
                WriteObject(engine.Run(request, config, Cancellation));
            });
        }
    }
}
