using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// A test that needs the real <c>prometheus</c> and <c>promtool</c> binaries (Debian package
    /// <c>prometheus</c>, installed by .ci/run). Without them it is skipped on a developer machine,
    /// and fails with a clear message in CI (CI=true): it never passes silently.
    /// </summary>
    public sealed class PrometheusFactAttribute : FactAttribute
    {
        public PrometheusFactAttribute()
        {
            if (PrometheusServer.MissingBinaries() is { } missing && !PrometheusServer.InCi)
            {
                Skip = $"{missing} not found on PATH (apt-get install prometheus); this test fails instead of skipping when CI=true";
            }
        }
    }

    /// <summary>A theory that needs the real binaries, skipped or failed as <see cref="PrometheusFactAttribute"/>.</summary>
    public sealed class PrometheusTheoryAttribute : TheoryAttribute
    {
        public PrometheusTheoryAttribute()
        {
            if (PrometheusServer.MissingBinaries() is { } missing && !PrometheusServer.InCi)
            {
                Skip = $"{missing} not found on PATH (apt-get install prometheus); this test fails instead of skipping when CI=true";
            }
        }
    }

    /// <summary>
    /// A real Prometheus (2.42, Debian) on 127.0.0.1 at a free port, serving the sample metrics:
    /// <c>tests/fixtures/prometheus/samples.om</c> (written from samples/telemetry by
    /// <c>TelemetryGen openmetrics</c>) backfilled with <c>promtool tsdb create-blocks-from
    /// openmetrics</c>, a configuration that scrapes nothing, retention long enough for the
    /// samples' 2026 timestamps. One server per test class (an xunit class fixture); the process
    /// this fixture started is the only one it stops.
    /// </summary>
    public sealed class PrometheusServer : IDisposable
    {
        private readonly Process? _process;
        private readonly string _dir;

        /// <param name="openMetrics">The OpenMetrics text to backfill; the sample metrics when null.</param>
        public PrometheusServer(string? openMetrics = null)
        {
            var missing = MissingBinaries();
            if (missing is not null)
            {
                // Constructed only by tests that run: in CI that means a missing install step.
                throw new InvalidOperationException($"{missing} is not installed: the Prometheus source tests need the Debian package 'prometheus' (apt-get install -y prometheus), which .ci/run installs.");
            }

            _dir = Path.Combine(Path.GetTempPath(), "chartly-prom-" + Guid.NewGuid().ToString("N"));
            var data = Path.Combine(_dir, "data");
            Directory.CreateDirectory(data);
            var fixture = Path.Combine(Repo.Root, "tests", "fixtures", "prometheus");
            var source = Path.Combine(fixture, "samples.om");
            if (openMetrics is not null)
            {
                source = Path.Combine(_dir, "backfill.om");
                File.WriteAllText(source, openMetrics);
            }

            RunToEnd("promtool", "tsdb", "create-blocks-from", "openmetrics", source, data);

            Port = LoopbackServer.FreePort();
            var start = new ProcessStartInfo("prometheus")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in new[]
            {
                "--config.file=" + Path.Combine(fixture, "prometheus.yml"),
                "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=3650d",
                "--web.listen-address=127.0.0.1:" + Port,
            })
            {
                start.ArgumentList.Add(a);
            }

            _process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            WaitReady();
        }

        public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        public int Port { get; }

        public Uri Url => new("http://127.0.0.1:" + Port + "/");

        /// <summary>The binary that is missing, or null when both are there.</summary>
        public static string? MissingBinaries()
        {
            foreach (var name in new[] { "prometheus", "promtool" })
            {
                var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                    .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                    .Any(d => File.Exists(Path.Combine(d, name)));
                if (!found)
                {
                    return name;
                }
            }

            return null;
        }

        public void Dispose()
        {
            if (_process is not null)
            {
                try
                {
                    if (!_process.HasExited)
                    {
                        _process.Kill();
                        _process.WaitForExit(10_000);
                    }
                }
                catch (InvalidOperationException)
                {
                }

                _process.Dispose();
            }

            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private void WaitReady()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            for (var i = 0; i < 300; i++)
            {
                if (_process!.HasExited)
                {
                    throw new InvalidOperationException("prometheus exited with code " + _process.ExitCode + " before it was ready");
                }

                try
                {
                    if (http.GetAsync(new Uri(Url, "-/ready")).GetAwaiter().GetResult().IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (System.Threading.Tasks.TaskCanceledException)
                {
                }

                Thread.Sleep(200);
            }

            throw new InvalidOperationException("prometheus was not ready within a minute");
        }

        private static void RunToEnd(string file, params string[] args)
        {
            var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var p = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException(file + " failed with exit code " + p.ExitCode + ": " + stderr.GetAwaiter().GetResult());
            }
        }
    }
}
