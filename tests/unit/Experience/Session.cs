using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Tests.Support;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>A runspace with the module's cmdlets, at a PowerShell location other than the process's directory.</summary>
    internal sealed class Session : IDisposable
    {
        private readonly Runspace _runspace;

        public Session(string? location = null)
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.Location });
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
            Run("Set-Location -LiteralPath '" + (location ?? Repo.Root).Replace("'", "''") + "'");
        }

        public Runspace Runspace => _runspace;

        public Result Run(string script)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            var output = ps.Invoke();
            return new Result(output, ps.Streams.Error.ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), ps.Streams.Verbose.Select(v => v.Message).ToList(), ps.Streams.Progress.ToList());
        }

        /// <summary>What TabExpansion would offer with the cursor at the end of <paramref name="input"/>.</summary>
        public IReadOnlyList<CompletionResult> Complete(string input) => Complete(input, input.Length);

        /// <summary>What TabExpansion would offer with the cursor at <paramref name="cursor"/>.</summary>
        public IReadOnlyList<CompletionResult> Complete(string input, int cursor)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            var completion = CommandCompletion.CompleteInput(input, cursor, null, ps);
            return completion.CompletionMatches.ToList();
        }

        public void Dispose() => _runspace.Dispose();

        public sealed record Result(Collection<PSObject> Output, List<ErrorRecord> Errors, List<string> Warnings, List<string> Verbose, List<ProgressRecord> Progress);
    }
}
