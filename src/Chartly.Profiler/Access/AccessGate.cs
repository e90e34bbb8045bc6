using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// The access check that runs before any telemetry is read, by a profile and by a dry run
    /// alike. A refusal names the environment and the missing permission, nothing more: not the
    /// principal, not the policy's entries.
    /// </summary>
    public static class AccessGate
    {
        /// <summary>
        /// Throws <see cref="ProfilerException"/> (AccessDenied, exit 5) unless the environment's
        /// policy grants <see cref="AccessPolicy.Permission"/> to the principal of the credential in use.
        /// </summary>
        /// <param name="provider">An explicit source of identity (a host's or a test's); null chooses by the policy and the sources.</param>
        public static void Demand(EnvironmentConfig env, IReadOnlyList<ITraceSource> sources, IPrincipalProvider? provider, Action<string>? verbose, CancellationToken cancellation)
        {
            var policy = env.Access;
            if (policy is null)
            {
                verbose?.Invoke($"Access: environment '{env.Name}' has no access policy; the telemetry's own permissions apply");
                return;
            }

            if (policy.AllowsAnyone)
            {
                verbose?.Invoke($"Access: environment '{env.Name}' is open to any principal");
                return;
            }

            provider ??= Choose(env.Name, policy, sources);
            cancellation.ThrowIfCancellationRequested();
            var principal = provider.GetPrincipal(cancellation);
            if (!policy.Allows(principal))
            {
                throw Denied(env.Name);
            }

            verbose?.Invoke($"Access: the '{AccessPolicy.Permission}' permission on environment '{env.Name}' is granted (identity from {provider.Source})");
        }

        /// <summary>The refusal: the environment and the permission, nothing more.</summary>
        public static ProfilerException Denied(string environment) =>
            ProfilerException.Denied("AccessDenied", $"Access denied: profiling environment '{environment}' needs the '{AccessPolicy.Permission}' permission, which its access policy does not grant to the identity in use.");

        /// <summary>
        /// <c>auto</c>: the credential of the first source that has one (Azure Monitor Logs), else the
        /// OS account that reads the files. <c>os-account</c> and <c>azure-token</c> force one.
        /// </summary>
        public static IPrincipalProvider Choose(string envName, AccessPolicy policy, IReadOnlyList<ITraceSource> sources)
        {
            var fromSource = sources.OfType<IPrincipalSource>().Select(s => s.PrincipalProvider).FirstOrDefault(p => p.Source == AccessPolicy.IdentityAzureToken)
                ?? sources.OfType<IPrincipalSource>().Select(s => s.PrincipalProvider).FirstOrDefault();
            switch (policy.Identity)
            {
                case AccessPolicy.IdentityOsAccount:
                    return new OsAccountPrincipalProvider();
                case AccessPolicy.IdentityAzureToken:
                    return fromSource is { Source: AccessPolicy.IdentityAzureToken }
                        ? fromSource
                        : throw ProfilerException.Denied("IdentityUnavailable", $"The access policy of environment '{envName}' takes the identity from an Azure token, but none of its sources holds an Azure credential.");
                default:
                    return fromSource ?? new OsAccountPrincipalProvider();
            }
        }
    }
}
