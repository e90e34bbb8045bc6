using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>A source that fails the way a bug would: an exception the engine never planned for, with secrets in its message.</summary>
    internal sealed class ExplodingSource : ITraceSource
    {
        public static readonly string Message = "boom at Chartly.Profiler.Internal.Walk() for " + HostileCorpus.Email.Text + " with " + HostileCorpus.Bearer.Text;

        private readonly Func<Exception> _make;

        public ExplodingSource(Func<Exception> make) => _make = make;

        public string Description => "exploding source";

        public IReadOnlyList<string> Plan(ProfileRequest request) => throw _make();

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) => throw _make();

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) => throw _make();
    }

    /// <summary>
    /// Contract, "Security &amp; privacy": no raw logs, no stack traces. An exception the engine did not
    /// expect reaches the user as a short message with an error id and exit 4, never a trace or the
    /// exception's own message; through the cmdlets and through the command line alike.
    /// </summary>
    [Collection(ConsoleCollection.Name)]
    public class NoStackTraceTests
    {
        public static IEnumerable<object[]> Failures => new[]
        {
            new object[] { "NullReferenceException" },
            new object[] { "InvalidOperationException" },
            new object[] { "IndexOutOfRangeException" },
            new object[] { "KeyNotFoundException" },
            new object[] { "IOException" },
            new object[] { "AggregateException" },
        };

        internal static Exception Make(string kind) => kind switch
        {
            "NullReferenceException" => new NullReferenceException(ExplodingSource.Message),
            "InvalidOperationException" => new InvalidOperationException(ExplodingSource.Message, new Exception(HostileCorpus.Jwt.Text)),
            "IndexOutOfRangeException" => new IndexOutOfRangeException(ExplodingSource.Message),
            "KeyNotFoundException" => new KeyNotFoundException(ExplodingSource.Message),
            "IOException" => new System.IO.IOException(ExplodingSource.Message),
            _ => new AggregateException(ExplodingSource.Message, new Exception(HostileCorpus.StackTrace.Text)),
        };

        /// <summary>Throws it for real, so it has a stack trace that could leak.</summary>
        internal static Exception Thrown(string kind)
        {
            try
            {
                throw Make(kind);
            }
            catch (Exception e)
            {
                Assert.NotNull(e.StackTrace);
                return e;
            }
        }

        internal static void AssertShortAndClean(string text)
        {
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Chartly.Profiler.Internal", text, StringComparison.Ordinal);
            Assert.DoesNotContain("boom", text, StringComparison.Ordinal);
            Assert.DoesNotContain(".cs:line", text, StringComparison.Ordinal);
            Assert.DoesNotContain("StackTrace", text, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(RedactionTests.Leaks("message", text));
        }

        [Theory]
        [MemberData(nameof(Failures))]
        public void TheCmdletTurnsAnUnexpectedExceptionIntoAnIdAndAShortMessage(string kind)
        {
            using var rs = RunspaceFactory.CreateRunspace(ExplodingCmdlets.Session());
            rs.ThreadOptions = PSThreadOptions.UseCurrentThread;
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript("Get-ChartlyProfile -Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -ConfigPath '" + Repo.SampleConfig + "' -Explode " + kind);
            Assert.Empty(ps.Invoke());
            var e = Assert.Single(ps.Streams.Error);
            Assert.Equal("InternalError,Chartly.Profiler.Tests.Governance.ExplodingGetChartlyProfile", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            var p = Assert.IsType<ProfilerException>(e.Exception);
            Assert.Equal(ExitCodes.ValidationFailed, p.ExitCode);
            Assert.Null(p.InnerException);
            Assert.Null(p.StackTrace);
            Assert.True(p.Message.Length < 300, p.Message);
            AssertShortAndClean(e.ToString());
            AssertShortAndClean(p.Message);
        }

        [Fact]
        public void TheCommandLinePrintsOneLineWithTheIdAndExitsFour()
        {
            var r = CliHarness.Run(ExplodingCmdlets.InsteadOfTheModule, "--config", Repo.SampleConfig, "--env", "dev", "--target-type", "run", "--target-id", "run-1004", "--window-start", "2026-11-24T10:00:00Z", "--window-end", "2026-11-24T11:00:00Z");
            Assert.Equal(ExitCodes.ValidationFailed, r.ExitCode);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("profiler: The profile could not be built because of an unexpected NullReferenceException.", line, StringComparison.Ordinal);
            Assert.EndsWith("[InternalError]", line, StringComparison.Ordinal);
            AssertShortAndClean(r.Stderr);
            AssertShortAndClean(r.Output);
        }

        [Fact]
        public void TheDryRunFailsTheSameWay()
        {
            var r = CliHarness.Run(ExplodingCmdlets.InsteadOfTheModule, "--config", Repo.SampleConfig, "--env", "dev", "--target-type", "run", "--target-id", "run-1004", "--window-start", "2026-11-24T10:00:00Z", "--window-end", "2026-11-24T11:00:00Z", "--dry-run");
            Assert.Equal(ExitCodes.ValidationFailed, r.ExitCode);
            Assert.EndsWith("[InternalError]\n", r.Stderr, StringComparison.Ordinal);
            AssertShortAndClean(r.Stderr);
        }

        [Fact]
        public void TheProductHasNoStaticHookToMakeItFail()
        {
            // Failures are injected by deriving from a cmdlet (ExplodingCmdlets), never through static state
            // the product reads: no static, settable field or property of a delegate type in either assembly.
            var hooks = new[] { typeof(ProfileEngine).Assembly, typeof(Chartly.Profiler.Cmdlets.ChartlyCmdlet).Assembly }
                .SelectMany(a => a.GetTypes())
                .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly)
                    .Where(f => !f.IsInitOnly && !f.IsLiteral && !f.Name.Contains('<') && (typeof(Delegate).IsAssignableFrom(f.FieldType) || f.GetCustomAttributes(typeof(ThreadStaticAttribute), false).Length > 0))
                    .Select(f => t.FullName + "." + f.Name)
                    .Concat(t.GetProperties(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly)
                        .Where(p => p.SetMethod is not null)
                        .Select(p => t.FullName + "." + p.Name)))
                .ToList();
            Assert.Empty(hooks);
            Assert.Equal(7507, new ProfileEngine().Run(Run.Request("run", "run-1004"), ConfigLoader.Load(Repo.SampleConfig)).Summary.TotalDurationMs);
        }

        [Fact]
        public void AccessDeniedThroughTheCommandLineIsExitFive()
        {
            using var t = new TempTelemetry();
            var config = System.IO.Path.Combine(t.Root, "denied.yaml");
            System.IO.File.WriteAllText(config, PermissionDenialTests.Config(prodAccess: "      principals: ['not-" + Environment.UserName + "']\n"));
            foreach (var extra in new[] { Array.Empty<string>(), new[] { "--dry-run" } })
            {
                var r = CliHarness.Run(new[] { "--config", config, "--env", "prod", "--target-type", "run", "--target-id", "run-1004", "--window-start", "2026-11-24T10:00:00Z", "--window-end", "2026-11-24T11:00:00Z" }.Concat(extra).ToArray());
                Assert.Equal(ExitCodes.AccessDenied, r.ExitCode);
                var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Equal("profiler: Access denied: profiling environment 'prod' needs the 'profile' permission, which its access policy does not grant to the identity in use. [AccessDenied]", line);
            }
        }

        [Fact]
        public void AccessDeniedThroughTheCmdletIsPermissionDenied()
        {
            using var t = new TempTelemetry();
            var config = System.IO.Path.Combine(t.Root, "denied.yaml");
            System.IO.File.WriteAllText(config, PermissionDenialTests.Config(prodAccess: "      principals: ['not-" + Environment.UserName + "']\n"));
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.Location });
            using var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript("$a = @{ Environment = 'prod'; TargetType = 'run'; TargetId = 'run-1004'; WindowStart = '2026-11-24T10:00:00Z'; WindowEnd = '2026-11-24T11:00:00Z'; ConfigPath = '" + config + "' }\nGet-ChartlyProfile @a\nGet-ChartlyProfilePlan @a");
            Assert.Empty(ps.Invoke());
            Assert.Equal(2, ps.Streams.Error.Count);
            Assert.All(ps.Streams.Error, e =>
            {
                Assert.StartsWith("AccessDenied,", e.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
            });
        }
    }
}
