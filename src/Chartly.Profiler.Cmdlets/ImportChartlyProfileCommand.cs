using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>Reads a saved profile document (JSON or YAML) back into a typed profile.</summary>
    [Cmdlet(VerbsData.Import, "ChartlyProfile", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(Profile))]
    public sealed class ImportChartlyProfileCommand : PSCmdlet
    {
        private const string PathSet = "Path";
        private const string ContentSet = "Content";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("FullName", "LiteralPath")]
        public string[] Path { get; set; } = null!;

        /// <summary>The document's text, for a profile already in a variable or from a web response.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ContentSet)]
        public string Content { get; set; } = null!;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ContentSet)
            {
                Read(() => ProfileDocumentReader.Read(Content), "Content");
                return;
            }

            foreach (var p in Path)
            {
                var full = GetUnresolvedProviderPathFromPSPath(p);
                Read(() => ProfileDocumentReader.ReadFile(full), p);
            }
        }

        private void Read(System.Func<Profile> read, string target)
        {
            try
            {
                WriteObject(read());
            }
            catch (ProfilerException e)
            {
                WriteError(ErrorRecords.From(e, target));
            }
        }
    }
}
