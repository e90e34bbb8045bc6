using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Sources.AzureDataExplorer;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Answers a cluster should not give but may: the sample spans' answers rewritten on their way
    /// out (a column the query did not project, a completion that lists errors without raising
    /// its flag, a bag that is an array, a time without a zone). Each is counted or refused as
    /// docs/sources.md says; the metric rows' own cases are in <see cref="AdxMetricsTests"/>.
    /// </summary>
    public sealed class AdxBadInputTests
    {
        private static readonly Lazy<List<SampleSpan>> Spans = new(() => SampleSpans.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry")));

        private static Profile Profile(Func<RecordedRequest, CannedResponse> answer, string type = "run", string id = "run-1004")
        {
            using var server = new LoopbackServer(answer);
            var yaml = "environments:\n  dev:\n    sources:\n      - type: azure-data-explorer\n        cluster: " + server.BaseUri.ToString().TrimEnd('/') + "\n        max-retries: 0\n";
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var tuning = new HttpTuning(null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), null);
            return new ProfileEngine(c => new AzureDataExplorerSource((AdxSettings)c.Typed!, () => new FakeCredential(), tuning)).Run(Run.Request(type, id), config);
        }

        /// <summary>The fake's answer with its frames rewritten (span queries only; the metric query is answered as it is).</summary>
        private static Func<RecordedRequest, CannedResponse> Rewritten(FakeDataExplorer fake, Action<JsonArray> rewrite) => r =>
        {
            var answer = fake.Answer(r);
            if (answer.Status != 200 || r.Body.Contains("OTELMetrics", StringComparison.Ordinal))
            {
                return answer;
            }

            var frames = JsonNode.Parse(answer.Body)!.AsArray();
            rewrite(frames);
            return CannedResponse.Json(200, frames.ToJsonString());
        };

        private static JsonObject Primary(JsonArray frames) =>
            frames.Select(f => f!.AsObject()).Single(f => (string?)f["FrameType"] == "DataTable" && (string?)f["TableKind"] == "PrimaryResult");

        [Fact]
        public void A_column_the_query_did_not_project_is_not_read()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            var profile = Profile(Rewritten(fake, frames =>
            {
                var table = Primary(frames);
                table["Columns"]!.AsArray().Insert(0, new JsonObject { ["ColumnName"] = "Unexpected", ["ColumnType"] = "dynamic" });
                foreach (var row in table["Rows"]!.AsArray())
                {
                    row!.AsArray().Insert(0, new JsonArray(1, 2));
                }
            }));
            var files = Run.Sample("run", "run-1004");
            Assert.Equal(files.Breakdown, profile.Breakdown);
            Assert.Equal(files.Summary.TotalDurationMs, profile.Summary.TotalDurationMs);
            Assert.Equal(0, profile.DataQuality.InvalidSpans);
        }

        [Fact]
        public void A_column_the_query_projects_that_is_missing_is_a_malformed_answer()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            var e = Assert.Throws<ProfilerException>(() => Profile(Rewritten(fake, frames =>
            {
                var table = Primary(frames);
                var at = table["Columns"]!.AsArray().Select((c, i) => ((string?)c!["ColumnName"], i)).Single(x => x.Item1 == "EndTime").i;
                table["Columns"]!.AsArray().RemoveAt(at);
                foreach (var row in table["Rows"]!.AsArray())
                {
                    row!.AsArray().RemoveAt(at);
                }
            })));
            Assert.Equal(4, e.ExitCode);
            Assert.Equal("SourceMalformedResponse", e.ErrorId);
            Assert.Contains("no column 'EndTime'", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_completion_that_lists_errors_without_its_flag_is_still_a_partial_answer()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            var profile = Profile(Rewritten(fake, frames =>
            {
                var completion = frames.Select(f => f!.AsObject()).Single(f => (string?)f["FrameType"] == "DataSetCompletion");
                completion["HasErrors"] = false;
                completion["OneApiErrors"] = new JsonArray(new JsonObject { ["error"] = new JsonObject { ["code"] = "LimitsExceeded", ["message"] = "Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION)" } });
            }));
            Assert.Equal(2, profile.DataQuality.SourcePartialErrors); // pass 1 and pass 2
            Assert.Equal(Run.Sample("run", "run-1004").Breakdown, profile.Breakdown);
        }

        [Fact]
        public void Bags_that_are_not_objects_and_times_without_a_zone_are_invalid_spans()
        {
            var fake = new FakeDataExplorer(Spans.Value);
            var good = FakeDataExplorer.Projected(Spans.Value.First(s => s.Attributes.TryGetValue("chartly.run.id", out var r) && r == "run-1004" && s.ParentSpanId.Length == 0), withTrace: true);
            fake.ExtraRows.Add(new Dictionary<string, string?>(good) { ["SpanID"] = "00000000000000a1", ["AttributesType"] = "array" });
            fake.ExtraRows.Add(new Dictionary<string, string?>(good) { ["SpanID"] = "00000000000000a2", ["EndTime"] = good["EndTime"]!.TrimEnd('Z') });
            fake.ExtraRows.Add(new Dictionary<string, string?>(good) { ["SpanID"] = "00000000000000a3", ["StartTime"] = good["StartTime"]!.TrimEnd('Z') + "+01:00" });
            var profile = Profile(fake.Answer);
            Assert.Equal(6, profile.DataQuality.InvalidSpans); // three rows, in pass 1 and in pass 2
            Assert.Equal(Run.Sample("run", "run-1004").Breakdown, profile.Breakdown);
        }
    }
}
