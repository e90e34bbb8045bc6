using System;

namespace Chartly.Profiler.Targets
{
    /// <summary>
    /// An explicit target as the user named it, split into its parts (conventions section 2).
    /// <see cref="Qualifier"/> is the namespace of a service or the connector of a connector run.
    /// <see cref="Version"/> restricts a service, workflow or connector to roots whose resource
    /// <c>service.version</c> is that value (<c>analytics-blue/chartly-analytics@2.4.0</c>,
    /// docs/targets.md); <see cref="Id"/> is the id without it, <see cref="DisplayId"/> with it.
    /// </summary>
    public sealed record TargetSpec(TargetType Type, string Id, string? Qualifier, string Name)
    {
        /// <summary>The longest id accepted; ids are names, not payloads.</summary>
        public const int MaxIdLength = 256;

        /// <summary>The longest version qualifier accepted.</summary>
        public const int MaxVersionLength = 128;

        /// <summary>Separates a version qualifier from the id.</summary>
        public const char VersionSeparator = '@';

        public string? Version { get; init; }

        /// <summary>The id as a profile names its target: with the version qualifier when there is one.</summary>
        public string DisplayId => Version is null ? Id : Id + VersionSeparator + Version;

        /// <summary>Whether a target of this type may carry a version qualifier (it has several roots that can run different versions).</summary>
        public static bool CanCarryVersion(TargetType type) => type is TargetType.Service or TargetType.Workflow or TargetType.Connector;

        public static TargetSpec Parse(TargetType type, string? id)
        {
            var (bare, version) = SplitVersion(type, id);
            var spec = ParseBare(type, bare);
            return version is null ? spec : spec with { Version = version };
        }

        /// <summary>The id and its <c>@version</c>, checked: only types with several roots take one, and it is never empty.</summary>
        private static (string? Id, string? Version) SplitVersion(TargetType type, string? id)
        {
            var at = id?.LastIndexOf(VersionSeparator) ?? -1;
            if (id is null || at < 0)
            {
                return (id, null);
            }

            if (!CanCarryVersion(type))
            {
                throw ProfilerException.Invalid(
                    "VersionQualifierNotAllowed",
                    $"A {TargetTypes.ToName(type)} target is one root of one version: '@<version>' qualifies only service, workflow and connector targets.");
            }

            var version = id.Substring(at + 1).Trim();
            if (version.Length > MaxVersionLength)
            {
                throw ProfilerException.Invalid("InvalidServiceVersion", $"The version qualifier is longer than {MaxVersionLength} characters.");
            }

            if (version.Length == 0)
            {
                throw ProfilerException.Invalid("ServiceVersionEmpty", $"The target id '{Sanitize.ForMessage(id)}' ends in '@' without a version: write <id>@<service.version>.");
            }

            foreach (var c in version)
            {
                if (char.IsControl(c) || char.IsWhiteSpace(c) || Sanitize.IsInvisible(c) || char.IsSurrogate(c) || c == VersionSeparator)
                {
                    throw ProfilerException.Invalid("InvalidServiceVersion", "The version qualifier contains spaces, control characters or a second '@'.");
                }
            }

            return (id.Substring(0, at), version);
        }

        private static TargetSpec ParseBare(TargetType type, string? id)
        {
            if (id is null || id.Trim().Length == 0)
            {
                throw ProfilerException.Precondition("TargetMissing", "A target id is required (--target-id / -TargetId).");
            }

            id = id.Trim();
            if (id.Length > MaxIdLength)
            {
                throw ProfilerException.Invalid("InvalidTargetId", $"The target id is longer than {MaxIdLength} characters.");
            }

            foreach (var c in id)
            {
                if (Sanitize.IsInvisible(c) || char.IsSurrogate(c))
                {
                    throw ProfilerException.Invalid("InvalidTargetId", "The target id contains control or invisible characters (bidi overrides, zero-width characters, BOMs).");
                }
            }

            switch (type)
            {
                case TargetType.Service:
                {
                    var slash = id.IndexOf('/');
                    if (slash < 0)
                    {
                        return new TargetSpec(type, id, null, id);
                    }

                    var ns = id.Substring(0, slash);
                    var name = id.Substring(slash + 1);
                    if (ns.Length == 0 || name.Length == 0 || name.IndexOf('/') >= 0)
                    {
                        throw ProfilerException.Invalid("InvalidTargetId", $"A service target is 'name' or 'namespace/name'; got '{Sanitize.ForMessage(id)}'.");
                    }

                    return new TargetSpec(type, id, ns, name);
                }

                case TargetType.Connector:
                {
                    var slash = id.IndexOf('/');
                    if (slash < 0)
                    {
                        return new TargetSpec(type, id, id, string.Empty);
                    }

                    var connector = id.Substring(0, slash);
                    var run = id.Substring(slash + 1);
                    if (connector.Length == 0 || run.Length == 0 || run.IndexOf('/') >= 0)
                    {
                        throw ProfilerException.Invalid("InvalidTargetId", $"A connector target is 'connectorId' or 'connectorId/runId'; got '{Sanitize.ForMessage(id)}'.");
                    }

                    return new TargetSpec(type, id, connector, run);
                }

                default:
                    return new TargetSpec(type, id, null, id);
            }
        }

        /// <summary>
        /// This target restricted to one version (-ServiceVersion): checked as a qualifier would be;
        /// a target that already names another version is exit 2 (<c>ServiceVersionConflict</c>).
        /// </summary>
        public TargetSpec WithVersion(string version)
        {
            var qualified = Parse(Type, Id + VersionSeparator + version.Trim());
            if (Version is not null && !string.Equals(Version, qualified.Version, StringComparison.Ordinal))
            {
                throw ProfilerException.Invalid(
                    "ServiceVersionConflict",
                    $"The target names version '{Sanitize.ForMessage(Version)}' and -ServiceVersion '{Sanitize.ForMessage(qualified.Version)}': give one.");
            }

            return qualified;
        }

        public override string ToString() => TargetTypes.ToName(Type) + ":" + DisplayId;
    }
}
