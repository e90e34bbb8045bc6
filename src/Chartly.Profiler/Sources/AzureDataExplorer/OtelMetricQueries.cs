using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// The KQL sent to a metrics table in the schema of the collector's <c>azuredataexplorer</c>
    /// exporter (<c>Timestamp</c>, <c>MetricName</c>, <c>MetricType</c>, <c>MetricUnit</c>,
    /// <c>MetricValue</c>, <c>ResourceAttributes</c>, <c>MetricAttributes</c>). The server keeps
    /// the rows of the names the alias table maps onto the wanted canonical metrics (a histogram
    /// as the exporter's <c>_sum</c> and <c>_count</c> rows, never its buckets), within the range
    /// widened by the lookback, on the resources the target's spans ran on: the identity is
    /// resolved in the query as the file reader resolves it (the point's Prometheus-style labels
    /// over the resource's), and the filter is a superset of the reader's match, which the
    /// client then applies exactly (<see cref="Otlp.OtlpMetricSink"/>).
    /// </summary>
    internal static class OtelMetricQueries
    {
        /// <summary>The columns the answer carries, in order.</summary>
        public static readonly string[] Columns =
        {
            "Timestamp", "MetricName", "MetricType", "MetricUnit", "MetricValue", "ResourceType", "AttributesType",
            "ServiceName", "Namespace", "Environment", "Pod", "Container", "Node", "ResourceKeys", "MetricAttributes",
        };

        /// <summary>The exporter's suffixes for the two rows of a histogram or summary point that hold its sum and count.</summary>
        public const string SumSuffix = "_sum";
        public const string CountSuffix = "_count";

        private static string R(string key) => "tostring(ResourceAttributes[\"" + key + "\"])";

        private static string A(string key) => "tostring(MetricAttributes[\"" + key + "\"])";

        /// <summary>The names asked for: each alias's name, and for an alias read from a histogram (a weighted mean) its sum and count rows.</summary>
        public static IReadOnlyList<string> Names(IReadOnlyCollection<string> metrics) =>
            Aliases(metrics)
                .SelectMany(a => a.Combine == SeriesCombine.WeightedMean ? new[] { a.Source + SumSuffix, a.Source + CountSuffix } : new[] { a.Source })
                .Distinct(StringComparer.Ordinal)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();

        public static string Build(string table, MetricQuery query) =>
            Build(table, query.Metrics, query.StartUnixNano - query.LookbackNanos, query.EndUnixNano + query.LookbackNanos, Values(query.Resources, r => r.Pod), Values(query.Resources, r => r.Node), Values(query.Resources, r => r.Service), Values(query.Resources, r => r.Namespace));

        /// <summary>The query as the plan prints it: the resources are only known once the spans are read.</summary>
        public static string Template(string table, IReadOnlyCollection<string> metrics, long fromUnixNano, long toUnixNano) =>
            Build(table, metrics, fromUnixNano, toUnixNano, new[] { "<pods of the target's spans>" }, new[] { "<nodes of the target's spans>" }, new[] { "<services of the target's spans>" }, new[] { "<namespaces of the target's spans>" }, literal: false);

        internal static string Build(
            string table,
            IReadOnlyCollection<string> metrics,
            long fromUnixNano,
            long toUnixNano,
            IReadOnlyList<string> pods,
            IReadOnlyList<string> nodes,
            IReadOnlyList<string> services,
            IReadOnlyList<string> namespaces,
            bool literal = true)
        {
            var aliases = Aliases(metrics);
            // Names are always literals; the resources are placeholders in the plan.
            static string Names(IEnumerable<string> values) => string.Join(", ", values.Select(Kql.String));
            string List(IEnumerable<string> values) => string.Join(", ", values.Select(v => literal ? Kql.String(v) : v));
            var sb = new StringBuilder();
            sb.Append(table).Append('\n');
            sb.Append("| where Timestamp >= ").Append(Kql.DateTime(fromUnixNano)).Append(" and Timestamp <= ").Append(Kql.DateTime(toUnixNano)).Append('\n');
            sb.Append("| where MetricName in (").Append(Names(OtelMetricQueries.Names(metrics))).Append(")\n");
            sb.Append("| extend ServiceName = ").Append(R("service.name")).Append(",\n");
            sb.Append("    Namespace = coalesce(").Append(R("k8s.namespace.name")).Append(", ").Append(R("service.namespace")).Append("),\n");
            sb.Append("    Environment = coalesce(").Append(R("deployment.environment.name")).Append(", ").Append(R("deployment.environment")).Append("),\n");
            sb.Append("    Pod = ").Append(R("k8s.pod.name")).Append(", Container = ").Append(R("k8s.container.name")).Append(",\n");
            sb.Append("    Node = coalesce(").Append(R("k8s.node.name")).Append(", ").Append(R("host.name")).Append("),\n");
            sb.Append("    PointPod = coalesce(").Append(A("k8s.pod.name")).Append(", ").Append(A("pod")).Append("),\n");
            sb.Append("    PodLabelled = isnotnull(MetricAttributes[\"k8s.pod.name\"]) or isnotnull(MetricAttributes[\"pod\"]),\n");
            sb.Append("    PointNode = coalesce(").Append(A("k8s.node.name")).Append(", ").Append(A("node")).Append(", ").Append(A("kubernetes_node")).Append("),\n");
            sb.Append("    PointNamespace = coalesce(").Append(A("k8s.namespace.name")).Append(", ").Append(A("namespace")).Append(")\n");

            // Each branch mirrors one way the reader matches a metric to a span (MetricResource.MatchScore).
            var branches = new List<string>();
            var nodeNames = aliases.Where(a => a.NodeScope).Select(a => a.Source).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
            var workloadNames = aliases.Where(a => a.WorkloadKeys is not null).Select(a => a.Source).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
            var onNodes = nodes.Count == 0 ? null : "(Node in (" + List(nodes) + ") or PointNode in (" + List(nodes) + "))";
            if (nodeNames.Count > 0 && onNodes is not null)
            {
                branches.Add("(MetricName in (" + Names(nodeNames) + ") and " + onNodes + ")");
            }

            if (workloadNames.Count > 0)
            {
                var inNamespaces = namespaces.Count == 0 ? string.Empty : "Namespace in (" + List(namespaces) + ") or PointNamespace in (" + List(namespaces) + ") or ";
                branches.Add("(MetricName in (" + Names(workloadNames) + ") and (" + inNamespaces + "isempty(Namespace) and isempty(PointNamespace)))");
            }

            if (pods.Count > 0)
            {
                branches.Add("Pod in (" + List(pods) + ") or PointPod in (" + List(pods) + ")");
            }

            if (services.Count > 0)
            {
                branches.Add("ServiceName in (" + List(services) + ")");
            }

            if (onNodes is not null)
            {
                // A metric with neither pod nor service (a pod label that is empty clears both) matches by its node.
                branches.Add("(isempty(PointPod) and (PodLabelled or isempty(Pod) and isempty(ServiceName)) and " + onNodes + ")");
            }

            sb.Append("| where ").Append(branches.Count == 0 ? "false" : string.Join("\n    or ", branches)).Append('\n');

            var keys = ResourceKeys(aliases);
            sb.Append("| project Timestamp, MetricName, MetricType, MetricUnit, MetricValue,\n");
            sb.Append("    ResourceType = gettype(ResourceAttributes), AttributesType = gettype(MetricAttributes),\n");
            sb.Append("    ServiceName, Namespace, Environment, Pod, Container, Node,\n");
            sb.Append("    ResourceKeys = ").Append(keys.Count == 0 ? "dynamic({})" : "bag_pack(" + string.Join(", ", keys.Select(k => "\"" + k + "\", ResourceAttributes[\"" + k + "\"]")) + ")").Append(",\n");
            sb.Append("    MetricAttributes\n");
            return sb.ToString();
        }

        /// <summary>The resource attributes an alias reads beside the identity: the keys that name a workload, the key of a flag.</summary>
        public static IReadOnlyList<string> ResourceKeys(IEnumerable<MetricAlias> aliases) =>
            aliases
                .SelectMany(a => (a.WorkloadKeys ?? Array.Empty<string>()).Concat(a.ResourceFlagKey is null ? Array.Empty<string>() : new[] { a.ResourceFlagKey }))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();

        private static List<MetricAlias> Aliases(IEnumerable<string> metrics)
        {
            var wanted = new HashSet<string>(metrics, StringComparer.Ordinal);
            return MetricAliases.All.Where(a => wanted.Contains(a.Canonical)).ToList();
        }

        /// <summary>
        /// The distinct values of one part of the resources, ordinal. A value a KQL literal cannot
        /// hold (a control character) is left out: no metric can be asked for it.
        /// </summary>
        private static IReadOnlyList<string> Values(IEnumerable<MetricResource> resources, Func<MetricResource, string?> part) =>
            resources
                .Select(part)
                .Where(v => !string.IsNullOrEmpty(v) && !v!.Any(c => char.IsControl(c) || c == '\u2028' || c == '\u2029'))
                .Select(v => v!)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .ToList();
    }
}
