using System;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using Chartly.Profiler;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// The one base of every cmdlet of the module: a cancellation token that Ctrl+C (StopProcessing)
    /// cancels, progress and -Verbose lines raised on the pipeline thread only, the configuration read
    /// once per invocation, and the error guard around each pipeline item. The guard is why no raw
    /// exception leaves a cmdlet: engine failures become ErrorRecords with the engine's id, anything
    /// unexpected becomes InternalError with a short message, and only PowerShell's own flow control
    /// (Stop, a stopped pipeline, a host that cannot prompt) passes through as itself.
    /// </summary>
    public abstract class ChartlyCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly ConfigCache _configs = new();
        private int _pipelineThread = -1;
        private bool _showProgress;

        protected CancellationToken Cancellation => _cancel.Token;

        /// <summary>The title of this cmdlet's Write-Progress activity.</summary>
        protected virtual string ProgressActivity => "Chartly " + MyInvocation.MyCommand.Name;

        /// <summary>The start of the InternalError message: what could not be done.</summary>
        protected virtual string Failed => "The profile could not be built";

        /// <summary>What the ErrorRecord of a failed item points at (the target, the path, ...).</summary>
        protected virtual object? ErrorTarget => null;

        /// <summary>One pipeline item's work; it runs inside the guard.</summary>
        protected abstract void ProcessItem();

        protected override void BeginProcessing() => OnPipelineThread();

        protected sealed override void ProcessRecord() => Guard(ProcessItem);

        protected override void StopProcessing() => _cancel.Cancel();

        protected override void EndProcessing() => _cancel.Dispose();

        /// <summary>An engine that reports to -Verbose and, in interactive sessions, to Write-Progress. Call it on the pipeline thread.</summary>
        protected ProfileEngine NewEngine()
        {
            OnPipelineThread();
            return new ProfileEngine(CreateSource) { Verbose = WriteVerbose, Progress = ReportProgress };
        }

        /// <summary>
        /// The source a configuration entry names. A host that embeds the cmdlets (or a test) may derive
        /// from a cmdlet and supply its own sources here; the module itself never does.
        /// </summary>
        protected virtual ITraceSource? CreateSource(SourceConfig source) => ProfileEngine.DefaultSourceFactory(source);

        /// <summary>
        /// The configuration: an explicit -ConfigPath (resolved through the provider, so ~ and PSDrives
        /// work), else the one the profile was made from, else CHARTLY_PROFILER_CONFIG, else
        /// chartly-profiler.yaml in PowerShell's current location (docs/configuration.md).
        /// </summary>
        protected ProfilerConfig LoadConfig(string? configPath, string? madeFrom = null) =>
            _configs.Get(this, string.IsNullOrWhiteSpace(configPath) ? null : ResolvePath(configPath!, "ConfigNotFound", "configuration file"), madeFrom);

        /// <summary>A file-system path from a PowerShell path (relative to the current location, ~, PSDrives), or a clean error.</summary>
        protected string ResolvePath(string path, string errorId, string what)
        {
            try
            {
                var full = GetUnresolvedProviderPathFromPSPath(path);
                return full;
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException or ArgumentException)
            {
                throw new ProfilerException(ProfilerErrorKind.PreconditionFailed, errorId, $"The {what} '{Sanitize.ForMessage(path)}' does not exist.");
            }
        }

        /// <summary>
        /// The engine's progress callback: a -Verbose line per file read, and Write-Progress in an
        /// interactive session. Only on the pipeline thread (the engine reads synchronously there);
        /// anything raised elsewhere is dropped rather than written from the wrong thread.
        /// </summary>
        protected void ReportProgress(ProfileProgress p)
        {
            if (Thread.CurrentThread.ManagedThreadId != _pipelineThread)
            {
                return;
            }

            // One -Verbose line per file; progress within a file only moves the bar.
            if (p.Current is not null && !p.WithinFile)
            {
                WriteVerbose($"Reading {p.Current} ({p.Unit.TrimEnd('s')} {p.Completed + 1} of {p.Total}, {ProgressText.Bytes(p.BytesCompleted)} of {ProgressText.Bytes(p.BytesTotal)} read so far)");
            }

            if (!_showProgress)
            {
                return;
            }

            var record = new ProgressRecord(ProgressText.ActivityId(GetType()), ProgressActivity, ProgressText.Status(p));
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

        /// <summary>Runs one pipeline item (or one file of it); a failure is written as a non-terminating error so other items go on.</summary>
        protected void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (ProfilerException e)
            {
                WriteError(ErrorRecords.From(e, ErrorTarget));
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (PassesThrough(e))
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
            {
                WriteError(ErrorRecords.Unexpected(e, ErrorTarget, Failed));
            }
        }

        /// <summary>
        /// PowerShell's own flow control and host failures are not ours to rename: -ErrorAction Stop,
        /// a stopped pipeline, and a host that cannot prompt (-Debug, -Confirm in a non-interactive
        /// session) surface as themselves.
        /// </summary>
        internal static bool PassesThrough(Exception e) =>
            e is PipelineStoppedException or ActionPreferenceStopException or HostException or PSInvalidOperationException;

        private void OnPipelineThread()
        {
            _pipelineThread = Thread.CurrentThread.ManagedThreadId;
            _showProgress = ProgressText.Interactive(Host);
        }
    }
}
