using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.TelemetryGen;
using Chartly.Profiler.Tests.Governance;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>
    /// samples/telemetry rewritten once into every layout the collector's file exporter writes
    /// (tools/TelemetryGen's convert: Google.Protobuf's writer, ZstdSharp, GZipStream), each in its
    /// own folder with the samples' configuration. Some layouts get the names a user would give
    /// them (.pb, .json.gz, .zst); the others keep .json, so only the bytes can tell.
    /// </summary>
    public sealed class CollectorLayoutFixture : IDisposable
    {
        private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);

        public CollectorLayoutFixture()
        {
            Root = Path.Combine(Path.GetTempPath(), "chartly-layouts-" + Guid.NewGuid().ToString("N"));
            var samples = Path.Combine(Repo.Root, "samples", "telemetry");
            foreach (var name in CollectorFiles.Names)
            {
                var dir = Path.Combine(Root, Folder(name));
                foreach (var file in Directory.EnumerateFiles(samples, "*.json", SearchOption.AllDirectories))
                {
                    var target = Path.Combine(dir, "telemetry", Path.GetRelativePath(samples, file) + Suffix(name));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.WriteAllBytes(target, CollectorFiles.Write(File.ReadAllBytes(file), CollectorFiles.Parse(name)));
                }

                File.Copy(Repo.SampleConfig, Path.Combine(dir, "chartly-profiler.yaml"));
            }
        }

        public string Root { get; }

        public static string Folder(string layout) => layout.Replace('+', '_');

        /// <summary>Names as users give them for some layouts (rotated names keep their time stamp); .json for the rest.</summary>
        private static string Suffix(string layout) => layout switch
        {
            "json.gz" => ".gz",
            "proto" => ".pb",
            "json+zstd-stream" => ".zst",
            _ => string.Empty,
        };

        public string Config(string layout) => Path.Combine(Root, Folder(layout), "chartly-profiler.yaml");

        public long BytesOnDisk(string layout) =>
            Directory.EnumerateFiles(Path.Combine(Root, Folder(layout), "telemetry"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        /// <summary>The profile document of a target over one layout's files ("samples": the committed JSON).</summary>
        public string Document(string layout, string type, string id) =>
            _documents.GetOrAdd(layout + "|" + type + "|" + id, _ =>
            {
                var profile = layout == "samples" ? Run.Sample(type, id) : Run.Profile(Config(layout), type, id);
                OutputSchemaStabilityTests.AssertValid(profile);
                return ProfileDocument.Write(profile, DocumentFormat.Json);
            });

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The profile of every sample target is the same document whichever layout holds the telemetry.</summary>
    public class CollectorLayoutTests : IClassFixture<CollectorLayoutFixture>
    {
        private static readonly Regex BytesRead = new("\"bytes_read\": (\\d+)", RegexOptions.CultureInvariant);

        private readonly CollectorLayoutFixture _fx;

        public CollectorLayoutTests(CollectorLayoutFixture fx) => _fx = fx;

        /// <summary>Every layout with every sample target (the reading does not depend on the precision, so one is enough).</summary>
        public static IEnumerable<object[]> Cases =>
            from layout in CollectorFiles.Names.Where(n => n != "json")
            from t in OutputSchemaStabilityTests.SampleTargets.Where(t => (string)t[2] == "ms")
            select new object[] { layout, t[0], t[1] };

        [Theory]
        [MemberData(nameof(Cases))]
        public void TheProfileIsTheSameDocumentInEveryLayout(string layout, string type, string id)
        {
            var expected = _fx.Document("samples", type, id);
            var actual = _fx.Document(layout, type, id);

            // bytes_read counts the bytes on disk, which is what differs between layouts; everything else is identical.
            Assert.Equal(_fx.BytesOnDisk(layout), long.Parse(BytesRead.Match(actual).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(BytesRead.Replace(expected, "\"bytes_read\": 0"), BytesRead.Replace(actual, "\"bytes_read\": 0"));
            Assert.Contains("\"malformed_records\": 0", actual, StringComparison.Ordinal);
            Assert.Contains("\"unsupported_files\": 0", actual, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(Layouts))]
        public void TabCompletionFindsTheSameIdsInEveryLayout(string layout)
        {
            var expected = TargetIdCatalog.ScanFiles(new OtlpFileSource(new[] { Path.Combine(Repo.Root, "samples", "telemetry") }, "json").ListFiles(), TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            var files = new OtlpFileSource(new[] { Path.Combine(_fx.Root, CollectorLayoutFixture.Folder(layout), "telemetry") }, layout).ListFiles();
            var actual = TargetIdCatalog.ScanFiles(files, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);

            Assert.True(actual.Complete);
            Assert.Equal(5, actual.FilesRead);
            foreach (var type in new[] { TargetType.Run, TargetType.Workflow, TargetType.Service, TargetType.Operation, TargetType.Connector })
            {
                Assert.NotEmpty(expected.Ids(type, "dev"));
                Assert.Equal(expected.Ids(type, "dev"), actual.Ids(type, "dev"));
            }
        }

        public static IEnumerable<object[]> Layouts => CollectorFiles.Names.Where(n => n != "json").Select(n => new object[] { n });
    }
}
