using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Targets
{
    public enum Precision
    {
        Milliseconds,
        Seconds,
    }

    /// <summary>Everything that decides a profile's bytes, validated.</summary>
    public sealed record ProfileRequest(
        string Environment,
        TargetSpec Target,
        TimeWindow Window,
        Precision Precision,
        IReadOnlyList<string> IncludeMetrics,
        string? Baseline)
    {
        public static IReadOnlyList<string> Environments { get; } = new[] { "dev", "staging", "prod" };

        /// <summary>
        /// When set, only roots whose resource <c>service.version</c> equals this value count: how a
        /// <c>version:&lt;v&gt;</c> baseline is profiled (docs/regression.md). Not part of the command line.
        /// </summary>
        public string? ServiceVersion { get; init; }

        public static string ParseEnvironment(string? env)
        {
            if (string.IsNullOrWhiteSpace(env))
            {
                throw ProfilerException.Invalid("EnvironmentMissing", "The environment is required (--env / -Environment): one of dev, staging, prod.");
            }

            foreach (var e in Environments)
            {
                if (string.Equals(e, env!.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return e;
                }
            }

            throw ProfilerException.Invalid("InvalidEnvironment", $"Unknown environment '{Sanitize.ForMessage(env)}'. Valid environments: {string.Join(", ", Environments)}.");
        }

        public static Precision ParsePrecision(string? text)
        {
            if (string.IsNullOrEmpty(text) || string.Equals(text, "ms", StringComparison.OrdinalIgnoreCase))
            {
                return Precision.Milliseconds;
            }

            if (string.Equals(text, "s", StringComparison.OrdinalIgnoreCase))
            {
                return Precision.Seconds;
            }

            throw ProfilerException.Invalid("InvalidPrecision", $"Unknown precision '{Sanitize.ForMessage(text)}'. Valid values: ms, s.");
        }

        public static string PrecisionName(Precision p) => p == Precision.Seconds ? "s" : "ms";
    }
}
