using System;
using System.Collections.Generic;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>
    /// The settings of a <c>prometheus</c> source, validated. The secret of bearer or basic auth is
    /// read from the environment variable the settings name (<c>token-env</c>, <c>password-env</c>),
    /// when a query is about to be sent: never from the file, never echoed. <c>auth: azure</c>
    /// (an Azure Monitor workspace's query endpoint) takes a Microsoft Entra token from the
    /// credential the Azure sources name the same way (<see cref="EntraIdentity"/>), for
    /// <see cref="Scope"/>.
    /// </summary>
    internal sealed record PrometheusSettings(
        Uri Url,
        string Auth,
        string? TokenEnv,
        string? Username,
        string? PasswordEnv,
        RemoteLimits Limits,
        TimeSpan? Step,
        string NamespaceLabel,
        string PodLabel,
        string ContainerLabel,
        string NodeLabel,
        string? ServiceLabel,
        string? EnvironmentLabel,
        EntraIdentity? Identity = null,
        string? Scope = null)
    {
        public const string TypeName = "prometheus";

        /// <summary>The resource of every Azure Monitor workspace's query endpoint (its hosts are per workspace, the scope is not).</summary>
        public const string AzureMonitorScope = "https://prometheus.monitor.azure.com/.default";

        /// <summary>The settings only <c>auth: azure</c> takes.</summary>
        private static readonly string[] EntraKeys = { "credential", "client-id", "tenant-id", "authority-host", "scope" };

        /// <summary>Prometheus refuses a range query of more points than this per series.</summary>
        public const int MaxPointsPerSeries = 11_000;

        /// <summary>Every query of one profile together: twice the default timeout, so a hung server costs two minutes, not four retries of one.</summary>
        public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(2);

        public Uri QueryRangeUri => new(Url, "api/v1/query_range");

        public Uri QueryUri => new(Url, "api/v1/query");

        public string Describe() => TypeName + " " + Url.GetLeftPart(UriPartial.Path).TrimEnd('/');

        /// <summary>The token this source asks for with <c>auth: azure</c> (for the read-only check of the configuration); null otherwise.</summary>
        public TokenRequest? TokenRequest() =>
            Identity is null || Scope is null ? null : new TokenRequest(Url, Scope, "managed Prometheus", Access.ReadOnlyScopes.PrometheusQueryHosts);

        public static PrometheusSettings Parse(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            var r = new SettingsReader(settings, invalid);
            var url = r.Url("url", "the Prometheus server, e.g. http://prometheus.monitoring:9090", null, allowHttp: true);

            // A path prefix (/prometheus, /api/prom for Mimir) is kept; the API path is appended to it.
            var basePath = url.GetLeftPart(UriPartial.Path);
            url = new Uri(basePath.EndsWith("/", StringComparison.Ordinal) ? basePath : basePath + "/");

            var auth = r.OneOf("auth", "none", "none", "bearer", "basic", "azure");
            var tokenEnv = r.EnvironmentVariableName("token-env");
            var username = r.Optional("username");
            var passwordEnv = r.EnvironmentVariableName("password-env");
            switch (auth)
            {
                case "bearer":
                    if (tokenEnv is null)
                    {
                        throw r.Invalid("has 'auth: bearer' but no 'token-env' (the environment variable that holds the token)");
                    }

                    if (username is not null || passwordEnv is not null)
                    {
                        throw r.Invalid("has 'auth: bearer' with 'username' or 'password-env', which belong to basic auth");
                    }

                    break;
                case "basic":
                    if (username is null || passwordEnv is null)
                    {
                        throw r.Invalid("has 'auth: basic' but lacks 'username' or 'password-env' (the environment variable that holds the password)");
                    }

                    if (username.IndexOf(':') >= 0)
                    {
                        throw r.Invalid("has a 'username' with ':' in it, which basic auth cannot carry");
                    }

                    if (tokenEnv is not null)
                    {
                        throw r.Invalid("has 'auth: basic' with 'token-env', which belongs to bearer auth");
                    }

                    break;
                case "azure":
                    if (tokenEnv is not null || username is not null || passwordEnv is not null)
                    {
                        throw r.Invalid("has 'auth: azure' with 'token-env', 'username' or 'password-env': the token comes from 'credential', never from a variable");
                    }

                    if (url.Scheme != Uri.UriSchemeHttps && !SettingsReader.IsLoopback(url))
                    {
                        throw r.Invalid("has 'auth: azure' with a plain http 'url': a Microsoft Entra token goes over https only");
                    }

                    break;
                default:
                    if (tokenEnv is not null || username is not null || passwordEnv is not null)
                    {
                        throw r.Invalid("has credentials settings but no 'auth: bearer' or 'auth: basic'");
                    }

                    break;
            }

            EntraIdentity? identity = null;
            string? scope = null;
            if (auth == "azure")
            {
                // A workspace's query host is its own; the token's resource is the service's.
                scope = EntraIdentity.ParseScope(r, AzureMonitorScope, AzureMonitorScope);
                identity = EntraIdentity.Parse(r);
            }
            else
            {
                foreach (var key in EntraKeys)
                {
                    if (r.Optional(key) is not null)
                    {
                        throw r.Invalid($"has '{key}', which belongs to 'auth: azure'");
                    }
                }
            }

            var allowHttpAuth = r.Bool("allow-http-auth", false);
            if (auth != "none" && url.Scheme == Uri.UriSchemeHttp && !allowHttpAuth && !SettingsReader.IsLoopback(url))
            {
                throw r.Invalid("sends credentials over plain http: use an https 'url', or set 'allow-http-auth: true' inside a trusted network");
            }

            var step = r.Optional("step") is null ? (TimeSpan?)null : r.Duration("step", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            var result = new PrometheusSettings(
                url,
                auth,
                tokenEnv,
                username,
                passwordEnv,
                RemoteLimits.Parse(r, TimeSpan.FromMinutes(1), DefaultDeadline),
                step,
                Label(r, "namespace-label", "namespace"),
                Label(r, "pod-label", "pod"),
                Label(r, "container-label", "container"),
                Label(r, "node-label", "node"),
                r.Optional("service-label") is null ? null : Label(r, "service-label", string.Empty),
                r.Optional("environment-label") is null ? null : Label(r, "environment-label", string.Empty),
                identity,
                scope);
            r.RejectUnknown();
            return result;
        }

        private static string Label(SettingsReader r, string key, string fallback)
        {
            var v = r.Optional(key) ?? fallback;
            if (!PromQl.IsLabelName(v))
            {
                throw r.Invalid($"has a '{key}' that is not a Prometheus label name");
            }

            return v;
        }
    }
}
