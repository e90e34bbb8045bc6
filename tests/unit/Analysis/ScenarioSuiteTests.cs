using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>
    /// The labelled scenario suite (tests/fixtures/scenarios): runs written with the OpenTelemetry JS
    /// SDK plus receiver-shaped metrics, each with an answer written from what the run means
    /// (expected.json), not from what the engine printed. Per scenario: (a) the bottleneck and its
    /// kind; (b) every value the <c>bottleneck.&lt;kind&gt;</c> finding cites lies on the critical path;
    /// (c) the expected findings and cited values (off-path 429s and queue waits cost 0 ms of it).
    /// </summary>
    public class ScenarioSuiteTests
    {
        private static readonly string Dir = Path.Combine(Repo.Root, "tests", "fixtures", "scenarios");

        private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))));

        private static readonly Lazy<ProfilerConfig> Config = new(() => ConfigLoader.Load(Path.Combine(Dir, Expected.Value.RootElement.GetProperty("config").GetString()!)));

        private static readonly string[] SignalNames = { "cpu_utilization", "memory_utilization", "io_wait", "throttling", "backpressure" };

        public static TheoryData<string> Scenarios()
        {
            var data = new TheoryData<string>();
            foreach (var s in Expected.Value.RootElement.GetProperty("scenarios").EnumerateArray())
            {
                data.Add(s.GetProperty("id").GetString()!);
            }

            return data;
        }

        [Fact]
        public void SuiteCoversEveryKindAndTheTraps()
        {
            var all = Expected.Value.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
            Assert.True(all.Count >= 20, "the suite must hold at least 20 scenarios");
            var kinds = all.Select(s => s.GetProperty("kind").GetString()).Distinct().OrderBy(k => k, StringComparer.Ordinal);
            Assert.Equal(new[] { "cpu", "dependency", "io", "memory", "queueing", "throttling", "unknown" }, kinds);
            Assert.Equal(all.Count, all.Select(s => s.GetProperty("id").GetString()).Distinct().Count());
        }

        [Theory]
        [MemberData(nameof(Scenarios))]
        public void EngineGivesTheLabelledAnswer(string id)
        {
            var s = Expected.Value.RootElement.GetProperty("scenarios").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
            var target = s.GetProperty("target");
            var window = s.GetProperty("window");
            var request = Run.Request(
                target.GetProperty("type").GetString()!,
                target.GetProperty("id").GetString()!,
                window.GetProperty("start").GetString()!,
                window.GetProperty("end").GetString()!,
                env: Expected.Value.RootElement.GetProperty("environment").GetString()!);
            var p = new ProfileEngine().Run(request, Config.Value);
            var bottleneck = s.GetProperty("bottleneck").GetString()!;
            var kind = s.GetProperty("kind").GetString()!;

            // (a) the component and its kind.
            Assert.True(
                p.Summary.Bottleneck == bottleneck && p.Summary.BottleneckKind == kind,
                $"{id}: expected {bottleneck} ({kind}), got {p.Summary.Bottleneck} ({p.Summary.BottleneckKind}).{Describe(p)}");

            // (b) everything the kind's finding cites describes the critical path.
            var finding = p.Findings.SingleOrDefault(f => f.Id == "bottleneck." + kind);
            Assert.True(finding is not null, $"{id}: no finding bottleneck.{kind}.{Describe(p)}");
            foreach (var c in finding!.Metrics)
            {
                Assert.True(
                    OnCriticalPath(c.Metric, bottleneck, kind),
                    $"{id}: bottleneck.{kind} cites {c.Metric} = {Value(c.Value)}, which is not evidence on the critical path.{Describe(p)}");
            }

            // (c) the findings that must be there, and the values they must cite.
            if (s.TryGetProperty("findings_present", out var present))
            {
                foreach (var f in present.EnumerateArray())
                {
                    Assert.True(p.Findings.Any(x => x.Id == f.GetString()), $"{id}: no finding {f.GetString()}.{Describe(p)}");
                }
            }

            if (s.TryGetProperty("citations", out var citations))
            {
                foreach (var c in citations.EnumerateArray())
                {
                    var fid = c.GetProperty("finding").GetString()!;
                    var metric = c.GetProperty("metric").GetString()!;
                    var value = c.GetProperty("value").GetDecimal();
                    var f = p.Findings.FirstOrDefault(x => x.Id == fid);
                    Assert.True(f is not null, $"{id}: no finding {fid} (expected it to cite {metric} = {Value(value)}).{Describe(p)}");
                    var cited = f!.Metrics.FirstOrDefault(m => m.Metric == metric);
                    Assert.True(cited is not null, $"{id}: {fid} does not cite {metric} (expected {Value(value)}).{Describe(p)}");
                    Assert.True(cited!.Value == value, $"{id}: {fid} cites {metric} = {Value(cited.Value)}, expected {Value(value)}.{Describe(p)}");
                }
            }

            CheckDataQuality(id, s, "data_quality_equal", p.DataQuality, (actual, expected) => actual == expected);
            CheckDataQuality(id, s, "data_quality_at_least", p.DataQuality, (actual, expected) => actual >= expected);
        }

        /// <summary>
        /// Evidence on the critical path: the bottleneck component's critical-path figures (and the
        /// what-if re-walks of that path, issue 11), a signal measured while it held the path, or a
        /// span measure restricted to the path (<c>*_on_path</c>). A <c>bottleneck.unknown</c>
        /// finding may also say what was missing (<c>data_quality.*</c>).
        /// </summary>
        private static bool OnCriticalPath(string metric, string bottleneck, string kind)
        {
            var scoped = "{component=\"" + bottleneck + "\"}";
            if ((metric.StartsWith("critical_path.", StringComparison.Ordinal) || metric.StartsWith("what_if.", StringComparison.Ordinal))
                && metric.EndsWith(scoped, StringComparison.Ordinal))
            {
                return true;
            }

            if (kind == "unknown" && metric.StartsWith("data_quality.", StringComparison.Ordinal))
            {
                return true;
            }

            var braces = metric.IndexOf('{');
            var path = (braces < 0 ? metric : metric.Substring(0, braces)).Split('.');
            if (path.Length != 3 || Array.IndexOf(SignalNames, path[0]) < 0)
            {
                return false;
            }

            return path[1].EndsWith("_on_path", StringComparison.Ordinal) || metric.EndsWith(scoped, StringComparison.Ordinal) && braces == metric.Length - scoped.Length;
        }

        private static void CheckDataQuality(string id, JsonElement s, string key, DataQuality dq, Func<long, long, bool> holds)
        {
            if (!s.TryGetProperty(key, out var wanted))
            {
                return;
            }

            foreach (var kv in wanted.EnumerateObject())
            {
                var property = typeof(DataQuality).GetProperty(Pascal(kv.Name));
                Assert.True(property is not null, $"{id}: DataQuality has no {kv.Name}");
                var actual = (long)property!.GetValue(dq)!;
                Assert.True(holds(actual, kv.Value.GetInt64()), $"{id}: data_quality.{kv.Name} = {actual}, expected {key.Substring("data_quality_".Length).Replace('_', ' ')} {kv.Value.GetInt64()}");
            }
        }

        private static string Pascal(string snake) =>
            string.Concat(snake.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1)));

        private static string Value(decimal v) => v.ToString(CultureInfo.InvariantCulture);

        /// <summary>What the engine said, so a failure reads as a diagnosis rather than a bare mismatch.</summary>
        private static string Describe(Profile p)
        {
            var sb = new StringBuilder();
            sb.Append("\n  engine: ").Append(p.Summary.Bottleneck).Append(" (").Append(p.Summary.BottleneckKind).Append(')');
            foreach (var f in p.Findings)
            {
                sb.Append("\n  [").Append(f.Id).Append("] ").Append(f.Text);
                foreach (var m in f.Metrics)
                {
                    sb.Append("\n      ").Append(m.Metric).Append(" = ").Append(Value(m.Value));
                }
            }

            return sb.ToString();
        }
    }
}
