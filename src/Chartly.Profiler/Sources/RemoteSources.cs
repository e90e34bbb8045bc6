using System;
using System.Collections.Generic;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources
{
    /// <summary>
    /// The remote source types of the configuration file: their settings are validated when the
    /// file is loaded (ConfigInvalid, exit 4, naming the key), and the engine's factory builds them.
    /// </summary>
    internal static class RemoteSources
    {
        /// <summary>Validates a remote source's entry; <paramref name="invalid"/> turns a reason into the loader's error.</summary>
        public static void Validate(string type, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> paths, Func<string, ProfilerException> invalid)
        {
            if (paths.Count > 0)
            {
                throw invalid("takes no 'path' or 'paths' (it reads from a server, not files)");
            }

            switch (type)
            {
                case PrometheusSettings.TypeName:
                    PrometheusSettings.Parse(settings, invalid);
                    break;
                case LogsSettings.TypeName:
                    LogsSettings.Parse(settings, invalid);
                    break;
            }
        }

        /// <summary>The source for a validated entry, or null for a type that is not remote.</summary>
        public static ITraceSource? Create(SourceConfig config)
        {
            ProfilerException Invalid(string why) => ProfilerException.Validation("ConfigInvalid", $"The configuration is invalid: the {config.Type} source {why}.");
            return config.Type switch
            {
                PrometheusSettings.TypeName => new PrometheusSource(PrometheusSettings.Parse(config.Settings, Invalid)),
                LogsSettings.TypeName => new AzureMonitorLogsSource(LogsSettings.Parse(config.Settings, Invalid)),
                _ => null,
            };
        }
    }
}
