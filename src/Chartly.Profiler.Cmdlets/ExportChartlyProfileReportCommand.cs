using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Writes a profile as one self-contained HTML page (Output/HtmlReport.cs). The critical-path
    /// waterfall of the slowest root is not part of a profile, so it is recomputed from the
    /// telemetry of the configuration the profile was made from (or -ConfigPath): same request, same
    /// root selection; when that telemetry is gone or no longer gives the same profile, the page says
    /// so instead of drawing a path that belongs to other data. The file named by -Path is the only
    /// thing written. As Export-Csv: an existing file is replaced unless -NoClobber (which -Force
    /// overrides); -WhatIf/-Confirm; no output unless -PassThru.
    /// </summary>
    [Cmdlet(VerbsData.Export, "ChartlyProfileReport", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, HelpUri = HelpLinks.ExportChartlyProfileReport)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportChartlyProfileReportCommand : ChartlyCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        private readonly HashSet<string> _written = new(StringComparer.Ordinal);

        /// <summary>The profile to draw (from Get-ChartlyProfile, Compare-ChartlyProfile or Import-ChartlyProfile).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ProfileTransformation]
        public Profile InputObject { get; set; } = null!;

        /// <summary>The HTML file to write. Takes a script block per piped profile, e.g. { "$($_.Header.Target.Id).html" }.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("FilePath")]
        public string Path { get; set; } = null!;

        /// <summary>The HTML file to write, taken as typed (no wildcard characters).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP")]
        public string LiteralPath { get; set; } = null!;

        /// <summary>Do not replace an existing file (an error, and the file stays as it was).</summary>
        [Parameter]
        [Alias("NoOverwrite")]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Replace an existing file even with -NoClobber (what 0.1 required to replace one; scripts that pass it keep working).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the file's FileInfo to the pipeline (nothing is written otherwise).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The configuration naming the telemetry the waterfall is read from; by default the one the profile was made from.</summary>
        [Parameter]
        [Alias("Config")]
        public string? ConfigPath { get; set; }

        private bool Refuses => NoClobber && !Force;

        private string Target => ParameterSetName == LiteralPathSet ? LiteralPath : Path;

        protected override string Failed => "The report could not be written";

        protected override object? ErrorTarget => Target;

        protected override string ProgressActivity => "Chartly profile report " + Target;

        protected override void ProcessItem()
        {
            var profile = InputObject;
            var full = ParameterSetName == LiteralPathSet
                ? ResolvePath(LiteralPath, "ReportPathInvalid", "report path")
                : ResolveOne(Path);

            if (_written.Contains(full))
            {
                Fail("ReportPathAlreadyWritten", ErrorCategory.ResourceExists, $"'{Sanitize.ForMessage(Target)}' was already written by this command; one file holds one profile. Give each profile its own path, e.g. -Path {{ \"$($_.Header.Target.Id).html\" }}.");
                return;
            }

            if (Refuses && File.Exists(full))
            {
                Fail("ReportFileExists", ErrorCategory.ResourceExists, $"The file '{Sanitize.ForMessage(Target)}' exists; it was left as it is (-NoClobber).");
                return;
            }

            // Before the telemetry is read again: -WhatIf costs nothing.
            if (!ShouldProcess(full, "Write the HTML profile report"))
            {
                return;
            }

            _written.Add(full);
            var (waterfall, note) = TryWaterfall(profile);
            Write(full, HtmlReport.RenderBytes(profile, waterfall, note));
        }

        /// <summary>-Path: a wildcard that names one existing file is that file; otherwise the path as typed.</summary>
        private string ResolveOne(string path)
        {
            if (WildcardPattern.ContainsWildcardCharacters(path))
            {
                try
                {
                    var matches = GetResolvedProviderPathFromPSPath(path, out _);
                    if (matches.Count == 1)
                    {
                        return matches[0];
                    }

                    throw ProfilerException.Invalid("ReportPathInvalid", $"-Path '{Sanitize.ForMessage(path)}' matches {matches.Count} files; a report is one file. Use -LiteralPath for a name with wildcard characters.");
                }
                catch (ItemNotFoundException)
                {
                    // No match: the name as typed, as Export-Csv does.
                }
            }

            return ResolvePath(path, "ReportPathInvalid", "report path");
        }

        /// <summary>The waterfall, or null and the reason it is missing (also written as a warning).</summary>
        private (Waterfall? Waterfall, string? Note) TryWaterfall(Profile profile)
        {
            try
            {
                var request = RequestOf(profile);
                var config = LoadConfig(ConfigPath, profile.ConfigPath);
                var (recomputed, waterfall) = Waterfall.OfSlowestRoot(request, config, Cancellation, WriteVerbose, ReportProgress, CreateSource);
                if (!SameProfile(profile, recomputed))
                {
                    return Missing("the telemetry no longer gives this profile (its totals or roots differ), so its critical path cannot be drawn from it.");
                }

                return (waterfall, null);
            }
            catch (ProfilerException e)
            {
                return Missing($"the telemetry could not be read again: {e.Message} [{e.ErrorId}]");
            }
        }

        private (Waterfall?, string?) Missing(string why)
        {
            var note = "No waterfall: " + why;
            WriteWarning(note);
            return (null, note);
        }

        /// <summary>The request the profile was made from: its header holds every input that selects roots.</summary>
        private static ProfileRequest RequestOf(Profile p)
        {
            var h = p.Header;
            return new ProfileRequest(
                ProfileRequest.ParseEnvironment(h.Environment),
                TargetSpec.Parse(TargetTypes.Parse(h.Target.Type), h.Target.Id),
                TimeWindow.Parse(h.Window.Start, h.Window.End),
                ProfileRequest.ParsePrecision(h.Precision),
                Array.Empty<string>(),
                null);
        }

        /// <summary>Same roots and the same critical-path totals: the waterfall belongs to this profile.</summary>
        private static bool SameProfile(Profile original, Profile recomputed)
        {
            var a = original.Summary;
            var b = recomputed.Summary;
            if (a.TotalDurationMs != b.TotalDurationMs || a.Roots.Count != b.Roots.Count || a.Roots.MaxMs != b.Roots.MaxMs || original.Breakdown.Count != recomputed.Breakdown.Count)
            {
                return false;
            }

            for (var i = 0; i < original.Breakdown.Count; i++)
            {
                if (!string.Equals(original.Breakdown[i].Component, recomputed.Breakdown[i].Component, StringComparison.Ordinal)
                    || original.Breakdown[i].DurationMs != recomputed.Breakdown[i].DurationMs)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Create (CreateNew with -NoClobber), write, and with -PassThru hand back the file; on a failed write, remove only a file this call created.</summary>
        private void Write(string full, byte[] bytes)
        {
            var mode = Refuses ? FileMode.CreateNew : FileMode.Create;
            var created = false;
            try
            {
                var existed = File.Exists(full);
                using (var stream = new FileStream(full, mode, FileAccess.Write, FileShare.None))
                {
                    created = !existed;
                    stream.Write(bytes, 0, bytes.Length);
                }

                if (PassThru)
                {
                    // Through the provider, so the object carries what Get-Item's does (mode, owner on Unix, PSPath).
                    WriteObject(SessionState.InvokeProvider.Item.Get(new[] { full }, false, true), true);
                }
            }
            catch (IOException) when (Refuses && File.Exists(full) && !created)
            {
                Fail("ReportFileExists", ErrorCategory.ResourceExists, $"The file '{Sanitize.ForMessage(Target)}' exists; it was left as it is (-NoClobber).");
            }
            catch (DirectoryNotFoundException)
            {
                Fail("ReportFolderNotFound", ErrorCategory.ObjectNotFound, $"The folder of '{Sanitize.ForMessage(Target)}' does not exist; the report is not created.");
            }
            catch (UnauthorizedAccessException)
            {
                Fail("ReportAccessDenied", ErrorCategory.PermissionDenied, $"Permission denied writing '{Sanitize.ForMessage(Target)}'.");
            }
            catch (IOException e)
            {
                if (created)
                {
                    TryDelete(full);
                }

                Fail("ReportWriteFailed", ErrorCategory.WriteError, $"The report '{Sanitize.ForMessage(Target)}' could not be written: {e.GetType().Name}.");
            }
        }

        /// <summary>A write failure: the message and id only; the file system's exception (and its stack) stays here.</summary>
        private void Fail(string id, ErrorCategory category, string message) =>
            WriteError(new ErrorRecord(new IOException(message), id, category, Target));

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Leave it: deleting is a courtesy, the error above is what matters.
            }
        }
    }
}
