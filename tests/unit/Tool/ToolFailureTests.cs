using System;
using System.IO;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Tests.Governance;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Tool
{
    /// <summary>
    /// Contract, "Security &amp; privacy" and "Exit codes", through chartly-tool: an exception the engine
    /// did not plan for is one line with an id and exit 4, never a trace or the exception's own text;
    /// an access policy that refuses is exit 5 before anything is read.
    /// </summary>
    [Collection(ConsoleCollection.Name)]
    public sealed class ToolFailureTests
    {
        private static readonly string[] Target = { "profiler", "run:run-1004", "--window-start", "2026-11-24T10:00:00Z", "--window-end", "2026-11-24T11:00:00Z" };

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AnUnexpectedExceptionIsOneLineWithTheIdAndExit4(bool dryRun)
        {
            var args = Target.Concat(new[] { "--config", Repo.SampleConfig, "--env", "dev" }).Concat(dryRun ? new[] { "--dry-run" } : Array.Empty<string>()).ToArray();
            var r = ToolRun.RunWith(_ => new ExplodingSource(() => new NullReferenceException(ExplodingSource.Message)), args);
            Assert.Equal(ExitCodes.ValidationFailed, r.ExitCode);
            Assert.Equal(string.Empty, r.Stdout);
            Assert.Equal("profiler: The profile could not be built because of an unexpected NullReferenceException. The input may violate its format; the data-quality counts of a narrower window can show where. [InternalError]\n", r.Stderr);
            Assert.Empty(RedactionTests.Leaks("stderr", r.Stderr));
        }

        [Fact]
        public void ARefusingAccessPolicyIsExit5()
        {
            using var t = new TempTelemetry();
            var config = Path.Combine(t.Root, "denied.yaml");
            File.WriteAllText(config, PermissionDenialTests.Config(prodAccess: "      principals: ['not-" + Environment.UserName + "']\n"));
            foreach (var extra in new[] { Array.Empty<string>(), new[] { "--dry-run" } })
            {
                var r = ToolRun.Run(Target.Concat(new[] { "--config", config, "--env", "prod" }).Concat(extra).ToArray());
                Assert.Equal(ExitCodes.AccessDenied, r.ExitCode);
                Assert.Equal("profiler: Access denied: profiling environment 'prod' needs the 'profile' permission, which its access policy does not grant to the identity in use. [AccessDenied]\n", r.Stderr);
            }
        }
    }
}
