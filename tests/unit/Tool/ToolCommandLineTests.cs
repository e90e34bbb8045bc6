using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Tool
{
    /// <summary>
    /// chartly-tool's command line in process: the forms it takes, what it rejects with which exit
    /// code and line, help and version. Byte-for-byte parity with profiler.ps1 is
    /// tests/pester/Tool.Tests.ps1 (it needs pwsh and the built module).
    /// </summary>
    public sealed class ToolCommandLineTests
    {
        private static readonly string[] Window = { "--window-start", "2026-11-24T10:00:00Z", "--window-end", "2026-11-24T11:00:00Z" };

        private static string[] Common => new[] { "--config", Repo.SampleConfig, "--env", "dev" }.Concat(Window).ToArray();

        private static string[] Profiler(params string[] args) => new[] { "profiler" }.Concat(args).ToArray();

        [Fact]
        public void ProfilesTheTargetGivenAsTypeColonId()
        {
            var r = ToolRun.Run(Profiler(new[] { "run:run-1004" }.Concat(Common).ToArray()));
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(string.Empty, r.Stderr);
            Assert.Equal(ProfileDocument.Write(Run.Sample("run", "run-1004"), DocumentFormat.Json), r.Stdout);
        }

        [Theory]
        [InlineData("service:analytics-blue/chartly-analytics", "service", "analytics-blue/chartly-analytics")]
        [InlineData("connector:conn-salesforce/cr-502", "connector", "conn-salesforce/cr-502")]
        [InlineData("operation:op-7f3a", "operation", "op-7f3a")]
        public void TheTwoTargetFormsGiveTheSameBytes(string target, string type, string id)
        {
            var a = ToolRun.Run(Profiler(new[] { target, "--format", "text" }.Concat(Common).ToArray()));
            var b = ToolRun.Run(Profiler(new[] { "--target-type", type, "--target-id", id, "--format", "text" }.Concat(Common).ToArray()));
            Assert.Equal(0, a.ExitCode);
            Assert.Equal(a.Stdout, b.Stdout);
        }

        [Fact]
        public void TakesFlagEqualsValue()
        {
            var a = ToolRun.Run(Profiler(new[] { "run:run-1004" }.Concat(Common).ToArray()));
            var b = ToolRun.Run("profiler", "run:run-1004", "--config=" + Repo.SampleConfig, "--env=dev", "--window-start=2026-11-24T10:00:00Z", "--window-end=2026-11-24T11:00:00Z", "--format=json");
            Assert.Equal(0, b.ExitCode);
            Assert.Equal(a.Stdout, b.Stdout);
        }

        [Theory]
        [InlineData(2, "profiler: the target 'run-1004' has no type: write <type>:<id> (types: service, workflow, run, operation, connector), e.g. run:run-1004, or use --target-type and --target-id", "run-1004")]
        [InlineData(2, "profiler: the target ':run-1004' has no type", ":run-1004")]
        [InlineData(2, "profiler: the target was given twice, as 'run:run-1004' and with --target-type: use one form", "run:run-1004", "--target-type", "run")]
        [InlineData(2, "profiler: the target was given twice, as 'run:run-1004' and with --target-id: use one form", "run:run-1004", "--target-id", "run-1004")]
        [InlineData(3, "profiler: --target-id is required: targets are explicit, there is no auto-discovery", "run:")]
        [InlineData(2, "profiler: unexpected argument 'run:run-1005'; flags start with -- (see --help)", "run:run-1004", "run:run-1005")]
        [InlineData(2, "profiler: unexpected argument '-x'; flags start with -- (see --help)", "run:run-1004", "-x")]
        [InlineData(2, "profiler: unknown flag '--colour' (see --help)", "run:run-1004", "--colour=red")]
        [InlineData(2, "profiler: --dry-run takes no value", "run:run-1004", "--dry-run=true")]
        [InlineData(2, "profiler: --dry-run was given more than once", "run:run-1004", "--dry-run", "--dry-run")]
        [InlineData(2, "profiler: --format needs a value", "run:run-1004", "--format", "--dry-run")]
        [InlineData(2, "profiler: --compare-to needs a value", "run:run-1004", "--compare-to", "--unknown")]
        [InlineData(2, "profiler: unknown format 'xml' (valid: json, yaml, text)", "run:run-1004", "--format", "xml")]
        [InlineData(2, "profiler: Unknown target type 'pod'", "pod:x")]
        [InlineData(2, "[InvalidEnvironment]", "run:run-1004", "--env", "qa")]
        [InlineData(2, "[EnvironmentMissing]", "run:run-1004", "--env", "")]
        [InlineData(2, "[InvalidTargetType]", "--target-type", "", "--target-id", "x")]
        [InlineData(2, "[BaselineMissing]", "run:run-1004", "--compare-to", "")]
        [InlineData(3, "[TargetAmbiguous]", "run:run-dup-1")]
        [InlineData(3, "[TargetNotFound]", "run:run-9999")]
        public void RejectsWithTheContractsExitCodeAndOneLine(int exitCode, string expected, params string[] args)
        {
            var envGiven = args.Contains("--env");
            var common = envGiven ? Common.Where((_, i) => i != 2 && i != 3).ToArray() : Common;
            var r = ToolRun.Run(Profiler(args.Concat(common).ToArray()));
            Assert.Equal(exitCode, r.ExitCode);
            Assert.Equal(string.Empty, r.Stdout);
            Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
            Assert.StartsWith("profiler: ", r.Stderr, StringComparison.Ordinal);
            Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
            Assert.EndsWith("\n", r.Stderr, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("chartly-tool: a command is required: profiler <type>:<id> [flags] or completion bash|zsh|pwsh (see --help)")]
        [InlineData("chartly-tool: unknown command 'profile'; valid commands: profiler, completion (see --help)", "profile", "run:run-1004")]
        [InlineData("chartly-tool: unknown shell 'fish': completion bash|zsh|pwsh", "completion", "fish")]
        [InlineData("chartly-tool: a shell is required: completion bash|zsh|pwsh", "completion")]
        [InlineData("chartly-tool: unknown shell 'bash': completion bash|zsh|pwsh", "completion", "bash", "zsh")]
        public void AnUnknownOrMissingCommandIsExit2NamingTheValidForms(string expected, params string[] args)
        {
            var r = ToolRun.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Equal(expected + "\n", r.Stderr);
            Assert.Equal(string.Empty, r.Stdout);
        }

        [Fact]
        public void VersionIsTheEngineVersionTheProfileHeaderRecords()
        {
            var r = ToolRun.Run("--version");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(ToolInfo.Version + "\n", r.Stdout);
            Assert.Equal(Run.Sample("run", "run-1004").Header.ToolVersion, ToolInfo.Version);
        }

        /// <summary>Every flag profiler.ps1 parses is a flag of chartly-tool profiler: the two cannot drift apart silently.</summary>
        [Fact]
        public void ProfilerHelpListsEveryFlagOfProfilerPs1()
        {
            var script = File.ReadAllText(Path.Combine(Repo.Root, "tools/profiler/profiler.ps1"));
            var flags = Regex.Matches(script, @"\$(?:valueFlags|switchFlags) = @\(([^)]*)\)")
                .SelectMany(m => Regex.Matches(m.Groups[1].Value, "'([a-z-]+)'").Select(f => "--" + f.Groups[1].Value))
                .ToList();
            Assert.True(flags.Count >= 12, string.Join(" ", flags));

            var help = ToolRun.Run("profiler", "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.StartsWith("Description:", help.Stdout, StringComparison.Ordinal);
            foreach (var flag in flags)
            {
                Assert.Matches(new Regex("^  (-\\?, -h, )?" + Regex.Escape(flag) + "\\b", RegexOptions.Multiline), help.Stdout);
            }
        }

        [Fact]
        public void RootHelpNamesTheCommands()
        {
            var r = ToolRun.Run("--help");
            Assert.Equal(0, r.ExitCode);
            // The usage line names the process (chartly-tool when installed, the test host here).
            Assert.Contains(" [command] [options]", r.Stdout, StringComparison.Ordinal);
            Assert.Matches(new Regex("^  profiler ", RegexOptions.Multiline), r.Stdout);
            Assert.Matches(new Regex("^  completion ", RegexOptions.Multiline), r.Stdout);
            Assert.Contains("--version", r.Stdout, StringComparison.Ordinal);
        }
    }
}
