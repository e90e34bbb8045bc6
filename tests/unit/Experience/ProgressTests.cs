using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Cmdlets;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>What -Verbose and Write-Progress tell while a profile reads, and how a read stops.</summary>
    public class ProgressTests
    {
        [Fact]
        public void TheEngineReportsEveryFileOfEveryPassWithBytes()
        {
            var events = new List<ProfileProgress>();
            var engine = new ProfileEngine { Progress = events.Add };
            engine.Run(Run.Request("run", "run-1004"), ConfigLoader.Load(Repo.SampleConfig));

            var files = new OtlpFileSource(new[] { Path.Combine(Repo.Root, "samples", "telemetry") }, "t").ListFiles();
            var activities = events.Select(e => e.Activity).Distinct().ToList();
            Assert.Equal("Finding target roots", activities[0]);
            Assert.Contains("Loading traces", activities);
            foreach (var activity in activities)
            {
                // Each pass: one event before each file it reads, in ordinal order, then one at the end.
                var pass = events.Where(e => e.Activity == activity).ToList();
                var read = pass.Take(pass.Count - 1).Select(e => e.Current!).ToList();
                Assert.Equal(read.OrderBy(f => f, StringComparer.Ordinal), read);
                Assert.All(read, f => Assert.Contains(f, files));
                var total = read.Sum(f => new FileInfo(f).Length);
                Assert.Equal(Enumerable.Range(0, read.Count + 1), pass.Select(e => e.Completed));
                Assert.All(pass, e => Assert.Equal(read.Count, e.Total));
                Assert.All(pass, e => Assert.Equal(total, e.BytesTotal));
                Assert.Equal(0, pass[0].BytesCompleted);
                Assert.Equal(pass.Select(e => e.BytesCompleted).OrderBy(b => b), pass.Select(e => e.BytesCompleted));
                Assert.True(pass[pass.Count - 1].IsComplete);
                Assert.Null(pass[pass.Count - 1].Current);
                Assert.Equal(total, pass[pass.Count - 1].BytesCompleted);
                Assert.Equal(100, pass[pass.Count - 1].PercentComplete);
                Assert.Equal(0, pass[0].PercentComplete);
            }

            // The first pass reads everything: it is where the target's roots are found.
            Assert.Equal(files, events.Where(e => e.Activity == "Finding target roots" && e.Current is not null).Select(e => e.Current));
        }

        [Fact]
        public void ProgressMovesWithinALargeFile()
        {
            // Issue 13, item 13: a file of 20 MB reports every 8 MiB read, after it is announced.
            using var t = new TempTelemetry();
            var lines = new List<string>();
            var pad = new string('p', 900);
            for (var i = 0; i < 13_000; i++)
            {
                var span = new TestSpan(Otlp.Trace(i + 1), Otlp.Span(1), null, "workflow w", 2, i, i + 1, new Dictionary<string, string> { ["chartly.run.id"] = "run-" + i, ["chartly.workflow.id"] = "wf-big", ["pad"] = pad });
                lines.Add(Otlp.Line(Otlp.Resource("engine"), new[] { span }));
            }

            t.Write("traces.json", lines.ToArray());
            var file = Path.Combine(t.TelemetryDir, "traces.json");
            var size = new FileInfo(file).Length;
            Assert.InRange(size, 16L * 1024 * 1024, 24L * 1024 * 1024);

            var events = new List<ProfileProgress>();
            var engine = new ProfileEngine { Progress = events.Add };
            engine.Run(Run.Request("run", "run-7"), ConfigLoader.Load(t.ConfigPath));

            var first = events.Where(e => e.Activity == "Finding target roots").ToList();
            Assert.Equal(new[] { false, true, true, false }, first.Select(e => e.WithinFile));
            Assert.Equal(new[] { 0L, 8L << 20, 16L << 20, size }, first.Select(e => e.BytesCompleted));
            Assert.All(first.Where(e => e.WithinFile), e => Assert.Equal(file, e.Current));
            Assert.Equal(first.Select(e => e.PercentComplete).OrderBy(p => p), first.Select(e => e.PercentComplete));
            Assert.All(first.Where(e => e.WithinFile), e => Assert.InRange(e.PercentComplete, 1, 99));
        }

        [Fact]
        public void VerboseNamesTheConfigurationAndEveryFileRead()
        {
            using var s = new Session();
            var r = s.Run("Get-ChartlyProfile -ConfigPath samples/chartly-profiler.yaml -Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -Verbose");
            Assert.Empty(r.Errors);
            Assert.Single(r.Output);
            Assert.Contains(r.Verbose, v => v.StartsWith("Reading configuration", StringComparison.Ordinal) && v.Contains("chartly-profiler.yaml"));
            var traces = Path.Combine(Repo.Root, "samples", "telemetry", "traces.json");
            Assert.Contains(r.Verbose, v => v.StartsWith("Reading " + traces + " (file 5 of 5, ", StringComparison.Ordinal));

            // Pass 1 finds the roots in every file, pass 2 loads their traces from the files holding spans.
            Assert.Equal(2, r.Verbose.Count(v => v.StartsWith("Reading " + traces + " (", StringComparison.Ordinal)));
        }

        [Fact]
        public void ProgressRecordsShowFilesAndBytesAndEndCompleted()
        {
            using var s = new Session();
            var r = s.Run("Get-ChartlyProfile -ConfigPath samples/chartly-profiler.yaml -Environment dev -TargetType run -TargetId run-1004 -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z");
            Assert.Empty(r.Errors);
            Assert.NotEmpty(r.Progress);
            Assert.All(r.Progress, p => Assert.Equal("Chartly profile run run-1004 (dev)", p.Activity));
            Assert.Contains(r.Progress, p => p.StatusDescription.StartsWith("Finding target roots: 1 of 5 files, 0 B of ", StringComparison.Ordinal) && p.CurrentOperation == "metrics.json");
            Assert.Contains(r.Progress, p => p.StatusDescription.StartsWith("Loading traces: ", StringComparison.Ordinal) && p.CurrentOperation == "traces.json");
            Assert.Equal(ProgressRecordType.Completed, r.Progress[r.Progress.Count - 1].RecordType);

            // Each pass ends its bar: as many Completed records as passes.
            var passes = r.Progress.Select(p => p.StatusDescription.Split(':')[0]).Distinct().Count();
            Assert.True(passes >= 2);
            Assert.Equal(passes, r.Progress.Count(p => p.RecordType == ProgressRecordType.Completed));
            Assert.All(r.Progress.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.InRange(p.PercentComplete, 0, 99));
        }

        [Theory]
        [InlineData(new[] { "/usr/bin/pwsh", "-NoProfile", "-NonInteractive", "-File", "x.ps1" }, true)]
        [InlineData(new[] { "pwsh.dll", "-noni", "-c", "Get-ChartlyProfile" }, true)]
        [InlineData(new[] { "pwsh", "/NonInteractive" }, true)]
        [InlineData(new[] { "pwsh", "--noninteractive" }, true)]
        [InlineData(new[] { "pwsh", "-NoProfile" }, false)]
        [InlineData(new[] { "pwsh", "-nologo", "-non" }, false)]
        [InlineData(new[] { "pwsh", "-File", "x.ps1", "-NonInteractive" }, false)]
        [InlineData(new[] { "testhost.dll", "--port", "1234" }, false)]
        public void NonInteractiveProcessesAreRecognisedFromTheirCommandLine(string[] args, bool expected)
        {
            Assert.Equal(expected, ProgressText.StartedNonInteractive(args));
        }
    }
}
