using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The Logs source over rows made from what the real Azure Monitor exporter (1.10.0, over the
    /// OpenTelemetry .NET SDK) posts for the sample spans, against the profile of the files. What
    /// the SDK exporter does not store (resource attributes in the rows, the span name of HTTP
    /// spans) is asserted as the difference it makes, so a change on either side shows here.
    /// </summary>
    public sealed class AzureMonitorExporterTests
    {
        private static readonly string[] ResourceKeys = { "deployment.environment.name", "k8s.namespace.name", "k8s.pod.name", "k8s.container.name", "k8s.node.name", "service.name", "service.version" };

        private static readonly Lazy<Exported> Sample = new(() => Export(SampleSpans.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry"))));

        /// <summary>The samples with <c>service.namespace</c> set to each resource's Kubernetes namespace, as a service that names its namespace would send them.</summary>
        private static readonly Lazy<Exported> Namespaced = new(() => Export(SampleSpans.FromOtlpDirectory(Path.Combine(Repo.Root, "samples", "telemetry"))
            .Select(x => x.Resource.TryGetValue("k8s.namespace.name", out var ns)
                ? x with { Resource = new Dictionary<string, string>(x.Resource, StringComparer.Ordinal) { ["service.namespace"] = ns } }
                : x)
            .ToList()));

        private static Exported Export(List<SampleSpan> spans)
        {
            var posts = AzureMonitorExporterRun.Export(spans);
            var (rows, others) = TrackEnvelopes.ToRows(posts.Select(p => p.Body));
            return new Exported(spans, posts.Select(p => p.Path).ToList(), rows, others);
        }

        public static IEnumerable<object[]> Targets() =>
            AzureMonitorLogsSourceTests.Targets().Where(t => !((string)t[1]).Contains('/', StringComparison.Ordinal) || (string)t[0] != "service");

        [Fact]
        public void The_exporter_posts_one_envelope_per_span_with_the_files_ids_times_and_service()
        {
            var s = Sample.Value;
            Assert.All(s.Paths, p => Assert.Equal("/v2.1/track", p));
            Assert.Equal(s.Spans.Count, s.Rows.Count);

            static string Key(string trace, string id, string parent, long start, double ms) => string.Join("|", trace, id, parent, start, ms.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            var fromFiles = s.Spans.Select(x => Key(x.TraceId, x.SpanId, x.ParentSpanId, x.StartUnixNano, (x.EndUnixNano - x.StartUnixNano) / 1_000_000.0)).OrderBy(k => k, StringComparer.Ordinal);
            var fromRows = s.Rows.Select(r => Key(r.OperationId, r.Id, r.ParentId, r.StartUnixNano, r.DurationMs)).OrderBy(k => k, StringComparer.Ordinal);
            Assert.Equal(fromFiles, fromRows);

            // Entry spans (server, consumer) are requests, the rest dependencies.
            Assert.Equal(s.Spans.Count(x => x.Kind is 2 or 5), s.Rows.Count(r => r.Table == "AppRequests"));

            // The service, its version and the pod come as the role, its version and the role instance.
            var byId = s.Spans.GroupBy(x => x.SpanId).ToDictionary(g => g.Key, g => g.First());
            Assert.All(s.Rows, r =>
            {
                var span = byId[r.Id];
                Assert.Equal(span.Resource["service.name"], r.AppRoleName);
                Assert.Equal(span.Resource["k8s.pod.name"], r.AppRoleInstance);
                Assert.Equal(span.Resource["service.version"], r.AppVersion);
            });
        }

        [Fact]
        public void The_sdk_exporter_keeps_resource_attributes_out_of_the_rows_and_in_one_metric_per_resource()
        {
            var s = Sample.Value;
            Assert.All(s.Rows, r => Assert.DoesNotContain(r.Properties.Keys, k => ResourceKeys.Contains(k)));

            var resources = s.Others
                .Where(e => e.GetProperty("data").GetProperty("baseData").GetProperty("metrics")[0].GetProperty("name").GetString() == "_OTELRESOURCE_")
                .Select(e => e.GetProperty("data").GetProperty("baseData").GetProperty("properties"))
                .ToList();
            Assert.NotEmpty(resources);
            Assert.All(resources, p =>
            {
                Assert.True(p.TryGetProperty("deployment.environment.name", out _));
                Assert.True(p.TryGetProperty("k8s.namespace.name", out _));
            });
        }

        [Theory]
        [MemberData(nameof(Targets))]
        public void A_profile_from_the_exporters_rows_equals_the_files_but_for_environment_and_http_names(string type, string id)
        {
            var fake = new FakeLogAnalytics(Sample.Value.Rows);
            using var server = new LoopbackServer(fake.Answer);
            var fromWorkspace = AzureMonitorLogsSourceTests.ProfileFrom(server, type, id);
            var fromFiles = Run.Sample(type, id);

            Assert.Equal(fromFiles.Header, fromWorkspace.Header);
            Assert.Equal(fromFiles.Summary.TotalDurationMs, fromWorkspace.Summary.TotalDurationMs);
            Assert.Equal(fromFiles.Summary.Bottleneck, fromWorkspace.Summary.Bottleneck);
            Assert.Equal(fromFiles.Summary.Roots.Count, fromWorkspace.Summary.Roots.Count);
            Assert.Equal(fromFiles.Summary.Roots.SamplesMs, fromWorkspace.Summary.Roots.SamplesMs);

            // The exporter names an HTTP server span "<method> <http.route>" and an HTTP client
            // span "<method> <path of url.full>": the span's own name is not stored, so those
            // labels differ; the times, shares and counts of every entry do not.
            Assert.Equal(
                fromFiles.Breakdown.Select(b => (b.DurationMs, b.Pct, b.SelfMs, b.SpanCount)),
                fromWorkspace.Breakdown.Select(b => (b.DurationMs, b.Pct, b.SelfMs, b.SpanCount)));
            Assert.All(
                fromFiles.Breakdown.Zip(fromWorkspace.Breakdown).Where(p => p.First.Component != p.Second.Component),
                p => Assert.Matches("^(GET|POST|PUT|DELETE|PATCH) /", p.Second.Component));

            var f = fromFiles.DataQuality;
            var w = fromWorkspace.DataQuality;
            Assert.Equal(
                (f.TracesSelected, f.SpansSelected, f.DuplicateSpans, f.OrphanSpans, f.Cycles, f.ClippedSpans, f.SpansOutsideParent, f.OverlapsTolerated, f.NonBlockingSubtrees),
                (w.TracesSelected, w.SpansSelected, w.DuplicateSpans, w.OrphanSpans, w.Cycles, w.ClippedSpans, w.SpansOutsideParent, w.OverlapsTolerated, w.NonBlockingSubtrees));

            // No row carries an environment: every root is kept (the configuration chose the
            // workspace of the environment) and counted, where the files say it on each root.
            Assert.Equal(0, f.RootsWithoutEnvironment);
            Assert.Equal(w.TracesSelected, w.RootsWithoutEnvironment);
            Assert.Equal(0, w.SourcePartialErrors);
            Assert.Equal(0, w.InvalidSpans);
        }

        [Fact]
        public void A_service_named_with_its_namespace_is_not_found_when_the_rows_carry_no_namespace()
        {
            var fake = new FakeLogAnalytics(Sample.Value.Rows);
            using var server = new LoopbackServer(fake.Answer);
            var e = Run.Fails(() => AzureMonitorLogsSourceTests.ProfileFrom(server, "service", "analytics-blue/chartly-analytics"));
            Assert.Equal("TargetNotFound", e.ErrorId);
            Run.Sample("service", "analytics-blue/chartly-analytics");
        }

        [Fact]
        public void A_service_whose_resource_names_its_namespace_is_found_by_namespace_and_name_as_with_files()
        {
            var fake = new FakeLogAnalytics(Namespaced.Value.Rows);
            using var server = new LoopbackServer(fake.Answer);
            Assert.Contains(Namespaced.Value.Rows, r => r.AppRoleName == "[analytics-blue]/chartly-analytics");
            var fromWorkspace = AzureMonitorLogsSourceTests.ProfileFrom(server, "service", "analytics-blue/chartly-analytics");
            var fromFiles = Run.Sample("service", "analytics-blue/chartly-analytics");
            Assert.Equal(fromFiles.Header, fromWorkspace.Header);
            Assert.Equal(fromFiles.Summary.TotalDurationMs, fromWorkspace.Summary.TotalDurationMs);
            Assert.Equal(fromFiles.Summary.Bottleneck, fromWorkspace.Summary.Bottleneck);
            Assert.Equal(fromFiles.Summary.Roots.SamplesMs, fromWorkspace.Summary.Roots.SamplesMs);
            Assert.Equal(fromFiles.DataQuality.SpansSelected, fromWorkspace.DataQuality.SpansSelected);

            // The bare name is in two namespaces there, as in the files: ambiguous, with the files' message.
            var ambiguous = Run.Fails(() => AzureMonitorLogsSourceTests.ProfileFrom(server, "service", "chartly-analytics"));
            Assert.Equal("TargetAmbiguous", ambiguous.ErrorId);
            Assert.Equal(Run.Fails(() => Run.Sample("service", "chartly-analytics")).Message, ambiguous.Message);
        }

        [Fact]
        public void The_sdk_exporter_names_the_role_from_the_service_namespace_and_name_and_the_instance_from_its_id()
        {
            var resource = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["service.name"] = "chartly-analytics",
                ["service.namespace"] = "analytics",
                ["service.instance.id"] = "instance-7",
                ["k8s.pod.name"] = "analytics-blue-0",
                ["deployment.environment.name"] = "dev",
            };
            var span = new SampleSpan("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", string.Empty, "analytics query", 2, 0, 1_795_514_400_000_000_000, 1_795_514_401_000_000_000, resource, new Dictionary<string, string>());
            var (rows, _) = TrackEnvelopes.ToRows(AzureMonitorExporterRun.Export(new[] { span }).Select(p => p.Body));
            var row = Assert.Single(rows);
            // "[namespace]/name" (the Logs source splits it, SdkRole), and the instance id before
            // the pod (docs/sources.md, "What the exporters store").
            Assert.Equal("[analytics]/chartly-analytics", row.AppRoleName);
            Assert.Equal("instance-7", row.AppRoleInstance);
            Assert.DoesNotContain(row.Properties.Keys, k => resource.ContainsKey(k));
        }

        private sealed record Exported(List<SampleSpan> Spans, List<string> Paths, List<AppRow> Rows, List<System.Text.Json.JsonElement> Others);
    }
}
