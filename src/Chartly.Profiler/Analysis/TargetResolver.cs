using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Turns the spans that can begin a target into the target's roots, or fails fast: not found,
    /// ambiguous (the message lists the candidates' ids, nothing else), or not in the window.
    /// </summary>
    public static class TargetResolver
    {
        private const int MaxListed = 10;

        /// <summary>Candidates of the environment whose start lies in the window, after the ambiguity checks.</summary>
        public static IReadOnlyList<SpanRecord> SelectInWindow(IReadOnlyList<SpanRecord> candidates, ProfileRequest request)
        {
            var target = request.Target;
            var inEnv = candidates.Where(c => c.Resource.Environment is null || string.Equals(c.Resource.Environment, request.Environment, StringComparison.Ordinal)).ToList();
            if (inEnv.Count == 0)
            {
                throw ProfilerException.Precondition(
                    "TargetNotFound",
                    $"No {Describe(target)} was found in environment '{request.Environment}'.");
            }

            var inWindow = inEnv.Where(c => request.Window.Contains(c.StartUnixNano)).ToList();
            if (inWindow.Count == 0)
            {
                var starts = inEnv.Select(c => c.StartUnixNano).Distinct().OrderBy(s => Math.Abs(s - request.Window.StartUnixNano)).ThenBy(s => s).Take(3).OrderBy(s => s)
                    .Select(TimeWindow.FormatUtc);
                throw ProfilerException.Precondition(
                    "TargetNotInWindow",
                    $"No {Describe(target)} starts in the window [{request.Window.StartText}, {request.Window.EndText}) in environment '{request.Environment}'. Nearest starts: {string.Join(", ", starts)}.");
            }

            CheckAmbiguity(inWindow, target);
            return inWindow;
        }

        private static void CheckAmbiguity(List<SpanRecord> inWindow, TargetSpec target)
        {
            string kind;
            IEnumerable<string?> keys;
            switch (target.Type)
            {
                case TargetType.Service when target.Qualifier is null:
                    kind = "namespaces";
                    keys = inWindow.Select(c => (c.Resource.Namespace ?? "(no namespace)") + "/" + target.Name);
                    break;
                case TargetType.Workflow:
                    kind = "workflows";
                    keys = inWindow.Select(c => c.Identity.WorkflowId ?? c.Identity.WorkflowName);
                    break;
                case TargetType.Run:
                    kind = "workflows";
                    keys = inWindow.Select(c => c.Identity.WorkflowId ?? (c.Identity.ConnectorId is null ? null : "connector " + c.Identity.ConnectorId));
                    break;
                default:
                    return;
            }

            ThrowIfAmbiguous(target, kind, keys, null);
        }

        /// <summary>
        /// The keys a sampling backend found over every candidate in the window (docs/sources.md):
        /// <paramref name="keys"/> as the service returns them (a namespace, possibly empty, for a
        /// service; a workflow id or name, or <c>connector &lt;id&gt;</c>, for a workflow or run) and
        /// <paramref name="count"/> their distinct number, which may be more than it listed.
        /// </summary>
        internal static void ThrowIfAmbiguous(TargetSpec target, IEnumerable<string> keys, long count)
        {
            switch (target.Type)
            {
                case TargetType.Service when target.Qualifier is null:
                    ThrowIfAmbiguous(target, "namespaces", keys.Select(k => (k.Length == 0 ? "(no namespace)" : k) + "/" + target.Name), count);
                    break;
                case TargetType.Workflow:
                case TargetType.Run:
                    ThrowIfAmbiguous(target, "workflows", keys.Where(k => k.Length > 0), count);
                    break;
            }
        }

        private static void ThrowIfAmbiguous(TargetSpec target, string kind, IEnumerable<string?> keys, long? count)
        {
            // Candidate ids come from telemetry: echoed printable, one line and bounded, like any input.
            var distinct = keys.Where(k => k is not null).Select(k => Sanitize.ForMessage(k)).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal).ToList();
            var total = Math.Max(distinct.Count, count ?? 0);
            if (total > 1)
            {
                var listed = string.Join(", ", distinct.Take(MaxListed)) + (total > MaxListed ? $" and {total - MaxListed} more" : string.Empty);
                var hint = target.Type == TargetType.Service ? " Name one as namespace/name." : target.Type == TargetType.Workflow ? " Use a workflow id." : string.Empty;
                throw ProfilerException.Precondition(
                    "TargetAmbiguous",
                    $"The {TargetTypes.ToName(target.Type)} '{target.Id}' is ambiguous: it matches {total} {kind}: {listed}.{hint}");
            }
        }

        /// <summary>
        /// The roots of one loaded trace: candidates of the window that no other matching span
        /// encloses (a child repeating its run id is part of the run, not a second run).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static List<int> FindRoots(TraceTree tree, SpanIdSet inWindowSpanIds, TargetMatcher matcher)
        {
            var roots = new List<int>();
            var spans = tree.Spans;
            for (var i = 0; i < spans.Length; i++)
            {
                if (!inWindowSpanIds.Contains(spans[i].SpanId) || !matcher.Matches(spans[i]))
                {
                    continue;
                }

                var nested = false;
                var p = tree.Parent[i];
                var steps = 0;
                while (p >= 0 && steps++ < spans.Length)
                {
                    if (matcher.Matches(spans[p]))
                    {
                        nested = true;
                        break;
                    }

                    p = tree.Parent[p];
                }

                if (!nested)
                {
                    roots.Add(i);
                }
            }

            return roots;
        }

        public static string Describe(TargetSpec target) => target.Type switch
        {
            TargetType.Service => $"server or consumer span of service '{target.Id}'",
            TargetType.Workflow => $"run of workflow '{target.Id}'",
            TargetType.Run => $"workflow run '{target.Id}'",
            TargetType.Operation => $"operation '{target.Id}'",
            TargetType.Connector => target.Name.Length == 0 ? $"run of connector '{target.Qualifier}'" : $"connector run '{target.Id}'",
            _ => target.ToString(),
        };
    }
}
