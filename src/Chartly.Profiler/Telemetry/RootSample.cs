namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// What a source that sampled the target's traces knows of the whole target: the exact root
    /// count, nearest-rank p50 and p95 and maximum (in the profile's unit, as milliseconds) over
    /// every root, computed by the backend, and how many traces hold those roots.
    /// </summary>
    public sealed record RootSample(long Roots, long Traces, long P50Ms, long P95Ms, long MaxMs);

    /// <summary>A span source that may answer for a sample of the target's traces (docs/sources.md, "Targets with more roots than the budget").</summary>
    public interface IRootSampleSource
    {
        /// <summary>Set by the last <see cref="ITraceSource.FindCandidates"/> when it sampled; null when every root was selected.</summary>
        RootSample? RootSample { get; }
    }
}
