using System.Collections.Generic;
using System.Threading;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// A read-only source of spans. The engine asks twice: first for the spans that can begin the
    /// target (cheap: a remote source pushes the filter down), then for every span of the traces
    /// those roots live in.
    /// </summary>
    public interface ITraceSource
    {
        /// <summary>A short description for plans and messages, e.g. <c>otlp-file samples/telemetry</c>.</summary>
        string Description { get; }

        /// <summary>What the source would read or send for this request, without reading anything.</summary>
        IReadOnlyList<string> Plan(ProfileRequest request);

        IReadOnlyList<SpanRecord> FindCandidates(TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation);

        IReadOnlyList<SpanRecord> LoadTraces(IReadOnlyCollection<TraceId> traces, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation);
    }
}
