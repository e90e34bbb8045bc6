using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.AzureDataExplorer;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources
{
    /// <summary>
    /// The one registry of source types: the configuration loader, the engine's factory, the
    /// read-only check, the access policy and the completers all ask it. A new kind of source
    /// (Azure Data Explorer, say) is one more row here and its own folder.
    /// </summary>
    public static class SourceKinds
    {
        public static SourceKind OtlpFile { get; } = new(
            "otlp-file",
            remote: false,
            entry => OtlpFileSettings.Parse(entry),
            (config, settings) => new OtlpFileSource(((OtlpFileSettings)settings).Paths, "otlp-file " + string.Join(", ", config.Paths), ((OtlpFileSettings)settings).MaxParallelism, ((OtlpFileSettings)settings).PreFilter),
            paths: settings => ((OtlpFileSettings)settings).Paths);

        public static SourceKind Prometheus { get; } = new(
            PrometheusSettings.TypeName,
            remote: true,
            entry => PrometheusSettings.Parse(entry.Settings, entry.Invalid),
            (_, settings) => new PrometheusSource((PrometheusSettings)settings),
            settings => ((PrometheusSettings)settings).TokenRequest());

        public static SourceKind AzureMonitorLogs { get; } = new(
            LogsSettings.TypeName,
            remote: true,
            entry => LogsSettings.Parse(entry.Settings, entry.Invalid),
            (_, settings) => new AzureMonitorLogsSource((LogsSettings)settings),
            settings => ((LogsSettings)settings).TokenRequest());

        public static SourceKind AzureDataExplorer { get; } = new(
            AdxSettings.TypeName,
            remote: true,
            entry => AdxSettings.Parse(entry.Settings, entry.Invalid),
            (_, settings) => new AzureDataExplorerSource((AdxSettings)settings),
            settings => ((AdxSettings)settings).TokenRequest());

        public static IReadOnlyList<SourceKind> All { get; } = new[] { OtlpFile, Prometheus, AzureMonitorLogs, AzureDataExplorer };

        /// <summary>"otlp-file, prometheus, azure-monitor-logs, azure-data-explorer", for messages.</summary>
        public static string Names => string.Join(", ", All.Select(k => k.Name));

        public static SourceKind? Find(string type) => All.FirstOrDefault(k => string.Equals(k.Name, type, StringComparison.Ordinal));

        /// <summary>The source for a loaded entry, or null for a type no row knows (tests' fakes).</summary>
        public static ITraceSource? Create(SourceConfig config)
        {
            if (Find(config.Type) is not { } kind)
            {
                return null;
            }

            // Entries built by hand (not by the loader) are parsed here; the loader's are parsed once, when read.
            var settings = config.Typed ?? kind.Parse(new SourceEntry(config.Settings, config.Paths, Directory.GetCurrentDirectory(), why => ProfilerException.Validation("ConfigInvalid", $"The configuration is invalid: the {config.Type} source {why}.")));
            return kind.Create(config, settings);
        }
    }
}
