using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Targets
{
    public enum TargetType
    {
        Service,
        Workflow,
        Run,
        Operation,
        Connector,
    }

    public static class TargetTypes
    {
        /// <summary>The command-line spellings, in the order the help lists them.</summary>
        public static IReadOnlyList<string> Names { get; } = new[] { "service", "workflow", "run", "operation", "connector" };

        public static string ToName(TargetType type) => Names[(int)type];

        public static TargetType Parse(string? text)
        {
            for (var i = 0; i < Names.Count; i++)
            {
                if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase))
                {
                    return (TargetType)i;
                }
            }

            throw ProfilerException.Invalid(
                "InvalidTargetType",
                $"Unknown target type '{Sanitize.ForMessage(text)}'. Valid types: {string.Join(", ", Names)}.");
        }
    }
}
