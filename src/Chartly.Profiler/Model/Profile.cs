using System.Collections.Generic;

namespace Chartly.Profiler.Model
{
    /// <summary>
    /// A profile: the contract's output sections as typed, immutable objects. The canonical
    /// document (<see cref="Output.ProfileDocument"/>) is written from exactly these values.
    /// </summary>
    public sealed class Profile
    {
        public const string SchemaVersion = "1.1";

        /// <summary>Older schema versions this profiler still reads (a saved 1.0 document has no what-if and no on-path measures).</summary>
        public static System.Collections.Generic.IReadOnlyList<string> ReadableSchemaVersions { get; } = new[] { "1.0", SchemaVersion };

        public Profile(
            ProfileHeader header,
            ProfileSummary summary,
            IReadOnlyList<BreakdownEntry> breakdown,
            IReadOnlyList<Signal> signals,
            IReadOnlyList<Finding> findings,
            Comparison? comparison,
            DataQuality dataQuality,
            IReadOnlyList<WhatIf>? whatIf = null,
            ScalingSummary? scaling = null)
        {
            Header = header;
            Scaling = scaling;
            WhatIf = whatIf ?? System.Array.Empty<WhatIf>();
            Summary = summary;
            Breakdown = breakdown;
            Signals = signals;
            Findings = findings;
            Comparison = comparison;
            DataQuality = dataQuality;
        }

        public ProfileHeader Header { get; }

        public ProfileSummary Summary { get; }

        public IReadOnlyList<BreakdownEntry> Breakdown { get; }

        public IReadOnlyList<Signal> Signals { get; }

        public IReadOnlyList<Finding> Findings { get; }

        public Comparison? Comparison { get; }

        public DataQuality DataQuality { get; }

        /// <summary>
        /// The roots the totals, the breakdown and the what-if are sums over: every root, or for a
        /// target a source sampled (<see cref="Model.DataQuality.TracesSampled"/>) the sampled roots,
        /// which the summary's versions count (docs/sources.md). A per-root mean divides by this.
        /// </summary>
        public long RootsAnalysed => DataQuality.TracesSampled is null ? Summary.Roots.Count : System.Linq.Enumerable.Sum(Summary.Roots.Versions, v => v.Count);

        /// <summary>Scaling limits of the dominant component's workload; null in documents of schema 1.0.</summary>
        public ScalingSummary? Scaling { get; }

        /// <summary>For each top component, what a faster one would buy; empty in documents of schema 1.0.</summary>
        public IReadOnlyList<WhatIf> WhatIf { get; }

        /// <summary>
        /// The configuration file (full path) the profile was made from, so a comparison or a report
        /// reads the same telemetry without being told again. Not part of the document (its bytes do
        /// not depend on where the configuration lives); null for a profile read from a document.
        /// </summary>
        public string? ConfigPath { get; private set; }

        /// <summary>This profile, remembering the configuration it was made from.</summary>
        public Profile MadeFrom(string? configPath)
        {
            var copy = With();
            copy.ConfigPath = configPath;
            return copy;
        }

        public Profile With(ProfileSummary? summary = null, IReadOnlyList<Finding>? findings = null, Comparison? comparison = null, ProfileHeader? header = null) =>
            new(header ?? Header, summary ?? Summary, Breakdown, Signals, findings ?? Findings, comparison ?? Comparison, DataQuality, WhatIf, Scaling) { ConfigPath = ConfigPath };
    }

    public sealed record ProfileTarget(string Type, string Id)
    {
        public override string ToString() => Type + ":" + Id;
    }

    /// <summary>
    /// The half-open window. <see cref="Start"/> and <see cref="End"/> are the document's exact
    /// RFC 3339 text (UTC, to the nanosecond, which <see cref="DateTimeOffset"/>'s 100 ns ticks
    /// cannot hold); <see cref="StartTime"/> and <see cref="EndTime"/> are the same instants as
    /// <see cref="DateTimeOffset"/> for scripts (<c>$p.Header.Window.EndTime - $p.Header.Window.StartTime</c>).
    /// </summary>
    public sealed record ProfileWindow(string Start, string End)
    {
        public System.DateTimeOffset StartTime => Instant(Start);

        public System.DateTimeOffset EndTime => Instant(End);

        public override string ToString() => "[" + Start + ", " + End + ")";

        private static System.DateTimeOffset Instant(string text) =>
            System.DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(Targets.TimeWindow.ParseInstant(text, "window") / 100);
    }

    public sealed record ProfileHeader(
        string Tool,
        string ToolVersion,
        string SchemaVersion,
        ProfileTarget Target,
        string Environment,
        ProfileWindow Window,
        string Precision,
        string CorrelationId);

    /// <summary>
    /// Counts and percentiles of the per-root durations, and the durations themselves (ascending,
    /// at most <see cref="MaxSamples"/>, evenly thinned beyond) so a saved profile can still be the
    /// baseline of a rank test.
    /// </summary>
    public sealed record RootStatistics(long Count, long P50Ms, long P95Ms, long MaxMs, IReadOnlyList<long> SamplesMs)
    {
        public const int MaxSamples = 10_000;

        /// <summary>The <c>service.version</c>s the roots ran, each with its count and percentiles (empty in documents of schema 1.0).</summary>
        public IReadOnlyList<RootVersion> Versions { get; init; } = System.Array.Empty<RootVersion>();

        /// <summary>How a console shows it nested in a summary (not a list's type name).</summary>
        public override string ToString() =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} root{4} (p50 {1} ms, p95 {2} ms, max {3} ms)", Count, P50Ms, P95Ms, MaxMs, Count == 1 ? string.Empty : "s");
    }

    /// <summary>Roots of one <c>service.version</c> (null: the resource named none): how many, and their p50 / p95 duration.</summary>
    public sealed record RootVersion(string? Version, long Count, long P50Ms, long P95Ms);

    public sealed record ProfileSummary(
        long TotalDurationMs,
        string Bottleneck,
        string BottleneckKind,
        string Regression,
        RootStatistics Roots);

    /// <summary>
    /// One contributor: its critical-path time (durations sum to the total, pct to 100) and, beside it,
    /// its self time (which, with concurrency, may sum to more than the total).
    /// </summary>
    public sealed record BreakdownEntry(string Component, long DurationMs, decimal Pct, long SelfMs, long SpanCount);

    /// <summary>
    /// A resource signal (CPU, memory, I/O wait, throttling, backpressure); no data is said, never a
    /// zero. <see cref="Status"/> is <c>ok</c>, <c>no_data</c> or <c>excluded</c> (left out by the
    /// <c>--include-metrics</c> allowlist). The headline (unit, avg, max, total, samples, metrics,
    /// components) is the first of <see cref="Measures"/> that has data, named by
    /// <see cref="Measure"/> (null when none has; docs/signals.md).
    /// </summary>
    public sealed record Signal(
        string Name,
        string Status,
        string Unit,
        decimal? Avg,
        decimal? Max,
        long Samples,
        IReadOnlyList<string> Metrics,
        IReadOnlyList<ComponentSignal> Components,
        decimal? Total = null,
        IReadOnlyList<SignalMeasure>? Measures = null,
        string? Measure = null)
    {
        public IReadOnlyList<SignalMeasure> Measures { get; init; } = Measures ?? System.Array.Empty<SignalMeasure>();
    }

    /// <summary>One quantity inside a signal (the CFS throttle ratio, HTTP 429 responses, ...), measured the same way as the signal.</summary>
    public sealed record SignalMeasure(
        string Name,
        string Status,
        string Unit,
        decimal? Avg,
        decimal? Max,
        decimal? Total,
        long Samples,
        IReadOnlyList<string> Metrics,
        IReadOnlyList<ComponentSignal> Components);

    /// <summary>A signal measured while one critical-path component was running.</summary>
    public sealed record ComponentSignal(string Component, decimal? Avg, decimal? Max, long Samples, decimal? Total = null);

    public sealed record MetricCitation(string Metric, decimal Value, string Unit);

    /// <summary>
    /// Scaling limits while the dominant component held the critical path (docs/signals.md,
    /// "Scaling limits"): whether its workload's autoscaler was at its maximum (<c>at_max</c>,
    /// <c>below_max</c>, or <c>no_data</c> unless samples cover its whole critical time), the
    /// replica figures behind that, and the containers' restarts and OOM kills in the window.
    /// Null figures were not measured.
    /// </summary>
    public sealed record ScalingSummary(
        string? Component,
        string Autoscaler,
        IReadOnlyList<string> Workloads,
        decimal? MaxCurrentReplicas,
        decimal? MaxReplicas,
        decimal? MinAvailableReplicas,
        decimal? MaxDesiredReplicas,
        long? Restarts,
        long? OomKills)
    {
        public static ScalingSummary NoData { get; } = new(null, "no_data", System.Array.Empty<string>(), null, null, null, null, null, null);
    }

    /// <summary>
    /// What a faster component would buy (docs/critical-path.md, "What if"): the target's time
    /// summed over its roots as it was, with the component's own time halved, and without it,
    /// from re-walking each root's critical path; the same for the median root; which component
    /// would hold the most critical-path time once it was halved, and which other one would
    /// once it was gone (the next bottleneck).
    /// </summary>
    public sealed record WhatIf(
        string Component,
        long CurrentMs,
        long HalfMs,
        long RemovedMs,
        decimal HalfDeltaPct,
        decimal RemovedDeltaPct,
        string CriticalAtHalf,
        string NextCritical,
        long MedianRootCurrentMs,
        long MedianRootHalfMs,
        long MedianRootRemovedMs);

    public sealed record Finding(string Id, string Severity, string Text, IReadOnlyList<MetricCitation> Metrics);

    public sealed record DataQuality(
        long FilesRead,
        long BytesRead,
        long RecordsRead,
        long MalformedRecords,
        long UnsupportedFiles,
        long SpansRead,
        long InvalidSpans,
        long TracesSelected,
        long SpansSelected,
        long DuplicateSpans,
        long OrphanSpans,
        long Cycles,
        long ClippedSpans,
        long SpansOutsideParent,
        long OverlapsTolerated,
        long NonBlockingSubtrees,
        long RootsWithoutEnvironment,
        long MetricRecords,
        long MetricPointsUsed,
        long SourcePartialErrors,
        long MetricPointsInvalid = 0,
        long MetricSeriesUsed = 0,
        long MetricSeriesGaps = 0,
        long MetricCounterResets = 0,
        long MetricResourcesUncovered = 0,
        long MetricPointsUnattributed = 0,
        long ScalingSeriesNotCovering = 0)
    {
        /// <summary>The traces whose roots were analysed when a source sampled the target (docs/sources.md); null when nothing was sampled, and then the key is not written.</summary>
        public long? TracesSampled { get; init; }

        /// <summary>The traces holding the target's roots in the window, counted by the backend; null when nothing was sampled.</summary>
        public long? TracesInTarget { get; init; }
    }

    /// <summary>
    /// The profile a comparison ran against: how it was named (<c>profile</c>: a saved document or a
    /// profile object; <c>run</c>: <c>run:&lt;id&gt;</c>; <c>version</c>: <c>version:&lt;v&gt;</c>), its target,
    /// window and correlation id (the id it had before any comparison of its own).
    /// </summary>
    public sealed record ComparisonBaseline(
        string Kind,
        ProfileTarget Target,
        string? ServiceVersion,
        ProfileWindow Window,
        string CorrelationId);

    /// <summary>
    /// The regression comparison against a baseline (docs/regression.md). Totals and component
    /// durations are the two profiles' summed critical-path times, so the component deltas add up
    /// exactly to <see cref="DeltaMs"/>; the verdict is gated on the change per root
    /// (<see cref="DeltaMeanPct"/>) so that more traffic in a window is not read as a regression.
    /// <see cref="CurrentCorrelationId"/> is the current profile's id before the comparison.
    /// </summary>
    public sealed record Comparison(
        ComparisonBaseline Baseline,
        string CurrentCorrelationId,
        decimal ThresholdPct,
        decimal Alpha,
        long BaselineTotalMs,
        long CurrentTotalMs,
        long DeltaMs,
        decimal? DeltaPct,
        long BaselineRoots,
        long CurrentRoots,
        decimal? DeltaMeanPct,
        string Classification,
        string Test,
        decimal? PValue,
        long BaselineSamples,
        long CurrentSamples,
        bool Inconclusive,
        long? SamplesNeeded,
        IReadOnlyList<ComponentDelta> Components);

    /// <summary>
    /// One component in a comparison. <see cref="Presence"/> is <c>both</c>, <c>added</c> (current only) or
    /// <c>removed</c> (baseline only); <see cref="ImpactPct"/> is its change per root as a percentage of the
    /// baseline's total per root (the quantity the magnitude gate reads).
    /// </summary>
    public sealed record ComponentDelta(
        string Component,
        string Presence,
        long BaselineMs,
        long CurrentMs,
        long DeltaMs,
        decimal BaselinePct,
        decimal CurrentPct,
        decimal DeltaPctPoints,
        decimal? ImpactPct,
        string Classification);
}
