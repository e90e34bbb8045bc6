using System;

namespace Chartly.Profiler.Targets
{
    /// <summary>
    /// An explicit target as the user named it, split into its parts (conventions section 2).
    /// <see cref="Qualifier"/> is the namespace of a service or the connector of a connector run.
    /// </summary>
    public sealed record TargetSpec(TargetType Type, string Id, string? Qualifier, string Name)
    {
        /// <summary>The longest id accepted; ids are names, not payloads.</summary>
        public const int MaxIdLength = 256;

        public static TargetSpec Parse(TargetType type, string? id)
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

        public override string ToString() => TargetTypes.ToName(Type) + ":" + Id;
    }
}
