using System;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>The ids tab completion offers: what the probe scan finds, how it is bounded and cached.</summary>
    public class TargetIdCatalogTests
    {
        private static string SampleTelemetry => Path.Combine(Repo.Root, "samples", "telemetry");

        private static TargetIdScan ScanSamples() =>
            TargetIdCatalog.ScanFiles(new OtlpFileSource(new[] { SampleTelemetry }, "t").ListFiles(), TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);

        [Fact]
        public void FindsEveryTargetOfTheSamplesByType()
        {
            var scan = ScanSamples();
            Assert.True(scan.Complete);
            Assert.Equal(5, scan.FilesRead);

            Assert.Equal(
                new[] { "run-1001", "run-1002", "run-1003", "run-1004", "run-1005", "run-1006", "run-2001", "run-2002", "run-dup-1" },
                scan.Ids(TargetType.Run, "dev"));
            Assert.Equal(new[] { "daily-report", "weekly-digest", "wf-daily-report", "wf-weekly-a", "wf-weekly-b" }, scan.Ids(TargetType.Workflow, "dev"));
            Assert.Equal(new[] { "op-7f3a" }, scan.Ids(TargetType.Operation, "dev"));
            Assert.Equal(new[] { "conn-salesforce", "conn-salesforce/cr-501", "conn-salesforce/cr-502" }, scan.Ids(TargetType.Connector, "dev"));

            // Services: entry spans only (SERVER / CONSUMER), by name and by namespace/name.
            var services = scan.Ids(TargetType.Service, "dev");
            Assert.Equal(
                new[]
                {
                    "analytics-blue/chartly-analytics", "analytics-green/chartly-analytics", "chartly-analytics", "chartly-connectors",
                    "chartly-connectors/chartly-connectors", "chartly-core/chartly-workflow-engine", "chartly-workflow-engine",
                },
                services);
        }

        [Fact]
        public void EveryOfferedIdProfilesOrIsOneOfTheDocumentedAmbiguities()
        {
            // The completion must offer ids the profiler accepts: each one resolves to a profile, except
            // the ambiguous ids the samples hold on purpose (they fail with TargetAmbiguous, as documented).
            var scan = ScanSamples();
            var ambiguous = new[] { "run:run-dup-1", "workflow:weekly-digest", "service:chartly-analytics" };
            foreach (var type in new[] { TargetType.Run, TargetType.Workflow, TargetType.Operation, TargetType.Connector, TargetType.Service })
            {
                foreach (var id in scan.Ids(type, "dev"))
                {
                    var key = TargetTypes.ToName(type) + ":" + id;
                    if (ambiguous.Contains(key))
                    {
                        Assert.Equal("TargetAmbiguous", Run.Fails(() => Run.Sample(TargetTypes.ToName(type), id)).ErrorId);
                    }
                    else
                    {
                        Assert.True(Run.Sample(TargetTypes.ToName(type), id).Summary.Roots.Count > 0, key);
                    }
                }
            }
        }

        [Fact]
        public void AnEnvironmentKeepsItsOwnIdsAndThoseWithoutAnyEnvironment()
        {
            using var t = new TempTelemetry();
            t.Write(
                "mixed.json",
                Otlp.Line(Otlp.Resource("engine", env: "dev"), new[] { Root(1, "run-dev") }),
                Otlp.Line(Otlp.Resource("engine", env: "staging"), new[] { Root(2, "run-staging") }),
                Otlp.Line(Otlp.Resource("engine", env: null), new[] { Root(3, "run-anywhere") }));
            var scan = TargetIdCatalog.ScanFiles(new OtlpFileSource(new[] { t.TelemetryDir }, "t").ListFiles(), TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);

            Assert.Equal(new[] { "run-anywhere", "run-dev" }, scan.Ids(TargetType.Run, "dev"));
            Assert.Equal(new[] { "run-anywhere", "run-staging" }, scan.Ids(TargetType.Run, "staging"));
            Assert.Equal(new[] { "run-anywhere" }, scan.Ids(TargetType.Run, "prod"));
            Assert.Equal(new[] { "run-anywhere", "run-dev", "run-staging" }, scan.Ids(TargetType.Run, null));
        }

        [Fact]
        public void IdsTheCmdletWouldRefuseAreNotOffered()
        {
            using var t = new TempTelemetry();
            t.Write(
                "odd.json",
                Otlp.Line(Otlp.Resource("engine"), new[]
                {
                    Root(1, "run-ok"),
                    Root(2, " padded "),
                    Root(3, new string('x', TargetSpec.MaxIdLength + 1)),
                    Root(4, "tab-TAB-here"),
                }).Replace("-TAB-", "\\u0009"));
            var scan = TargetIdCatalog.ScanFiles(new OtlpFileSource(new[] { t.TelemetryDir }, "t").ListFiles(), TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.Equal(new[] { "run-ok" }, scan.Ids(TargetType.Run, "dev"));
        }

        [Fact]
        public void TheByteBudgetStopsTheScanDeterministically()
        {
            using var t = new TempTelemetry();
            var lines = Enumerable.Range(1, 400).Select(i => Otlp.Line(Otlp.Resource("engine"), new[] { Root(i, "run-" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)) })).ToArray();
            t.Write("a.json", lines.Take(200).ToArray());
            t.Write("b.json", lines.Skip(200).ToArray());
            var files = new OtlpFileSource(new[] { t.TelemetryDir }, "t").ListFiles();
            var budget = new FileInfo(files[0]).Length / 2;

            var first = TargetIdCatalog.ScanFiles(files, budget, CancellationToken.None);
            var again = TargetIdCatalog.ScanFiles(files, budget, CancellationToken.None);

            Assert.Equal(ScanStop.ByteLimit, first.StoppedBy);
            Assert.False(first.Complete);
            Assert.True(first.BytesRead <= budget);
            var ids = first.Ids(TargetType.Run, "dev");
            Assert.InRange(ids.Count, 50, 110); // about the first half of a.json, and nothing of b.json
            Assert.DoesNotContain("run-201", ids);
            Assert.Equal(ids, again.Ids(TargetType.Run, "dev"));

            var whole = TargetIdCatalog.ScanFiles(files, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.True(whole.Complete);
            Assert.Equal(400, whole.Ids(TargetType.Run, "dev").Count);
        }

        [Fact]
        public void ACancelledScanReturnsWhatItHasAndIsNotCached()
        {
            using var t = new TempTelemetry();
            t.Write("a.json", Otlp.Line(Otlp.Resource("engine"), new[] { Root(1, "run-a") }));
            var catalog = new TargetIdCatalog();
            using (var cancelled = new CancellationTokenSource())
            {
                cancelled.Cancel();
                var partial = catalog.Scan(new[] { t.TelemetryDir }, TargetIdCatalog.DefaultMaxBytes, cancelled.Token);
                Assert.Equal(ScanStop.Cancelled, partial.StoppedBy);
                Assert.Empty(partial.Ids(TargetType.Run, null));
            }

            var full = catalog.Scan(new[] { t.TelemetryDir }, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.True(full.Complete);
            Assert.Equal(new[] { "run-a" }, full.Ids(TargetType.Run, null));
        }

        [Fact]
        public void TheCacheHoldsUntilAFileChanges()
        {
            using var t = new TempTelemetry();
            var path = t.Write("a.json", Otlp.Line(Otlp.Resource("engine"), new[] { Root(1, "run-a") }));
            var catalog = new TargetIdCatalog();

            var first = catalog.Scan(new[] { t.TelemetryDir }, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.Same(first, catalog.Scan(new[] { t.TelemetryDir }, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None));

            File.AppendAllText(path, Otlp.Line(Otlp.Resource("engine"), new[] { Root(2, "run-b") }) + "\n");
            File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));
            var changed = catalog.Scan(new[] { t.TelemetryDir }, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.NotSame(first, changed);
            Assert.Equal(new[] { "run-a", "run-b" }, changed.Ids(TargetType.Run, null));

            // A new file is a new file set.
            t.Write("b.json", Otlp.Line(Otlp.Resource("engine"), new[] { Root(3, "run-c") }));
            Assert.Equal(new[] { "run-a", "run-b", "run-c" }, catalog.Scan(new[] { t.TelemetryDir }, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None).Ids(TargetType.Run, null));
        }

        [Fact]
        public void AMissingPathIsNoIdsNotAnError()
        {
            var scan = new TargetIdCatalog().Scan(new[] { Path.Combine(Path.GetTempPath(), "chartly-nowhere-" + Guid.NewGuid().ToString("N")) }, TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.Empty(scan.Ids(TargetType.Run, null));
        }

        [Fact]
        public void MalformedLinesAreSkippedNotFatal()
        {
            using var t = new TempTelemetry();
            t.Write(
                "a.json",
                Otlp.Line(Otlp.Resource("engine"), new[] { Root(1, "run-a") }),
                "this is not json",
                "{\"resourceSpans\": [",
                Otlp.Line(Otlp.Resource("engine"), new[] { Root(2, "run-b") }));
            var scan = TargetIdCatalog.ScanFiles(new OtlpFileSource(new[] { t.TelemetryDir }, "t").ListFiles(), TargetIdCatalog.DefaultMaxBytes, CancellationToken.None);
            Assert.True(scan.Complete);
            Assert.Equal(new[] { "run-a", "run-b" }, scan.Ids(TargetType.Run, null));
        }

        private static TestSpan Root(int n, string runId) =>
            new(Otlp.Trace(n), Otlp.Span(n), null, "workflow", 2, n * 10, n * 10 + 5, Otlp.Attrs("chartly.run.id", runId));
    }
}
