using System;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// The target-identity columns every Kusto source projects under the same names
    /// (<c>WorkflowId</c>, <c>WorkflowName</c>, <c>RunId</c>, <c>ChartlyOperationId</c>,
    /// <c>ConnectorId</c>, <c>ConnectorRunId</c>), found once per answer and read per row.
    /// </summary>
    internal sealed class IdentityColumns
    {
        private readonly int _workflowId, _workflowName, _runId, _operationId, _connectorId, _connectorRunId;

        public IdentityColumns(Func<string, int> need)
        {
            _workflowId = need("WorkflowId");
            _workflowName = need("WorkflowName");
            _runId = need("RunId");
            _operationId = need("ChartlyOperationId");
            _connectorId = need("ConnectorId");
            _connectorRunId = need("ConnectorRunId");
        }

        /// <summary>The row's identity; the shared <see cref="TargetIdentity.None"/> when it carries none.</summary>
        public TargetIdentity Read(string?[] row)
        {
            var identity = new TargetIdentity(
                ResourceInterner.Text(row[_workflowId]),
                ResourceInterner.Text(row[_workflowName]),
                ResourceInterner.Text(row[_runId]),
                ResourceInterner.Text(row[_operationId]),
                ResourceInterner.Text(row[_connectorId]),
                ResourceInterner.Text(row[_connectorRunId]));
            return identity.IsNone ? TargetIdentity.None : identity;
        }
    }
}
