using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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

        /// <summary>A configuration is a few kilobytes; anything past this is not one (and /dev/zero never ends).</summary>
        public const long MaxConfigBytes = 1024 * 1024;

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
                // File.Exists cannot see into a folder it may not search: that is a denial, not an absence.
                if (InputFile.FolderDeniesSearch(full))
                {
                    throw ProfilerException.Denied("ConfigAccessDenied", $"Permission denied reading the configuration '{Sanitize.ForMessage(path)}' ({how}): its folder cannot be searched.");
                }

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
            var name = Path.GetFileName(fullPath);
            string text;
            try
            {
                text = InputFile.ReadText(
                    fullPath,
                    MaxConfigBytes,
                    () => ProfilerException.Precondition("ConfigNotAFile", $"The configuration '{Sanitize.ForMessage(name)}' is not a regular file (a device, FIFO or socket): give a file."),
                    () => Invalid(name, $"it is larger than {InputFile.Mib(MaxConfigBytes)}"));
            }
            catch (UnauthorizedAccessException)
            {
                throw ProfilerException.Denied("ConfigAccessDenied", $"Permission denied reading the configuration '{Path.GetFileName(fullPath)}'.");
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw ProfilerException.Precondition("ConfigUnreadable", $"The configuration '{Sanitize.ForMessage(name)}' could not be read: {e.GetType().Name}.");
            }

            return Parse(text, fullPath);
        }

        public static ProfilerConfig Parse(string text, string fullPath)
        {
            var name = Path.GetFileName(fullPath);
            var baseDir = Path.GetDirectoryName(fullPath) ?? ".";
            YamlStream stream;
            try
            {
                stream = BoundedYaml.Configuration.Load(text, why => Invalid(name, why));
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
                ?? throw Invalid(name, $"'environments' must be a mapping of environment names ({string.Join(", ", ProfileRequestEnvironments)})");
            foreach (var pair in envNode.Children)
            {
                var envName = Scalar(pair.Key) ?? throw Invalid(name, "an environment name must be a plain string");
                if (!System.Linq.Enumerable.Contains(ProfileRequestEnvironments, envName, StringComparer.Ordinal))
                {
                    throw Invalid(name, $"unknown environment '{Sanitize.ForMessage(envName)}' (valid: {string.Join(", ", ProfileRequestEnvironments)})");
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

                Sources.Otlp.OtlpFileSettings.CheckDisjoint(
                    sources.Select(s => s.Typed).OfType<Sources.Otlp.OtlpFileSettings>().ToList(),
                    why => Invalid(name, $"environment '{envName}' {why}"));

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

            var kind = Sources.SourceKinds.Find(type)
                ?? throw Invalid(file, $"unknown source type '{Sanitize.ForMessage(type)}' in '{envName}' (valid: {Sources.SourceKinds.Names})");
            Func<string, ProfilerException> invalid = why => Invalid(file, $"the {type} source of '{envName}' {why}");
            if (kind.Remote && paths.Count > 0)
            {
                throw invalid("takes no 'path' or 'paths' (it reads from a server, not files)");
            }

            var typed = kind.Parse(new Sources.SourceEntry(settings, paths, baseDir, invalid));
            paths = new List<string>(kind.Paths(typed));

            return new SourceConfig(type, settings, paths) { Typed = typed };
        }

        private static IReadOnlyList<string> ProfileRequestEnvironments => Targets.ProfileRequest.Environments;

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
