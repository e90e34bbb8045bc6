using System;
using System.Management.Automation;
using System.Threading;
using Chartly.Profiler;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// The parameters every profiling cmdlet shares, bound by name or by property name so a CSV of
    /// targets pipes straight in. Values are validated by the engine, not by ValidateSet, so a bad
    /// value is an InvalidArgument (exit 2) with the list of valid ones.
    /// </summary>
    public abstract class ProfileRequestCommandBase : PSCmdlet
    {
        private readonly CancellationTokenSource _cancel = new();
        private const int ProgressActivityId = 0x43504631;

        private readonly ConfigCache _configs = new();
        private int _pipelineThread = -1;
        private bool _showProgress;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Env")]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string Environment { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetTypeCompleter))]
        public string TargetType { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetIdCompleter))]
        public string TargetId { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Rfc3339Timestamp]
        public string WindowStart { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Rfc3339Timestamp]
        public string WindowEnd { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(PrecisionCompleter))]
        public string Precision { get; set; } = "ms";

        [Parameter]
        [Alias("Config")]
        public string? ConfigPath { get; set; }

        protected CancellationToken Cancellation => _cancel.Token;

        /// <summary>An engine that reports to -Verbose and, in interactive sessions, to Write-Progress. Call it on the pipeline thread.</summary>
        protected ProfileEngine NewEngine()
        {
            // Also here, not only in BeginProcessing: a derived cmdlet may override that without calling it.
            _pipelineThread = Thread.CurrentThread.ManagedThreadId;
            _showProgress = ProgressText.Interactive(Host);
            return new ProfileEngine { Verbose = WriteVerbose, Progress = ReportProgress };
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

            if (p.Current is not null)
            {
                WriteVerbose($"Reading {p.Current} ({p.Unit.TrimEnd('s')} {p.Completed + 1} of {p.Total}, {ProgressText.Bytes(p.BytesCompleted)} of {ProgressText.Bytes(p.BytesTotal)} read so far)");
            }

            if (!ShowProgress)
            {
                return;
            }

            var record = new ProgressRecord(ProgressActivityId, $"Chartly profile {TargetType} {TargetId} ({Environment})", ProgressText.Status(p));
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

        protected override void BeginProcessing()
        {
            _pipelineThread = Thread.CurrentThread.ManagedThreadId;
            _showProgress = ProgressText.Interactive(Host);
        }

        private bool ShowProgress => _showProgress;

        protected override void StopProcessing() => _cancel.Cancel();

        protected override void EndProcessing() => _cancel.Dispose();

        protected ProfileRequest BuildRequest(string? baseline, string[]? includeMetrics)
        {
            return ProfileArguments.ToRequest(Environment, TargetType, TargetId, WindowStart, WindowEnd, Precision, includeMetrics) with { Baseline = baseline };
        }

        /// <summary>The configuration, read once per invocation (a pipeline of targets shares it).</summary>
        protected ProfilerConfig LoadConfig() => _configs.Get(this, ConfigPath);

        /// <summary>Runs one pipeline item; a failure is written as a non-terminating error so other items go on.</summary>
        protected void Guarded(Action action)
        {
            try
            {
                action();
            }
            catch (ProfilerException e)
            {
                WriteError(ErrorRecords.From(e, TargetId));
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
            {
                WriteError(ErrorRecords.Unexpected(e, TargetId));
            }
        }
    }
}
