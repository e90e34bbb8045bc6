using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// Who may profile one environment (docs/access-control.md): principals by name or id (or
    /// <c>*</c> for anyone), groups, and read-only roles. A principal is allowed when any of its
    /// names, groups or roles is listed. The profiler has one permission, <see cref="Permission"/>;
    /// it only ever reads.
    /// </summary>
    public sealed class AccessPolicy
    {
        /// <summary>The one permission an access policy grants: to read telemetry of the environment and profile it.</summary>
        public const string Permission = "profile";

        public const string Anyone = "*";

        public const string IdentityAuto = "auto";
        public const string IdentityOsAccount = "os-account";
        public const string IdentityAzureToken = "azure-token";

        public static IReadOnlyList<string> Identities { get; } = new[] { IdentityAuto, IdentityOsAccount, IdentityAzureToken };

        public AccessPolicy(IReadOnlyList<string> principals, IReadOnlyList<string> groups, IReadOnlyList<string> roles, string identity)
        {
            Principals = principals;
            Groups = groups;
            Roles = roles;
            Identity = identity;
        }

        public IReadOnlyList<string> Principals { get; }

        public IReadOnlyList<string> Groups { get; }

        public IReadOnlyList<string> Roles { get; }

        /// <summary>Where the principal comes from: <c>auto</c> (the credential of the environment's sources), <c>os-account</c> or <c>azure-token</c>.</summary>
        public string Identity { get; }

        public bool AllowsAnyone => Principals.Contains(Anyone, StringComparer.Ordinal);

        public bool Allows(Principal principal)
        {
            if (AllowsAnyone)
            {
                return true;
            }

            var cmp = principal.Comparer;
            return principal.Names.Any(n => Principals.Contains(n, cmp))
                || principal.Groups.Any(g => Groups.Contains(g, cmp))
                || principal.Roles.Any(r => Roles.Contains(r, cmp));
        }

        /// <summary>
        /// The entries of this policy that <paramref name="wider"/> does not grant: empty when this
        /// policy is no wider than it (how "prod narrower than dev" is checked).
        /// </summary>
        public IReadOnlyList<string> NotCoveredBy(AccessPolicy wider)
        {
            var missing = new List<string>();
            Add(missing, "principal", Principals, wider.Principals);
            Add(missing, "group", Groups, wider.Groups);
            Add(missing, "role", Roles, wider.Roles);
            return missing;

            void Add(List<string> into, string kind, IReadOnlyList<string> mine, IReadOnlyList<string> theirs)
            {
                if (wider.AllowsAnyone)
                {
                    return;
                }

                foreach (var m in mine)
                {
                    if (!theirs.Contains(m, StringComparer.Ordinal))
                    {
                        into.Add(kind + " '" + m + "'");
                    }
                }
            }
        }
    }
}
