using System;
using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using Chartly.Profiler;
using Chartly.Tool.Completion;

namespace Chartly.Tool
{
    /// <summary>
    /// chartly-tool's command tree and its one entry point. System.CommandLine parses, writes help and
    /// answers the [suggest] directive; the tool itself decides exit codes and error text, so a bad
    /// command line is exit 2 with one line on stderr (never System.CommandLine's exit 1 and help page).
    /// </summary>
    public static class ToolApp
    {
        public const string CommandName = "chartly-tool";

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, null);

        /// <param name="sourceFactory">The engine's sources (tests inject failing ones through it; null: the configured ones).</param>
        internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<Profiler.Configuration.SourceConfig, Profiler.Telemetry.ITraceSource?>? sourceFactory)
        {
            var profiler = new ProfilerCommand(sourceFactory);
            var completion = new CompletionCommand();
            var root = new RootCommand("Chartly Profiler: explains why a target is slow from the telemetry it already wrote. Reads only.")
            {
                profiler.Command,
                completion.Command,
            };
            foreach (var version in root.Options.OfType<VersionOption>())
            {
                version.Action = new VersionAction();
            }

            // No response files: '@name' is a value like any other, as in profiler.ps1.
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (root.Directives.OfType<SuggestDirective>().Any(d => parse.GetResult(d) is not null))
            {
                var answers = new StringWriter();
                var code = parse.Invoke(new InvocationConfiguration { Output = answers, Error = stderr, EnableDefaultExceptionHandler = false });
                SuggestFilter.Write(answers.ToString(), args, stdout);
                return code;
            }

            if (parse.Action is not null and not ParseErrorAction)
            {
                // --help and --version: System.CommandLine's actions (--version's replaced above).
                return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            }

            var command = parse.CommandResult.Command;
            if (ReferenceEquals(command, profiler.Command))
            {
                return profiler.Execute(parse, args, stdout, stderr);
            }

            if (ReferenceEquals(command, completion.Command))
            {
                return Fail(stderr, completion.Execute(parse, stdout));
            }

            var first = parse.Tokens.FirstOrDefault(t => t.Type == System.CommandLine.Parsing.TokenType.Argument);
            var message = first is null
                ? "a command is required: profiler <type>:<id> [flags] or completion bash|zsh|pwsh (see --help)"
                : $"unknown command '{Sanitize.ForMessage(first.Value)}'; valid commands: profiler, completion (see --help)";
            return Fail(stderr, new UsageException(ExitCodes.InvalidArguments, message));
        }

        private static int Fail(TextWriter stderr, UsageException? failure)
        {
            if (failure is null)
            {
                return ExitCodes.Success;
            }

            stderr.Write(CommandName + ": " + failure.Message + "\n");
            return failure.ExitCode;
        }

        /// <summary>--version prints the engine version a profile's header records (ToolInfo.Version), nothing else.</summary>
        private sealed class VersionAction : SynchronousCommandLineAction
        {
            public override int Invoke(ParseResult parseResult)
            {
                parseResult.InvocationConfiguration.Output.Write(ToolInfo.Version + "\n");
                return ExitCodes.Success;
            }
        }
    }
}
