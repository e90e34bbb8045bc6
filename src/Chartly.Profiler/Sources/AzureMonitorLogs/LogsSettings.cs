using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Chartly.Profiler.Sources.Http;

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
        int TracesPerQuery)
    {
        public const string TypeName = "azure-monitor-logs";
        public const string DefaultEndpoint = "https://api.loganalytics.io";

        /// <summary>Every query of one profile together (pass 1, the nearest starts, the pass-2 batches).</summary>
        public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(10);

        public static IReadOnlyList<string> Credentials { get; } = new[] { "default", "managed-identity", "workload-identity", "azure-cli", "environment" };

        private static readonly Regex Guid = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);
        private static readonly Regex Tenant = new("^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$", RegexOptions.CultureInvariant);

        /// <summary>The query call, the only request this source ever sends.</summary>
        public Uri QueryUri => new(Endpoint, "v1/workspaces/" + WorkspaceId + "/query");

        public string Describe() => TypeName + " workspace " + WorkspaceId;

        /// <summary>The token this source asks for, for the read-only check of the configuration.</summary>
        public TokenRequest TokenRequest() => new(Endpoint, Scope);

        public static LogsSettings Parse(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            var r = new SettingsReader(settings, invalid);
            var workspace = r.Required("workspace-id", "the Log Analytics workspace id, a GUID");
            if (!Guid.IsMatch(workspace))
            {
                throw r.Invalid("has a 'workspace-id' that is not a GUID (the workspace's id, not its name)");
            }

            var endpoint = r.Url("endpoint", "the Log Analytics query endpoint", DefaultEndpoint, allowHttp: false);
            if (endpoint.AbsolutePath != "/")
            {
                throw r.Invalid("has an 'endpoint' with a path: give the scheme and host only (the API path /v1/workspaces/{id}/query is fixed)");
            }

            // The resource is the query host itself (https://api.loganalytics.io/.default and its sovereign twins).
            var scope = r.Optional("scope") ?? "https://" + endpoint.Host + "/.default";
            if (!scope.EndsWith("/.default", StringComparison.Ordinal) || !Uri.TryCreate(scope, UriKind.Absolute, out var scopeUri) || scopeUri.Scheme != Uri.UriSchemeHttps)
            {
                throw r.Invalid("has a 'scope' that is not an https resource ending in '/.default' (e.g. https://api.loganalytics.io/.default)");
            }

            var credential = r.OneOf("credential", "default", "default", "managed-identity", "workload-identity", "azure-cli", "environment");
            var clientId = r.Optional("client-id");
            if (clientId is not null)
            {
                if (!Guid.IsMatch(clientId))
                {
                    throw r.Invalid("has a 'client-id' that is not a GUID");
                }

                if (credential is "azure-cli" or "environment")
                {
                    throw r.Invalid($"has 'client-id' with 'credential: {credential}', which takes its identity elsewhere");
                }
            }

            var tenantId = r.Optional("tenant-id");
            if (tenantId is not null && !Tenant.IsMatch(tenantId))
            {
                throw r.Invalid("has a 'tenant-id' that is neither a GUID nor a domain name");
            }

            Uri? authority = r.Optional("authority-host") is null ? null : r.Url("authority-host", "the Microsoft Entra authority", null, allowHttp: false);

            var settingsObject = new LogsSettings(
                workspace.ToLowerInvariant(),
                endpoint,
                scope,
                credential,
                clientId,
                tenantId,
                authority,
                RemoteLimits.Parse(r, TimeSpan.FromMinutes(3), DefaultDeadline),
                r.Duration("trace-margin", TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromDays(1)),
                r.Duration("nearest-lookaround", TimeSpan.FromDays(7), TimeSpan.Zero, TimeSpan.FromDays(90)),
                r.Int("traces-per-query", 100, 1, 1000));
            r.RejectUnknown();
            return settingsObject;
        }
    }
}
