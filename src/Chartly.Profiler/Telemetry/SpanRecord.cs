namespace Chartly.Profiler.Telemetry
{
    /// <summary>OTLP span kinds, by their wire numbers.</summary>
    public enum SpanKind
    {
        Unspecified = 0,
        Internal = 1,
        Server = 2,
        Client = 3,
        Producer = 4,
        Consumer = 5,
    }

    /// <summary>
    /// The identity a resource carries (conventions section 1). Instances are interned by the
    /// reader, so spans of one resource share one object.
    /// </summary>
    public sealed record ResourceInfo(
        string? ServiceName,
        string? Namespace,
        string? Environment,
        string? ServiceVersion,
        string? PodName,
        string? ContainerName,
        string? HostName)
    {
        public static ResourceInfo Empty { get; } = new(null, null, null, null, null, null, null);
    }

    /// <summary>The target identities a span can carry; null where the attribute is absent.</summary>
    public sealed record TargetIdentity(
        string? WorkflowId,
        string? WorkflowName,
        string? RunId,
        string? OperationId,
        string? ConnectorId,
        string? ConnectorRunId)
    {
        public static TargetIdentity None { get; } = new(null, null, null, null, null, null);

        public bool IsNone => WorkflowId is null && WorkflowName is null && RunId is null && OperationId is null && ConnectorId is null && ConnectorRunId is null;
    }

    /// <summary>
    /// One span as the analysis needs it: ids as numbers, times in Unix nanoseconds, a normalised
    /// component label, and only the attributes the profiler reads. Nothing else of the span
    /// (payloads, statements, other attribute values, events) is kept.
    /// </summary>
    public sealed class SpanRecord
    {
        public SpanRecord(
            TraceId traceId,
            ulong spanId,
            ulong parentSpanId,
            long startUnixNano,
            long endUnixNano,
            SpanKind kind,
            int statusCode,
            ResourceInfo resource,
            string label,
            TargetIdentity identity,
            int httpStatusCode,
            int resendCount)
        {
            TraceId = traceId;
            SpanId = spanId;
            ParentSpanId = parentSpanId;
            StartUnixNano = startUnixNano;
            EndUnixNano = endUnixNano;
            Kind = kind;
            StatusCode = statusCode;
            Resource = resource;
            Label = label;
            Identity = identity;
            HttpStatusCode = httpStatusCode;
            ResendCount = resendCount;
        }

        public TraceId TraceId { get; }

        public ulong SpanId { get; }

        /// <summary>0 for a root (the key was missing or empty).</summary>
        public ulong ParentSpanId { get; }

        public long StartUnixNano { get; }

        public long EndUnixNano { get; }

        public long DurationNanos => EndUnixNano - StartUnixNano;

        public SpanKind Kind { get; }

        public int StatusCode { get; }

        public ResourceInfo Resource { get; }

        public string Label { get; }

        public TargetIdentity Identity { get; }

        /// <summary>http.response.status_code (or the older http.status_code); 0 when absent.</summary>
        public int HttpStatusCode { get; }

        /// <summary>http.request.resend_count; 0 when absent.</summary>
        public int ResendCount { get; }
    }
}
