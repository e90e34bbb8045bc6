using System.IO;
using Chartly.Tool;

namespace Chartly.Profiler.Tests.Tool
{
    /// <summary>chartly-tool in process: what Main does, with stdout and stderr captured.</summary>
    internal static class ToolRun
    {
        public static Result Run(params string[] args) => RunWith(null, args);

        /// <summary>As <see cref="Run"/>, with the engine's sources made by <paramref name="sourceFactory"/> (constructor injection, no static hook).</summary>
        public static Result RunWith(System.Func<Chartly.Profiler.Configuration.SourceConfig, Chartly.Profiler.Telemetry.ITraceSource?>? sourceFactory, params string[] args)
        {
            var stdout = new StringWriter { NewLine = "\n" };
            var stderr = new StringWriter { NewLine = "\n" };
            var code = ToolApp.Run(args, stdout, stderr, sourceFactory);
            return new Result(code, stdout.ToString(), stderr.ToString());
        }

        public sealed record Result(int ExitCode, string Stdout, string Stderr);
    }
}
