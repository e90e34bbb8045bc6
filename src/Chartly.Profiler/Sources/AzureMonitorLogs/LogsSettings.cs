using System;
using System.Collections.Generic;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// The settings of an <c>azure-monitor-logs</c> source, validated. Everything but the workspace
    /// has a default that suits the public cloud; other clouds set <c>endpoint</c> (the scope
    /// follows it unless given) and <c>authority-host</c>.
    /// </summary>
    internal sealed record LogsSettings(
        string WorkspaceId,
        Uri Endpoint,
        string Scope,
        string Credential,
        string? ClientId,
        string? TenantId,
        Uri? AuthorityHost,
        RemoteLimits Limits,
        TimeSpan TraceMargin,
        TimeSpan NearestLookaround,
        int TracesPerQuery,
        int RootBudget = KustoPassLimits.DefaultRootBudget)
    {
        public const string TypeName = "azure-monitor-logs";
        public const string DefaultEndpoint = "https://api.loganalytics.io";

        /// <summary>Every query of one profile together (pass 1, the nearest starts, the pass-2 batches).</summary>
        public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(10);


        /// <summary>The query call, the only request this source ever sends.</summary>
        public Uri QueryUri => new(Endpoint, "v1/workspaces/" + WorkspaceId + "/query");

        public string Describe() => TypeName + " workspace " + WorkspaceId;

        /// <summary>The credential the token comes from.</summary>
        public EntraIdentity Identity => new(Credential, ClientId, TenantId, AuthorityHost);

        /// <summary>The token this source asks for, for the read-only check of the configuration.</summary>
        public TokenRequest TokenRequest() => new(Endpoint, Scope, "Log Analytics", Access.ReadOnlyScopes.QueryHosts);

        public static LogsSettings Parse(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            var r = new SettingsReader(settings, invalid);
            var workspace = r.Required("workspace-id", "the Log Analytics workspace id, a GUID");
            if (!EntraIdentity.IsGuid(workspace))
            {
                throw r.Invalid("has a 'workspace-id' that is not a GUID (the workspace's id, not its name)");
            }

            var endpoint = r.Url("endpoint", "the Log Analytics query endpoint", DefaultEndpoint, allowHttp: false);
            if (endpoint.AbsolutePath != "/")
            {
                throw r.Invalid("has an 'endpoint' with a path: give the scheme and host only (the API path /v1/workspaces/{id}/query is fixed)");
            }

            // The resource is the query host itself (https://api.loganalytics.io/.default and its sovereign twins).
            var scope = EntraIdentity.ParseScope(r, endpoint, "https://api.loganalytics.io/.default");
            var identity = EntraIdentity.Parse(r);

            var settingsObject = new LogsSettings(
                workspace.ToLowerInvariant(),
                endpoint,
                scope,
                identity.Credential,
                identity.ClientId,
                identity.TenantId,
                identity.AuthorityHost,
                RemoteLimits.Parse(r, TimeSpan.FromMinutes(3), DefaultDeadline),
                r.Duration("trace-margin", TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromDays(1)),
                r.Duration("nearest-lookaround", TimeSpan.FromDays(7), TimeSpan.Zero, TimeSpan.FromDays(90)),
                r.Int("traces-per-query", 100, 1, 1000),
                r.Int("root-budget", KustoPassLimits.DefaultRootBudget, 1, KustoPassLimits.MaxRootBudget));
            r.RejectUnknown();
            return settingsObject;
        }
    }
}
