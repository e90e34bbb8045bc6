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
    [Cmdlet(VerbsCommon.Get, "ChartlyProfile", DefaultParameterSetName = ProfileSet, HelpUri = HelpLinks.GetChartlyProfile)]
    [OutputType(typeof(Profile))]
    public class GetChartlyProfileCommand : ProfileRequestCommandBase
    {
        private const string ProfileSet = "Profile";
        private const string CompareSet = "Compare";

        private BaselineResolver? _resolver;

        /// <summary>The baseline: run:&lt;id&gt;, version:&lt;v&gt; (each optionally @start[/end]), or the path of a saved profile. Blank (an empty CSV cell) means no comparison.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CompareSet)]
        [AllowEmptyString]
        [AllowNull]
        [ArgumentCompleter(typeof(BaselineCompleter))]
        public string? CompareTo { get; set; }

        /// <summary>The magnitude gate of the comparison, in percent per root (default 5).</summary>
        [Parameter(ParameterSetName = CompareSet)]
        public decimal Threshold { get; set; } = ProfileComparer.DefaultThresholdPct;

        protected override void ProcessItem()
        {
            var request = BuildRequest();
            var config = LoadConfig();
            var engine = NewEngine();
            if (string.IsNullOrWhiteSpace(CompareTo))
            {
                WriteObject(engine.Run(request, config, Cancellation));
                return;
            }

            // Everything about the baseline that can fail does so before the telemetry is read (one place for every front end).
            _resolver ??= new BaselineResolver(engine);
            WriteObject(BaselineComparison.Run(engine, _resolver, request, config, CompareTo!, Threshold, path => ResolvePath(path, "ProfileDocumentNotFound", "profile document"), Cancellation));
        }
    }

    /// <summary>Completes -IncludeMetric with the signal names (docs/signals.md).</summary>
    public sealed class SignalNameCompleter : IArgumentCompleter
    {
        public System.Collections.Generic.IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
            Completion.From(SignalCatalog.Names, wordToComplete, "Signal ");
    }
}
