using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using Chartly.Profiler;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Regression;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Tool.Completion;

namespace Chartly.Tool
{
    /// <summary>
    /// <c>chartly-tool profiler &lt;type&gt;:&lt;id&gt; [flags]</c>: profiler.ps1's flags, checks, exit codes,
    /// stderr lines and stdout bytes, over the same engine calls as its cmdlets.
    /// </summary>
    internal sealed class ProfilerCommand
    {
        /// <summary>The prefix of every error line, as profiler.ps1 writes it.</summary>
        public const string ErrorPrefix = "profiler: ";

        private readonly Func<SourceConfig, ITraceSource?>? _sourceFactory;

        /// <param name="sourceFactory">The engine's sources; null: the configured ones (tests inject failing ones here).</param>
        public ProfilerCommand(Func<SourceConfig, ITraceSource?>? sourceFactory = null)
        {
            _sourceFactory = sourceFactory;
            Env = Value("--env", "<dev|staging|prod>", "The environment whose configured telemetry is read (required).");
            TargetType = Value("--target-type", "<type>", "The target's type, with --target-id: service, workflow, run, operation or connector (instead of <target>).");
            TargetId = Value("--target-id", "<id>", "The target's id, with --target-type (instead of <target>).");
            WindowStart = Value("--window-start", "<RFC3339>", "The window's inclusive start, with an explicit offset, e.g. 2026-11-24T10:00:00Z (required).");
            WindowEnd = Value("--window-end", "<RFC3339>", "The window's exclusive end, with an explicit offset (required).");
            Format = Value("--format", "<json|yaml|text>", "The output: json (default), yaml, or the text report.");
            DryRun = new Option<bool>("--dry-run") { Arity = ArgumentArity.Zero, Description = "Validate, then print what would be read (sources, queries, window) without reading telemetry." };
            CompareTo = Value("--compare-to", "<baseline>", "Compare with a baseline: run:<id>, version:<v> (each optionally @start[/end]) or a saved profile's path.");
            Precision = Value("--precision", "<ms|s>", "Round durations to milliseconds (default) or seconds.");
            IncludeMetrics = Value("--include-metrics", "<name,...>", "Compute only these signals (comma-separated); the others are marked excluded.");
            Config = Value("--config", "<path>", "The configuration file (else CHARTLY_PROFILER_CONFIG, else ./chartly-profiler.yaml).");
            Target = new Argument<string>("target")
            {
                Arity = ArgumentArity.ZeroOrOne,
                HelpName = "type:id",
                Description = "The target as <type>:<id>, e.g. run:run-1004, service:analytics-blue/chartly-analytics, connector:conn-salesforce/cr-502.",
            };

            Suggestions.Attach(this);
            Command = new Command("profiler", "Profile one explicit target over an explicit window and print the profile (exit codes: 0 success, 2 invalid arguments, 3 precondition failed, 4 validation failed, 5 access denied).")
            {
                Target, Env, TargetType, TargetId, WindowStart, WindowEnd, Format, DryRun, CompareTo, Precision, IncludeMetrics, Config,
            };
        }

        public Command Command { get; }

        public Argument<string> Target { get; }

        public Option<string> Env { get; }

        public Option<string> TargetType { get; }

        public Option<string> TargetId { get; }

        public Option<string> WindowStart { get; }

        public Option<string> WindowEnd { get; }

        public Option<string> Format { get; }

        public Option<bool> DryRun { get; }

        public Option<string> CompareTo { get; }

        public Option<string> Precision { get; }

        public Option<string> IncludeMetrics { get; }

        public Option<string> Config { get; }

        public IEnumerable<Option> ValueOptions => new Option[] { Env, TargetType, TargetId, WindowStart, WindowEnd, Format, CompareTo, Precision, IncludeMetrics, Config };

        /// <summary>Runs the command: the profile (or plan) on stdout and 0, or one line on stderr and the contract's exit code.</summary>
        public int Execute(ParseResult parse, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            string text;
            try
            {
                text = Profile(ProfilerCommandLine.Read(this, parse, args), _sourceFactory);
            }
            catch (UsageException e)
            {
                return Fail(stderr, e.Message, e.ExitCode);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The engine's own failures keep their id and exit code; anything else becomes InternalError.
                var failure = UnexpectedFailure.From(e, "chartly-tool", "Reinstall it: dotnet tool update Chartly.Tool (docs/cli.md).");
                return Fail(stderr, $"{failure.Message} [{failure.ErrorId}]", failure.ExitCode);
            }

            try
            {
                stdout.Write(text);
            }
            catch (IOException)
            {
                // The reader went away (`| head`): the profile was made; nothing is left to tell anyone.
            }

            return ExitCodes.Success;
        }

        private static int Fail(TextWriter stderr, string message, int exitCode)
        {
            stderr.Write(ErrorPrefix + message + "\n");
            return exitCode;
        }

        /// <summary>The same calls, in the same order, as Get-ChartlyProfile / Get-ChartlyProfilePlan then ConvertTo-ChartlyProfileDocument.</summary>
        private static string Profile(ProfilerOptions o, Func<SourceConfig, ITraceSource?>? sourceFactory)
        {
            var metrics = o.IncludeMetrics is null ? null : new[] { o.IncludeMetrics };
            var request = ProfileArguments.ToRequest(o.Environment, o.TargetType, o.TargetId, o.WindowStart, o.WindowEnd, o.Precision, metrics);
            var cwd = Environment.CurrentDirectory;
            var config = ConfigLoader.Load(ConfigLoader.Locate(o.Config, cwd, Environment.GetEnvironmentVariable));
            var engine = new ProfileEngine(sourceFactory);
            if (o.DryRun)
            {
                // As profiler.ps1: a dry run plans the current profile only; --compare-to is not looked at.
                return PlanDocument.Write(engine.Plan(request, config), DocumentFormats.Parse(o.Format));
            }

            var profile = o.CompareTo is null
                ? engine.Run(request, config)
                : BaselineComparison.Run(engine, new BaselineResolver(engine), request, config, o.CompareTo, ProfileComparer.DefaultThresholdPct, path => Path.GetFullPath(Path.Combine(cwd, path)), default);
            return ProfileDocument.Write(profile, DocumentFormats.Parse(o.Format));
        }

        private static Option<string> Value(string name, string helpName, string description) =>
            new(name) { HelpName = helpName.Trim('<', '>'), Description = description };
    }
}
