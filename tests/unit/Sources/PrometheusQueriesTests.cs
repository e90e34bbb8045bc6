using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Prometheus;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>The PromQL the Prometheus source sends, its step, and its literals.</summary>
    public sealed class PrometheusQueriesTests
    {
        private static PrometheusSettings Settings(params (string Key, string Value)[] extra)
        {
            var s = new Dictionary<string, string> { ["url"] = "http://prometheus.monitoring:9090" };
            foreach (var (k, v) in extra)
            {
                s[k] = v;
            }

            return PrometheusSettings.Parse(s, why => new ProfilerException(ProfilerErrorKind.ValidationFailed, "ConfigInvalid", why));
        }

        private static long At(string rfc3339) => TimeWindow.ParseInstant(rfc3339, "t");

        [Theory]
        [InlineData("plain", "\"plain\"")]
        [InlineData("a\"b", "\"a\\\"b\"")]
        [InlineData("back\\slash", "\"back\\\\slash\"")]
        [InlineData("line\nbreak", "\"line\\nbreak\"")]
        [InlineData("bell\u0007", "\"bell\\u0007\"")]
        [InlineData("pod\"} or vector(1) #", "\"pod\\\"} or vector(1) #\"")]
        public void Label_values_are_always_one_escaped_string_literal(string value, string literal)
        {
            Assert.Equal(literal, PromQl.String(value));
        }

        [Fact]
        public void A_hostile_pod_name_stays_inside_its_matcher()
        {
            var queries = new PrometheusQueries(Settings());
            var hostile = new MetricResource("dev", "ns", "svc", "p.1\"} or on() vector(1) or {a=\"", "c", "n");
            var q = queries.Build(new[] { CanonicalMetrics.MemoryWorkingSet }, new[] { hostile }, 15, 300);
            Assert.All(q, x => Assert.Contains("pod=\"p.1\\\"} or on() vector(1) or {a=\\\"\"", x.Expression, StringComparison.Ordinal));

            // Several values make a regex: its metacharacters are escaped too (PromQL anchors it).
            var two = queries.Build(new[] { CanonicalMetrics.MemoryWorkingSet }, new[] { hostile with { Pod = "a.b" }, hostile with { Pod = "c|d" } }, 15, 300);
            Assert.All(two, x => Assert.Contains("pod=~\"a\\\\.b|c\\\\|d\"", x.Expression, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z", 15)]
        [InlineData("2026-11-24T10:30:00Z", "2026-11-24T10:30:07.507Z", 15)]
        [InlineData("2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", 30)]
        [InlineData("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z", 60)]
        [InlineData("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", 300)]
        [InlineData("2025-11-01T00:00:00Z", "2026-11-01T00:00:00Z", 3600)]
        public void The_step_is_the_smallest_readable_one_under_the_point_limit(string start, string end, long step)
        {
            var queries = new PrometheusQueries(Settings());
            Assert.Equal(step, queries.StepSeconds(At(start), At(end)));
            Assert.True(PrometheusQueries.Evaluations(At(start), At(end), step).Count <= PrometheusSettings.MaxPointsPerSeries);
        }

        [Fact]
        public void A_configured_step_is_kept()
        {
            Assert.Equal(5, new PrometheusQueries(Settings(("step", "5s"))).StepSeconds(At("2026-11-01T00:00:00Z"), At("2026-11-08T00:00:00Z")));
        }

        [Fact]
        public void Evaluations_are_multiples_of_the_step_covering_the_range()
        {
            // A sample at t describes (t - step, t]: the first is the first multiple after start, the last the first at or after end.
            var (first, last, count) = PrometheusQueries.Evaluations(At("2026-11-24T10:30:00Z"), At("2026-11-24T10:30:07.507Z"), 15);
            Assert.Equal(At("2026-11-24T10:30:15Z") / 1_000_000, first);
            Assert.Equal(first, last);
            Assert.Equal(1, count);

            (first, last, count) = PrometheusQueries.Evaluations(At("2026-11-24T10:00:00Z"), At("2026-11-24T11:00:00Z"), 15);
            Assert.Equal(At("2026-11-24T10:00:15Z") / 1_000_000, first);
            Assert.Equal(At("2026-11-24T11:00:00Z") / 1_000_000, last);
            Assert.Equal(240, count);
        }

        [Fact]
        public void Counters_are_rates_gauges_last_values_and_ratios_are_divided_on_the_server()
        {
            var queries = new PrometheusQueries(Settings());
            var r = new MetricResource("dev", "analytics-blue", "chartly-analytics", "analytics-blue-0", "analytics", "node-1");
            var q = queries.Build(new[] { CanonicalMetrics.CpuThrottleRatio, CanonicalMetrics.MemoryWorkingSet, CanonicalMetrics.IoWait }, new[] { r }, 15, 300);

            var ratio = Assert.Single(q, x => x.Canonical == CanonicalMetrics.CpuThrottleRatio);
            Assert.Equal(
                "clamp_min(clamp_max(sum by (namespace, pod, container, node) (irate({__name__=~\"container_cpu_cfs_throttled_periods_total|container_cpu_throttling_data_throttled_periods_total\", namespace=\"analytics-blue\", pod=\"analytics-blue-0\"}[60s]))" +
                " / sum by (namespace, pod, container, node) (irate({__name__=~\"container_cpu_cfs_periods_total|container_cpu_throttling_data_periods_total\", namespace=\"analytics-blue\", pod=\"analytics-blue-0\"}[60s])), 1), 0)",
                ratio.Expression);
            Assert.Equal("container_cpu_cfs_throttled_periods_total/container_cpu_cfs_periods_total", ratio.Source);

            var ws = q.Where(x => x.Canonical == CanonicalMetrics.MemoryWorkingSet).ToList();
            Assert.Equal(new[] { "container.memory.working_set", "k8s.pod.memory.working_set", "container_memory_working_set_bytes" }, ws.Select(x => x.Source).ToArray());
            Assert.Equal("sum by (namespace, pod, container, node) (last_over_time({__name__=~\"container_memory_working_set|container_memory_working_set_bytes\", namespace=\"analytics-blue\", pod=\"analytics-blue-0\"}[15s]))", ws[0].Expression);

            // The node's I/O wait: the node selector, one alternative per attribute key of the alias's filter.
            var io = q.Where(x => x.Canonical == CanonicalMetrics.IoWait).ToList();
            Assert.Equal("(avg by (namespace, pod, container, node) (last_over_time({__name__=~\"system_cpu_utilization|system_cpu_utilization_ratio\", cpu_mode=~\"iowait|wait\", node=\"node-1\"}[15s]))) or (avg by (namespace, pod, container, node) (last_over_time({__name__=~\"system_cpu_utilization|system_cpu_utilization_ratio\", state=~\"iowait|wait\", node=\"node-1\"}[15s]))) or (avg by (namespace, pod, container, node) (last_over_time({__name__=~\"system_cpu_utilization|system_cpu_utilization_ratio\", mode=~\"iowait|wait\", node=\"node-1\"}[15s])))", io[0].Expression);
            Assert.Contains(io, x => x.Expression.Contains("irate({__name__=\"node_cpu_seconds_total\", cpu_mode=~\"iowait|wait\", node=\"node-1\"}[60s])", StringComparison.Ordinal));

            // Priority follows the alias table; derived ratios come after every direct alias.
            Assert.True(ratio.Priority > q.Where(x => x.Canonical != CanonicalMetrics.CpuThrottleRatio).Max(x => x.Priority));
        }

        [Fact]
        public void Resources_without_pods_or_nodes_send_no_query_for_that_level()
        {
            var queries = new PrometheusQueries(Settings());
            var onlyService = new MetricResource("dev", "ns", "svc", null, null, null);
            Assert.Empty(queries.Build(SignalCatalog.MetricsFor(Array.Empty<string>()), new[] { onlyService }, 15, 300));
            var onlyNode = onlyService with { Node = "n" };
            Assert.All(queries.Build(SignalCatalog.MetricsFor(Array.Empty<string>()), new[] { onlyNode }, 15, 300), x => Assert.Contains("node=\"n\"", x.Expression, StringComparison.Ordinal));
        }

        [Fact]
        public void The_identity_labels_are_configurable_for_otel_exported_metrics()
        {
            var queries = new PrometheusQueries(Settings(("namespace-label", "k8s_namespace_name"), ("pod-label", "k8s_pod_name"), ("container-label", "k8s_container_name"), ("node-label", "k8s_node_name"), ("service-label", "service_name"), ("environment-label", "deployment_environment_name")));
            var r = new MetricResource("dev", "ns", "svc", "p", "c", "n");
            var q = queries.Build(new[] { CanonicalMetrics.CpuLimitUtilization }, new[] { r }, 15, 300)[0];
            Assert.Equal("avg by (k8s_namespace_name, k8s_pod_name, k8s_container_name, k8s_node_name, service_name, deployment_environment_name) (last_over_time({__name__=~\"k8s_container_cpu_limit_utilization|k8s_container_cpu_limit_utilization_ratio\", k8s_namespace_name=\"ns\", k8s_pod_name=\"p\", deployment_environment_name=\"dev\"}[15s]))", q.Expression);
        }

        [Fact]
        public void The_dry_run_prints_the_promql_and_reads_nothing()
        {
            var yaml = "environments:\n  staging:\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9/\n";
            var config = ConfigLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml"));
            var request = Run.Request("run", "run-1004", env: "staging");
            var plan = new ProfileEngine().Plan(request, config);
            var source = Assert.Single(plan.Sources);
            Assert.Equal("prometheus http://127.0.0.1:9", source.Source);
            Assert.StartsWith("GET http://127.0.0.1:9/api/v1/query_range over the time the target's spans ran", source.Steps[0], StringComparison.Ordinal);
            Assert.Contains("step: the scrape interval of the target's series", source.Steps[0], StringComparison.Ordinal);
            Assert.Contains("GET http://127.0.0.1:9/api/v1/query of {__name__=~\"", source.Steps[0], StringComparison.Ordinal);
            Assert.Contains("container_cpu_usage_seconds_total", source.Steps[0], StringComparison.Ordinal);
            Assert.Contains("without raw samples, step 15s", source.Steps[0], StringComparison.Ordinal);

            var configured = new ProfileEngine().Plan(request, ConfigLoader.Parse(yaml + "        step: 5s\n", Path.Combine(Path.GetTempPath(), "chartly-profiler.yaml")));
            Assert.EndsWith("step 5s, configured ('step' in the source's settings)", configured.Sources[0].Steps[0], StringComparison.Ordinal);
            Assert.Contains(source.Steps, s => s.StartsWith("cpu.throttle_ratio from container_cpu_cfs_throttled_periods_total/container_cpu_cfs_periods_total:\nclamp_min(clamp_max(", StringComparison.Ordinal));
            Assert.Contains(source.Steps, s => s.Contains("<pods of the target's spans>", StringComparison.Ordinal));

            var limited = new ProfileEngine().Plan(request with { IncludeMetrics = new[] { "throttling" } }, config);
            Assert.All(limited.Sources[0].Steps.Skip(1), s => Assert.Contains("cfs", s, StringComparison.Ordinal));
        }
    }
}
