using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Sources.Prometheus;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>One registry of source kinds: every consumer asks it, and settings are parsed once, when the configuration is read.</summary>
    public sealed class SourceKindsTests
    {
        private static ProfilerConfig Load(string yaml) => ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "kinds.yaml"));

        [Fact]
        public void Every_kind_is_one_row_and_the_loader_lists_them_all()
        {
            Assert.Equal(new[] { "otlp-file", "prometheus", "azure-monitor-logs", "azure-data-explorer" }, SourceKinds.All.Select(k => k.Name).ToArray());
            Assert.Equal(new[] { false, true, true, true }, SourceKinds.All.Select(k => k.Remote).ToArray());
            var e = Assert.Throws<ProfilerException>(() => Load("environments:\n  dev:\n    sources:\n      - type: kusto\n"));
            Assert.Contains("(valid: " + SourceKinds.Names + ")", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Settings_are_parsed_once_and_the_engine_builds_from_the_parsed_object()
        {
            var config = Load("environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9090\n      - type: otlp-file\n        path: telemetry\n");
            var prometheus = config.Environments["dev"].Sources[0];
            Assert.IsType<PrometheusSettings>(prometheus.Typed);

            // Spoil the text the loader kept: a second parse would now fail; building from the parsed object does not.
            ((IDictionary<string, string>)prometheus.Settings)["url"] = "not a url";
            using var source = Assert.IsType<PrometheusSource>(SourceKinds.Create(prometheus));
            Assert.Equal("prometheus http://127.0.0.1:9090", source.Description);

            var files = config.Environments["dev"].Sources[1];
            Assert.Equal(Path.Combine(Path.GetTempPath(), "telemetry"), Assert.Single(Assert.IsType<OtlpFileSettings>(files.Typed).Paths));
            Assert.Equal(files.Paths, Assert.IsType<OtlpFileSource>(SourceKinds.Create(files)).Paths);
        }

        [Fact]
        public void A_remote_kind_takes_no_paths_and_a_file_kind_needs_them()
        {
            var remote = Assert.Throws<ProfilerException>(() => Load("environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9090\n        path: x\n"));
            Assert.Contains("the prometheus source of 'dev' takes no 'path' or 'paths'", remote.Message, StringComparison.Ordinal);
            var files = Assert.Throws<ProfilerException>(() => Load("environments:\n  dev:\n    sources:\n      - type: otlp-file\n"));
            Assert.Contains("the otlp-file source of 'dev' needs 'path' or 'paths'", files.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Only_a_kind_that_asks_for_a_token_can_name_the_identity()
        {
            var e = Assert.Throws<ProfilerException>(() => Load(
                "environments:\n  dev:\n    access:\n      identity: azure-token\n      principals: ['*']\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9090\n"));
            Assert.Contains("takes the identity from an Azure token", e.Message, StringComparison.Ordinal);
        }
    }
}
