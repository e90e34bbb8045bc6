using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Configuration
{
    /// <summary>The configuration file, validated: per environment, its telemetry sources.</summary>
    public sealed class ProfilerConfig
    {
        public ProfilerConfig(string path, IReadOnlyDictionary<string, EnvironmentConfig> environments)
        {
            Path = path;
            Environments = environments;
        }

        /// <summary>Where the configuration was read from (full path).</summary>
        public string Path { get; }

        public IReadOnlyDictionary<string, EnvironmentConfig> Environments { get; }

        public EnvironmentConfig For(string environment)
        {
            if (Environments.TryGetValue(environment, out var env))
            {
                return env;
            }

            var known = new List<string>(Environments.Keys);
            known.Sort(StringComparer.Ordinal);
            throw ProfilerException.Precondition(
                "EnvironmentNotConfigured",
                $"The environment '{environment}' has no telemetry sources in the configuration '{System.IO.Path.GetFileName(Path)}'. Configured: {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
        }
    }

    public sealed record EnvironmentConfig(string Name, IReadOnlyList<SourceConfig> Sources)
    {
        /// <summary>Who may profile this environment (docs/access-control.md); null: no policy, the telemetry's own permissions apply.</summary>
        public Access.AccessPolicy? Access { get; init; }
    }

    /// <summary>
    /// One source entry: its type, its settings as written, and its paths (resolved). The loader
    /// also keeps the settings its kind parsed (<see cref="Typed"/>), so they are read once.
    /// </summary>
    public sealed record SourceConfig(string Type, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Paths)
    {
        /// <summary>The row of the registry this entry is an instance of; null for a type no row knows.</summary>
        public Sources.SourceKind? Kind => Sources.SourceKinds.Find(Type);

        /// <summary>The settings as the kind's typed object, parsed when the configuration was loaded.</summary>
        internal object? Typed { get; init; }
    }
}
