using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>Tests that redirect the process's console run alone.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ConsoleCollection
    {
        public const string Name = "Console";
    }

    /// <summary>
    /// Runs tools/profiler/profiler.ps1 in this process, on this thread, with the module built with the tests, and captures stderr and the exit
    /// code as a user's shell would see them.
    /// </summary>
    public static class CliHarness
    {
        public sealed record Result(int ExitCode, string Stderr, string Output);

        public static Result Run(params string[] args) => Run(null, args);

        /// <param name="setup">Changes to the session before the script runs (e.g. ExplodingCmdlets.InsteadOfTheModule).</param>
        public static Result Run(Action<InitialSessionState>? setup, params string[] args)
        {
            var cli = Path.Combine(Repo.Root, "tools", "profiler", "profiler.ps1");
            var module = typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.Location;
            var previousModule = Environment.GetEnvironmentVariable("CHARTLY_PROFILER_MODULE");
            var previousError = Console.Error;
            var stderr = new StringWriter { NewLine = "\n" };
            try
            {
                Environment.SetEnvironmentVariable("CHARTLY_PROFILER_MODULE", module);
                Console.SetError(stderr);
                var iss = InitialSessionState.CreateDefault2();
                setup?.Invoke(iss);
                using var rs = RunspaceFactory.CreateRunspace(iss);
                rs.ThreadOptions = PSThreadOptions.UseCurrentThread;
                rs.Open();
                using var ps = PowerShell.Create();
                ps.Runspace = rs;
                ps.AddScript("param($cli, $a) $global:LASTEXITCODE = 0; & $cli @a *>&1 | Out-String; $global:LASTEXITCODE").AddArgument(cli).AddArgument(args);
                var output = ps.Invoke();
                var code = Convert.ToInt32(output.Last().BaseObject, System.Globalization.CultureInfo.InvariantCulture);
                var text = string.Join("\n", output.Take(output.Count - 1).Select(o => o?.ToString()));
                Assert.Empty(ps.Streams.Error);
                return new Result(code, stderr.ToString(), text);
            }
            finally
            {
                Console.SetError(previousError);
                Environment.SetEnvironmentVariable("CHARTLY_PROFILER_MODULE", previousModule);
            }
        }
    }
}
