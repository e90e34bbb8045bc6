using System.Collections.Generic;
using System.Text;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// The KQL this source sends: pass 1 finds the spans that can begin the target (filtered on the
    /// server, only identity columns back), pass 2 loads whole traces by operation id (only the
    /// columns the analysis reads). Custom dimensions sit in <c>Properties</c>, where the
    /// Application Insights exporters put span and resource attributes; only named keys are
    /// projected, never the whole bag (it can hold payloads).
    /// </summary>
    internal static class SpanQueries
    {
        /// <summary>Pass 1 columns: ids, times and identity.</summary>
        private const string CandidateColumns =
            "| project SourceTable, TimeGenerated, OperationId, Id, ParentId, DurationMs, AppRoleName, AppRoleInstance, AppVersion,\n" +
            "    DependencyType = tostring(column_ifexists(\"DependencyType\", \"\")),\n" +
            "    Namespace = coalesce(tostring(Properties[\"k8s.namespace.name\"]), tostring(Properties[\"service.namespace\"])),\n" +
            "    Environment = coalesce(tostring(Properties[\"deployment.environment.name\"]), tostring(Properties[\"deployment.environment\"])),\n" +
            "    Pod = tostring(Properties[\"k8s.pod.name\"]), Container = tostring(Properties[\"k8s.container.name\"]), Host = tostring(Properties[\"host.name\"]),\n" +
            "    WorkflowId = tostring(Properties[\"chartly.workflow.id\"]), WorkflowName = tostring(Properties[\"chartly.workflow.name\"]),\n" +
            "    RunId = tostring(Properties[\"chartly.run.id\"]), ChartlyOperationId = tostring(Properties[\"chartly.operation.id\"]),\n" +
            "    ConnectorId = tostring(Properties[\"chartly.connector.id\"]), ConnectorRunId = tostring(Properties[\"chartly.connector.run.id\"]),\n" +
            "    MessagingOperation = coalesce(tostring(Properties[\"messaging.operation.type\"]), tostring(Properties[\"messaging.operation\"]))";

        /// <summary>Pass 2 adds what the breakdown and the signals read: name, component, result.</summary>
        private const string TraceColumns = CandidateColumns + ",\n" +
            "    Name, ResultCode = tostring(ResultCode), Success = tostring(Success),\n" +
            "    Component = tostring(Properties[\"chartly.component\"]), ResendCount = tostring(Properties[\"http.request.resend_count\"])";

        /// <summary>
        /// The columns the root statistics read. The duration is <c>DurationMs</c> in nanoseconds
        /// rounded half up, as the row mapper rounds it (half away from zero; durations are never negative);
        /// the namespace is the row's, else the one an SDK exporter's <c>[namespace]/name</c> role carries (<c>SdkRole</c>).
        /// </summary>
        public static readonly KustoRootColumns RootColumns = new("OperationId", "Id", "ParentId", "TimeGenerated", "tolong(floor(DurationMs * 1000000.0 + 0.5))", "AppVersion", "coalesce(Namespace, extract(@\"^\\[(.+?)\\]/.\", 1, AppRoleName))");

        /// <summary>Entry spans (server, consumer) are requests; a service target begins only there.</summary>
        public static bool SearchesDependencies(TargetType type) => type != TargetType.Service;

        public static string Candidates(TargetSpec target, long fromUnixNano, long toUnixNano) =>
            Source(target.Type) +
            TimeFilter(fromUnixNano, toUnixNano) +
            TargetFilter(target) +
            CandidateColumns;

        /// <summary>
        /// Sent only when pass 1 finds nothing in the window: the starts nearest the window within
        /// the look-around, so the error can name them as the file source does.
        /// </summary>
        public static string Nearest(TargetSpec target, long windowStartUnixNano, long fromUnixNano, long toUnixNano, int count) =>
            Source(target.Type) +
            TimeFilter(fromUnixNano, toUnixNano) +
            TargetFilter(target) +
            "| extend Distance = abs(TimeGenerated - " + Kql.DateTime(windowStartUnixNano) + ")\n" +
            "| sort by Distance asc, TimeGenerated asc\n" +
            "| take " + count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" +
            CandidateColumns;

        public static string Traces(IReadOnlyList<TraceId> traces, long fromUnixNano, long toUnixNano)
        {
            var ids = new StringBuilder();
            for (var i = 0; i < traces.Count; i++)
            {
                ids.Append(i == 0 ? string.Empty : ", ").Append('"').Append(traces[i].ToString()).Append('"');
            }

            return TracesWith(ids.ToString(), fromUnixNano, toUnixNano);
        }

        /// <summary>Pass 2 as the plan shows it: the operation ids are only known after pass 1.</summary>
        public static string TracesTemplate(long fromUnixNano, long toUnixNano) =>
            TracesWith("<operation ids found by pass 1>", fromUnixNano, toUnixNano);

        private static string TracesWith(string idList, long fromUnixNano, long toUnixNano) =>
            "union withsource=SourceTable AppRequests, AppDependencies\n" +
            TimeFilter(fromUnixNano, toUnixNano) +
            "| where OperationId in~ (" + idList + ")\n" +
            TraceColumns;

        private static string Source(TargetType type) =>
            SearchesDependencies(type) ? "union withsource=SourceTable AppRequests, AppDependencies\n" : "union withsource=SourceTable AppRequests\n";

        private static string TimeFilter(long fromUnixNano, long toUnixNano) =>
            "| where TimeGenerated >= " + Kql.DateTime(fromUnixNano) + " and TimeGenerated < " + Kql.DateTime(toUnixNano) + "\n";

        private static string Prop(string key) => "tostring(Properties[\"" + key + "\"])";

        private static string TargetFilter(TargetSpec t)
        {
            switch (t.Type)
            {
                case TargetType.Service:
                    // A bare role carries the namespace in Properties (collector exporter); the SDK
                    // exporters' "[namespace]/name" carries it in the role itself (SdkRole).
                    return t.Qualifier is null
                        ? "| where AppRoleName == " + Kql.String(t.Name) + " or AppRoleName endswith " + Kql.String("]/" + t.Name) + "\n"
                        : "| where (AppRoleName == " + Kql.String(t.Name) +
                            " and coalesce(" + Prop("k8s.namespace.name") + ", " + Prop("service.namespace") + ") == " + Kql.String(t.Qualifier) + ")" +
                            " or AppRoleName == " + Kql.String(SdkRole.Of(t.Qualifier, t.Name)) + "\n";
                case TargetType.Workflow:
                    return "| where " + Prop("chartly.workflow.id") + " == " + Kql.String(t.Id) + " or " + Prop("chartly.workflow.name") + " == " + Kql.String(t.Id) + "\n";
                case TargetType.Run:
                    return "| where " + Prop("chartly.run.id") + " == " + Kql.String(t.Id) + "\n";
                case TargetType.Operation:
                    return "| where " + Prop("chartly.operation.id") + " == " + Kql.String(t.Id) + "\n";
                default:
                    return "| where " + Prop("chartly.connector.id") + " == " + Kql.String(t.Qualifier ?? string.Empty) +
                        (t.Name.Length == 0 ? string.Empty : " and " + Prop("chartly.connector.run.id") + " == " + Kql.String(t.Name)) + "\n";
            }
        }
    }
}
