using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Analysis.Scaling
{
    /// <summary>
    /// The findings of the scaling evidence, with stable ids: <c>scaling.at-max-replicas:&lt;component&gt;</c>
    /// (warning: the limit was hit), <c>scaling.below-max-replicas:&lt;component&gt;</c> (info: it was
    /// respected), <c>scaling.replicas-unavailable:&lt;component&gt;</c>, <c>scaling.restarts</c> and
    /// <c>scaling.oom-killed</c> (warnings). Each cites the values it states.
    /// </summary>
    public static class ScalingFindings
    {
        /// <summary>At most this many containers are named in a finding's text; the count covers all.</summary>
        private const int MaxNamed = 3;

        public static string Label(string metric, string component) => metric + "{component=\"" + component + "\"}";

        public static Finding Autoscaler(string component, string status, IReadOnlyList<string> workloads, MetricCitation current, MetricCitation max)
        {
            var of = workloads.Count == 1 ? "the autoscaler of " + workloads[0] : "the autoscalers of " + string.Join(", ", workloads);
            if (status == AutoscalerStatus.AtMax)
            {
                return new Finding(
                    "scaling.at-max-replicas:" + component,
                    "warning",
                    string.Format(CultureInfo.InvariantCulture, "While {0} held the critical path, {1} was at its maximum of {2:#,0.#} replicas ({3:#,0.#} current): the scaling limit was hit, more load could not be spread over more pods.", component, of, max.Value, current.Value),
                    new[] { current, max });
            }

            return new Finding(
                "scaling.below-max-replicas:" + component,
                "info",
                string.Format(CultureInfo.InvariantCulture, "While {0} held the critical path, {1} stayed below its maximum (at most {2:#,0.#} of {3:#,0.#} replicas): the scaling limit was respected.", component, of, current.Value, max.Value),
                new[] { current, max });
        }

        public static Finding Unavailable(string component, IReadOnlyList<string> workloads, MetricCitation available, MetricCitation desired) => new(
            "scaling.replicas-unavailable:" + component,
            "warning",
            string.Format(CultureInfo.InvariantCulture, "While {0} held the critical path, {1} had fewer replicas available than desired (at worst {2:#,0.#} of {3:#,0.#}): scaling out was asked for and did not happen.", component, (workloads.Count == 1 ? "the deployment " : "the deployments ") + string.Join(", ", workloads), available.Value, desired.Value),
            new[] { available, desired });

        public static Finding Restarts(IReadOnlyList<ContainerRestarts> containers, MetricCitation total) => new(
            "scaling.restarts",
            "warning",
            string.Format(CultureInfo.InvariantCulture, "{0:#,0} container restart(s) while the target ran on them: {1}.", total.Value, Named(containers, c => c.Restarts > 0, c => c.Restarts.ToString("#,0", CultureInfo.InvariantCulture) + "x")),
            new[] { total });

        public static Finding OomKilled(IReadOnlyList<ContainerRestarts> containers, MetricCitation total) => new(
            "scaling.oom-killed",
            "warning",
            string.Format(CultureInfo.InvariantCulture, "{0:#,0} container(s) were OOM-killed while the target ran on them (restarted, last termination reason OOMKilled): {1}. Their memory limit was hit.", total.Value, Named(containers, c => c.OomKilled, _ => "OOMKilled")),
            new[] { total });

        private static string Named(IReadOnlyList<ContainerRestarts> containers, System.Func<ContainerRestarts, bool> which, System.Func<ContainerRestarts, string> what)
        {
            var list = containers.Where(which).ToList();
            var named = list.Take(MaxNamed).Select(c => (c.Namespace is null ? string.Empty : c.Namespace + "/") + c.Pod + (c.Container is null ? string.Empty : "/" + c.Container) + " (" + what(c) + ")");
            var more = list.Count > MaxNamed ? string.Format(CultureInfo.InvariantCulture, " and {0:#,0} more", list.Count - MaxNamed) : string.Empty;
            return string.Join(", ", named) + more;
        }
    }
}
