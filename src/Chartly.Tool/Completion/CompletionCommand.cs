using System.CommandLine;
using System.IO;
using System.Linq;
using Chartly.Profiler;

namespace Chartly.Tool.Completion
{
    /// <summary><c>chartly-tool completion bash|zsh|pwsh</c>: prints the script that wires the shell's Tab to [suggest].</summary>
    internal sealed class CompletionCommand
    {
        public CompletionCommand()
        {
            Shell = new Argument<string[]>("shell")
            {
                Arity = ArgumentArity.ZeroOrMore,
                HelpName = "bash|zsh|pwsh",
                Description = "The shell to print the completion script for.",
            };
            Shell.CompletionSources.Add(ShellScripts.Shells);
            Command = new Command("completion", "Print the Tab-completion script for bash, zsh or pwsh (docs/cli.md says where to put it).") { Shell };
        }

        public Command Command { get; }

        public Argument<string[]> Shell { get; }

        /// <summary>Writes the script; returns the failure to report, or null.</summary>
        public UsageException? Execute(ParseResult parse, TextWriter stdout)
        {
            var words = parse.GetValue(Shell) ?? System.Array.Empty<string>();
            var unmatched = parse.UnmatchedTokens;
            if (words.Length != 1 || unmatched.Count > 0 || ShellScripts.For(words[0]) is not { } script)
            {
                var given = words.Concat(unmatched).FirstOrDefault();
                var what = given is null ? "a shell is required" : $"unknown shell '{Sanitize.ForMessage(given)}'";
                return new UsageException(ExitCodes.InvalidArguments, $"{what}: completion {string.Join("|", ShellScripts.Shells)}");
            }

            stdout.Write(script);
            return null;
        }
    }
}
