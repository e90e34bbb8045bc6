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

        /// <param name="cmdlet">The cmdlet asking (its current location, its -Verbose).</param>
        /// <param name="explicitPath">-ConfigPath, already a file-system path; null when not given.</param>
        /// <param name="madeFrom">The configuration a profile was made from (<see cref="Model.Profile.ConfigPath"/>); used when -ConfigPath is not given.</param>
        public ProfilerConfig Get(PSCmdlet cmdlet, string? explicitPath, string? madeFrom = null)
        {
            var cwd = cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            var path = explicitPath is null && !string.IsNullOrEmpty(madeFrom)
                ? ConfigLoader.Remembered(madeFrom!)
                : ConfigLoader.Locate(explicitPath, cwd, Environment.GetEnvironmentVariable, "-ConfigPath");
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
