using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Chartly.Profiler.Configuration
{
    /// <summary>
    /// Finds and reads the configuration: an explicit path, then <c>CHARTLY_PROFILER_CONFIG</c>, then
    /// <c>chartly-profiler.yaml</c> in the current directory. Relative telemetry paths are relative to
    /// the configuration file, so a configuration means the same thing from any directory.
    /// </summary>
    public static class ConfigLoader
    {
        public const string EnvironmentVariable = "CHARTLY_PROFILER_CONFIG";
        public const string DefaultFileName = "chartly-profiler.yaml";

        /// <param name="flag">How the front end names the explicit path in its messages (--config, -ConfigPath).</param>
        public static string Locate(string? explicitPath, string currentDirectory, Func<string, string?> getEnvironmentVariable, string flag = "--config")
        {
            string path;
            string how;
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                path = explicitPath!;
                how = "given";
            }
            else if (getEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv)
            {
                path = fromEnv;
                how = "named by " + EnvironmentVariable;
            }
            else
            {
                path = DefaultFileName;
                how = "default";
            }

            var full = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(currentDirectory, path));
            if (!File.Exists(full))
            {
                throw ProfilerException.Precondition(
                    "ConfigNotFound",
                    $"The configuration file '{Sanitize.ForMessage(path)}' ({how}) does not exist. Pass {flag}, set {EnvironmentVariable}, or create {DefaultFileName}.");
            }

            return full;
        }

        /// <summary>
        /// The configuration a profile was made from, for what comes after it (a comparison, a report):
        /// it must still exist, or the caller names one.
        /// </summary>
        public static string Remembered(string fullPath)
        {
            if (!File.Exists(fullPath))
            {
                throw ProfilerException.Precondition(
                    "ConfigNotFound",
                    $"The configuration file '{Sanitize.ForMessage(fullPath)}' this profile was made from no longer exists. Pass -ConfigPath.");
            }

            return fullPath;
        }

        public static ProfilerConfig Load(string fullPath)
        {
            string text;
            try
            {
                using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                text = reader.ReadToEnd();
            }
            catch (UnauthorizedAccessException)
            {
                throw ProfilerException.Denied("ConfigAccessDenied", $"Permission denied reading the configuration '{Path.GetFileName(fullPath)}'.");
            }

            return Parse(text, fullPath);
        }

        public static ProfilerConfig Parse(string text, string fullPath)
        {
            var name = Path.GetFileName(fullPath);
            var baseDir = Path.GetDirectoryName(fullPath) ?? ".";
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                throw Invalid(name, $"it is not valid YAML (line {e.Start.Line}, column {e.Start.Column})");
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                throw Invalid(name, "the top level must be a mapping with an 'environments' key");
            }

            var envs = new Dictionary<string, EnvironmentConfig>(StringComparer.Ordinal);
            var envNode = Child(root, "environments") as YamlMappingNode
                ?? throw Invalid(name, "'environments' must be a mapping of environment names (dev, staging, prod)");
            foreach (var pair in envNode.Children)
            {
                var envName = Scalar(pair.Key) ?? throw Invalid(name, "an environment name must be a plain string");
                if (Array.IndexOf(new[] { "dev", "staging", "prod" }, envName) < 0)
                {
                    throw Invalid(name, $"unknown environment '{Sanitize.ForMessage(envName)}' (valid: dev, staging, prod)");
                }

                if (pair.Value is not YamlMappingNode envMap)
                {
                    throw Invalid(name, $"environment '{envName}' must be a mapping with 'sources'");
                }

                var sourcesNode = Child(envMap, "sources") as YamlSequenceNode
                    ?? throw Invalid(name, $"environment '{envName}' needs a 'sources' list");
                var sources = new List<SourceConfig>();
                foreach (var s in sourcesNode.Children)
                {
                    sources.Add(ParseSource(s, envName, name, baseDir));
                }

                if (sources.Count == 0)
                {
                    throw Invalid(name, $"environment '{envName}' has an empty 'sources' list");
                }

                // Access policy and read-only scopes (docs/access-control.md).
                foreach (var s in sources)
                {
                    Access.ReadOnlyScopes.Check(s, envName, why => Invalid(name, why));
                }

                var accessNode = Child(envMap, "access");
                envs[envName] = new EnvironmentConfig(envName, sources)
                {
                    Access = accessNode is null ? null : Access.AccessPolicyParser.Parse(accessNode, envName, why => Invalid(name, why)),
                };
            }

            Access.AccessPolicyParser.CheckEnvironments(envs, why => Invalid(name, why));
            return new ProfilerConfig(fullPath, envs);
        }

        private static SourceConfig ParseSource(YamlNode node, string envName, string file, string baseDir)
        {
            if (node is not YamlMappingNode map)
            {
                throw Invalid(file, $"each source of '{envName}' must be a mapping with a 'type'");
            }

            var type = Scalar(Child(map, "type")) ?? throw Invalid(file, $"a source of '{envName}' has no 'type'");
            var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var paths = new List<string>();
            foreach (var pair in map.Children)
            {
                var key = Scalar(pair.Key) ?? throw Invalid(file, $"a key of a source of '{envName}' is not a string");
                if (key == "path" || key == "paths")
                {
                    if (pair.Value is YamlSequenceNode seq)
                    {
                        foreach (var item in seq.Children)
                        {
                            paths.Add(Scalar(item) ?? throw Invalid(file, $"'{key}' of a source of '{envName}' must hold strings"));
                        }
                    }
                    else
                    {
                        paths.Add(Scalar(pair.Value) ?? throw Invalid(file, $"'{key}' of a source of '{envName}' must be a string or a list"));
                    }
                }
                else if (key != "type")
                {
                    settings[key] = Scalar(pair.Value) ?? throw Invalid(file, $"'{key}' of a source of '{envName}' must be a plain value");
                }
            }

            switch (type)
            {
                case "otlp-file":
                    if (paths.Count == 0)
                    {
                        throw Invalid(file, $"the otlp-file source of '{envName}' needs 'path' or 'paths'");
                    }

                    for (var i = 0; i < paths.Count; i++)
                    {
                        paths[i] = Path.IsPathRooted(paths[i]) ? paths[i] : Path.GetFullPath(Path.Combine(baseDir, paths[i]));
                    }

                    Sources.Otlp.OtlpFileSettings.MaxParallelism(settings, why => Invalid(file, $"the otlp-file source of '{envName}': {why}"));

                    break;
                case "prometheus":
                case "azure-monitor-logs":
                    Sources.RemoteSources.Validate(type, settings, paths, why => Invalid(file, $"the {type} source of '{envName}' {why}"));
                    break;
                default:
                    throw Invalid(file, $"unknown source type '{Sanitize.ForMessage(type)}' in '{envName}' (valid: otlp-file, prometheus, azure-monitor-logs)");
            }

            return new SourceConfig(type, settings, paths);
        }

        private static YamlNode? Child(YamlMappingNode map, string key)
        {
            foreach (var pair in map.Children)
            {
                if (pair.Key is YamlScalarNode k && k.Value == key)
                {
                    return pair.Value;
                }
            }

            return null;
        }

        private static string? Scalar(YamlNode? node) => node is YamlScalarNode s ? s.Value : null;

        private static ProfilerException Invalid(string file, string why) =>
            ProfilerException.Validation("ConfigInvalid", $"The configuration '{file}' is invalid: {why}.");
    }
}
