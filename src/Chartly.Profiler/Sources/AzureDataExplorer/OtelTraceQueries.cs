using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// The KQL sent to a traces table in the schema of the collector's <c>azuredataexplorer</c>
    /// exporter (<c>TraceID</c>, <c>SpanID</c>, <c>ParentID</c>, <c>SpanName</c>, <c>SpanStatus</c>,
    /// <c>SpanKind</c>, <c>StartTime</c>, <c>EndTime</c>, <c>ResourceAttributes</c>,
    /// <c>TraceAttributes</c>). Identity is resolved in the query exactly as the file reader
    /// resolves it (a span's own target attributes outrank its resource's; the resource's service
    /// identity outranks the span's; <c>k8s.namespace.name</c> outranks <c>service.namespace</c>,
    /// <c>k8s.node.name</c> outranks <c>host.name</c>), so the filter the server applies is the
    /// file source's filter. Only named attributes are projected, never the bags (they can hold
    /// payloads); only their types are, so a row whose bag is not an object is seen, not read as empty.
    /// </summary>
    internal sealed class OtelTraceQueries : IKustoSpanQueries
    {
        private readonly string _table;

        public OtelTraceQueries(string table) => _table = table;

        /// <summary>The columns the root statistics read; a duration is whole 100 ns ticks, as the table stores times.</summary>
        public KustoRootColumns RootColumns { get; } = new("TraceID", "SpanID", "ParentID", "StartTime", "tolong((EndTime - StartTime) / 1tick) * 100", "ServiceVersion", "Namespace");

        private static string R(string key) => "tostring(ResourceAttributes[\"" + key + "\"])";

        private static string T(string key) => "tostring(TraceAttributes[\"" + key + "\"])";

        /// <summary>Pass 1 columns: ids, kind, times and identity.</summary>
        private static readonly string CandidateColumns =
            "| project TraceID, SpanID, ParentID, SpanKind, StartTime, EndTime,\n" +
            "    ResourceType = gettype(ResourceAttributes), AttributesType = gettype(TraceAttributes),\n" +
            "    ServiceName = coalesce(" + R("service.name") + ", " + T("service.name") + "),\n" +
            "    Namespace = coalesce(" + R("k8s.namespace.name") + ", " + R("service.namespace") + ", " + T("k8s.namespace.name") + ", " + T("service.namespace") + "),\n" +
            "    Environment = coalesce(" + R("deployment.environment.name") + ", " + R("deployment.environment") + ", " + T("deployment.environment.name") + ", " + T("deployment.environment") + "),\n" +
            "    ServiceVersion = coalesce(" + R("service.version") + ", " + T("service.version") + "),\n" +
            "    Pod = " + R("k8s.pod.name") + ", Container = " + R("k8s.container.name") + ", Host = coalesce(" + R("k8s.node.name") + ", " + R("host.name") + "),\n" +
            "    WorkflowId = " + Own("chartly.workflow.id") + ", WorkflowName = " + Own("chartly.workflow.name") + ",\n" +
            "    RunId = " + Own("chartly.run.id") + ", ChartlyOperationId = " + Own("chartly.operation.id") + ",\n" +
            "    ConnectorId = " + Own("chartly.connector.id") + ", ConnectorRunId = " + Own("chartly.connector.run.id");

        /// <summary>Pass 2 adds what the breakdown and the signals read: name, status, component, HTTP status, resends.</summary>
        private static readonly string TraceColumns = CandidateColumns + ",\n" +
            "    SpanName, SpanStatus, Component = " + T("chartly.component") + ",\n" +
            "    HttpStatus = coalesce(" + T("http.response.status_code") + ", " + T("http.status_code") + "), ResendCount = " + T("http.request.resend_count") + "\n";

        public string Candidates(TargetSpec target, long fromUnixNano, long toUnixNano) =>
            _table + "\n" +
            TimeFilter(fromUnixNano, toUnixNano) +
            CandidateColumns + "\n" +
            TargetFilter(target);

        public string Nearest(TargetSpec target, long windowStartUnixNano, long fromUnixNano, long toUnixNano, int count) =>
            Candidates(target, fromUnixNano, toUnixNano) +
            "| extend Distance = abs(StartTime - " + Kql.DateTime(windowStartUnixNano) + ")\n" +
            "| sort by Distance asc, StartTime asc\n" +
            "| take " + count.ToString(CultureInfo.InvariantCulture) + "\n" +
            "| project-away Distance\n";

        public string Traces(IReadOnlyList<TraceId> traces, long fromUnixNano, long toUnixNano)
        {
            var ids = new StringBuilder();
            for (var i = 0; i < traces.Count; i++)
            {
                ids.Append(i == 0 ? string.Empty : ", ").Append('"').Append(traces[i].ToString()).Append('"');
            }

            return TracesWith(ids.ToString(), fromUnixNano, toUnixNano);
        }

        public string TracesTemplate(long fromUnixNano, long toUnixNano) =>
            TracesWith("<trace ids found by pass 1>", fromUnixNano, toUnixNano);

        private string TracesWith(string idList, long fromUnixNano, long toUnixNano) =>
            _table + "\n" +
            TimeFilter(fromUnixNano, toUnixNano) +
            "| where TraceID in~ (" + idList + ")\n" +
            TraceColumns;

        /// <summary>A target attribute: the span's own, else its resource's.</summary>
        private static string Own(string key) => "coalesce(" + T(key) + ", " + R(key) + ")";

        private static string TimeFilter(long fromUnixNano, long toUnixNano) =>
            "| where StartTime >= " + Kql.DateTime(fromUnixNano) + " and StartTime < " + Kql.DateTime(toUnixNano) + "\n";

        private static string TargetFilter(TargetSpec t)
        {
            switch (t.Type)
            {
                case TargetType.Service:
                    // A service target begins only at entry spans (server, consumer), as in files.
                    return "| where SpanKind in~ (\"Server\", \"Consumer\", \"SPAN_KIND_SERVER\", \"SPAN_KIND_CONSUMER\")\n" +
                        "| where ServiceName == " + Kql.String(t.Name) + "\n" +
                        (t.Qualifier is null ? string.Empty : "| where Namespace == " + Kql.String(t.Qualifier) + "\n");
                case TargetType.Workflow:
                    return "| where WorkflowId == " + Kql.String(t.Id) + " or WorkflowName == " + Kql.String(t.Id) + "\n";
                case TargetType.Run:
                    return "| where RunId == " + Kql.String(t.Id) + "\n";
                case TargetType.Operation:
                    return "| where ChartlyOperationId == " + Kql.String(t.Id) + "\n";
                default:
                    return "| where ConnectorId == " + Kql.String(t.Qualifier ?? string.Empty) +
                        (t.Name.Length == 0 ? string.Empty : " and ConnectorRunId == " + Kql.String(t.Name)) + "\n";
            }
        }
    }
}
