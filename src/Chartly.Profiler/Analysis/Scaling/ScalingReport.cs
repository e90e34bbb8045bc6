using System.Collections.Generic;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Analysis.Scaling
{
    /// <summary>The answer to "was the autoscaler at its maximum while the component held the critical path".</summary>
    public static class AutoscalerStatus
    {
        /// <summary>Current replicas reached the maximum in a sample of that time, from series that cover all of it.</summary>
        public const string AtMax = "at_max";

        /// <summary>Every autoscaler of the component's workloads covered its critical time and stayed below its maximum.</summary>
        public const string BelowMax = "below_max";

        /// <summary>No autoscaler matched, or its series did not cover the critical time: nothing is guessed.</summary>
        public const string NoData = "no_data";
    }

    /// <summary>How far the scaling evidence can be trusted, for the profile's data_quality.</summary>
    /// <param name="ReplicaSeriesNotCovering">
    /// Replica series (an autoscaler's current or maximum, a deployment's available or desired)
    /// matched to the component that did not cover its critical time: they stopped or started
    /// mid-window, or had a gap there.
    /// </param>
    /// <param name="WorkloadsMatched">Autoscaled workloads whose pods ran the component's critical sections.</param>
    public sealed record ScalingDataQuality(long ReplicaSeriesNotCovering, long WorkloadsMatched);

    /// <summary>Restarts (and OOM kills) of one container while the target ran on it.</summary>
    public sealed record ContainerRestarts(string? Namespace, string Pod, string? Container, long Restarts, bool OomKilled);

    /// <summary>
    /// The scaling evidence of one target: what the profile says (<see cref="Summary"/>, the
    /// model's <see cref="ScalingSummary"/>: the dominant component's autoscaler state while it held
    /// the critical path, the restarts and OOM kills of the containers the target ran on), and
    /// what it rests on: per container, the citations and findings, and the data quality.
    /// Autoscaler figures are null when <see cref="Autoscaler"/> is no_data, deployment figures
    /// when no deployment's series covered the component's critical time; <see cref="Restarts"/>
    /// is null when no restart series described the target's time, <see cref="OomKills"/> when no
    /// termination-reason series did.
    /// </summary>
    public sealed record ScalingReport(
        ScalingSummary Summary,
        IReadOnlyList<ContainerRestarts> Containers,
        IReadOnlyList<MetricCitation> Citations,
        IReadOnlyList<Finding> Findings,
        ScalingDataQuality Quality)
    {
        public string? Component => Summary.Component;

        public string Autoscaler => Summary.Autoscaler;

        public IReadOnlyList<string> Workloads => Summary.Workloads;

        public decimal? MaxCurrentReplicas => Summary.MaxCurrentReplicas;

        public decimal? MaxReplicas => Summary.MaxReplicas;

        public decimal? MinAvailableReplicas => Summary.MinAvailableReplicas;

        public decimal? MaxDesiredReplicas => Summary.MaxDesiredReplicas;

        public long? Restarts => Summary.Restarts;

        public long? OomKills => Summary.OomKills;
    }
}
