using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
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
    /// telemetry the configuration names (same request, same root selection); when that telemetry
    /// is gone or no longer gives the same profile, the page says so instead of drawing a path that
    /// belongs to other data. The file named by -Path is the only thing written: created new, or
    /// replaced with -Force; nothing else is touched.
    /// </summary>
    [Cmdlet(VerbsData.Export, "ChartlyProfileReport")]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportChartlyProfileReportCommand : PSCmdlet
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly ConfigCache _configs = new();
        private int _pipelineThread = -1;
        private bool _showProgress;

        /// <summary>The profile to draw (from Get-ChartlyProfile, Compare-ChartlyProfile or Import-ChartlyProfile).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public Profile InputObject { get; set; } = null!;

        /// <summary>The HTML file to write. Takes a script block per piped profile, e.g. { "$($_.Header.Target.Id).html" }.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FilePath")]
        public string Path { get; set; } = null!;

        /// <summary>Replace the file when it exists (without it, an existing file is an error and stays as it was).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The configuration naming the telemetry the waterfall is read from (as for Get-ChartlyProfile).</summary>
        [Parameter]
        [Alias("Config")]
        public string? ConfigPath { get; set; }

        protected override void BeginProcessing()
        {
            _pipelineThread = Thread.CurrentThread.ManagedThreadId;
            _showProgress = ProgressText.Interactive(Host);
        }

        protected override void ProcessRecord()
        {
            var profile = InputObject;
            string full;
            try
            {
                full = GetUnresolvedProviderPathFromPSPath(Path);
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException)
            {
                WriteError(new ErrorRecord(e, "ReportPathInvalid", ErrorCategory.InvalidArgument, Path));
                return;
            }

            if (!_written.Add(full))
            {
                WriteError(new ErrorRecord(
                    new IOException($"'{Sanitize.ForMessage(Path)}' was already written by this command; one file holds one profile. Give each profile its own path, e.g. -Path {{ \"$($_.Header.Target.Id).html\" }}."),
                    "ReportPathAlreadyWritten",
                    ErrorCategory.ResourceExists,
                    Path));
                return;
            }

            byte[] bytes;
            try
            {
                var (waterfall, note) = TryWaterfall(profile);
                bytes = HtmlReport.RenderBytes(profile, waterfall, note);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            Write(full, bytes);
        }

        protected override void StopProcessing() => _cancel.Cancel();

        protected override void EndProcessing() => _cancel.Dispose();

        /// <summary>The waterfall, or null and the reason it is missing (also written as a warning).</summary>
        private (Waterfall? Waterfall, string? Note) TryWaterfall(Profile profile)
        {
            try
            {
                var request = RequestOf(profile);
                var (recomputed, waterfall) = Waterfall.OfSlowestRoot(request, LoadConfig(), _cancel.Token, WriteVerbose, ReportProgress);
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

        private ProfilerConfig LoadConfig() => _configs.Get(this, ConfigPath);

        private void ReportProgress(ProfileProgress p)
        {
            if (Thread.CurrentThread.ManagedThreadId != _pipelineThread)
            {
                return;
            }

            if (p.Current is not null)
            {
                WriteVerbose($"Reading {p.Current} for the waterfall ({ProgressText.Bytes(p.BytesCompleted)} of {ProgressText.Bytes(p.BytesTotal)} read so far)");
            }

            if (!_showProgress)
            {
                return;
            }

            var record = new ProgressRecord(0x43504632, "Chartly profile report " + Path, ProgressText.Status(p));
            if (p.IsComplete)
            {
                record.RecordType = ProgressRecordType.Completed;
            }
            else
            {
                record.PercentComplete = p.PercentComplete;
                record.CurrentOperation = p.Current is null ? p.Source : System.IO.Path.GetFileName(p.Current);
            }

            WriteProgress(record);
        }

        /// <summary>CreateNew (or Create with -Force), write, and hand back the file; on a failed write, remove only a file this call created.</summary>
        private void Write(string full, byte[] bytes)
        {
            var mode = Force ? FileMode.Create : FileMode.CreateNew;
            var created = false;
            try
            {
                var existed = File.Exists(full);
                using (var stream = new FileStream(full, mode, FileAccess.Write, FileShare.None))
                {
                    created = !existed;
                    stream.Write(bytes, 0, bytes.Length);
                }

                // Through the provider, so the object carries what Get-Item's does (mode, owner on Unix, PSPath).
                WriteObject(SessionState.InvokeProvider.Item.Get(new[] { full }, false, true), true);
            }
            catch (IOException e) when (!Force && File.Exists(full) && !created)
            {
                WriteError(new ErrorRecord(
                    new IOException($"The file '{Sanitize.ForMessage(Path)}' exists; it was left as it is. Use -Force to replace it.", e),
                    "ReportFileExists",
                    ErrorCategory.ResourceExists,
                    Path));
            }
            catch (DirectoryNotFoundException e)
            {
                WriteError(new ErrorRecord(
                    new DirectoryNotFoundException($"The folder of '{Sanitize.ForMessage(Path)}' does not exist; the report is not created.", e),
                    "ReportFolderNotFound",
                    ErrorCategory.ObjectNotFound,
                    Path));
            }
            catch (UnauthorizedAccessException e)
            {
                WriteError(new ErrorRecord(
                    new UnauthorizedAccessException($"Permission denied writing '{Sanitize.ForMessage(Path)}'.", e),
                    "ReportAccessDenied",
                    ErrorCategory.PermissionDenied,
                    Path));
            }
            catch (IOException e)
            {
                if (created)
                {
                    TryDelete(full);
                }

                WriteError(new ErrorRecord(
                    new IOException($"The report '{Sanitize.ForMessage(Path)}' could not be written: {e.GetType().Name}.", e),
                    "ReportWriteFailed",
                    ErrorCategory.WriteError,
                    Path));
            }
        }

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
