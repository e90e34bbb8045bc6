using System;
using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Analysis.Signals;
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
    public abstract class ProfileRequestCommandBase : ChartlyCmdlet
    {
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
        [ArgumentCompleter(typeof(NoCompletion))]
        public string WindowStart { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Rfc3339Timestamp]
        [ArgumentCompleter(typeof(NoCompletion))]
        public string WindowEnd { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(PrecisionCompleter))]
        public string Precision { get; set; } = "ms";

        /// <summary>The configuration file; any PowerShell path (~, PSDrives, relative to the current location).</summary>
        [Parameter]
        [Alias("Config")]
        public string? ConfigPath { get; set; }

        /// <summary>The signals to compute (the --include-metrics allowlist); the others are marked excluded. An empty value (a blank CSV cell) means not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Metrics")]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(SignalNameCompleter))]
        public string[]? IncludeMetric { get; set; }

        /// <summary>Only roots whose resource service.version is this (a service, workflow or connector); the same as <c>-TargetId &lt;id&gt;@&lt;version&gt;</c>. Empty means not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? ServiceVersion { get; set; }

        protected override object? ErrorTarget => TargetId;

        protected override string ProgressActivity => $"Chartly profile {TargetType} {TargetId} ({Environment})";

        /// <summary>The request of this pipeline item, its signal names canonical.</summary>
        protected ProfileRequest BuildRequest()
        {
            // One place builds the request for every front end (the checks in one order, the same error ids).
            var request = ProfileArguments.ToRequest(Environment, TargetType, TargetId, WindowStart, WindowEnd, Precision, IncludeMetric);
            return string.IsNullOrWhiteSpace(ServiceVersion) ? request : request with { Target = request.Target.WithVersion(ServiceVersion!) };
        }

        /// <summary>The configuration, read once per invocation (a pipeline of targets shares it).</summary>
        protected ProfilerConfig LoadConfig() => LoadConfig(ConfigPath);
    }
}
