using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>Writes a profile as the canonical document: JSON, YAML, or the text report.</summary>
    [Cmdlet(VerbsData.ConvertTo, "ChartlyProfileDocument")]
    [OutputType(typeof(string))]
    public sealed class ConvertToChartlyProfileDocumentCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public Profile InputObject { get; set; } = null!;

        [Parameter]
        [ArgumentCompleter(typeof(FormatCompleter))]
        public string Format { get; set; } = "Json";

        protected override void ProcessRecord()
        {
            try
            {
                WriteObject(ProfileDocument.Write(InputObject, DocumentFormats.Parse(Format)));
            }
            catch (ProfilerException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e, Format));
            }
        }
    }
}
