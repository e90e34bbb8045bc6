using System;

namespace Chartly.Profiler
{
    /// <summary>
    /// What a front end reports for an exception the engine did not raise on purpose: a short message
    /// and a stable id (exit 3 for a broken installation, else 4). The original exception, and so its
    /// message and stack trace, is deliberately left out: it may quote a payload.
    /// </summary>
    public static class UnexpectedFailure
    {
        /// <param name="installation">What the user reinstalls, e.g. "the ChartlyProfiler module".</param>
        /// <param name="reinstallHint">The sentence that says how.</param>
        /// <param name="failed">What could not be done, as the front end says it ("The profile document could not be read").</param>
        public static ProfilerException From(Exception e, string installation, string reinstallHint, string failed = "The profile could not be built")
        {
            if (e is ProfilerException known)
            {
                return known;
            }

            if (e is System.IO.FileNotFoundException or System.IO.FileLoadException or BadImageFormatException or TypeLoadException)
            {
                // A broken installation, not bad input: say so, with the assembly's simple name only.
                var name = (e as System.IO.FileNotFoundException)?.FileName ?? (e as System.IO.FileLoadException)?.FileName ?? string.Empty;
                var simple = name.Split(',')[0];
                return new ProfilerException(
                    ProfilerErrorKind.PreconditionFailed,
                    "SourceModuleDependencyMissing",
                    $"A dependency of {installation} could not be loaded{(simple.Length > 0 ? " (" + simple + ")" : string.Empty)}. {reinstallHint}");
            }

            return new ProfilerException(
                ProfilerErrorKind.ValidationFailed,
                "InternalError",
                $"{failed} because of an unexpected {e.GetType().Name}. The input may violate its format; the data-quality counts of a narrower window can show where.");
        }
    }
}
