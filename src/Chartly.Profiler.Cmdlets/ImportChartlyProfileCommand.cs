using System.Collections.Generic;
using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Reads saved profile documents (JSON or YAML) back into typed profiles. Piped text is the
    /// document itself, as for ConvertFrom-Json: a whole document per string, or the lines of one
    /// (Get-Content without -Raw); piped files bind to -LiteralPath.
    /// </summary>
    [Cmdlet(VerbsData.Import, "ChartlyProfile", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.ImportChartlyProfile)]
    [OutputType(typeof(Profile))]
    public class ImportChartlyProfileCommand : ChartlyCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string ContentSet = "Content";

        private readonly List<string> _content = new();
        private string? _current;

        /// <summary>Paths of saved documents; wildcards are expanded.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        public string[] Path { get; set; } = null!;

        /// <summary>Paths of saved documents, taken as typed (no wildcard characters); files piped from Get-ChildItem bind here.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP")]
        public string[] LiteralPath { get; set; } = null!;

        /// <summary>The document's text: one string, the lines of one document, or one document per piped string.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ContentSet)]
        [AllowEmptyString]
        public string[] Content { get; set; } = null!;

        protected override string Failed => "The profile document could not be read";

        protected override object? ErrorTarget => _current;

        protected override void ProcessItem()
        {
            if (ParameterSetName == ContentSet)
            {
                _content.AddRange(Content);
                return;
            }

            foreach (var path in ParameterSetName == LiteralPathSet ? LiteralPath : Expand(Path))
            {
                _current = path;
                var full = ResolvePath(path, "ProfileDocumentNotFound", "profile document");
                Guard(() => WriteObject(ReadFile(full)));
            }
        }

        /// <summary>Reads one saved document (a derived cmdlet may read differently, as CreateSource lets the profiling cmdlets).</summary>
        protected virtual Model.Profile ReadFile(string fullPath) => ProfileDocumentReader.ReadFile(fullPath);

        protected override void EndProcessing()
        {
            if (_content.Count > 0)
            {
                _current = "Content";
                Guard(ReadContent);
            }

            base.EndProcessing();
        }

        /// <summary>
        /// Each string a whole document when each reads as one (several profiles piped in); else the
        /// strings are the lines of one document. One pass decides, so the output does not depend on
        /// how the text was chunked.
        /// </summary>
        private void ReadContent()
        {
            if (_content.Count > 1)
            {
                var each = new List<Profile>();
                foreach (var text in _content)
                {
                    if (string.IsNullOrWhiteSpace(text) || !TryRead(text, out var p))
                    {
                        each.Clear();
                        break;
                    }

                    each.Add(p!);
                }

                if (each.Count == _content.Count)
                {
                    each.ForEach(p => WriteObject(p));
                    return;
                }
            }

            try
            {
                WriteObject(ProfileDocumentReader.Read(string.Join("\n", _content)));
            }
            catch (ProfilerException e) when (_content.Count == 1 && LooksLikeAPath(_content[0]))
            {
                throw new ProfilerException(
                    e.Kind,
                    e.ErrorId,
                    $"{e.Message} Piped text is the document itself, as for ConvertFrom-Json; to read the file '{Sanitize.ForMessage(_content[0].Trim())}', use -Path or pipe Get-Item / Get-ChildItem.");
            }
        }

        /// <summary>One short line naming a file that exists: most likely a path piped by habit.</summary>
        private bool LooksLikeAPath(string text)
        {
            var t = text.Trim();
            if (t.Length == 0 || t.Length > 1024 || t.IndexOfAny(new[] { '\n', '{' }) >= 0)
            {
                return false;
            }

            try
            {
                return System.IO.File.Exists(GetUnresolvedProviderPathFromPSPath(t));
            }
            catch (System.Exception e) when (e is ItemNotFoundException or DriveNotFoundException or ProviderNotFoundException or System.NotSupportedException or System.ArgumentException)
            {
                return false;
            }
        }

        private static bool TryRead(string text, out Profile? profile)
        {
            try
            {
                profile = ProfileDocumentReader.Read(text);
                return true;
            }
            catch (ProfilerException)
            {
                profile = null;
                return false;
            }
        }

        /// <summary>-Path with wildcards: every match, in ordinal order; a pattern that matches nothing is an error naming it.</summary>
        private IEnumerable<string> Expand(string[] paths)
        {
            foreach (var p in paths)
            {
                if (!WildcardPattern.ContainsWildcardCharacters(p))
                {
                    yield return p;
                    continue;
                }

                List<string> matches;
                try
                {
                    matches = new List<string>(GetResolvedProviderPathFromPSPath(p, out _));
                }
                catch (ItemNotFoundException)
                {
                    matches = new List<string>();
                }

                if (matches.Count == 0)
                {
                    _current = p;
                    throw new ProfilerException(ProfilerErrorKind.PreconditionFailed, "ProfileDocumentNotFound", $"No profile document matches '{Sanitize.ForMessage(p)}'.");
                }

                matches.Sort(System.StringComparer.Ordinal);
                foreach (var m in matches)
                {
                    yield return m;
                }
            }
        }
    }
}
