using System;
using System.Management.Automation;
using Chartly.Profiler;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Maps engine failures onto ErrorRecords: the engine's error id, a category for PowerShell's
    /// display and -ErrorAction filters, and the engine's exception (whose ExitCode is the contract's
    /// code, <see cref="ExitCodes"/>). The category follows the exit code; it never decides it.
    /// </summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(ProfilerException e, object? target) =>
            new(e, e.ErrorId, CategoryOf(e), target);

        /// <summary>
        /// Anything the engine did not expect becomes a short message and an id: the original
        /// exception (and so its stack trace and message) is deliberately not attached.
        /// </summary>
        public static ErrorRecord Unexpected(Exception e, object? target, string failed = "The profile could not be built") =>
            From(UnexpectedFailure.From(e, "the ChartlyProfiler module", "Reinstall the module; its Dependencies folder must sit next to Chartly.Profiler.Cmdlets.dll.", failed), target);

        /// <summary>
        /// The category: one per kind, except that a source that cannot be reached (SourceErrors ids)
        /// is ResourceUnavailable rather than ObjectNotFound; both are exit 3.
        /// </summary>
        public static ErrorCategory CategoryOf(ProfilerException e) => e.Kind switch
        {
            ProfilerErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ProfilerErrorKind.PreconditionFailed => e.ErrorId.StartsWith("Source", StringComparison.Ordinal) ? ErrorCategory.ResourceUnavailable : ErrorCategory.ObjectNotFound,
            ProfilerErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.InvalidData,
        };
    }

    /// <summary>
    /// The exit code of an error record, for front ends that run the cmdlets (tools/profiler/profiler.ps1):
    /// the engine's code for the engine's exceptions (<see cref="ExitCodes.Of"/>); a parameter
    /// PowerShell could not bind is an invalid argument (2).
    /// </summary>
    public static class ErrorExitCode
    {
        public static int Of(ErrorRecord record)
        {
            if (record?.Exception is ProfilerException p)
            {
                return p.ExitCode;
            }

            if (record?.Exception is ParameterBindingException binding)
            {
                return binding.InnerException is ProfilerException inner ? inner.ExitCode : ExitCodes.InvalidArguments;
            }

            return ExitCodes.Of(record?.Exception);
        }
    }
}
