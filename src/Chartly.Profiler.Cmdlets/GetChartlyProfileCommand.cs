using System.Management.Automation;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Model;
using Chartly.Profiler.Regression;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Profiles one explicit target over an explicit window from the telemetry the configuration
    /// names for the environment, and writes a typed <see cref="Profile"/>. Reads only. With
    /// -CompareTo the profile carries a comparison with that baseline (docs/regression.md).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "ChartlyProfile", DefaultParameterSetName = ProfileSet)]
    [OutputType(typeof(Profile))]
    public sealed class GetChartlyProfileCommand : ProfileRequestCommandBase
    {
        private const string ProfileSet = "Profile";
        private const string CompareSet = "Compare";

        private BaselineResolver? _resolver;

        /// <summary>The signals to compute (the --include-metrics allowlist); the others are marked excluded.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Metrics")]
        [ArgumentCompleter(typeof(SignalNameCompleter))]
        public string[]? IncludeMetric { get; set; }

        /// <summary>The baseline: run:&lt;id&gt;, version:&lt;v&gt; (each optionally @start[/end]), or the path of a saved profile.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CompareSet)]
        public string CompareTo { get; set; } = string.Empty;

        /// <summary>The magnitude gate of the comparison, in percent per root (default 5).</summary>
        [Parameter(ParameterSetName = CompareSet)]
        public decimal Threshold { get; set; } = ProfileComparer.DefaultThresholdPct;

        protected override void ProcessRecord()
        {
            Guarded(() =>
            {
                var request = BuildRequest(null, IncludeMetric);
                var config = LoadConfig();
                var engine = NewEngine();
                if (ParameterSetName != CompareSet)
                {
                    WriteObject(engine.Run(request, config, Cancellation));
                    return;
                }

                _resolver ??= new BaselineResolver(engine);
                WriteObject(BaselineComparison.Run(engine, _resolver, request, config, CompareTo, Threshold, path => BaselineArgument.ResolvePath(this, path), Cancellation));
            });
        }
    }

    /// <summary>Completes -IncludeMetric with the signal names (docs/signals.md).</summary>
    public sealed class SignalNameCompleter : IArgumentCompleter
    {
        public System.Collections.Generic.IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
            Completion.From(SignalCatalog.Names, wordToComplete, "Signal ");
    }
}
