using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Threading;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Cmdlets
{
    internal static class Completion
    {
        /// <summary>More than this many matches is not a list anyone reads: type more of the id.</summary>
        public const int MaxResults = 500;

        public static IEnumerable<CompletionResult> From(IEnumerable<string> values, string wordToComplete, string toolTipPrefix) =>
            From(values, wordToComplete, v => toolTipPrefix + v);

        public static IEnumerable<CompletionResult> From(IEnumerable<string> values, string wordToComplete, Func<string, string> toolTip)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return values
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .Take(MaxResults)
                .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, toolTip(v)))
                .ToList();
        }

        private static string Quote(string v) => v.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',', '@', '#', '|', '&', '<', '>' }) >= 0 ? "'" + v.Replace("'", "''") + "'" : v;

        /// <summary>A bound parameter's text as the user typed it (a constant or a simple variable), or null.</summary>
        public static string? Bound(IDictionary fakeBoundParameters, params string[] names)
        {
            if (fakeBoundParameters is null)
            {
                return null;
            }

            foreach (var name in names)
            {
                if (fakeBoundParameters.Contains(name))
                {
                    var value = fakeBoundParameters[name];
                    if (value is PSObject pso)
                    {
                        value = pso.BaseObject;
                    }

                    if (value is string s && s.Trim().Length > 0)
                    {
                        return s.Trim();
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The configuration the command would read (-ConfigPath, then CHARTLY_PROFILER_CONFIG, then
        /// chartly-profiler.yaml in the current location), or null when there is none or it does not
        /// load: a completer never fails, it just knows less.
        /// </summary>
        public static ProfilerConfig? Config(IDictionary fakeBoundParameters)
        {
            try
            {
                var path = ConfigLoader.Locate(Bound(fakeBoundParameters, "ConfigPath", "Config"), CurrentDirectory(), System.Environment.GetEnvironmentVariable);
                return ConfigLoader.Load(path);
            }
            catch (Exception e) when (e is ProfilerException or System.IO.IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return null;
            }
        }

        /// <summary>PowerShell's current file-system location (what the cmdlet will resolve against), else the process's.</summary>
        private static string CurrentDirectory()
        {
            try
            {
                // Completers run on the pipeline thread of the session asking, so this reads its location.
                if (Runspace.DefaultRunspace is not null
                    && ScriptBlock.Create("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke() is { Count: 1 } found
                    && found[0]?.BaseObject is string location
                    && location.Length > 0)
                {
                    return location;
                }
            }
            catch (Exception e) when (e is RuntimeException or InvalidOperationException or NotSupportedException)
            {
                // No session on this thread: fall back to the process's directory.
            }

            return System.Environment.CurrentDirectory;
        }
    }

    /// <summary>Completes -Environment from the configuration's environments when one is found, else the contract's fixed set.</summary>
    public sealed class EnvironmentCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var config = Completion.Config(fakeBoundParameters);
            if (config is null || config.Environments.Count == 0)
            {
                return Completion.From(ProfileRequest.Environments, wordToComplete, "Environment ");
            }

            var file = System.IO.Path.GetFileName(config.Path);
            return Completion.From(
                ProfileRequest.Environments.Where(config.Environments.ContainsKey),
                wordToComplete,
                e => $"Environment {e}: {string.Join(", ", config.Environments[e].Sources.Select(s => s.Type))} (from {file})");
        }
    }

    public sealed class TargetTypeCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.From(TargetTypes.Names, wordToComplete, t => "Target type " + t + ": -TargetId " + IdForm(t));

        private static string IdForm(string type) => type switch
        {
            "service" => "name or namespace/name",
            "workflow" => "workflow id or name",
            "run" => "workflow run id",
            "operation" => "operation id",
            "connector" => "connectorId or connectorId/runId",
            _ => "id",
        };
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

    /// <summary>
    /// Completes -TargetId with the ids of the chosen -TargetType seen in the configured telemetry of
    /// the chosen -Environment (every configured environment when none is typed). Only otlp-file
    /// sources are scanned, through <see cref="TargetIdCatalog"/>: at most
    /// <see cref="TargetIdCatalog.DefaultMaxBytes"/> and <see cref="TimeBudget"/> per Tab press, cached
    /// until the files change. Remote sources are never queried from a key press.
    /// </summary>
    public sealed class TargetIdCompleter : IArgumentCompleter
    {
        public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(2);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Complete(wordToComplete, fakeBoundParameters);
            }
            catch (Exception e) when (e is ProfilerException or System.IO.IOException or UnauthorizedAccessException or ArgumentException)
            {
                return Array.Empty<CompletionResult>();
            }
        }

        private static IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary fakeBoundParameters)
        {
            var typeText = Completion.Bound(fakeBoundParameters, "TargetType");
            if (typeText is null)
            {
                return Array.Empty<CompletionResult>(); // ids only mean something for one type
            }

            TargetType type;
            try
            {
                type = TargetTypes.Parse(typeText);
            }
            catch (ProfilerException)
            {
                return Array.Empty<CompletionResult>();
            }

            var config = Completion.Config(fakeBoundParameters);
            if (config is null)
            {
                return Array.Empty<CompletionResult>();
            }

            string? env = null;
            var envText = Completion.Bound(fakeBoundParameters, "Environment", "Env");
            if (envText is not null)
            {
                try
                {
                    env = ProfileRequest.ParseEnvironment(envText);
                }
                catch (ProfilerException)
                {
                    return Array.Empty<CompletionResult>();
                }
            }

            var environments = config.Environments.Values
                .Where(e => env is null || string.Equals(e.Name, env, StringComparison.Ordinal))
                .OrderBy(e => e.Name, StringComparer.Ordinal);
            var paths = environments
                .SelectMany(e => e.Sources)
                .Where(s => s.Kind is { Remote: false })
                .SelectMany(s => s.Paths)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (paths.Count == 0)
            {
                return Array.Empty<CompletionResult>();
            }

            using var budget = new CancellationTokenSource(TimeBudget);
            var scan = TargetIdCatalog.Shared.Scan(paths, TargetIdCatalog.DefaultMaxBytes, budget.Token);
            var typeName = TargetTypes.ToName(type);
            var where = env is null ? "the configured telemetry" : env + " telemetry";
            var note = scan.Complete ? string.Empty : $" (first {scan.BytesRead / (1024 * 1024)} MiB of {scan.FilesTotal} file(s) scanned)";
            return Completion.From(scan.Ids(type, env), wordToComplete, id => $"{typeName} {id}: seen in {where}{note}");
        }
    }
}
