using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>How much of a span a sink wants, decided as soon as the trace id is known.</summary>
    public enum SpanInterest
    {
        /// <summary>Nothing: the rest of the span is skipped.</summary>
        Skip,
        /// <summary>Ids, times, kind and identity attributes; no name.</summary>
        Probe,
        /// <summary>Everything the analysis reads, the name included.</summary>
        Full,
    }

    /// <summary>
    /// A reusable scratch copy of one span while its record is parsed. Sinks copy what they keep
    /// into a <see cref="SpanRecord"/>; a draft never escapes the parse.
    /// </summary>
    public sealed class SpanDraft
    {
        public TraceId TraceId;
        public ulong SpanId;
        public ulong ParentSpanId;
        public long StartUnixNano;
        public long EndUnixNano;
        public SpanKind Kind;
        public int StatusCode;
        public SpanInterest Interest;
        public bool Invalid;
        public bool HasTraceId;
        public bool HasSpanId;
        public bool HasStart;
        public bool HasEnd;
        public string? Name;
        public string? Component;
        public string? WorkflowId;
        public string? WorkflowName;
        public string? RunId;
        public string? OperationId;
        public string? ConnectorId;
        public string? ConnectorRunId;
        public string? ServiceName;
        public string? Namespace;
        public string? Environment;
        public string? ServiceVersion;
        public int HttpStatusCode;
        public int ResendCount;
        public ResourceInfo Resource = ResourceInfo.Empty;
        public TargetIdentity ResourceIdentity = TargetIdentity.None;

        [MethodImpl(HotPath.Optimised)]
        public void Reset()
        {
            TraceId = default;
            SpanId = 0;
            ParentSpanId = 0;
            StartUnixNano = 0;
            EndUnixNano = 0;
            Kind = SpanKind.Unspecified;
            StatusCode = 0;
            Interest = SpanInterest.Probe;
            Invalid = false;
            HasTraceId = HasSpanId = HasStart = HasEnd = false;
            Name = Component = WorkflowId = WorkflowName = RunId = OperationId = ConnectorId = ConnectorRunId = null;
            ServiceName = Namespace = Environment = ServiceVersion = null;
            HttpStatusCode = 0;
            ResendCount = 0;
            Resource = ResourceInfo.Empty;
            ResourceIdentity = TargetIdentity.None;
        }

        /// <summary>The target identity, span attributes first, then the resource's (conventions section 1).</summary>
        [MethodImpl(HotPath.Optimised)]
        public TargetIdentity BuildIdentity()
        {
            var r = ResourceIdentity;
            var w = WorkflowId ?? r.WorkflowId;
            var wn = WorkflowName ?? r.WorkflowName;
            var run = RunId ?? r.RunId;
            var op = OperationId ?? r.OperationId;
            var c = ConnectorId ?? r.ConnectorId;
            var cr = ConnectorRunId ?? r.ConnectorRunId;
            if (w is null && wn is null && run is null && op is null && c is null && cr is null)
            {
                return TargetIdentity.None;
            }

            return new TargetIdentity(w, wn, run, op, c, cr);
        }

        public bool HasIdentity =>
            WorkflowId is not null || WorkflowName is not null || RunId is not null || OperationId is not null || ConnectorId is not null || ConnectorRunId is not null || !ResourceIdentity.IsNone;

        /// <summary>Service identity, resource first, then the span's own attributes.</summary>
        public string? EffectiveServiceName => Resource.ServiceName ?? ServiceName;

        public string? EffectiveNamespace => Resource.Namespace ?? Namespace;

        public string? EffectiveEnvironment => Resource.Environment ?? Environment;
    }

    /// <summary>Receives the spans of each record once the whole record parsed cleanly.</summary>
    public interface ISpanSink
    {
        /// <summary>
        /// How much of the trace's spans the sink wants. May be asked more than once for a trace
        /// of one record (a reader that gives up on a record midway hands it to the full parser,
        /// which asks again): it must answer the same and note nothing twice that it does not
        /// collapse by record (the pass-one index sorts and dedups what a record saw).
        /// </summary>
        SpanInterest Interest(TraceId traceId);

        void Accept(SpanDraft draft);
    }
}
