using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Writes a profile as the canonical document: JSON, YAML, or the text report. The string is
    /// exactly the command line's output (it ends in one newline), so `Set-Content -NoNewline` saves
    /// the command line's bytes (docs/help/ConvertTo-ChartlyProfileDocument.md).
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "ChartlyProfileDocument", HelpUri = HelpLinks.ConvertToChartlyProfileDocument)]
    [OutputType(typeof(string))]
    public sealed class ConvertToChartlyProfileDocumentCommand : ChartlyCmdlet
    {
        private DocumentFormat _format;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ProfileTransformation]
        public Profile InputObject { get; set; } = null!;

        [Parameter]
        [ArgumentCompleter(typeof(FormatCompleter))]
        public string Format { get; set; } = "Json";

        protected override string Failed => "The profile document could not be written";

        protected override object? ErrorTarget => InputObject?.Header?.Target?.ToString();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                _format = DocumentFormats.Parse(Format);
            }
            catch (ProfilerException e)
            {
                // A wrong -Format is wrong for every profile: once, and the pipeline stops.
                ThrowTerminatingError(ErrorRecords.From(e, Format));
            }
        }

        protected override void ProcessItem() => WriteObject(ProfileDocument.Write(InputObject, _format));
    }
}
