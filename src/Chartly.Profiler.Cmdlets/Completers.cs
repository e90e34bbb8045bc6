using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Cmdlets
{
    internal static class Completion
    {
        public static IEnumerable<CompletionResult> From(IEnumerable<string> values, string wordToComplete, string toolTipPrefix)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return values
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .OrderBy(v => v, StringComparer.Ordinal)
                .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, toolTipPrefix + v));
        }

        private static string Quote(string v) => v.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',' }) >= 0 ? "'" + v.Replace("'", "''") + "'" : v;
    }

    /// <summary>Completes -Environment from the contract's fixed set.</summary>
    public sealed class EnvironmentCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.From(ProfileRequest.Environments, wordToComplete, "Environment ");
    }

    public sealed class TargetTypeCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.From(TargetTypes.Names, wordToComplete, "Target type ");
    }

    public sealed class PrecisionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.From(new[] { "ms", "s" }, wordToComplete, "Precision ");
    }

    public sealed class FormatCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.From(new[] { "Json", "Text", "Yaml" }, wordToComplete, "Format ");
    }

    /// <summary>Target ids are completed from the configured telemetry (see issue: completion).</summary>
    public sealed class TargetIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Array.Empty<CompletionResult>();
    }
}
