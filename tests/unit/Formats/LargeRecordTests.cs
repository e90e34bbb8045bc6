using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>
    /// Issue 18, item 10: records of many megabytes read on every core. Large record buffers are
    /// taken behind one gate per parallel read, so at most two are in memory whatever the core count;
    /// the profile is the same as one reader's.
    /// </summary>
    public sealed class LargeRecordTests
    {
        /// <summary>A run whose root carries a 12 MB attribute: one line larger than any pooled buffer.</summary>
        private static string HugeLine(int trace)
        {
            var root = new TestSpan(
                Otlp.Trace(trace), Otlp.Span(1), null, "workflow big", 2, trace * 1000L, trace * 1000L + 500,
                new Dictionary<string, string> { ["chartly.run.id"] = "run-big-" + trace, ["chartly.workflow.id"] = "wf-big", ["payload"] = new string('x', 12 * 1024 * 1024) });
            return Otlp.Line(Otlp.Resource("engine"), new[] { root });
        }

        [Fact]
        public void FilesOfHugeRecordsReadInParallelGiveWhatOneReaderGives()
        {
            using var t = new TempTelemetry();
            for (var i = 1; i <= 4; i++)
            {
                t.Write("traces-" + i + ".json", HugeLine(i));
            }

            Assert.True(new FileInfo(Path.Combine(t.TelemetryDir, "traces-1.json")).Length > LargeRecordGate.PooledLimit);
            var many = Run.Profile(t.ConfigPath, "workflow", "wf-big");
            File.WriteAllText(t.ConfigPath, File.ReadAllText(t.ConfigPath) + "        max-parallelism: 1\n");
            var one = Run.Profile(t.ConfigPath, "workflow", "wf-big");

            Assert.Equal(4, many.Summary.Roots.Count);
            Assert.Equal(0, many.DataQuality.MalformedRecords);
            Assert.Equal(Chartly.Profiler.Output.ProfileDocument.Write(one, Chartly.Profiler.Output.DocumentFormat.Json), Chartly.Profiler.Output.ProfileDocument.Write(many, Chartly.Profiler.Output.DocumentFormat.Json));
        }

        [Fact]
        public async System.Threading.Tasks.Task TheGateLetsOnlyItsSlotsThrough()
        {
            using var gate = new LargeRecordGate(1);
            gate.Enter(default);
            var second = System.Threading.Tasks.Task.Run(() => gate.Enter(default));
            Assert.NotSame(second, await System.Threading.Tasks.Task.WhenAny(second, System.Threading.Tasks.Task.Delay(200)));
            gate.Exit();
            Assert.Same(second, await System.Threading.Tasks.Task.WhenAny(second, System.Threading.Tasks.Task.Delay(5000)));
            gate.Exit();
        }
    }
}
