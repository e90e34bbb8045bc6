using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Sources.AzureDataExplorer;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Metrics from the exporter's <c>OTELMetrics</c> table: the sample metrics turned into the
    /// exporter's rows by its documented mapping, served by a loopback cluster that applies the
    /// KQL the source sent. The samples, and the signals of a profile, must be those of the files
    /// wherever the exporter kept what the files hold.
    /// </summary>
    public sealed class AdxMetricsTests
    {
        private static readonly Lazy<List<SampleSpan>> Spans = new(() => SampleSpans.FromOtlpDirectory(SamplesDir));
        private static readonly Lazy<List<ExporterMetricRow>> Rows = new(() => ExporterMetricRows.FromOtlpDirectory(SamplesDir));

        private static string SamplesDir => Path.Combine(Repo.Root, "samples", "telemetry");

        private static readonly MetricResource[] SampleResources =
        {
            new("dev", "chartly-core", "chartly-workflow-engine", "wf-engine-0", "engine", "chartly-node-1"),
            new("dev", "analytics-blue", "chartly-analytics", "analytics-blue-0", "analytics", "chartly-node-1"),
            new("dev", "analytics-green", "chartly-analytics", "analytics-green-0", "analytics", "chartly-node-1"),
            new("dev", "chartly-connectors", "chartly-connectors", "connectors-0", "connectors", "chartly-node-1"),
        };

        private static HttpTuning Fast() => new(null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2), null);

        private static AdxSettings Settings(Uri cluster, string extra = "")
        {
            var yaml = "environments:\n  dev:\n    sources:\n      - type: azure-data-explorer\n        cluster: " + cluster.ToString().TrimEnd('/') + "\n        max-retries: 0\n" + extra;
            return Assert.IsType<AdxSettings>(ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml")).Environments["dev"].Sources[0].Typed);
        }

        private static AzureDataExplorerSource Source(LoopbackServer server, string extra = "") =>
            new(Settings(server.BaseUri, extra), () => new FakeCredential(), Fast());

        private static MetricQuery Query(string start, string end, IReadOnlyList<MetricResource>? resources = null, IReadOnlyList<string>? metrics = null) => new(
            resources ?? SampleResources,
            Chartly.Profiler.Targets.TimeWindow.ParseInstant(start, "s"),
            Chartly.Profiler.Targets.TimeWindow.ParseInstant(end, "e"),
            metrics ?? SignalCatalog.MetricsFor(Array.Empty<string>()),
            MetricQuery.DefaultLookbackNanos);

        private static IReadOnlyList<MetricSample> FromFiles(string dir, MetricQuery query, MetricReadStats? stats = null) =>
            new OtlpFileSource(new[] { dir }, "files").ReadSamples(query, stats ?? new MetricReadStats(), CancellationToken.None);

        private static void SameSamples(IReadOnlyList<MetricSample> expected, IReadOnlyList<MetricSample> actual)
        {
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Select(s => (s.Metric, s.Resource, s.TimeUnixNano, s.IntervalNanos, s.Source)), actual.Select(s => (s.Metric, s.Resource, s.TimeUnixNano, s.IntervalNanos, s.Source)));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(Math.Abs(expected[i].Value - actual[i].Value) <= 1e-12 * Math.Max(1, Math.Abs(expected[i].Value)), $"{expected[i].Metric} at {expected[i].TimeUnixNano}: files {expected[i].Value}, cluster {actual[i].Value}");
            }
        }

        [Fact]
        public void The_samples_from_the_metrics_table_are_the_samples_from_the_same_data_in_files()
        {
            foreach (var (start, end) in new[] { ("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z"), ("2026-11-24T10:30:00Z", "2026-11-24T10:30:07.507Z"), ("2026-11-24T10:29:50Z", "2026-11-24T10:31:10Z") })
            {
                var query = Query(start, end);
                var fileStats = new MetricReadStats();
                var fromFiles = FromFiles(SamplesDir, query, fileStats);
                var fake = new FakeDataExplorerMetrics(Rows.Value);
                using var server = new LoopbackServer(fake.Answer);
                var stats = new MetricReadStats();
                using var source = Source(server);
                SameSamples(fromFiles, source.ReadSamples(query, stats, CancellationToken.None));
                Assert.Equal((fileStats.PointsUsed, fileStats.PointsInvalid, fileStats.SeriesUsed, fileStats.SeriesGaps, fileStats.CounterResets), (stats.PointsUsed, stats.PointsInvalid, stats.SeriesUsed, stats.SeriesGaps, stats.CounterResets));
                Assert.Equal(0, stats.PartialErrors);
                Assert.Single(fake.Queries);
            }
        }

        public static IEnumerable<object[]> Targets() => AzureMonitorLogsSourceTests.Targets();

        [Theory]
        [MemberData(nameof(Targets))]
        public void A_profile_from_the_cluster_has_the_signals_findings_and_bottleneck_kind_of_the_files(string type, string id)
        {
            var metrics = new FakeDataExplorerMetrics(Rows.Value);
            var fake = new FakeDataExplorer(Spans.Value) { Metrics = metrics };
            using var server = new LoopbackServer(fake.Answer);
            var yaml = "environments:\n  dev:\n    sources:\n      - type: azure-data-explorer\n        cluster: " + server.BaseUri.ToString().TrimEnd('/') + "\n";
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var engine = new ProfileEngine(c => new AzureDataExplorerSource((AdxSettings)c.Typed!, () => new FakeCredential(), Fast()));
            var fromCluster = Parts(engine.Run(Run.Request(type, id), config));
            var fromFiles = Parts(Run.Sample(type, id));
            foreach (var part in new[] { "summary", "breakdown", "signals", "findings", "scaling" })
            {
                Assert.Equal(fromFiles[part], fromCluster[part]);
            }

            using var fq = JsonDocument.Parse(fromFiles["data_quality"]);
            using var cq = JsonDocument.Parse(fromCluster["data_quality"]);
            foreach (var key in new[] { "metric_points_used", "metric_points_invalid", "metric_series_used", "metric_series_gaps", "metric_counter_resets", "metric_resources_uncovered" })
            {
                Assert.Equal(fq.RootElement.GetProperty(key).GetRawText(), cq.RootElement.GetProperty(key).GetRawText());
            }

            Assert.Single(metrics.Queries);
        }

        [Fact]
        public void The_query_asks_the_server_for_the_targets_resources_the_range_and_the_names_only()
        {
            var fake = new FakeDataExplorerMetrics(Rows.Value);
            using var server = new LoopbackServer(fake.Answer);
            using var source = Source(server);
            var query = Query("2026-11-24T10:30:00Z", "2026-11-24T10:31:00Z", SampleResources.Take(1).ToArray(), new[] { CanonicalMetrics.CpuLimitUtilization, CanonicalMetrics.IoWait, CanonicalMetrics.DbPoolWaitTime, CanonicalMetrics.HpaMaxReplicas });
            source.ReadSamples(query, new MetricReadStats(), CancellationToken.None);
            var kql = Assert.Single(fake.Queries);
            Assert.Equal(OtelMetricQueries.Build("OTELMetrics", query), kql);
            Assert.StartsWith("OTELMetrics\n| where Timestamp >= datetime(2026-11-24T10:25:00.0000000Z) and Timestamp <= datetime(2026-11-24T10:36:00.0000000Z)\n", kql, StringComparison.Ordinal);
            Assert.Contains(
                "| where MetricName in (@\"db.client.connection.wait_time_count\", @\"db.client.connection.wait_time_sum\", @\"db.client.connections.wait_time_count\", @\"db.client.connections.wait_time_sum\", " +
                "@\"k8s.container.cpu_limit_utilization\", @\"k8s.hpa.max_replicas\", @\"k8s.pod.cpu_limit_utilization\", @\"kube_horizontalpodautoscaler_spec_max_replicas\", @\"node_cpu_seconds_total\", @\"system.cpu.time\", @\"system.cpu.utilization\")\n",
                kql,
                StringComparison.Ordinal);
            Assert.Contains("| where (MetricName in (@\"node_cpu_seconds_total\", @\"system.cpu.time\", @\"system.cpu.utilization\") and (Node in (@\"chartly-node-1\") or PointNode in (@\"chartly-node-1\")))\n", kql, StringComparison.Ordinal);
            Assert.Contains("\n    or Pod in (@\"wf-engine-0\") or PointPod in (@\"wf-engine-0\")\n    or ServiceName in (@\"chartly-workflow-engine\")\n", kql, StringComparison.Ordinal);
            Assert.Contains("ResourceKeys = bag_pack(\"horizontalpodautoscaler\", ResourceAttributes[\"horizontalpodautoscaler\"], \"k8s.hpa.name\", ResourceAttributes[\"k8s.hpa.name\"], \"k8s.hpa.scaletargetref.name\", ResourceAttributes[\"k8s.hpa.scaletargetref.name\"])", kql, StringComparison.Ordinal);
            Assert.DoesNotContain("_bucket", kql, StringComparison.Ordinal);

            // Only the rows of that pod and its node come back: the other pods' container metrics stay on the server.
            var pods = Rows.Value.Select(r => r.ResourceAttributes.TryGetValue("k8s.pod.name", out var p) ? (string)p : null).Distinct().Count();
            Assert.True(pods > 2);
        }

        [Fact]
        public void A_pod_name_cannot_inject_kql()
        {
            var fake = new FakeDataExplorerMetrics(Rows.Value);
            using var server = new LoopbackServer(fake.Answer);
            using var source = Source(server);
            var hostile = new MetricResource("dev", "ns", "svc", "p\" or 1==1 | take 1 //", "c", "n");
            source.ReadSamples(Query("2026-11-24T10:30:00Z", "2026-11-24T10:31:00Z", new[] { hostile }), new MetricReadStats(), CancellationToken.None);
            Assert.Contains("Pod in (@\"p\"\" or 1==1 | take 1 //\")", Assert.Single(fake.Queries), StringComparison.Ordinal);
        }

        [Fact]
        public void The_dry_run_prints_the_metric_query_and_sends_nothing()
        {
            using var server = new LoopbackServer(_ => CannedResponse.Json(500, "{}"));
            using var source = Source(server, "        metrics-table: Metrics\n");
            var request = Run.Request("run", "run-1004");
            var steps = ((Chartly.Profiler.Telemetry.ITraceSource)source).Plan(request);
            var metrics = steps[steps.Count - 1];
            Assert.StartsWith("metrics, over the time the target's spans ran plus 5m either side (shown here for the whole window), on their pods, nodes, services and namespaces:\nMetrics\n| where Timestamp >= datetime(2026-11-24T09:55:00.0000000Z) and Timestamp <= datetime(2026-11-24T11:05:00.0000000Z)\n", metrics, StringComparison.Ordinal);
            Assert.Contains("Pod in (<pods of the target's spans>) or PointPod in (<pods of the target's spans>)", metrics, StringComparison.Ordinal);
            Assert.Contains("| where MetricName in (@\"container.cpu.throttling_data.periods\", ", metrics, StringComparison.Ordinal); // names are the literals that will be sent
            Assert.Contains("\n| where (MetricName in (@\"node_cpu_seconds_total\", @\"node_pressure_cpu_waiting_seconds_total\", ", metrics, StringComparison.Ordinal);
            Assert.Contains("@\"system.cpu.utilization\") and (Node in (<nodes of the target's spans>) or PointNode in (<nodes of the target's spans>)))\n", metrics, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }

        [Fact]
        public void A_counter_that_goes_back_is_a_reset_as_in_prometheus_and_the_first_point_gives_no_rate()
        {
            var resource = SampleResources[0];
            var attributes = new Dictionary<string, object> { ["scope.name"] = "prometheusreceiver" };
            var res = new Dictionary<string, object> { ["service.name"] = resource.Service!, ["deployment.environment.name"] = "dev", ["k8s.namespace.name"] = resource.Namespace!, ["k8s.pod.name"] = resource.Pod!, ["k8s.container.name"] = resource.Container!, ["k8s.node.name"] = resource.Node! };
            ExporterMetricRow Row(string time, double value) => new(time, "container_cpu_cfs_periods_total", "Sum", string.Empty, value, "h", res, attributes);
            var rows = new List<ExporterMetricRow>
            {
                Row("2026-11-24T10:30:00.0000000Z", 1000),
                Row("2026-11-24T10:30:15.0000000Z", 1150),
                Row("2026-11-24T10:30:30.0000000Z", 30), // restarted: 30 periods since
                Row("2026-11-24T10:30:45.0000000Z", 180),
            };
            using var server = new LoopbackServer(new FakeDataExplorerMetrics(rows).Answer);
            using var source = Source(server);
            var stats = new MetricReadStats();
            var samples = source.ReadSamples(Query("2026-11-24T10:30:00Z", "2026-11-24T10:31:00Z", new[] { resource }, new[] { CanonicalMetrics.CpuCfsPeriods }), stats, CancellationToken.None);
            Assert.Equal(new[] { 10.0, 2.0, 10.0 }, samples.Select(s => s.Value).ToArray());
            Assert.All(samples, s => Assert.Equal(15_000_000_000L, s.IntervalNanos));
            Assert.Equal(1, stats.CounterResets);
        }

        [Fact]
        public void A_histogram_is_read_from_its_sum_and_count_rows_and_equals_the_files()
        {
            // db.client.connection.wait_time, cumulative, as the OpenTelemetry SDKs export it; start two hours back.
            string Point(long t, long count, double sum) =>
                "{\"startTimeUnixNano\":\"1795507200000000000\",\"timeUnixNano\":\"" + t + "\",\"count\":\"" + count + "\",\"sum\":" + sum.ToString("R", System.Globalization.CultureInfo.InvariantCulture) +
                ",\"bucketCounts\":[\"" + (count / 2) + "\",\"" + (count - (count / 2)) + "\"],\"explicitBounds\":[0.005],\"attributes\":[{\"key\":\"db.client.connection.pool.name\",\"value\":{\"stringValue\":\"main\"}}]}";
            var start = 1_795_516_200_000_000_000L; // 10:30:00
            var points = string.Join(",", Enumerable.Range(0, 5).Select(i => Point(start + (i * 15_000_000_000L), 100 + (i * i * 40), 0.25 + (i * 0.75))));
            var line = "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"chartly-workflow-engine\"}},{\"key\":\"deployment.environment.name\",\"value\":{\"stringValue\":\"dev\"}},{\"key\":\"k8s.namespace.name\",\"value\":{\"stringValue\":\"chartly-core\"}},{\"key\":\"k8s.pod.name\",\"value\":{\"stringValue\":\"wf-engine-0\"}},{\"key\":\"k8s.container.name\",\"value\":{\"stringValue\":\"engine\"}},{\"key\":\"k8s.node.name\",\"value\":{\"stringValue\":\"chartly-node-1\"}}]}," +
                "\"scopeMetrics\":[{\"scope\":{\"name\":\"Npgsql\",\"version\":\"8.0.0\"},\"metrics\":[{\"name\":\"db.client.connection.wait_time\",\"unit\":\"s\",\"histogram\":{\"aggregationTemporality\":2,\"dataPoints\":[" + points + "]}}]}]}]}";
            var dir = Path.Combine(Path.GetTempPath(), "chartly-adx-hist-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.WriteAllText(Path.Combine(dir, "metrics.json"), line + "\n");
                var query = Query("2026-11-24T10:30:00Z", "2026-11-24T10:31:10Z", SampleResources.Take(1).ToArray(), new[] { CanonicalMetrics.DbPoolWaitTime });
                var rows = ExporterMetricRows.FromOtlpLines(new[] { line }).ToList();
                Assert.Equal(5 * 4, rows.Count); // per point: sum, count, a bucket for the one bound and one for +Inf
                using var server = new LoopbackServer(new FakeDataExplorerMetrics(rows).Answer);
                using var source = Source(server);
                var fromCluster = source.ReadSamples(query, new MetricReadStats(), CancellationToken.None);
                SameSamples(FromFiles(dir, query), fromCluster);
                Assert.Equal(4, fromCluster.Count); // the first point has no rate in either: its start is two hours back
                Assert.Equal(750.0 / 40, fromCluster[0].Value, 9); // ms per acquisition: 0.75 s over 40 more waits
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void A_partial_answer_is_counted_and_used()
        {
            var fake = new FakeDataExplorerMetrics(Rows.Value) { CompletionError = "Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION)" };
            using var server = new LoopbackServer(fake.Answer);
            using var source = Source(server);
            var query = Query("2026-11-24T10:29:50Z", "2026-11-24T10:31:10Z");
            var stats = new MetricReadStats();
            SameSamples(FromFiles(SamplesDir, query), source.ReadSamples(query, stats, CancellationToken.None));
            Assert.Equal(1, stats.PartialErrors);
        }

        [Fact]
        public void A_truncated_answer_is_asked_again_in_halves_and_one_minute_that_still_is_fails_with_exit_3()
        {
            var cut = new FakeDataExplorerMetrics(Rows.Value);
            cut.Truncate = kql => cut.Queries.Count <= 2; // the whole range and its first half are cut
            using (var server = new LoopbackServer(cut.Answer))
            {
                using var source = Source(server);
                var query = Query("2026-11-24T10:29:50Z", "2026-11-24T10:31:10Z");
                var stats = new MetricReadStats();
                var fileStats = new MetricReadStats();
                SameSamples(FromFiles(SamplesDir, query, fileStats), source.ReadSamples(query, stats, CancellationToken.None));
                Assert.Equal(fileStats.PointsUsed, stats.PointsUsed); // no point read twice where two halves meet
                Assert.Equal(5, cut.Queries.Count); // the whole range (cut), its first half (cut), that half's two halves, the second half
                Assert.Equal(0, stats.PartialErrors);
            }

            var always = new FakeDataExplorerMetrics(Rows.Value) { Truncate = _ => true };
            using (var server = new LoopbackServer(always.Answer))
            {
                using var source = Source(server);
                var e = Assert.Throws<ProfilerException>(() => source.ReadSamples(Query("2026-11-24T10:30:00Z", "2026-11-24T10:30:10Z"), new MetricReadStats(), CancellationToken.None));
                Assert.Equal(3, e.ExitCode);
                Assert.Equal("SourceResultTruncated", e.ErrorId);
            }
        }

        [Fact]
        public void An_answer_without_a_column_the_query_projects_is_malformed_and_an_extra_column_is_not_read()
        {
            var missing = new FakeDataExplorerMetrics(Rows.Value) { ColumnsOf = c => c.Where(x => x != "MetricType").ToList() };
            using (var server = new LoopbackServer(missing.Answer))
            {
                using var source = Source(server);
                var e = Assert.Throws<ProfilerException>(() => source.ReadSamples(Query("2026-11-24T10:30:00Z", "2026-11-24T10:31:00Z"), new MetricReadStats(), CancellationToken.None));
                Assert.Equal(4, e.ExitCode);
                Assert.Equal("SourceMalformedResponse", e.ErrorId);
                Assert.Contains("no column 'MetricType'", e.Message, StringComparison.Ordinal);
            }

            var extra = new FakeDataExplorerMetrics(Rows.Value) { ColumnsOf = c => new[] { "Unexpected" }.Concat(c.Reverse()).ToList() };
            using (var server = new LoopbackServer(extra.Answer))
            {
                using var source = Source(server);
                var query = Query("2026-11-24T10:29:50Z", "2026-11-24T10:31:10Z");
                SameSamples(FromFiles(SamplesDir, query), source.ReadSamples(query, new MetricReadStats(), CancellationToken.None));
            }
        }

        [Fact]
        public void Rows_that_cannot_be_points_are_counted_as_invalid_not_guessed()
        {
            var good = Rows.Value.First(r => r.MetricName == "k8s.container.cpu_limit_utilization" && Equals(r.ResourceAttributes["k8s.pod.name"], "wf-engine-0") && r.Timestamp.StartsWith("2026-11-24T10:30:15", StringComparison.Ordinal));
            var bad = new List<ExporterMetricRow>
            {
                good with { Timestamp = "2026-11-24T10:30:16.0000000" },                  // no time zone
                good with { Timestamp = "2026-11-24T10:30:17.0000000Z", MetricType = "ExponentialHistogram" }, // a type the exporter never writes
                good with { Timestamp = "2026-11-24T10:30:18.0000000Z" } with { MetricAttributesJson = "\"pod=wf-engine-0\"" }, // a bag that is a string
                good with { Timestamp = "2026-11-24T10:30:19.0000000Z" } with { ResourceAttributesJson = "[1,2]" },   // a bag that is an array
                good with { Timestamp = "2026-11-24T10:30:20.0000000Z", MetricValue = double.NaN },                 // no usable value
            };
            var fake = new FakeDataExplorerMetrics(Rows.Value.Concat(bad).ToList());
            using var server = new LoopbackServer(fake.Answer);
            using var source = Source(server);
            var query = Query("2026-11-24T10:29:50Z", "2026-11-24T10:31:10Z");
            var stats = new MetricReadStats();
            SameSamples(FromFiles(SamplesDir, query), source.ReadSamples(query, stats, CancellationToken.None));
            Assert.Equal(5, stats.PointsInvalid);
        }

        private static Dictionary<string, string> Parts(Profile p)
        {
            using var doc = JsonDocument.Parse(ProfileDocument.Write(p, DocumentFormat.Json));
            return doc.RootElement.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetRawText());
        }
    }
}
