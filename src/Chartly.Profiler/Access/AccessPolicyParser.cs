using System;
using System.Collections.Generic;
using System.Linq;
using YamlDotNet.RepresentationModel;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// Reads an environment's <c>access</c> mapping strictly: known keys only, plain strings,
    /// read-only roles, and no permission beyond reading (docs/access-control.md).
    /// </summary>
    internal static class AccessPolicyParser
    {
        private const int MaxEntryLength = 256;

        private static readonly string[] Keys = { "principals", "groups", "roles", "identity", "permissions" };

        /// <summary>The only permissions a policy may name: both mean "read telemetry and profile it".</summary>
        private static readonly string[] ReadPermissions = { "read", AccessPolicy.Permission };

        public static AccessPolicy Parse(YamlNode node, string envName, Func<string, ProfilerException> invalid)
        {
            if (node is not YamlMappingNode map)
            {
                throw invalid($"the 'access' of '{envName}' must be a mapping (principals, groups, roles, identity)");
            }

            var principals = new List<string>();
            var groups = new List<string>();
            var roles = new List<string>();
            var identity = AccessPolicy.IdentityAuto;
            foreach (var pair in map.Children)
            {
                var key = (pair.Key as YamlScalarNode)?.Value ?? string.Empty;
                switch (key)
                {
                    case "principals":
                        principals.AddRange(List(pair.Value, key, envName, invalid));
                        break;
                    case "groups":
                        groups.AddRange(List(pair.Value, key, envName, invalid));
                        break;
                    case "roles":
                        roles.AddRange(List(pair.Value, key, envName, invalid));
                        break;
                    case "identity":
                        identity = (pair.Value as YamlScalarNode)?.Value ?? string.Empty;
                        if (!AccessPolicy.Identities.Contains(identity, StringComparer.Ordinal))
                        {
                            throw invalid($"the 'access' of '{envName}' has 'identity: {Sanitize.ForMessage(identity)}' (valid: {string.Join(", ", AccessPolicy.Identities)})");
                        }

                        break;
                    case "permissions":
                        foreach (var p in List(pair.Value, key, envName, invalid))
                        {
                            if (!ReadPermissions.Contains(p, StringComparer.Ordinal))
                            {
                                throw invalid($"the 'access' of '{envName}' grants permission '{Sanitize.ForMessage(p)}': the profiler is read-only and can only be granted 'read'");
                            }
                        }

                        break;
                    default:
                        throw invalid($"the 'access' of '{envName}' has an unknown key '{Sanitize.ForMessage(key)}' (valid: {string.Join(", ", Keys)})");
                }
            }

            if (principals.Count + groups.Count + roles.Count == 0)
            {
                throw invalid($"the 'access' of '{envName}' grants no one: list principals, groups or roles (principals: ['*'] for anyone)");
            }

            if (groups.Contains(AccessPolicy.Anyone) || roles.Contains(AccessPolicy.Anyone))
            {
                throw invalid($"the 'access' of '{envName}' uses '*' outside 'principals' (anyone is written principals: ['*'])");
            }

            foreach (var r in roles)
            {
                if (!ReadOnlyScopes.IsReadOnlyRole(r))
                {
                    throw invalid($"the 'access' of '{envName}' names role '{Sanitize.ForMessage(r)}', which is not read-only (a role must be a reader role, e.g. 'Log Analytics Reader' or 'Profiler.Read')");
                }
            }

            return new AccessPolicy(Distinct(principals), Distinct(groups), Distinct(roles), identity);
        }

        /// <summary>
        /// Rules across environments: <c>prod</c> has a policy (production is never open by
        /// default), and no environment grants what a less critical one does not: prod within
        /// staging within dev, wherever both have a policy (an environment without one is open).
        /// </summary>
        public static void CheckEnvironments(IReadOnlyDictionary<string, Configuration.EnvironmentConfig> envs, Func<string, ProfilerException> invalid)
        {
            if (envs.TryGetValue("prod", out var prod) && prod.Access is null)
            {
                throw invalid("environment 'prod' needs an 'access' policy: production is never open by default (principals: ['*'] opens it explicitly)");
            }

            foreach (var env in envs.Values)
            {
                if (env.Access?.Identity == AccessPolicy.IdentityAzureToken && !env.Sources.Any(s => s.Kind is { } k && s.Typed is { } t && k.GivesToken(t)))
                {
                    throw invalid($"the 'access' of '{env.Name}' takes the identity from an Azure token, but '{env.Name}' has no azure-monitor-logs or azure-data-explorer source whose credential would give one");
                }
            }

            // The environments in order of criticality, as the request knows them.
            var order = Targets.ProfileRequest.Environments;
            for (var i = 0; i < order.Count; i++)
            {
                for (var j = i + 1; j < order.Count; j++)
                {
                    if (!envs.TryGetValue(order[i], out var wider) || !envs.TryGetValue(order[j], out var narrower) || wider.Access is null)
                    {
                        continue;
                    }

                    if (narrower.Access is null)
                    {
                        throw invalid($"environment '{order[j]}' has no 'access' policy, so it would be open to anyone while '{order[i]}' is restricted: '{order[j]}' must be no wider than '{order[i]}'");
                    }

                    var missing = narrower.Access.NotCoveredBy(wider.Access);
                    if (missing.Count > 0)
                    {
                        throw invalid($"the 'access' of '{order[j]}' grants {Sanitize.ForMessage(string.Join(", ", missing.Take(3)))}{(missing.Count > 3 ? " and more" : string.Empty)}, which '{order[i]}' does not: '{order[j]}' must be no wider than '{order[i]}'");
                    }
                }
            }
        }

        private static IReadOnlyList<string> List(YamlNode node, string key, string envName, Func<string, ProfilerException> invalid)
        {
            var items = node is YamlSequenceNode seq ? seq.Children : new List<YamlNode> { node };
            var result = new List<string>();
            foreach (var item in items)
            {
                var v = (item as YamlScalarNode)?.Value?.Trim();
                if (string.IsNullOrEmpty(v) || v!.Length > MaxEntryLength || v.Any(char.IsControl))
                {
                    throw invalid($"'{key}' of the 'access' of '{envName}' must hold non-empty names of at most {MaxEntryLength} characters");
                }

                result.Add(v);
            }

            return result;
        }

        private static IReadOnlyList<string> Distinct(List<string> items) =>
            items.Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
    }
}
