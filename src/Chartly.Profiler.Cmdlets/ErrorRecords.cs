using System;
using System.Management.Automation;
using Chartly.Profiler;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Maps engine failures onto ErrorRecords whose category carries the contract's exit code
    /// (InvalidArgument 2, ObjectNotFound/ResourceUnavailable 3, InvalidData 4, PermissionDenied 5).
    /// </summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(ProfilerException e, object? target) =>
            new(e, e.ErrorId, CategoryOf(e), target);

        /// <summary>
        /// Anything the engine did not expect becomes a short message and an id: the original
        /// exception (and so its stack trace and message) is deliberately not attached.
        /// </summary>
        public static ErrorRecord Unexpected(Exception e, object? target)
        {
            if (e is System.IO.FileNotFoundException or System.IO.FileLoadException or BadImageFormatException or TypeLoadException)
            {
                // A broken installation, not bad input: say so, with the assembly's simple name only.
                var name = (e as System.IO.FileNotFoundException)?.FileName ?? (e as System.IO.FileLoadException)?.FileName ?? string.Empty;
                var simple = name.Split(',')[0];
                return From(
                    new ProfilerException(
                        ProfilerErrorKind.PreconditionFailed,
                        "SourceModuleDependencyMissing",
                        $"A dependency of the ChartlyProfiler module could not be loaded{(simple.Length > 0 ? " (" + simple + ")" : string.Empty)}. Reinstall the module; its Dependencies folder must sit next to Chartly.Profiler.Cmdlets.dll."),
                    target);
            }

            var wrapped = new ProfilerException(
                ProfilerErrorKind.ValidationFailed,
                "InternalError",
                $"The profile could not be built because of an unexpected {e.GetType().Name}. The input may violate its format; the data-quality counts of a narrower window can show where.");
            return From(wrapped, target);
        }

        public static ErrorCategory CategoryOf(ProfilerException e) => e.Kind switch
        {
            ProfilerErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ProfilerErrorKind.PreconditionFailed => e.ErrorId.StartsWith("Source", StringComparison.Ordinal) ? ErrorCategory.ResourceUnavailable : ErrorCategory.ObjectNotFound,
            ProfilerErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.InvalidData,
        };
    }
}
