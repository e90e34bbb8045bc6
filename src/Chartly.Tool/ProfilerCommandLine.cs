using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using Chartly.Profiler;
using Chartly.Profiler.Targets;

namespace Chartly.Tool
{
    /// <summary>
    /// The checks profiler.ps1 makes before it calls the engine, in its order and with its words, on
    /// the tokens System.CommandLine classified: a flag twice, an unknown flag, a flag without its value
    /// or a stray argument is exit 2; --env and the target type missing are exit 2; the target id and
    /// the window bounds missing are exit 3 (the contract's "fail fast"). Values are the engine's to judge.
    /// </summary>
    internal static class ProfilerCommandLine
    {
        private static readonly string[] Formats = { "json", "yaml", "text" };

        public static ProfilerOptions Read(ProfilerCommand command, ParseResult parse, IReadOnlyList<string> args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var switches = new HashSet<string>(StringComparer.Ordinal);
            var positional = new List<string>();
            Walk(command, parse, args, values, switches, positional);

            string? Get(Option o) => values.TryGetValue(o.Name, out var v) ? v : null;

            if (Get(command.Env) is null)
            {
                throw Usage(ExitCodes.InvalidArguments, "--env is required (dev, staging or prod)");
            }

            var (type, id) = Target(command, positional, Get(command.TargetType), Get(command.TargetId));
            if (string.IsNullOrWhiteSpace(id))
            {
                throw Usage(ExitCodes.PreconditionFailed, "--target-id is required: targets are explicit, there is no auto-discovery");
            }

            if (string.IsNullOrWhiteSpace(Get(command.WindowStart)))
            {
                throw Usage(ExitCodes.PreconditionFailed, "--window-start is required (RFC 3339 with an offset); there is no default window");
            }

            if (string.IsNullOrWhiteSpace(Get(command.WindowEnd)))
            {
                throw Usage(ExitCodes.PreconditionFailed, "--window-end is required (RFC 3339 with an offset); there is no default window");
            }

            var format = Get(command.Format) ?? "json";
            if (!Formats.Contains(format, StringComparer.Ordinal))
            {
                throw Usage(ExitCodes.InvalidArguments, $"unknown format '{Sanitize.ForMessage(format)}' (valid: json, yaml, text)");
            }

            return new ProfilerOptions(
                Get(command.Env)!,
                type,
                id!,
                Get(command.WindowStart)!,
                Get(command.WindowEnd)!,
                format,
                switches.Contains(command.DryRun.Name),
                Get(command.CompareTo),
                Get(command.Precision),
                Get(command.IncludeMetrics),
                Get(command.Config));
        }

        /// <summary>
        /// One pass over the tokens after <c>profiler</c>, reporting the first problem as profiler.ps1
        /// reports it. System.CommandLine has already split <c>--flag=value</c>; an unknown <c>--flag</c>
        /// reaches here as an argument token.
        /// </summary>
        private static void Walk(ProfilerCommand command, ParseResult parse, IReadOnlyList<string> args, Dictionary<string, string> values, HashSet<string> switches, List<string> positional)
        {
            var valueNames = new HashSet<string>(command.ValueOptions.Select(o => o.Name), StringComparer.Ordinal);
            var tokens = parse.Tokens;
            var start = 0;
            while (start < tokens.Count && !(tokens[start].Type == TokenType.Command && tokens[start].Value == command.Command.Name))
            {
                start++;
            }

            for (var i = start + 1; i < tokens.Count; i++)
            {
                var token = tokens[i];
                var text = token.Value;
                if (token.Type == TokenType.Option && valueNames.Contains(text))
                {
                    if (values.ContainsKey(text))
                    {
                        throw Usage(ExitCodes.InvalidArguments, $"{text} was given more than once");
                    }

                    if (i + 1 >= tokens.Count || tokens[i + 1].Type != TokenType.Argument || tokens[i + 1].Value.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw Usage(ExitCodes.InvalidArguments, $"{text} needs a value");
                    }

                    values[text] = tokens[++i].Value;
                }
                else if (token.Type == TokenType.Option && text.StartsWith("--", StringComparison.Ordinal))
                {
                    // A switch: System.CommandLine would read '--dry-run=true' as the switch and an argument.
                    if (args.Any(a => a.StartsWith(text + "=", StringComparison.Ordinal)))
                    {
                        throw Usage(ExitCodes.InvalidArguments, $"{text} takes no value");
                    }

                    if (!switches.Add(text))
                    {
                        throw Usage(ExitCodes.InvalidArguments, $"{text} was given more than once");
                    }
                }
                else if (token.Type == TokenType.Argument && text.StartsWith("--", StringComparison.Ordinal) && text.Length > 2)
                {
                    var name = text.Substring(2);
                    var eq = name.IndexOf('=');
                    throw Usage(ExitCodes.InvalidArguments, $"unknown flag '--{Sanitize.ForMessage(eq >= 0 ? name.Substring(0, eq) : name)}' (see --help)");
                }
                else if (token.Type == TokenType.Argument && positional.Count == 0 && !text.StartsWith("-", StringComparison.Ordinal))
                {
                    positional.Add(text);
                }
                else
                {
                    throw Usage(ExitCodes.InvalidArguments, $"unexpected argument '{Sanitize.ForMessage(text)}'; flags start with -- (see --help)");
                }
            }
        }

        /// <summary>The target from <c>&lt;type&gt;:&lt;id&gt;</c> or from --target-type/--target-id, never both.</summary>
        private static (string Type, string? Id) Target(ProfilerCommand command, List<string> positional, string? type, string? id)
        {
            if (positional.Count == 0)
            {
                if (type is null)
                {
                    throw Usage(ExitCodes.InvalidArguments, $"the target is required: <type>:<id> or --target-type and --target-id (types: {Types})");
                }

                return (type, id);
            }

            var target = positional[0];
            if (type is not null || id is not null)
            {
                throw Usage(ExitCodes.InvalidArguments, $"the target was given twice, as '{Sanitize.ForMessage(target)}' and with {(type is not null ? command.TargetType.Name : command.TargetId.Name)}: use one form");
            }

            var colon = target.IndexOf(':');
            if (colon <= 0)
            {
                throw Usage(ExitCodes.InvalidArguments, $"the target '{Sanitize.ForMessage(target)}' has no type: write <type>:<id> (types: {Types}), e.g. run:run-1004, or use --target-type and --target-id");
            }

            return (target.Substring(0, colon), target.Substring(colon + 1));
        }

        private static string Types => string.Join(", ", TargetTypes.Names);

        private static UsageException Usage(int exitCode, string message) => new(exitCode, message);
    }
}
