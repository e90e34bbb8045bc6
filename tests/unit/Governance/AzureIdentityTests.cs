using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Chartly.Profiler.Access;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Tests.Sources;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// The access policy of an Azure Monitor Logs environment is checked against the claims of the
    /// very token the source's queries would carry, and a refusal sends no query at all.
    /// </summary>
    public class AzureIdentityTests
    {
        private const string Workspace = "5f2b7a3c-1d4e-4f60-9a8b-7c6d5e4f3a2b";

        /// <summary>A credential that hands out an (unsigned) JWT with the given claims.</summary>
        private sealed class JwtCredential : TokenCredential
        {
            private readonly string _token;

            public JwtCredential(string claims) => _token = AzureTokenPrincipalProvider.UnsignedToken(claims);

            public List<string> Scopes { get; } = new();

            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            {
                lock (Scopes)
                {
                    Scopes.AddRange(requestContext.Scopes);
                }

                return new AccessToken(_token, DateTimeOffset.UtcNow.AddHours(1));
            }

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                new(GetToken(requestContext, cancellationToken));
        }

        private static ProfilerConfig Config(Uri endpoint) => ConfigLoader.Parse(
            "environments:\n  prod:\n    access:\n      groups: [g-sre]\n      roles: [Profiler.Read]\n    sources:\n      - type: azure-monitor-logs\n        workspace-id: " + Workspace +
            "\n        endpoint: " + endpoint.ToString().TrimEnd('/') + "\n        max-retries: 0\n",
            Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static ProfileEngine Engine(TokenCredential credential) =>
            new(c => new AzureMonitorLogsSource(LogsSettings.Parse(c.Settings, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why)), () => credential));

        [Fact]
        public void ATokenOutsideThePolicySendsNoQuery()
        {
            var fake = new FakeLogAnalytics(new List<AppRow>());
            using var server = new LoopbackServer(fake.Answer);
            var credential = new JwtCredential("{\"oid\":\"o-1\",\"upn\":\"mallory@contoso.example\",\"groups\":[\"g-dev\"],\"roles\":[\"Other.Read\"]}");
            var config = Config(server.BaseUri);

            foreach (var attempt in new Action[] { () => Engine(credential).Run(Run.Request("run", "run-1004", env: "prod"), config), () => Engine(credential).Plan(Run.Request("run", "run-1004", env: "prod"), config) })
            {
                var e = Run.Fails(attempt);
                Assert.Equal("AccessDenied", e.ErrorId);
                Assert.Equal(ExitCodes.AccessDenied, e.ExitCode);
                Assert.DoesNotContain("mallory", e.Message, StringComparison.OrdinalIgnoreCase);
            }

            Assert.Empty(server.Requests);
            Assert.Empty(fake.Queries);

            // The token asked for was the source's read scope, nothing wider.
            Assert.All(credential.Scopes, s => Assert.Equal("https://" + server.BaseUri.Host + "/.default", s));
            Assert.NotEmpty(credential.Scopes);
        }

        [Theory]
        [InlineData("{\"oid\":\"o-2\",\"groups\":[\"g-sre\"]}")]
        [InlineData("{\"appid\":\"ci-pipeline\",\"roles\":[\"profiler.read\"]}")]
        public void ATokenThePolicyAllowsQueries(string claims)
        {
            var fake = new FakeLogAnalytics(new List<AppRow>());
            using var server = new LoopbackServer(fake.Answer);
            var config = Config(server.BaseUri);

            // An empty workspace: access passes, the queries are sent, and the target is not found.
            var e = Run.Fails(() => Engine(new JwtCredential(claims)).Run(Run.Request("run", "run-1004", env: "prod"), config));
            Assert.NotEqual("AccessDenied", e.ErrorId);
            Assert.NotEmpty(fake.Queries);
        }
    }
}
