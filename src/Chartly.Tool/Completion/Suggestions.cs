using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Completions;
using System.Linq;
using Chartly.Profiler;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Targets;

namespace Chartly.Tool.Completion
{
    /// <summary>
    /// What [suggest] (and so the shell scripts) offers for each value: target types as
    /// <c>&lt;type&gt;:</c>, the environments the configuration defines, formats, precisions, signal names.
    /// A suggestion never fails and never reads telemetry: it only knows less.
    /// </summary>
    internal static class Suggestions
    {
        public static void Attach(ProfilerCommand command)
        {
            command.Target.CompletionSources.Add(ctx => Matching(TargetTypes.Names.Select(t => t + ":"), ctx.WordToComplete));
            command.TargetType.CompletionSources.Add(ctx => Matching(TargetTypes.Names, ctx.WordToComplete));
            command.Env.CompletionSources.Add(ctx => Matching(Environments(ctx.ParseResult.GetValue(command.Config)), ctx.WordToComplete));
            command.Format.CompletionSources.Add(ctx => Matching(new[] { "json", "yaml", "text" }, ctx.WordToComplete));
            command.Precision.CompletionSources.Add(ctx => Matching(new[] { "ms", "s" }, ctx.WordToComplete));
            command.IncludeMetrics.CompletionSources.Add(ctx => Metrics(ctx.WordToComplete));
        }

        /// <summary>
        /// The environments of the configuration the command would read (--config, then
        /// CHARTLY_PROFILER_CONFIG, then ./chartly-profiler.yaml), else the contract's three.
        /// </summary>
        public static IReadOnlyList<string> Environments(string? configPath)
        {
            try
            {
                var config = ConfigLoader.Load(ConfigLoader.Locate(configPath, Environment.CurrentDirectory, Environment.GetEnvironmentVariable));
                var configured = ProfileRequest.Environments.Where(config.Environments.ContainsKey).ToList();
                if (configured.Count > 0)
                {
                    return configured;
                }
            }
            catch (Exception e) when (e is ProfilerException or System.IO.IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // No readable configuration: offer the contract's set.
            }

            return ProfileRequest.Environments;
        }

        /// <summary>Signal names after the last comma, so <c>--include-metrics cpu,me</c> completes the second name.</summary>
        private static IEnumerable<CompletionItem> Metrics(string word)
        {
            var comma = word.LastIndexOf(',');
            var head = comma < 0 ? string.Empty : word.Substring(0, comma + 1);
            return Matching(SignalCatalog.Names.Select(n => head + n), word);
        }

        private static IEnumerable<CompletionItem> Matching(IEnumerable<string> values, string word) =>
            values
                .Where(v => v.StartsWith(word ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .Select(v => new CompletionItem(v))
                .ToList();
    }
}
