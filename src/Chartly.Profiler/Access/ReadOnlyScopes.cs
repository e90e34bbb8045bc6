using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using Chartly.Profiler.Configuration;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// The profiler only ever asks for read access. A configuration that would hand it a token
    /// for anything but a query API (Log Analytics, Data Explorer), or make it depend on a role that can write,
    /// is rejected when it is loaded (ConfigInvalid, exit 4), before any credential is used.
    /// </summary>
    public static class ReadOnlyScopes
    {
        /// <summary>The Log Analytics query API's hosts (public, alternative, China and US Government clouds).</summary>
        public static IReadOnlyList<string> QueryHosts { get; } = new[]
        {
            "api.loganalytics.io",
            "api.loganalytics.azure.com",
            "api.loganalytics.azure.cn",
            "api.loganalytics.us",
        };

        /// <summary>Data Explorer clusters' hosts (public, China and US Government clouds, Fabric eventhouses): any cluster under these domains.</summary>
        public static IReadOnlyList<string> ClusterDomains { get; } = new[]
        {
            ".kusto.windows.net",
            ".kusto.chinacloudapi.cn",
            ".kusto.usgovcloudapi.net",
            ".kusto.fabric.microsoft.com",
        };

        /// <summary>
        /// Azure Monitor workspaces' Prometheus query endpoints (public, China and US Government
        /// clouds: <c>https://&lt;workspace&gt;.&lt;region&gt;.prometheus.monitor.azure.com</c>), and the
        /// service's own resource, which is the token scope of every workspace.
        /// </summary>
        public static IReadOnlyList<string> PrometheusQueryHosts { get; } = new[]
        {
            ".prometheus.monitor.azure.com",
            ".prometheus.monitor.azure.cn",
            ".prometheus.monitor.azure.us",
            "prometheus.monitor.azure.com",
            "prometheus.monitor.azure.cn",
            "prometheus.monitor.azure.us",
        };

        private static readonly string[] WriteWords = { "write", "contributor", "owner", "admin", "delete", "manage", "operator", "full", "impersonation", "*" };
        private static readonly string[] ReadEndings = { "reader", ".read", ".read.all", " read" };

        /// <summary>
        /// A role the profiler may rely on: one that names reading (<c>Log Analytics Reader</c>,
        /// <c>Monitoring Reader</c>, <c>Profiler.Read</c>, <c>Data.Read</c>) and nothing that writes.
        /// </summary>
        public static bool IsReadOnlyRole(string role)
        {
            var r = role.Trim().ToLowerInvariant();
            if (r.Length == 0 || WriteWords.Any(w => r.Contains(w)))
            {
                return false;
            }

            return ReadEndings.Any(e => r.EndsWith(e, StringComparison.Ordinal)) || r == "read";
        }

        /// <summary>Throws (via <paramref name="invalid"/>) when the source would request more than read access.</summary>
        public static void Check(SourceConfig source, string envName, Func<string, ProfilerException> invalid)
        {
            if (source.Kind is not { } kind || source.Typed is not { } settings || kind.Token(settings) is not { } token)
            {
                return;
            }

            var endpoint = token.Endpoint;
            if (!token.IsQueryHost(endpoint.Host) && !IsLoopback(endpoint))
            {
                throw invalid($"the {kind.Name} source of '{envName}' has an endpoint on '{Sanitize.ForMessage(endpoint.Host)}', which is not a {token.Service} query host ({string.Join(", ", token.QueryHosts.Select(h => h.StartsWith(".", StringComparison.Ordinal) ? "*" + h : h))}): its token would not be a read-only query token");
            }

            var readOnly = Uri.TryCreate(token.Scope, UriKind.Absolute, out var scope)
                && scope.Scheme == Uri.UriSchemeHttps
                && (token.IsQueryHost(scope.Host) || string.Equals(scope.Host, endpoint.Host, StringComparison.OrdinalIgnoreCase))
                && scope.AbsolutePath == "/.default"
                && scope.Query.Length == 0;
            if (!readOnly)
            {
                throw invalid($"the {kind.Name} source of '{envName}' asks for the token scope '{Sanitize.ForMessage(token.Scope)}', which is not the read-only {token.Service} query scope (https://<query host>/.default)");
            }
        }

        private static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
