using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.AzureDataExplorer;
using Chartly.Profiler.Sources.AzureMonitorLogs;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Targets with more roots than the budget (docs/sources.md): the root statistics come from the
    /// backend over every root and equal the files' own; the breakdown is that of the traces the
    /// SHA-256 rule picks, the same bytes every time; truncation never yields a partial breakdown.
    /// The fakes evaluate the statistics query and the sample predicate from the text the client
    /// sent (tests/unit/Sources/RootStatistics.cs).
    /// </summary>
    public sealed class RootSamplingTests
    {
        private static readonly Lazy<List<SampleSpan>> Spans = new(() => SampleSpans.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry")));

        private static readonly Lazy<List<AppRow>> Rows = new(() => AppInsightsRows.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry")));

        private const string Workspace = "5f2b7a3c-1d4e-4f60-9a8b-7c6d5e4f3a2b";

        private static HttpTuning Fast() => new(null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), null);

        private static ProfilerException Invalid(string why) => new(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why);

        private static ProfilerConfig Adx(Uri cluster, string extra) => ConfigLoader.Parse(
            "environments:\n  dev:\n    sources:\n      - type: azure-data-explorer\n        cluster: " + cluster.ToString().TrimEnd('/') + "\n        max-retries: 0\n" + extra,
            Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static ProfilerConfig Logs(Uri endpoint, string extra) => ConfigLoader.Parse(
            "environments:\n  dev:\n    sources:\n      - type: azure-monitor-logs\n        workspace-id: " + Workspace + "\n        endpoint: " + endpoint.ToString().TrimEnd('/') + "\n        max-retries: 0\n" + extra,
            Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));

        private static Profile FromAdx(LoopbackServer server, string type, string id, string extra = "", int answerRows = KustoPassLimits.MaxAnswerRows, string precision = "ms") =>
            new ProfileEngine(c =>
            {
                var s = AdxSettings.Parse(c.Settings, Invalid);
                return new AzureDataExplorerSource(s with { Passes = s.Passes with { AnswerRows = answerRows } }, () => new FakeCredential(), Fast());
            }).Run(Run.Request(type, id, precision: precision), Adx(server.BaseUri, extra));

        private static Profile FromLogs(LoopbackServer server, string type, string id, string extra = "") =>
            new ProfileEngine(c => new AzureMonitorLogsSource(LogsSettings.Parse(c.Settings, Invalid), () => new FakeCredential(), Fast()))
                .Run(Run.Request(type, id), Logs(server.BaseUri, extra));

        private static string Json(Profile p) => ProfileDocument.Write(p, DocumentFormat.Json);

        /// <summary>The traces the rule keeps for a budget, computed here from the files' own roots.</summary>
        private static HashSet<string> Kept(IEnumerable<string> traces, int budget)
        {
            var all = traces.Distinct(StringComparer.Ordinal).ToList();
            var threshold = (long)((1L << 32) * (decimal)budget / all.Count);
            return new HashSet<string>(all.Where(t => RootStatistics.Bucket(t) < threshold), StringComparer.Ordinal);
        }

        private static List<string> RootTraces(string type, string id)
        {
            var traces = new List<string>();
            new ProfileEngine { RootAnalysed = (tree, _, _) => traces.Add(tree.TraceId.ToString()) }.Run(Run.Request(type, id), ConfigLoader.Load(Repo.SampleConfig));
            return traces;
        }

        [Theory]
        [InlineData("service", "chartly-workflow-engine", 4)]
        [InlineData("workflow", "wf-daily-report", 3)]
        public void Over_the_budget_the_statistics_are_every_roots_and_the_breakdown_is_the_sampled_traces(string type, string id, int budget)
        {
            var files = Run.Sample(type, id);
            Assert.True(files.DataQuality.TracesSelected > budget, "the target must be over the budget for this test");
            var kept = Kept(RootTraces(type, id), budget);
            Assert.NotEmpty(kept);

            var fake = new FakeDataExplorer(Spans.Value);
            Profile sampled;
            using (var server = new LoopbackServer(fake.Answer))
            {
                sampled = FromAdx(server, type, id, "        root-budget: " + budget + "\n");
            }

            // Every root's statistics, from the backend: the files' exactly.
            var (f, s) = (files.Summary.Roots, sampled.Summary.Roots);
            Assert.Equal((f.Count, f.P50Ms, f.P95Ms, f.MaxMs), (s.Count, s.P50Ms, s.P95Ms, s.MaxMs));
            Assert.Equal(files.DataQuality.TracesSelected, sampled.DataQuality.TracesInTarget);
            Assert.Equal(kept.Count, sampled.DataQuality.TracesSampled);
            Assert.Equal(kept.Count, sampled.DataQuality.TracesSelected);

            // The breakdown is that of the kept traces alone, as an unsampled profile of only them gives it.
            var only = new FakeDataExplorer(Spans.Value.Where(x => kept.Contains(x.TraceId)).ToList());
            using (var server = new LoopbackServer(only.Answer))
            {
                var subset = FromAdx(server, type, id);
                Assert.Equal(subset.Breakdown, sampled.Breakdown);
                Assert.Equal(subset.Summary.TotalDurationMs, sampled.Summary.TotalDurationMs);
                Assert.Equal(subset.Summary.Roots.SamplesMs, sampled.Summary.Roots.SamplesMs);
                Assert.Null(subset.DataQuality.TracesSampled);
            }

            // The queries: pass 1 capped at budget + 1, the statistics, pass 1 of the sample, pass 2.
            Assert.EndsWith("| take " + (budget + 1) + "\n", fake.Queries[0], StringComparison.Ordinal);
            Assert.StartsWith("let matching = OTELTraces\n", fake.Queries[1], StringComparison.Ordinal);
            Assert.Contains("| where isempty(Environment) or Environment == @\"dev\"\n", fake.Queries[1], StringComparison.Ordinal);
            Assert.StartsWith("let matching = OTELTraces\n", fake.Queries[2], StringComparison.Ordinal);
            Assert.Matches("\n\\| where strcmp\\(substring\\(hash_sha256\\(tolower\\(TraceID\\)\\), 0, 8\\), \"[0-9a-f]{8}\"\\) < 0\n\\| where isempty\\(Environment\\) or Environment == @\"dev\"\n\\| join kind=leftanti \\(matching \\| project TraceID, ParentKey = SpanID\\) on \\$left\\.TraceID == \\$right\\.TraceID, \\$left\\.ParentID == \\$right\\.ParentKey\n$", fake.Queries[2]);
            Assert.All(fake.Queries.Skip(3), q => Assert.Contains("| where TraceID in~ (", q, StringComparison.Ordinal));

            var finding = Assert.Single(sampled.Findings, x => x.Id == "critical-path.sample");
            Assert.Equal(1, sampled.Findings.ToList().FindIndex(x => x.Id == "critical-path.sample"));
            Assert.Contains($"sample of {kept.Count} of the {files.DataQuality.TracesSelected} traces", finding.Text, StringComparison.Ordinal);
            Assert.Contains(finding.Metrics, m => m.Metric == "data_quality.traces_in_target" && m.Value == files.DataQuality.TracesSelected);
        }

        [Fact]
        public void A_nested_match_and_a_root_of_another_environment_are_not_roots_in_the_backends_statistics_either()
        {
            const string type = "service", id = "chartly-workflow-engine";
            var root = Spans.Value.First(x => x.Kind == 2 && x.Resource.TryGetValue("service.name", out var n) && n == id && x.ParentSpanId.Length == 0);
            var nested = root with { SpanId = "00000000000000aa", ParentSpanId = root.SpanId, StartUnixNano = root.StartUnixNano + 1_000_000, EndUnixNano = root.EndUnixNano - 1_000_000 };
            var prod = new Dictionary<string, string>(root.Resource) { ["deployment.environment.name"] = "prod" };
            var elsewhere = root with { TraceId = "ffffffffffffffffffffffffffffff01", Resource = prod, EndUnixNano = root.EndUnixNano + 3_600_000_000_000 };
            var fake = new FakeDataExplorer(Spans.Value.Append(nested).Append(elsewhere).ToList());
            using var server = new LoopbackServer(fake.Answer);
            var sampled = FromAdx(server, type, id, "        root-budget: 4\n");
            var files = Run.Sample(type, id);
            Assert.Equal((files.Summary.Roots.Count, files.Summary.Roots.P50Ms, files.Summary.Roots.P95Ms, files.Summary.Roots.MaxMs), (sampled.Summary.Roots.Count, sampled.Summary.Roots.P50Ms, sampled.Summary.Roots.P95Ms, sampled.Summary.Roots.MaxMs));
            Assert.Equal(files.DataQuality.TracesSelected, sampled.DataQuality.TracesInTarget);
        }

        [Theory]
        [InlineData("run", "run-dup-1")]
        [InlineData("service", "chartly-analytics")]
        public void An_ambiguous_target_fails_as_with_files_even_when_the_sample_holds_one_of_its_ids(string type, string id)
        {
            var files = Run.Fails(() => Run.Sample(type, id));
            Assert.Equal("TargetAmbiguous", files.ErrorId);

            var fake = new FakeDataExplorer(Spans.Value);
            using (var server = new LoopbackServer(fake.Answer))
            {
                var e = Run.Fails(() => FromAdx(server, type, id, "        root-budget: 1\n"));
                Assert.Equal((files.ErrorId, files.Message), (e.ErrorId, e.Message));
                Assert.Contains(fake.Queries, q => q.Contains("\nlet keys = inwindow | summarize by Key = ", StringComparison.Ordinal));
                Assert.DoesNotContain(fake.Queries, q => q.Contains("hash_sha256", StringComparison.Ordinal) && !RootStatistics.IsStatistics(q));
            }

            var logs = new FakeLogAnalytics(Rows.Value);
            using (var server = new LoopbackServer(logs.Answer))
            {
                var e = Run.Fails(() => FromLogs(server, type, id, "        root-budget: 1\n"));
                Assert.Equal((files.ErrorId, files.Message), (e.ErrorId, e.Message));
            }
        }

        [Fact]
        public void The_sampled_profile_is_the_same_bytes_every_time_and_names_the_new_keys()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var first = Json(FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: 4\n"));
            var second = Json(FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: 4\n"));
            Assert.Equal(first, second);
            Assert.Matches("\"source_partial_errors\": 0,\\s+\"traces_sampled\": [0-9]+,\\s+\"traces_in_target\": [0-9]+\\s+}", first);
            Assert.Contains("within ", first, StringComparison.Ordinal);

            global::Chartly.Profiler.Tests.Governance.OutputSchemaStabilityTests.AssertValid(ProfileDocumentReader.Read(first));

            // A saved sampled document reads back with its keys.
            var read = ProfileDocumentReader.Read(first);
            Assert.NotNull(read.DataQuality.TracesSampled);
            Assert.Equal(first, Json(read));
        }

        [Fact]
        public void Below_the_budget_nothing_is_sampled_and_the_document_has_no_sampling_keys()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var profile = FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: " + Run.Sample("service", "chartly-workflow-engine").DataQuality.TracesSelected * 4 + "\n");
            Assert.Null(profile.DataQuality.TracesSampled);
            Assert.DoesNotContain("traces_sampled", Json(profile), StringComparison.Ordinal);
            Assert.DoesNotContain(fake.Queries, q => q.StartsWith("let matching", StringComparison.Ordinal) || q.Contains("hash_sha256", StringComparison.Ordinal));
            Assert.DoesNotContain(profile.Findings, x => x.Id == "critical-path.sample");
            Assert.Equal(Run.Sample("service", "chartly-workflow-engine").Breakdown, profile.Breakdown);
        }

        [Fact]
        public void At_seconds_precision_the_backend_rounds_to_seconds_as_the_engine_does()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var sampled = FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: 4\n", precision: "s");
            var files = Run.Sample("service", "chartly-workflow-engine", precision: "s");
            Assert.Equal((files.Summary.Roots.Count, files.Summary.Roots.P50Ms, files.Summary.Roots.P95Ms, files.Summary.Roots.MaxMs), (sampled.Summary.Roots.Count, sampled.Summary.Roots.P50Ms, sampled.Summary.Roots.P95Ms, sampled.Summary.Roots.MaxMs));
            Assert.Contains(" + 500000000) / 1000000000 * 1000;\n", fake.Queries[1], StringComparison.Ordinal);
        }

        [Fact]
        public void Log_analytics_samples_by_operation_id_with_the_same_rule()
        {
            const string type = "service", id = "chartly-workflow-engine";
            const int budget = 4;
            var files = Run.Sample(type, id);
            var kept = Kept(RootTraces(type, id), budget);
            var fake = new FakeLogAnalytics(Rows.Value);
            Profile sampled;
            using (var server = new LoopbackServer(fake.Answer))
            {
                sampled = FromLogs(server, type, id, "        root-budget: " + budget + "\n");
            }

            var (f, s) = (files.Summary.Roots, sampled.Summary.Roots);
            Assert.Equal((f.Count, f.P50Ms, f.P95Ms, f.MaxMs), (s.Count, s.P50Ms, s.P95Ms, s.MaxMs));
            Assert.Equal(files.DataQuality.TracesSelected, sampled.DataQuality.TracesInTarget);
            Assert.Equal(kept.Count, sampled.DataQuality.TracesSampled);
            Assert.Contains("hash_sha256(tolower(OperationId))", fake.Queries[2], StringComparison.Ordinal);
            Assert.Contains("| extend RootMs = (tolong(floor(DurationMs * 1000000.0 + 0.5)) + 500000) / 1000000;\n", fake.Queries[1], StringComparison.Ordinal);

            var only = new FakeLogAnalytics(Rows.Value.Where(r => kept.Contains(r.OperationId)).ToList());
            using (var server = new LoopbackServer(only.Answer))
            {
                Assert.Equal(FromLogs(server, type, id).Breakdown, sampled.Breakdown);
            }
        }

        [Fact]
        public void A_truncated_sample_is_asked_again_smaller_never_used()
        {
            // A backend that cuts the sample's pass 1 at 3 rows: the sample is asked for again, half as large, until it fits.
            var fake = new FakeDataExplorer(Spans.Value);
            var gate = new object();
            using var server = new LoopbackServer(r =>
            {
                lock (gate)
                {
                    var csl = System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("csl").GetString()!;
                    fake.MaxRows = csl.Contains("hash_sha256", StringComparison.Ordinal) && !RootStatistics.IsStatistics(csl) ? 3 : int.MaxValue;
                    return fake.Answer(r);
                }
            });
            var profile = FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: 4\n");
            var samples = fake.Queries.Where(q => q.Contains("hash_sha256", StringComparison.Ordinal) && !RootStatistics.IsStatistics(q)).ToList();
            Assert.True(samples.Count >= 2, "the first sample must have been cut");
            var thresholds = samples.Select(q => Convert.ToInt64(Regex.Match(q, "\"([0-9a-f]{8})\"").Groups[1].Value, 16)).ToList();
            for (var i = 1; i < thresholds.Count; i++)
            {
                Assert.Equal(thresholds[i - 1] / 2, thresholds[i]);
            }

            Assert.Equal(0, profile.DataQuality.SourcePartialErrors);
            Assert.Equal(Run.Sample("service", "chartly-workflow-engine").Summary.Roots.Count, profile.Summary.Roots.Count);
            Assert.True(profile.DataQuality.TracesSampled <= 3);
            Assert.DoesNotContain(profile.Findings, x => x.Id == "data-quality.skipped-input");
        }

        [Fact]
        public void A_sampled_profile_is_compared_per_analysed_root_and_the_report_says_it_is_a_sample()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            using var server = new LoopbackServer(fake.Answer);
            var sampled = FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: 4\n");
            var files = Run.Sample("service", "chartly-workflow-engine");
            var analysed = sampled.Summary.Roots.Versions.Sum(v => v.Count);
            Assert.Equal(sampled.DataQuality.TracesSampled, analysed);
            Assert.Equal(analysed, sampled.RootsAnalysed);
            Assert.Equal(files.Summary.Roots.Count, files.RootsAnalysed);

            // The change per root is the sample's mean against the baseline's, not the sample's sum over every root.
            var compared = global::Chartly.Profiler.Regression.ProfileComparer.Compare(sampled, files, global::Chartly.Profiler.Regression.BaselineKind.Profile).Comparison!;
            Assert.Equal(analysed, compared.CurrentRoots);
            var (tc, tb, nb) = ((decimal)sampled.Summary.TotalDurationMs, (decimal)files.Summary.TotalDurationMs, (decimal)files.Summary.Roots.Count);
            Assert.Equal(Apportion.Percent((tc * nb) - (tb * analysed), tb * analysed), compared.DeltaMeanPct);

            Assert.Contains($"over {analysed} sampled of {files.Summary.Roots.Count} roots", ProfileDocument.Write(sampled, DocumentFormat.Text), StringComparison.Ordinal);
        }

        [Fact]
        public void A_threshold_that_keeps_no_trace_is_doubled_until_one_is_kept()
        {
            // Eight one-span traces of a service whose ids all lie at or above the first threshold (2^32 / 8).
            var start = Run.Request("service", "sampler").Window.StartUnixNano;
            var resource = new Dictionary<string, string> { ["service.name"] = "sampler", ["deployment.environment.name"] = "dev" };
            var traces = Enumerable.Range(1, 4096).Select(i => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture))
                .Where(t => RootStatistics.Bucket(t) >= (1L << 32) / 8).Take(8).ToList();
            var spans = traces.Select((t, i) => new SampleSpan(t, "00000000000000a" + i, string.Empty, "GET /", 2, 0, start + (i * 1_000_000_000L), start + (i * 1_000_000_000L) + 5_000_000, resource, new Dictionary<string, string>())).ToList();

            var fake = new FakeDataExplorer(spans);
            using var server = new LoopbackServer(fake.Answer);
            var profile = FromAdx(server, "service", "sampler", "        root-budget: 1\n");
            var thresholds = fake.Queries.Where(q => q.Contains("hash_sha256", StringComparison.Ordinal) && !RootStatistics.IsStatistics(q))
                .Select(q => Convert.ToInt64(Regex.Match(q, "\"([0-9a-f]{8})\"").Groups[1].Value, 16)).ToList();
            var first = (1L << 32) / 8;
            Assert.Equal(first, thresholds[0]);
            for (var i = 1; i < thresholds.Count; i++)
            {
                Assert.Equal(thresholds[i - 1] * 2, thresholds[i]);
            }

            // The last threshold is the first that keeps a trace: the sample is exactly the traces under it.
            Assert.True(thresholds.Count > 1);
            var kept = traces.Count(t => RootStatistics.Bucket(t) < thresholds[^1]);
            Assert.True(kept > 0);
            Assert.Equal(0, traces.Count(t => RootStatistics.Bucket(t) < thresholds[^2]));
            Assert.Equal(kept, profile.DataQuality.TracesSampled);
            Assert.Equal(8, profile.Summary.Roots.Count);
        }

        [Fact]
        public void Root_statistics_with_errors_are_never_used()
        {
            var fake = new FakeDataExplorer(Spans.Value) { CompletionError = "Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION)" };
            using var server = new LoopbackServer(fake.Answer);
            var e = Run.Fails(() => FromAdx(server, "service", "chartly-workflow-engine", "        root-budget: 4\n"));
            Assert.Equal((3, "SourcePartialResult"), (e.ExitCode, e.ErrorId));
            Assert.True(RootStatistics.IsStatistics(fake.Queries[^1]));
        }

        [Fact]
        public void Pass_two_sizes_its_batches_from_the_answers_and_a_trace_too_large_for_one_answer_is_exit_3()
        {
            // Aim under 10 rows per answer: after the first answer the batches shrink to what fits.
            var fake = new FakeDataExplorer(Spans.Value);
            using (var server = new LoopbackServer(fake.Answer))
            {
                var profile = FromAdx(server, "service", "chartly-workflow-engine", "        traces-per-query: 4\n", answerRows: 10);
                Assert.Equal(Run.Sample("service", "chartly-workflow-engine").Breakdown, profile.Breakdown);
                var batches = fake.Queries.Where(q => q.Contains("TraceID in~", StringComparison.Ordinal)).Select(q => Regex.Matches(q, "\"[0-9a-f]{32}\"").Count).ToList();
                Assert.True(batches.Count > 1);
                Assert.True(batches.Skip(1).All(b => b < batches[0]), "later batches are sized from the first answer: " + string.Join(",", batches));
            }

            // A backend that cuts every answer over 3 rows: a trace with more spans cannot be loaded whole.
            var cutting = new FakeDataExplorer(Spans.Value) { MaxRows = 3 };
            using (var server = new LoopbackServer(cutting.Answer))
            {
                var e = Run.Fails(() => FromAdx(server, "run", "run-1004"));
                Assert.Equal(3, e.ExitCode);
                Assert.Equal("SourceResultTruncated", e.ErrorId);
                Assert.Contains("narrow the window", e.Message, StringComparison.Ordinal);
            }
        }
    }
}
