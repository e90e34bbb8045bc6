using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Hostile and unlucky inputs of issue 18, each through the front door (the command line, the
    /// cmdlets, the loaders) with a ceiling on time: deep YAML, aliases that expand without end,
    /// devices and FIFOs where a file is expected, link loops and repeated paths in a telemetry
    /// folder. Each must end in seconds with its documented error id and exit code.
    /// </summary>
    [Collection(ConsoleCollection.Name)]
    public sealed class BoundedInputTests : IDisposable
    {
        private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);
        private static readonly string[] Window = { "--env", "dev", "--target-type", "run", "--target-id", "run-1004", "--window-start", Run.SampleStart, "--window-end", Run.SampleEnd };

        private readonly string _dir = Path.Combine(Path.GetTempPath(), "chartly-bounded-" + Guid.NewGuid().ToString("N"));

        public BoundedInputTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>50,000 nested brackets: the node tree (and every walk over it) would overflow the stack.</summary>
        private static string DeepYaml(string key = "x") => key + ": " + new string('[', 50_000) + new string(']', 50_000) + "\n";

        /// <summary>Nine anchors of nine references each: 387 million nodes to whoever walks the result.</summary>
        private static string Laughs(string use)
        {
            var sb = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
            for (var i = 1; i <= 8; i++)
            {
                sb.Append('a').Append(i).Append(": &a").Append(i).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*a" + (i - 1), 9))).Append("]\n");
            }

            return sb.Append(use).ToString();
        }

        private string WriteFile(string name, string text)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, text);
            return path;
        }

        private string Fifo(string name)
        {
            var path = Path.Combine(_dir, name);
            using var p = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return path;
        }

        /// <summary>Runs a case with a ceiling on time and on what it allocates (the whole process's allocations: a bound, not a measurement).</summary>
        private static T Bounded<T>(Func<T> act, long maxAllocatedMb = 1024)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var task = Task.Run(act);
            Assert.True(task.Wait(Ceiling), "the case did not end within " + Ceiling.TotalSeconds + " s");
            var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - before) / (1024 * 1024);
            Assert.True(allocatedMb <= maxAllocatedMb, "the case allocated " + allocatedMb + " MiB");
            return task.Result;
        }

        private static CliHarness.Result Cli(params string[] args) => CliHarness.Run(args.Concat(Window).ToArray());

        private static void OneLine(CliHarness.Result r, int exit, string errorId)
        {
            Assert.Equal(exit, r.ExitCode);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.EndsWith("[" + errorId + "]", line, StringComparison.Ordinal);
        }

        [Fact]
        public void Deep_yaml_is_a_clear_error_in_the_configuration_and_in_documents()
        {
            var deep = WriteFile("d.yaml", DeepYaml());
            OneLine(Cli("--config", deep), 4, "ConfigInvalid");
            var r = Cli("--config", Repo.SampleConfig, "--compare-to", deep);
            OneLine(r, 4, "ProfileDocumentInvalid");
            Assert.Contains("nested deeper than 32 levels", r.Stderr, StringComparison.Ordinal);

            var e = Bounded(() => Run.Fails(() => ProfileDocumentReader.Read(DeepYaml("header"))), maxAllocatedMb: 64);
            Assert.Equal("ProfileDocumentInvalid", e.ErrorId);
            Assert.Equal("ConfigInvalid", Bounded(() => Run.Fails(() => ConfigLoader.Load(deep)), maxAllocatedMb: 64).ErrorId);
        }

        [Fact]
        public void Import_of_a_deep_or_aliased_document_is_one_error_record()
        {
            var deep = WriteFile("d.yaml", DeepYaml());
            var laughs = WriteFile("l.yaml", Laughs("header: *a7\n"));
            using var session = new Chartly.Profiler.Tests.Experience.Session();
            foreach (var path in new[] { deep, laughs })
            {
                var result = Bounded(() => session.Run("Import-ChartlyProfile -Path '" + path + "'"));
                var error = Assert.Single(result.Errors);
                Assert.StartsWith("ProfileDocumentInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void Aliases_are_refused_in_documents_and_bounded_in_the_configuration()
        {
            var doc = WriteFile("l.yaml", Laughs("header: *a7\n"));
            var r = Bounded(() => Cli("--config", Repo.SampleConfig, "--compare-to", doc));
            OneLine(r, 4, "ProfileDocumentInvalid");
            Assert.Contains("YAML alias", r.Stderr, StringComparison.Ordinal);

            // As a mapping key the expansion is hashed as a whole: refused before a node is built, dry run included.
            var config = WriteFile("c.yaml", "x:\n  " + Laughs("? *a8\n: 1\n").Replace("\n", "\n  ") + "\nenvironments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + Path.Combine(Repo.Root, "samples", "telemetry") + "\n");
            var c = Bounded(() => Cli("--config", config, "--dry-run"));
            OneLine(c, 4, "ConfigInvalid");
            Assert.Contains("aliases expand to more than 10000 nodes", c.Stderr, StringComparison.Ordinal);

            Assert.Equal("ConfigInvalid", Bounded(() => Run.Fails(() => ConfigLoader.Load(config)), maxAllocatedMb: 16).ErrorId);
            Assert.Equal("ProfileDocumentInvalid", Bounded(() => Run.Fails(() => ProfileDocumentReader.ReadFile(doc)), maxAllocatedMb: 16).ErrorId);

            // A fair anchor (shared settings) still works.
            var fair = WriteFile("fair.yaml", "shared: &files\n  type: otlp-file\n  path: " + Path.Combine(Repo.Root, "samples", "telemetry") + "\nenvironments:\n  dev:\n    sources:\n      - *files\n");
            Assert.Equal("otlp-file", ConfigLoader.Load(fair).Environments["dev"].Sources.Single().Type);
        }

        [Theory]
        [InlineData("/dev/zero")]
        [InlineData("/dev/urandom")]
        [InlineData("fifo")]
        public void Devices_and_fifos_are_refused_where_a_file_is_expected(string what)
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            var path = what == "fifo" ? Fifo("pipe.yaml") : what;
            OneLine(Bounded(() => Cli("--config", path)), 3, "ConfigNotAFile");
            OneLine(Bounded(() => Cli("--config", Repo.SampleConfig, "--compare-to", path)), 3, "ProfileDocumentNotAFile");

            using var t = new TempTelemetry();
            File.WriteAllText(t.ConfigPath, "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + path + "\n");
            Assert.Equal("TelemetryPathNotAFile", Bounded(() => Run.Fails(() => Run.Profile(t.ConfigPath, "run", "run-1004"))).ErrorId);
        }

        [Fact]
        public void A_configuration_is_capped_by_the_bytes_read()
        {
            var big = WriteFile("big.yaml", "# " + new string('x', (int)ConfigLoader.MaxConfigBytes) + "\n");
            var e = Bounded(() => Run.Fails(() => ConfigLoader.Load(big)), maxAllocatedMb: 16);
            Assert.Equal("ConfigInvalid", e.ErrorId);
            Assert.Contains("larger than 1 MiB", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_fifo_in_the_telemetry_folder_is_an_unsupported_file_not_a_hang()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            var baseline = SampleCopy("plain");
            var withFifo = SampleCopy("fifo");
            using (var p = Process.Start(new ProcessStartInfo("mkfifo", Path.Combine(withFifo, "telemetry", "live.json")) { UseShellExecute = false })!)
            {
                p.WaitForExit();
            }

            var a = Bounded(() => Run.Profile(Path.Combine(baseline, "chartly-profiler.yaml"), "run", "run-1004"));
            var b = Bounded(() => Run.Profile(Path.Combine(withFifo, "chartly-profiler.yaml"), "run", "run-1004"));
            Assert.Equal(a.DataQuality.UnsupportedFiles + 1, b.DataQuality.UnsupportedFiles);
            Assert.Equal(a.DataQuality.FilesRead, b.DataQuality.FilesRead);
            Assert.Equal(a.Summary.TotalDurationMs, b.Summary.TotalDurationMs);
        }

        [Fact]
        public void Link_loops_repeated_and_overlapping_paths_read_each_file_once()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            var plain = SampleCopy("plain");
            var looped = SampleCopy("looped");
            var telemetry = Path.Combine(looped, "telemetry");
            File.CreateSymbolicLink(Path.Combine(telemetry, "s1"), ".");
            File.CreateSymbolicLink(Path.Combine(telemetry, "s2"), ".");
            Directory.CreateSymbolicLink(Path.Combine(telemetry, "pretty", "up"), "..");
            File.CreateSymbolicLink(Path.Combine(telemetry, "again.json"), Path.Combine(telemetry, "traces.json"));
            var first = Directory.EnumerateFiles(telemetry, "*.json").OrderBy(f => f, StringComparer.Ordinal).First();
            File.WriteAllText(
                Path.Combine(looped, "chartly-profiler.yaml"),
                "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        paths: [telemetry, telemetry, ./telemetry/, " + first + ", telemetry/s1/pretty]\n");

            var a = Bounded(() => Run.Profile(Path.Combine(plain, "chartly-profiler.yaml"), "run", "run-1004"));
            var b = Bounded(() => Run.Profile(Path.Combine(looped, "chartly-profiler.yaml"), "run", "run-1004"));
            Assert.Equal(a.DataQuality.FilesRead, b.DataQuality.FilesRead);
            Assert.Equal(a.DataQuality.BytesRead, b.DataQuality.BytesRead);
            Assert.Equal(a.DataQuality.DuplicateSpans, b.DataQuality.DuplicateSpans);
            Assert.Equal(
                ProfileDocument.Write(a, DocumentFormat.Json).Replace(a.Header.CorrelationId, "c", StringComparison.Ordinal),
                ProfileDocument.Write(b, DocumentFormat.Json).Replace(b.Header.CorrelationId, "c", StringComparison.Ordinal));

            var plan = new Chartly.Profiler.Analysis.ProfileEngine().Plan(Run.Request("run", "run-1004"), ConfigLoader.Load(Path.Combine(looped, "chartly-profiler.yaml")));
            Assert.Contains("already listed skipped", plan.Sources.Single().Steps[0], StringComparison.Ordinal);
        }

        [Fact]
        public void Two_sources_that_would_read_the_same_files_are_refused_when_the_configuration_is_read()
        {
            var copy = SampleCopy("two");
            var telemetry = Path.Combine(copy, "telemetry");
            Directory.CreateSymbolicLink(Path.Combine(copy, "alias"), telemetry);
            var first = Directory.EnumerateFiles(telemetry, "*.json").OrderBy(f => f, StringComparer.Ordinal).First();
            foreach (var (a, b) in new[] { ("telemetry", "telemetry"), ("telemetry", first), ("telemetry/pretty", "telemetry"), ("alias", "telemetry") })
            {
                File.WriteAllText(
                    Path.Combine(copy, "chartly-profiler.yaml"),
                    "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: " + a + "\n      - type: otlp-file\n        path: " + b + "\n");
                var e = Run.Fails(() => ConfigLoader.Load(Path.Combine(copy, "chartly-profiler.yaml")));
                Assert.Equal("ConfigInvalid", e.ErrorId);
                Assert.Contains("two otlp-file sources that read the same files", e.Message, StringComparison.Ordinal);
            }

            // Disjoint folders are two sources as before.
            Directory.CreateDirectory(Path.Combine(copy, "more"));
            File.WriteAllText(Path.Combine(copy, "chartly-profiler.yaml"), "environments:\n  dev:\n    sources:\n      - type: otlp-file\n        path: telemetry\n      - type: otlp-file\n        path: more\n");
            Assert.Equal(2, ConfigLoader.Load(Path.Combine(copy, "chartly-profiler.yaml")).Environments["dev"].Sources.Count);
        }

        [Theory]
        [InlineData("--env", "")]
        [InlineData("--env=", null)]
        [InlineData("--target-type", " ")]
        [InlineData("--compare-to", "")]
        [InlineData("--config", "")]
        public void An_empty_value_is_a_usage_error(string flag, string? value)
        {
            var args = new[] { "--env", "dev", "--target-type", "run", "--target-id", "run-1004", "--window-start", Run.SampleStart, "--window-end", Run.SampleEnd }.ToList();
            var at = args.IndexOf(flag.TrimEnd('='));
            if (at >= 0)
            {
                args.RemoveRange(at, 2);
            }

            args.Add(flag);
            if (value is not null)
            {
                args.Add(value);
            }

            var r = CliHarness.Run(args.ToArray());
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("needs a value; it was empty", r.Stderr, StringComparison.Ordinal);
        }

        /// <summary>A copy of the sample configuration and telemetry (the files, not links to them).</summary>
        private string SampleCopy(string name)
        {
            var root = Path.Combine(_dir, name);
            Copy(Path.Combine(Repo.Root, "samples", "telemetry"), Path.Combine(root, "telemetry"));
            File.Copy(Repo.SampleConfig, Path.Combine(root, "chartly-profiler.yaml"));
            return root;
        }

        private static void Copy(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var f in Directory.GetFiles(from))
            {
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
            }

            foreach (var d in Directory.GetDirectories(from))
            {
                Copy(d, Path.Combine(to, Path.GetFileName(d)));
            }
        }
    }
}
