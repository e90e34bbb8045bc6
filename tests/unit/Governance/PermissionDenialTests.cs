using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Access;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>A principal fixed by the test.</summary>
    internal sealed class FixedPrincipal : IPrincipalProvider
    {
        private readonly Principal _principal;

        public FixedPrincipal(string source, string[] names, string[]? groups = null, string[]? roles = null, bool ignoreCase = false) =>
            _principal = new Principal(source, names, groups ?? Array.Empty<string>(), roles ?? Array.Empty<string>(), ignoreCase);

        public int Calls { get; private set; }

        public string Source => _principal.Source;

        public Principal GetPrincipal(CancellationToken cancellation)
        {
            Calls++;
            return _principal;
        }
    }

    /// <summary>A trace source that records whether anything asked it to read.</summary>
    internal sealed class SpySource : ITraceSource
    {
        private readonly ITraceSource _inner;

        public SpySource(ITraceSource inner) => _inner = inner;

        public int Reads { get; private set; }

        public string Description => _inner.Description;

        public IReadOnlyList<string> Plan(ProfileRequest request)
        {
            Reads++;
            return _inner.Plan(request);
        }

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            Reads++;
            return _inner.FindCandidates(matcher, request, quality, cancellation);
        }

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            Reads++;
            return _inner.LoadTraces(traces, request, quality, cancellation);
        }
    }

    /// <summary>A source with an Azure credential of its own: the identity comes from its token.</summary>
    internal sealed class TokenSource : ITraceSource, IPrincipalSource
    {
        public TokenSource(string token) => PrincipalProvider = new AzureTokenPrincipalProvider(_ => token);

        public IPrincipalProvider PrincipalProvider { get; }

        public string Description => "fake azure source";

        public IReadOnlyList<string> Plan(ProfileRequest request) => new[] { "nothing" };

        public IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) => Array.Empty<SpanRecord>();

        public IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation) => Array.Empty<SpanRecord>();
    }

    /// <summary>
    /// Contract promotion test "permission denial" (docs/contract-status.md): the access policy of an
    /// environment refuses whom it must, before any telemetry is read, by a profile and by a dry run,
    /// with exit 5 and a message that names the environment and the missing permission only.
    /// </summary>
    public class PermissionDenialTests
    {
        private static readonly string Telemetry = Path.Combine(Repo.Root, "samples", "telemetry");

        /// <summary>A configuration whose dev is open and whose prod admits alice and the sre group; both read the samples.</summary>
        public static string Config(string prodAccess = "      principals: [alice, 'bob@contoso.example']\n      groups: [sre]\n", string devAccess = "") =>
            "environments:\n" +
            "  dev:\n" + devAccess + "    sources:\n      - type: otlp-file\n        path: '" + Telemetry + "'\n" +
            "  prod:\n    access:\n" + prodAccess + "    sources:\n      - type: otlp-file\n        path: '" + Telemetry + "'\n";

        private static ProfilerConfig Parse(string yaml) => ConfigLoader.Parse(yaml, Path.Combine(Repo.Root, "test-config.yaml"));

        private static ProfileRequest Request(string env) => Run.Request("run", "run-1004", env: env);

        /// <summary>Prod's spans carry environment dev in the samples: re-label them so prod has data.</summary>
        private static (ProfileEngine Engine, List<SpySource> Spies) Engine(IPrincipalProvider? principal)
        {
            var spies = new List<SpySource>();
            var engine = new ProfileEngine(sc =>
            {
                var spy = new SpySource(ProfileEngine.DefaultSourceFactory(sc)!);
                spies.Add(spy);
                return spy;
            })
            { PrincipalProvider = principal };
            return (engine, spies);
        }

        [Fact]
        public void APrincipalTheProdPolicyDoesNotNameIsDeniedBeforeAnythingIsRead()
        {
            var mallory = new FixedPrincipal("os-account", new[] { "mallory" }, new[] { "developers" });
            var (engine, spies) = Engine(mallory);
            var e = Run.Fails(() => engine.Run(Request("prod"), Parse(Config())));

            Assert.Equal(ExitCodes.AccessDenied, e.ExitCode);
            Assert.Equal(ProfilerErrorKind.AccessDenied, e.Kind);
            Assert.Equal("AccessDenied", e.ErrorId);
            Assert.Equal(1, mallory.Calls);
            Assert.All(spies, s => Assert.Equal(0, s.Reads));

            // The environment and the permission, nothing more: no principal, no policy entry, no path.
            Assert.Contains("'prod'", e.Message, StringComparison.Ordinal);
            Assert.Contains("'profile' permission", e.Message, StringComparison.Ordinal);
            foreach (var secret in new[] { "mallory", "developers", "alice", "bob", "sre", "contoso", Telemetry, Environment.UserName })
            {
                Assert.DoesNotContain(secret, e.Message, StringComparison.OrdinalIgnoreCase);
            }
        }

        [Fact]
        public void TheDryRunIsDeniedToo()
        {
            var (engine, spies) = Engine(new FixedPrincipal("os-account", new[] { "mallory" }));
            var e = Run.Fails(() => engine.Plan(Request("prod"), Parse(Config())));
            Assert.Equal(ExitCodes.AccessDenied, e.ExitCode);
            Assert.Equal("AccessDenied", e.ErrorId);
            Assert.All(spies, s => Assert.Equal(0, s.Reads));
        }

        [Theory]
        [InlineData("alice", "nobody")]
        [InlineData("carol", "sre")]
        public void APrincipalOrAGroupThePolicyNamesIsAllowed(string name, string group)
        {
            var (engine, spies) = Engine(new FixedPrincipal("os-account", new[] { name }, new[] { group }));
            var config = Parse(Config());

            // Prod is allowed; the samples are dev telemetry, so the target is then not found in prod: access was not the problem.
            var e = Run.Fails(() => engine.Run(Request("prod"), config));
            Assert.Equal("TargetNotFound", e.ErrorId);
            Assert.Contains(spies, s => s.Reads > 0);
            Assert.NotEmpty(engine.Plan(Request("prod"), config).Sources);
        }

        [Fact]
        public void OsAccountNamesCompareWithCase()
        {
            var (engine, _) = Engine(new FixedPrincipal("os-account", new[] { "Alice" }));
            Assert.Equal("AccessDenied", Run.Fails(() => engine.Run(Request("prod"), Parse(Config()))).ErrorId);
        }

        [Fact]
        public void AnEnvironmentWithoutPolicyAndAWildcardPolicyAreOpen()
        {
            var (engine, _) = Engine(new FixedPrincipal("os-account", new[] { "mallory" }));
            Assert.Equal(7507, engine.Run(Request("dev"), Parse(Config())).Summary.TotalDurationMs);

            var open = Parse(Config(prodAccess: "      principals: ['*']\n", devAccess: "    access:\n      principals: ['*']\n"));
            Assert.Equal("TargetNotFound", Run.Fails(() => engine.Run(Request("prod"), open)).ErrorId);
        }

        [Fact]
        public void TheCurrentOsAccountIsTheDefaultIdentityOfFileSources()
        {
            var me = Environment.UserName;
            var allowed = Parse(Config(prodAccess: $"      principals: ['{me}']\n"));
            Assert.Equal("TargetNotFound", Run.Fails(() => new ProfileEngine().Run(Request("prod"), allowed)).ErrorId);

            var denied = Parse(Config(prodAccess: $"      principals: ['not-{me}']\n      groups: ['no-such-group-{me}']\n"));
            Assert.Equal("AccessDenied", Run.Fails(() => new ProfileEngine().Run(Request("prod"), denied)).ErrorId);
            Assert.Equal("AccessDenied", Run.Fails(() => new ProfileEngine().Plan(Request("prod"), denied)).ErrorId);
        }

        [Fact]
        public void OsGroupsComeFromTheAccountDatabases()
        {
            using var t = new TempTelemetry();
            var passwd = Path.Combine(t.Root, "passwd");
            var group = Path.Combine(t.Root, "group");
            File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");
            File.WriteAllText(group, "root:x:0:\nalice:x:1000:\nsre:x:2000:bob,alice\ndevelopers:x:2001:bob\n");
            var p = new OsAccountPrincipalProvider(() => "alice", passwd, group).GetPrincipal(CancellationToken.None);
            Assert.Equal("os-account", p.Source);
            Assert.Contains("alice", p.Names);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(new[] { "alice", "sre" }, p.Groups);
            }

            Assert.Equal("IdentityUnavailable", Run.Fails(() => new OsAccountPrincipalProvider(() => string.Empty, passwd, group).GetPrincipal(CancellationToken.None)).ErrorId);
        }

        [Fact]
        public void AnAzureTokensClaimsNameThePrincipal()
        {
            var token = AzureTokenPrincipalProvider.UnsignedToken("{\"oid\":\"6F1C2A3B-0000-4000-8000-000000000001\",\"upn\":\"Bob@Contoso.example\",\"appid\":\"app-1\",\"groups\":[\"g-sre\"],\"roles\":[\"Profiler.Read\"]}");
            var p = new AzureTokenPrincipalProvider(_ => token).GetPrincipal(CancellationToken.None);
            Assert.Equal("azure-token", p.Source);
            Assert.Equal(new[] { "6F1C2A3B-0000-4000-8000-000000000001", "Bob@Contoso.example", "app-1" }, p.Names);
            Assert.Equal(new[] { "g-sre" }, p.Groups);
            Assert.Equal(new[] { "Profiler.Read" }, p.Roles);

            // Entra names ignore case.
            Assert.True(new AccessPolicy(new[] { "bob@contoso.example" }, Array.Empty<string>(), Array.Empty<string>(), "auto").Allows(p));
            Assert.True(new AccessPolicy(new[] { "6f1c2a3b-0000-4000-8000-000000000001" }, Array.Empty<string>(), Array.Empty<string>(), "auto").Allows(p));
            Assert.True(new AccessPolicy(Array.Empty<string>(), Array.Empty<string>(), new[] { "profiler.read" }, "auto").Allows(p));
            Assert.False(new AccessPolicy(new[] { "alice@contoso.example" }, new[] { "g-dev" }, new[] { "Other.Read" }, "auto").Allows(p));
        }

        [Theory]
        [InlineData("not-a-jwt")]
        [InlineData("a.b.c")]
        [InlineData("")]
        public void AnUnreadableTokenIsADenialNotAGuess(string token)
        {
            var e = Run.Fails(() => new AzureTokenPrincipalProvider(_ => token).GetPrincipal(CancellationToken.None));
            Assert.Equal(ExitCodes.AccessDenied, e.ExitCode);
            Assert.Equal("IdentityUnavailable", e.ErrorId);
        }

        [Fact]
        public void AFailedTokenRequestSaysOnlyItsKind()
        {
            var e = Run.Fails(() => new AzureTokenPrincipalProvider(_ => throw new InvalidOperationException("az login for tenant 3f2b9c4e-1d2a-4b5c-9e8f-7a6b5c4d3e2f failed: " + HostileCorpus.Jwt.Text)).GetPrincipal(CancellationToken.None));
            Assert.Equal("IdentityUnavailable", e.ErrorId);
            Assert.Empty(RedactionTests.Leaks("message", e.Message));
            Assert.Null(e.InnerException);
        }

        [Fact]
        public void TheIdentityOfASourcesCredentialIsUsedAutomatically()
        {
            var config = new ProfilerConfig("x", new Dictionary<string, EnvironmentConfig>
            {
                ["prod"] = new EnvironmentConfig("prod", new[] { new SourceConfig("fake", new Dictionary<string, string>(), Array.Empty<string>()) })
                {
                    Access = new AccessPolicy(Array.Empty<string>(), new[] { "g-sre" }, Array.Empty<string>(), "auto"),
                },
            });
            var member = new ProfileEngine(_ => new TokenSource(AzureTokenPrincipalProvider.UnsignedToken("{\"oid\":\"o1\",\"groups\":[\"g-sre\"]}")));
            Assert.Equal("TargetNotFound", Run.Fails(() => member.Run(Request("prod"), config)).ErrorId);

            var outsider = new ProfileEngine(_ => new TokenSource(AzureTokenPrincipalProvider.UnsignedToken("{\"oid\":\"o2\",\"groups\":[\"g-dev\"]}")));
            Assert.Equal("AccessDenied", Run.Fails(() => outsider.Run(Request("prod"), config)).ErrorId);
            Assert.Equal("AccessDenied", Run.Fails(() => outsider.Plan(Request("prod"), config)).ErrorId);
        }

        public static IEnumerable<object[]> InvalidPolicies => new[]
        {
            new object[] { "prod without a policy", "environments:\n  prod:\n    sources:\n      - type: otlp-file\n        path: x\n", "production is never open" },
            new object[] { "prod wider than dev", Config(prodAccess: "      principals: [alice, mallory]\n", devAccess: "    access:\n      principals: [alice]\n"), "principal 'mallory'" },
            new object[] { "prod open, dev not", Config(prodAccess: "      principals: ['*']\n", devAccess: "    access:\n      groups: [sre]\n"), "no wider than 'dev'" },
            new object[] { "staging without policy while dev has one", "environments:\n  dev:\n    access:\n      groups: [sre]\n    sources:\n      - type: otlp-file\n        path: x\n  staging:\n    sources:\n      - type: otlp-file\n        path: x\n", "'staging' has no 'access' policy" },
            new object[] { "a role that writes", Config(prodAccess: "      roles: [Log Analytics Contributor]\n"), "not read-only" },
            new object[] { "a wildcard role", Config(prodAccess: "      roles: ['*']\n"), "'*' outside 'principals'" },
            new object[] { "a write permission", Config(prodAccess: "      principals: [alice]\n      permissions: [read, write]\n"), "permission 'write'" },
            new object[] { "an unknown key", Config(prodAccess: "      principals: [alice]\n      admins: [alice]\n"), "unknown key 'admins'" },
            new object[] { "a policy that grants no one", Config(prodAccess: "      identity: os-account\n"), "grants no one" },
            new object[] { "an unknown identity", Config(prodAccess: "      principals: [alice]\n      identity: kerberos\n"), "identity: kerberos" },
            new object[] { "an azure identity without an azure source", Config(prodAccess: "      principals: [alice]\n      identity: azure-token\n"), "no azure-monitor-logs or azure-data-explorer source" },
            new object[] { "access that is not a mapping", Config(prodAccess: "      - alice\n"), "must be a mapping" },
        };

        [Theory]
        [MemberData(nameof(InvalidPolicies))]
        public void APolicyThatWouldGrantTooMuchIsRejected(string why, string yaml, string expected)
        {
            var e = Run.Fails(() => Parse(yaml));
            Assert.True(e.ErrorId == "ConfigInvalid", why + ": " + e.ErrorId);
            Assert.Equal(ExitCodes.ValidationFailed, e.ExitCode);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }

        private static string Azure(string extra) =>
            "environments:\n  dev:\n    sources:\n      - type: azure-monitor-logs\n        workspace-id: 00000000-0000-0000-0000-000000000001\n" + extra;

        [Theory]
        [InlineData("        scope: https://management.azure.com/.default\n", "not the read-only Log Analytics query scope")]
        [InlineData("        scope: https://graph.microsoft.com/.default\n", "not the read-only Log Analytics query scope")]
        [InlineData("        scope: https://api.loganalytics.io/Data.Write\n", "scope")]
        [InlineData("        scope: https://api.loganalytics.io/user_impersonation\n", "scope")]
        [InlineData("        endpoint: https://management.azure.com\n", "not a Log Analytics query host")]
        public void ATokenScopeThatIsNotReadOnlyIsRejected(string settings, string expected)
        {
            var e = Run.Fails(() => Parse(Azure(settings)));
            Assert.Equal("ConfigInvalid", e.ErrorId);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("")]
        [InlineData("        scope: https://api.loganalytics.io/.default\n")]
        [InlineData("        endpoint: https://api.loganalytics.us\n        scope: https://api.loganalytics.us/.default\n")]
        [InlineData("        endpoint: http://127.0.0.1:8080\n")]
        public void TheReadOnlyQueryScopesAreAccepted(string settings) =>
            Assert.Single(Parse(Azure(settings)).For("dev").Sources);

        [Theory]
        [InlineData("Log Analytics Reader", true)]
        [InlineData("Monitoring Reader", true)]
        [InlineData("Profiler.Read", true)]
        [InlineData("Data.Read", true)]
        [InlineData("Reader", true)]
        [InlineData("Contributor", false)]
        [InlineData("Owner", false)]
        [InlineData("Data.ReadWrite", false)]
        [InlineData("Profiler.Write", false)]
        [InlineData("Reader and Data Access Administrator", false)]
        [InlineData("Operator", false)]
        public void OnlyReaderRolesAreReadOnly(string role, bool readOnly) => Assert.Equal(readOnly, ReadOnlyScopes.IsReadOnlyRole(role));

        [Fact]
        public void AValidPolicyIsParsedSortedAndDistinct()
        {
            var env = Parse(Config(prodAccess: "      principals: [bob, alice, alice]\n      groups: sre\n      roles: [Log Analytics Reader]\n      identity: os-account\n      permissions: [read]\n")).For("prod");
            Assert.NotNull(env.Access);
            Assert.Equal(new[] { "alice", "bob" }, env.Access!.Principals);
            Assert.Equal(new[] { "sre" }, env.Access.Groups);
            Assert.Equal(new[] { "Log Analytics Reader" }, env.Access.Roles);
            Assert.Equal("os-account", env.Access.Identity);
        }
    }
}
