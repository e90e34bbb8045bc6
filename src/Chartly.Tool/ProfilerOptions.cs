namespace Chartly.Tool
{
    /// <summary>What <c>chartly-tool profiler</c> was asked, as text, after the command line's own checks.</summary>
    internal sealed record ProfilerOptions(
        string Environment,
        string TargetType,
        string TargetId,
        string WindowStart,
        string WindowEnd,
        string Format,
        bool DryRun,
        string? CompareTo,
        string? Precision,
        string? IncludeMetrics,
        string? Config);
}
