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

        public static IEnumerable<CompletionResult> From(IEnumerable<string> values, string wordToComplete, Func<string, string> toolTip, IComparer<string>? order = null)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return values
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, order ?? StringComparer.Ordinal)
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
        public static string CurrentDirectory()
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
        public static readonly TimeSpan TimeBudget = TimeSpan.FromMilliseconds(800);

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
            return Completion.From(scan.Ids(type, env), wordToComplete, id => $"{typeName} {id}: seen in {where}{note}", NaturalOrder.Instance);
        }
    }

    /// <summary>
    /// Completes a baseline (-CompareTo, -Baseline): the run:&lt;id&gt; and version:&lt;v&gt; forms, then the
    /// saved profile documents (*.json, *.yaml, *.yml) of the folder being typed.
    /// </summary>
    public sealed class BaselineCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var forms = Completion.From(new[] { "run:", "version:" }, word, f => f == "run:" ? "run:<id>[@start[/end]]: the profile of another run" : "version:<v>[@start[/end]]: every run of that version");
            return forms.Concat(Documents(word)).ToList();
        }

        private static IEnumerable<CompletionResult> Documents(string word)
        {
            if (word.IndexOf(':') > 1)
            {
                return Array.Empty<CompletionResult>(); // run:..., version:... (a drive letter is one character)
            }

            try
            {
                var folderPart = word.Length == 0 ? string.Empty : System.IO.Path.GetDirectoryName(word) ?? string.Empty;
                var folder = System.IO.Path.Combine(Completion.CurrentDirectory(), folderPart);
                if (!System.IO.Directory.Exists(folder))
                {
                    return Array.Empty<CompletionResult>();
                }

                var names = System.IO.Directory.EnumerateFiles(folder)
                    .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Select(f => folderPart.Length == 0 ? System.IO.Path.GetFileName(f) : System.IO.Path.Combine(folderPart, System.IO.Path.GetFileName(f)));
                return Completion.From(names, word, "Saved profile document ");
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }

    /// <summary>
    /// For timestamps: no file names (PowerShell's fallback), only the form expected, shown as a hint
    /// that completes to what was typed.
    /// </summary>
    public sealed class NoCompletion : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = wordToComplete ?? string.Empty;
            return new[] { new CompletionResult(word.Length == 0 ? "''" : word, "RFC 3339 with an offset, e.g. 2026-11-24T10:00:00Z", CompletionResultType.ParameterValue, "[start, end): RFC 3339 with an explicit offset (Z or +hh:mm)") };
        }
    }

    /// <summary>Ids as people count them (run-2 before run-10): digit runs by value, the rest ordinal; ordinal breaks ties.</summary>
    internal sealed class NaturalOrder : IComparer<string>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            x ??= string.Empty;
            y ??= string.Empty;
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsDigit(x[i]) && char.IsDigit(y[j]))
                {
                    var si = i;
                    var sj = j;
                    while (si < x.Length && x[si] == '0') si++;
                    while (sj < y.Length && y[sj] == '0') sj++;
                    var ei = si;
                    var ej = sj;
                    while (ei < x.Length && char.IsDigit(x[ei])) ei++;
                    while (ej < y.Length && char.IsDigit(y[ej])) ej++;
                    var byLength = (ei - si).CompareTo(ej - sj);
                    if (byLength != 0)
                    {
                        return byLength;
                    }

                    var byDigits = string.CompareOrdinal(x, si, y, sj, ei - si);
                    if (byDigits != 0)
                    {
                        return byDigits;
                    }

                    i = ei;
                    j = ej;
                    continue;
                }

                if (x[i] != y[j])
                {
                    return x[i].CompareTo(y[j]);
                }

                i++;
                j++;
            }

            var byRest = (x.Length - i).CompareTo(y.Length - j);
            return byRest != 0 ? byRest : string.CompareOrdinal(x, y);
        }
    }
}
