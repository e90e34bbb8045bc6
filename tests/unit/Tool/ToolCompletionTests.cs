using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Chartly.Tool.Completion;
using Xunit;

namespace Chartly.Profiler.Tests.Tool
{
    /// <summary>
    /// chartly-tool's [suggest] directive (what the shell scripts ask) and the scripts themselves.
    /// The scripts run against the installed tool in tests/pester/Tool.Tests.ps1.
    /// </summary>
    public sealed class ToolCompletionTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chartly-tool-completion-" + Guid.NewGuid().ToString("N"));

        public ToolCompletionTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, true);

        /// <summary>What the shells send: [suggest:N] and the line, with the cursor at its end.</summary>
        private static string[] Suggest(string line) => ToolRun.Run($"[suggest:{line.Length}]", line).Stdout.TrimEnd('\n').Split('\n', StringSplitOptions.RemoveEmptyEntries);

        [Theory]
        [InlineData("chartly-tool pro", "profiler")]
        [InlineData("chartly-tool profiler r", "run:")]
        [InlineData("chartly-tool profiler ", "--compare-to --config --dry-run --env --format --help --include-metrics --precision --target-id --target-type --window-end --window-start connector: operation: run: service: workflow:")]
        [InlineData("chartly-tool profiler --target-type w", "workflow")]
        [InlineData("chartly-tool profiler run:run-1004 --format ", "json text yaml")]
        [InlineData("chartly-tool profiler run:run-1004 --precision ", "ms s")]
        [InlineData("chartly-tool profiler --include-metrics cpu_utilization,th", "cpu_utilization,throttling")]
        [InlineData("chartly-tool profiler --window-", "--window-end --window-start")]
        [InlineData("chartly-tool completion ", "--help bash pwsh zsh")]
        public void SuggestsWhatStartsWithTheWordUnderTheCursor(string line, string expected)
        {
            Assert.Equal(expected.Split(' '), Suggest(line).OrderBy(s => s, StringComparer.Ordinal));
        }

        [Fact]
        public void SuggestsTheEnvironmentsOfTheConfiguration()
        {
            var config = Path.Combine(_dir, "chartly-profiler.yaml");
            File.WriteAllText(config, "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: telemetry\n  staging:\n    sources:\n      - type: otlp-file\n        path: telemetry\n");
            Assert.Equal(new[] { "dev", "staging" }, Suggest($"chartly-tool profiler --config {config} --env "));
            Assert.Equal(new[] { "staging" }, Suggest($"chartly-tool profiler --config {config} --env st"));
        }

        [Fact]
        public void WithoutAReadableConfigurationSuggestsTheContractsEnvironments()
        {
            Assert.Equal(new[] { "dev", "prod", "staging" }, Suggest($"chartly-tool profiler --config {Path.Combine(_dir, "missing.yaml")} --env "));
        }

        [Theory]
        [InlineData("chartly-tool profiler --env d", 0, "d")]
        [InlineData("chartly-tool profiler --env d", 1, "")]
        [InlineData("chartly-tool profiler --env dev --format", 10, "de")]
        [InlineData("chartly-tool profiler --include-metrics a,b", 0, "a,b")]
        public void TheWordUnderTheCursorIsWhatFollowsTheLastBlank(string line, int cursorBeforeEnd, string word)
        {
            Assert.Equal(word, SuggestFilter.WordUnderCursor(new[] { $"[suggest:{line.Length - cursorBeforeEnd}]", line }));
        }

        [Theory]
        [InlineData("bash", "complete -o default -F _chartly_tool_complete chartly-tool")]
        [InlineData("zsh", "compdef _chartly_tool_complete chartly-tool")]
        [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName chartly-tool")]
        public void PrintsAScriptPerShellThatAsksTheToolItself(string shell, string wiring)
        {
            var r = ToolRun.Run("completion", shell);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(string.Empty, r.Stderr);
            Assert.Contains(wiring, r.Stdout, StringComparison.Ordinal);
            Assert.Contains("chartly-tool \"[suggest:", r.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", r.Stdout, StringComparison.Ordinal);
        }

        [Fact]
        public void TheBashScriptParses()
        {
            var script = Path.Combine(_dir, "chartly-tool.bash");
            File.WriteAllText(script, ToolRun.Run("completion", "bash").Stdout);
            var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add(script);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr);
        }
    }
}
