using Azure.Core;
using Azure.Identity;

namespace Chartly.Profiler.Sources.Entra
{
    /// <summary>
    /// The Azure.Identity credential named by <c>credential</c>. None of them is interactive: a
    /// profiler runs in CI and in automation, where a browser prompt would hang.
    /// </summary>
    internal static class CredentialFactory
    {
        public static TokenCredential Create(EntraIdentity s)
        {
            switch (s.Credential)
            {
                case "managed-identity":
                {
                    var id = s.ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(s.ClientId);
                    var options = new ManagedIdentityCredentialOptions(id);
                    if (s.AuthorityHost is not null)
                    {
                        options.AuthorityHost = s.AuthorityHost;
                    }

                    return new ManagedIdentityCredential(options);
                }

                case "workload-identity":
                {
                    // Client id, tenant id and token file default to AZURE_CLIENT_ID, AZURE_TENANT_ID
                    // and AZURE_FEDERATED_TOKEN_FILE, as the AKS workload identity webhook sets them.
                    var options = new WorkloadIdentityCredentialOptions();
                    if (s.ClientId is not null)
                    {
                        options.ClientId = s.ClientId;
                    }

                    if (s.TenantId is not null)
                    {
                        options.TenantId = s.TenantId;
                    }

                    if (s.AuthorityHost is not null)
                    {
                        options.AuthorityHost = s.AuthorityHost;
                    }

                    return new WorkloadIdentityCredential(options);
                }

                case "azure-cli":
                {
                    var options = new AzureCliCredentialOptions();
                    if (s.TenantId is not null)
                    {
                        options.TenantId = s.TenantId;
                    }

                    if (s.AuthorityHost is not null)
                    {
                        options.AuthorityHost = s.AuthorityHost;
                    }

                    return new AzureCliCredential(options);
                }

                case "environment":
                {
                    var options = new EnvironmentCredentialOptions();
                    if (s.AuthorityHost is not null)
                    {
                        options.AuthorityHost = s.AuthorityHost;
                    }

                    return new EnvironmentCredential(options);
                }

                default:
                {
                    var options = new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true };
                    if (s.ClientId is not null)
                    {
                        options.ManagedIdentityClientId = s.ClientId;
                        options.WorkloadIdentityClientId = s.ClientId;
                    }

                    if (s.TenantId is not null)
                    {
                        options.TenantId = s.TenantId;
                    }

                    if (s.AuthorityHost is not null)
                    {
                        options.AuthorityHost = s.AuthorityHost;
                    }

                    return new DefaultAzureCredential(options);
                }
            }
        }
    }
}
