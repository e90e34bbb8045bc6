using System;
using System.Management.Automation;
using Chartly.Profiler.Configuration;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// The configuration of one cmdlet invocation: located from PowerShell's current location
    /// (not the process's), read once, and read again only if a pipeline item names another file.
    /// </summary>
    internal sealed class ConfigCache
    {
        private ProfilerConfig? _config;
        private string? _path;

        public ProfilerConfig Get(PSCmdlet cmdlet, string? configPath)
        {
            var cwd = cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            var path = ConfigLoader.Locate(configPath, cwd, Environment.GetEnvironmentVariable);
            if (_config is null || !string.Equals(_path, path, StringComparison.Ordinal))
            {
                cmdlet.WriteVerbose($"Reading configuration {path}");
                _config = ConfigLoader.Load(path);
                _path = path;
            }

            return _config;
        }
    }
}
