using System;
using System.Collections.Generic;
using System.Threading;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// Who is asking, as the credential in use tells it: the names that identify the principal
    /// (account name, object id, UPN, application id ...), the groups it belongs to and the roles
    /// it holds. Never written to a profile, a message or a verbose line: it is an identifier
    /// beyond the target id.
    /// </summary>
    public sealed class Principal
    {
        public Principal(string source, IReadOnlyList<string> names, IReadOnlyList<string> groups, IReadOnlyList<string> roles, bool ignoreCase)
        {
            Source = source;
            Names = names;
            Groups = groups;
            Roles = roles;
            Comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        }

        /// <summary>Where the identity came from: <c>os-account</c> or <c>azure-token</c>.</summary>
        public string Source { get; }

        public IReadOnlyList<string> Names { get; }

        public IReadOnlyList<string> Groups { get; }

        public IReadOnlyList<string> Roles { get; }

        /// <summary>
        /// How names compare: Microsoft Entra ids and UPNs ignore case; Unix account and group
        /// names do not (<c>Alice</c> and <c>alice</c> are two accounts there).
        /// </summary>
        public StringComparer Comparer { get; }

        public override string ToString() => "principal from " + Source;
    }

    /// <summary>Tells who the credential in use belongs to.</summary>
    public interface IPrincipalProvider
    {
        /// <summary>The source of identity, as the access policy's <c>identity</c> key names it.</summary>
        string Source { get; }

        /// <summary>
        /// The principal; throws <see cref="ProfilerException"/> (AccessDenied) when it cannot be
        /// determined. Reads no telemetry.
        /// </summary>
        Principal GetPrincipal(CancellationToken cancellation);
    }

    /// <summary>
    /// A trace source that authenticates with a credential of its own (Azure Monitor Logs)
    /// implements this, so the access policy is checked against the identity the source will
    /// actually use. The provider must not read telemetry.
    /// </summary>
    public interface IPrincipalSource
    {
        IPrincipalProvider PrincipalProvider { get; }
    }
}
