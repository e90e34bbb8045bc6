using System;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Metrics
{
    /// <summary>
    /// Where a metric sample was measured: the identity a span's resource can be joined on. Every
    /// part is optional; a metric is attributed at the most specific level it carries (container,
    /// pod, service, node), see <see cref="MatchScore"/>.
    /// </summary>
    public sealed record MetricResource(
        string? Environment,
        string? Namespace,
        string? Service,
        string? Pod,
        string? Container,
        string? Node)
    {
        /// <summary>Match levels, most specific first; 0 is no match.</summary>
        public const int ContainerLevel = 4;
        public const int PodLevel = 3;
        public const int ServiceLevel = 2;
        public const int NodeLevel = 1;

        /// <summary>A workload is a set of pods, as a service is; its metrics never compete with a service's (one canonical metric has one or the other).</summary>
        public const int WorkloadLevel = 2;

        /// <summary>
        /// The workload (a deployment or statefulset, named by its autoscaler's scale target or the
        /// autoscaler itself) a metric of an autoscaler or deployment describes; null for every
        /// other metric and for spans. Such a metric has a namespace and no pod, service or container.
        /// </summary>
        public string? Workload { get; init; }

        /// <summary>The identity of the resource a span ran on (its node is k8s.node.name, else host.name).</summary>
        public static MetricResource FromSpan(ResourceInfo r) =>
            new(r.Environment, r.Namespace, r.ServiceName, r.PodName, r.ContainerName, r.HostName);

        /// <summary>
        /// How specifically this metric resource describes where a span ran, or 0 when it does not.
        /// A metric with a pod matches spans of that pod (namespace equal where both have one); one
        /// with a container matches only that container, one without (a pod-level cgroup) the whole
        /// pod. A metric without a pod but with a service matches that service (namespace equal
        /// where both have one). A metric with only a node matches every span on that node.
        /// Environments must agree when both are known. cAdvisor's pause container (<c>POD</c>)
        /// never matches.
        /// </summary>
        public int MatchScore(MetricResource span)
        {
            if (!Compatible(Environment, span.Environment))
            {
                return 0;
            }

            if (Workload is not null)
            {
                return span.Pod is not null && Compatible(Namespace, span.Namespace) && WorkloadPods.IsPodOf(Workload, span.Pod) ? WorkloadLevel : 0;
            }

            if (Pod is not null)
            {
                if (span.Pod is null || !string.Equals(Pod, span.Pod, StringComparison.Ordinal) || !Compatible(Namespace, span.Namespace))
                {
                    return 0;
                }

                if (Container is null)
                {
                    return PodLevel;
                }

                if (string.Equals(Container, "POD", StringComparison.Ordinal))
                {
                    return 0;
                }

                return span.Container is not null && string.Equals(Container, span.Container, StringComparison.Ordinal) ? ContainerLevel : 0;
            }

            if (Service is not null)
            {
                return span.Service is not null && string.Equals(Service, span.Service, StringComparison.Ordinal) && Compatible(Namespace, span.Namespace) ? ServiceLevel : 0;
            }

            if (Node is not null)
            {
                return span.Node is not null && string.Equals(Node, span.Node, StringComparison.Ordinal) ? NodeLevel : 0;
            }

            return 0;
        }

        /// <summary>Ordinal order over every part, nulls first: a fixed order for samples of many resources.</summary>
        public static int Compare(MetricResource? a, MetricResource? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            if (a is null) return -1;
            if (b is null) return 1;
            var c = string.CompareOrdinal(a.Environment, b.Environment);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Namespace, b.Namespace);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Service, b.Service);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Pod, b.Pod);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Container, b.Container);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Node, b.Node);
            return c != 0 ? c : string.CompareOrdinal(a.Workload, b.Workload);
        }

        public override string ToString() =>
            string.Join("/", Environment ?? "-", Namespace ?? "-", Service ?? "-", Pod ?? "-", Container ?? "-", Node ?? "-")
            + (Workload is null ? string.Empty : "/workload=" + Workload);

        private static bool Compatible(string? a, string? b) => a is null || b is null || string.Equals(a, b, StringComparison.Ordinal);
    }
}
