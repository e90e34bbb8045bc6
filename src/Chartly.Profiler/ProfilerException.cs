using System;

namespace Chartly.Profiler
{
    /// <summary>What went wrong, in the contract's terms: each kind maps onto one exit code.</summary>
    public enum ProfilerErrorKind
    {
        /// <summary>Exit 2: the arguments are wrong.</summary>
        InvalidArgument,
        /// <summary>Exit 3: a precondition failed (window, target, data, source reachability).</summary>
        PreconditionFailed,
        /// <summary>Exit 4: input violates its contract so badly that no profile can be trusted.</summary>
        ValidationFailed,
        /// <summary>Exit 5: access denied.</summary>
        AccessDenied,
    }

    /// <summary>
    /// The only exception the engine lets out on purpose. Its message is written for the user and
    /// never carries payloads, tokens, raw log lines or stack traces; <see cref="ErrorId"/> is stable.
    /// </summary>
    public sealed class ProfilerException : Exception
    {
        public ProfilerException(ProfilerErrorKind kind, string errorId, string message, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            ErrorId = errorId;
        }

        public ProfilerErrorKind Kind { get; }

        public string ErrorId { get; }

        public int ExitCode => ExitCodes.For(Kind);

        internal static ProfilerException Invalid(string id, string message) => new(ProfilerErrorKind.InvalidArgument, id, message);

        internal static ProfilerException Precondition(string id, string message) => new(ProfilerErrorKind.PreconditionFailed, id, message);

        internal static ProfilerException Validation(string id, string message) => new(ProfilerErrorKind.ValidationFailed, id, message);

        internal static ProfilerException Denied(string id, string message) => new(ProfilerErrorKind.AccessDenied, id, message);
    }

    /// <summary>
    /// The contract's exit codes, decided here once: every front end (the cmdlets' error records as
    /// tools/profiler/profiler.ps1 reads them, profiler.py through it) takes its code from
    /// <see cref="For(ProfilerErrorKind)"/> or <see cref="Of(Exception)"/>, never from its own table.
    /// </summary>
    public static class ExitCodes
    {
        public const int Success = 0;
        public const int InvalidArguments = 2;
        public const int PreconditionFailed = 3;
        public const int ValidationFailed = 4;
        public const int AccessDenied = 5;

        public static int For(ProfilerErrorKind kind) => kind switch
        {
            ProfilerErrorKind.InvalidArgument => InvalidArguments,
            ProfilerErrorKind.PreconditionFailed => PreconditionFailed,
            ProfilerErrorKind.ValidationFailed => ValidationFailed,
            ProfilerErrorKind.AccessDenied => AccessDenied,
            _ => ValidationFailed,
        };

        /// <summary>
        /// The code of any failure: the engine's kind for its own exceptions; an argument the runtime
        /// refused is exit 2; anything else the engine did not expect is exit 4 (the InternalError rule).
        /// </summary>
        public static int Of(Exception? e) => e switch
        {
            ProfilerException p => p.ExitCode,
            ArgumentException => InvalidArguments,
            null => ValidationFailed,
            _ => e.InnerException is ProfilerException inner ? inner.ExitCode : ValidationFailed,
        };
    }
}
