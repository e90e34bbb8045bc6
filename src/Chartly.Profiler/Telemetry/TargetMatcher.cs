using System;
using Chartly.Profiler.Targets;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// Decides whether a span can begin the target (conventions section 2). Nested matches (a child
    /// repeating its run id) are removed later, once the whole trace is known.
    /// </summary>
    public sealed class TargetMatcher
    {
        public TargetMatcher(TargetSpec target)
        {
            Target = target;
        }

        public TargetSpec Target { get; }

        [MethodImpl(HotPath.Optimised)]
        public bool Matches(SpanDraft d)
        {
            var t = Target;
            switch (t.Type)
            {
                case TargetType.Service:
                    return (d.Kind == SpanKind.Server || d.Kind == SpanKind.Consumer)
                        && string.Equals(d.EffectiveServiceName, t.Name, StringComparison.Ordinal)
                        && (t.Qualifier is null || string.Equals(d.EffectiveNamespace, t.Qualifier, StringComparison.Ordinal));
                case TargetType.Workflow:
                    return Eq(d.WorkflowId ?? d.ResourceIdentity.WorkflowId, t.Id) || Eq(d.WorkflowName ?? d.ResourceIdentity.WorkflowName, t.Id);
                case TargetType.Run:
                    return Eq(d.RunId ?? d.ResourceIdentity.RunId, t.Id);
                case TargetType.Operation:
                    return Eq(d.OperationId ?? d.ResourceIdentity.OperationId, t.Id);
                case TargetType.Connector:
                    return Eq(d.ConnectorId ?? d.ResourceIdentity.ConnectorId, t.Qualifier)
                        && (t.Name.Length == 0 || Eq(d.ConnectorRunId ?? d.ResourceIdentity.ConnectorRunId, t.Name));
                default:
                    return false;
            }
        }

        /// <summary>The same test on a kept span, used to find nested matches inside a loaded trace.</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool Matches(SpanRecord s)
        {
            var t = Target;
            var id = s.Identity;
            switch (t.Type)
            {
                case TargetType.Service:
                    return (s.Kind == SpanKind.Server || s.Kind == SpanKind.Consumer)
                        && string.Equals(s.Resource.ServiceName, t.Name, StringComparison.Ordinal)
                        && (t.Qualifier is null || string.Equals(s.Resource.Namespace, t.Qualifier, StringComparison.Ordinal));
                case TargetType.Workflow:
                    return Eq(id.WorkflowId, t.Id) || Eq(id.WorkflowName, t.Id);
                case TargetType.Run:
                    return Eq(id.RunId, t.Id);
                case TargetType.Operation:
                    return Eq(id.OperationId, t.Id);
                case TargetType.Connector:
                    return Eq(id.ConnectorId, t.Qualifier) && (t.Name.Length == 0 || Eq(id.ConnectorRunId, t.Name));
                default:
                    return false;
            }
        }

        private static bool Eq(string? a, string? b) => a is not null && string.Equals(a, b, StringComparison.Ordinal);
    }
}
