using System;

namespace Chartly.Tool
{
    /// <summary>
    /// A command line the tool rejects before the engine sees it (unknown flag, missing value, a
    /// required flag absent): the message is profiler.ps1's for the same mistake, without an error id.
    /// </summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(int exitCode, string message)
            : base(message)
        {
            ExitCode = exitCode;
        }

        public int ExitCode { get; }
    }
}
