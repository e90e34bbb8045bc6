using System;
using System.Text.RegularExpressions;

namespace Chartly.Profiler.Sources.Entra
{
    /// <summary>
    /// Which Microsoft Entra credential a source's token comes from, with the same keys for every
    /// Azure source (<c>credential</c>, <c>client-id</c>, <c>tenant-id</c>, <c>authority-host</c>)
    /// and the same checks, so the sources cannot drift apart.
    /// </summary>
    internal sealed record EntraIdentity(string Credential, string? ClientId, string? TenantId, Uri? AuthorityHost)
    {
        private static readonly Regex Guid = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);
        private static readonly Regex Tenant = new("^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$", RegexOptions.CultureInvariant);

        public static bool IsGuid(string text) => Guid.IsMatch(text);

        /// <summary>
        /// <c>scope</c>, by default the resource the query host itself names (<c>https://{host}/.default</c>);
        /// an https resource ending in <c>/.default</c> when given.
        /// </summary>
        public static string ParseScope(SettingsReader r, Uri endpoint, string example) =>
            ParseScope(r, "https://" + endpoint.Host + "/.default", example);

        /// <summary><c>scope</c>, by default <paramref name="fallback"/> (a service whose resource is not its query host, as managed Prometheus).</summary>
        public static string ParseScope(SettingsReader r, string fallback, string example)
        {
            var scope = r.Optional("scope") ?? fallback;
            if (!scope.EndsWith("/.default", StringComparison.Ordinal) || !Uri.TryCreate(scope, UriKind.Absolute, out var scopeUri) || scopeUri.Scheme != Uri.UriSchemeHttps)
            {
                throw r.Invalid($"has a 'scope' that is not an https resource ending in '/.default' (e.g. {example})");
            }

            return scope;
        }

        public static EntraIdentity Parse(SettingsReader r)
        {
            var credential = r.OneOf("credential", "default", "default", "managed-identity", "workload-identity", "azure-cli", "environment");
            var clientId = r.Optional("client-id");
            if (clientId is not null)
            {
                if (!IsGuid(clientId))
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
            return new EntraIdentity(credential, clientId, tenantId, authority);
        }
    }
}
