using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Model;

namespace Chartly.Profiler.Analysis.Signals
{
    /// <summary>The taxonomy's labels (docs/taxonomy.md).</summary>
    public static class BottleneckKinds
    {
        public const string Cpu = "cpu";
        public const string Memory = "memory";
        public const string Io = "io";
        public const string Dependency = "dependency";
        public const string Throttling = "throttling";
        public const string Queueing = "queueing";
        public const string Unknown = "unknown";

        public static IReadOnlyList<string> All { get; } = new[] { Cpu, Memory, Io, Dependency, Throttling, Queueing, Unknown };
    }

    /// <summary>
    /// Why a rule fired: the kind, the rule's id, the component it is about (null for the whole
    /// target), a clause for the finding's sentence and the metrics it rests on.
    /// </summary>
    public sealed record Verdict(string Kind, string Rule, string? Component, string Clause, IReadOnlyList<MetricCitation> Citations);

    /// <summary>
    /// One rule of the taxonomy: its id, the kind it names, whether it judges the whole target
    /// (measured on the critical path, compared with the roots' time) or one component's
    /// critical time, and the test itself.
    /// </summary>
    public sealed record TaxonomyRule(string Id, string Kind, bool PerComponent, Func<string?, SignalReport, SpanEvidence, Verdict?> Evaluate);

    /// <summary>
    /// The bottleneck taxonomy (docs/taxonomy.md): rules tried in a fixed order, the first that
    /// fires names the kind; none firing is <c>unknown</c>. Every rule compares a value rounded as
    /// the document shows it against a fixed threshold, so the same profile always gets the same
    /// kind and the finding cites exactly the number that decided it. Every rule measures only
    /// what lay on the critical path: the 429 and queue-wait rules the part of their time the walk
    /// ran through, the others the dominant component while it held the path.
    /// </summary>
    public static class BottleneckClassifier
    {
        public const decimal Http429TimeShare = 0.10m;
        public const decimal QueueWaitShare = 0.20m;
        public const decimal PoolWaitMs = 50m;
        public const decimal ClientShare = 0.50m;
        public const decimal CfsThrottleRatio = 0.25m;
        public const decimal MemoryLimitMax = 0.90m;
        public const decimal PsiMemory = 0.10m;
        public const decimal CpuLimitAvg = 0.80m;
        public const decimal PsiCpu = 0.25m;
        public const decimal IoWaitAvg = 0.15m;
        public const decimal PsiIo = 0.15m;

        /// <summary>The rules, in the order they are tried: this table is the order.</summary>
        public static IReadOnlyList<TaxonomyRule> Rules { get; } = new[]
        {
            new TaxonomyRule("http-429", BottleneckKinds.Throttling, false, (_, r, s) => Http429(r, s)),
            new TaxonomyRule("queue-wait", BottleneckKinds.Queueing, false, (_, r, s) => QueueWait(r, s)),
            Component("pool-wait", BottleneckKinds.Queueing, PoolWait),
            Component("client-wait", BottleneckKinds.Dependency, ClientWait),
            Component("cfs-throttle", BottleneckKinds.Throttling, Cfs),
            Component("memory-limit", BottleneckKinds.Memory, MemoryLimit),
            Component("psi-memory", BottleneckKinds.Memory, PsiMemoryRule),
            Component("cpu-limit", BottleneckKinds.Cpu, CpuLimit),
            Component("psi-cpu", BottleneckKinds.Cpu, PsiCpuRule),
            Component("iowait", BottleneckKinds.Io, IoWaitRule),
            Component("psi-io", BottleneckKinds.Io, PsiIoRule),
        };

        /// <summary>The rules about one component's critical time, in table order; the classifier tries them on the dominant one, the findings on every top one.</summary>
        public static IReadOnlyList<TaxonomyRule> ComponentRules { get; } = Rules.Where(r => r.PerComponent).ToArray();

        public static Verdict Classify(string? dominant, SignalReport report, SpanEvidence spans)
        {
            foreach (var rule in Rules)
            {
                if (rule.PerComponent ? dominant is null : spans.RootNanos <= 0)
                {
                    continue;
                }

                var v = rule.Evaluate(dominant, report, spans);
                if (v is not null)
                {
                    return v;
                }
            }

            return new Verdict(BottleneckKinds.Unknown, "none", dominant, string.Empty, Array.Empty<MetricCitation>());
        }

        private static TaxonomyRule Component(string id, string kind, Func<string, SignalReport, Verdict?> test) =>
            new(id, kind, true, (c, r, _) => c is null ? null : test(c, r));

        /// <summary>Share of the roots' time, 3 decimals.</summary>
        public static decimal Share(long nanos, long rootNanos) =>
            rootNanos <= 0 ? 0m : SignalAnalyzer.Round((decimal)nanos / rootNanos, 3);

        /// <summary>Summed on-path queue waits of the target (nanoseconds).</summary>
        public static long QueueWaitOnPathNanos(SpanEvidence spans) => spans.Target.QueueWaitsOnPath.Sum();

        private static Verdict? Http429(SignalReport report, SpanEvidence spans)
        {
            var responses = report.Measure(SignalCatalog.Throttling, "http_429_responses");
            var onPath = report.Measure(SignalCatalog.Throttling, "http_429_time_on_path");
            if (responses is not { HasData: true } || onPath is not { HasData: true } || responses.Whole.Total is not > 0)
            {
                return null;
            }

            var share = Share(spans.Target.Http429OnPathNanos, spans.RootNanos);
            if (share < Http429TimeShare)
            {
                return null;
            }

            // Only what lay on the path is cited: the target-wide counts are in the signal.
            var citations = new List<MetricCitation>
            {
                new("throttling.http_429_time_on_path.samples", onPath.Whole.Samples, "count"),
                new("throttling.http_429_time_on_path.total", onPath.Whole.Total ?? 0m, "ms"),
                new("throttling.http_429_time_on_path.share_of_roots", share, "ratio"),
            };

            var clause = string.Format(
                CultureInfo.InvariantCulture,
                "{0:#,0} of the target's {1:#,0} HTTP 429 (Too Many Requests) responses lay on the critical path, and with their back-off before the resend they held it for {2:#,0} ms ({3} of the root time)",
                onPath.Whole.Samples,
                responses.Whole.Total.Value,
                onPath.Whole.Total ?? 0m,
                Pct(share));
            return new Verdict(BottleneckKinds.Throttling, "http-429", null, clause, citations);
        }

        private static Verdict? QueueWait(SignalReport report, SpanEvidence spans)
        {
            var m = report.Measure(SignalCatalog.Backpressure, "queue_wait_on_path");
            if (m is not { HasData: true })
            {
                return null;
            }

            var share = Share(QueueWaitOnPathNanos(spans), spans.RootNanos);
            if (share < QueueWaitShare)
            {
                return null;
            }

            var waited = spans.Target.QueueWaitsOnPath.Count(w => w > 0);
            var clause = string.Format(
                CultureInfo.InvariantCulture,
                "the target waited for {0:#,0} message(s) that sat in a queue between producer and consumer for {1:#,0.#} ms on the critical path (max {2:#,0.#} ms), {3} of the root time",
                waited,
                m.Whole.Total ?? 0m,
                m.Whole.Max ?? 0m,
                Pct(share));
            return new Verdict(BottleneckKinds.Queueing, "queue-wait", null, clause, new[]
            {
                new MetricCitation("backpressure.queue_wait_on_path.total", m.Whole.Total ?? 0m, "ms"),
                new MetricCitation("backpressure.queue_wait_on_path.max", m.Whole.Max ?? 0m, "ms"),
                new MetricCitation("backpressure.queue_wait_on_path.share_of_roots", share, "ratio"),
            });
        }

        private static Verdict? PoolWait(string c, SignalReport report)
        {
            var s = ComponentStat(report, SignalCatalog.Backpressure, "pool_wait", c);
            if (s?.Avg is not { } avg || avg < PoolWaitMs)
            {
                return null;
            }

            return new Verdict(BottleneckKinds.Queueing, "pool-wait", c, string.Format(CultureInfo.InvariantCulture, "it waited {0:#,0.#} ms on average for a pooled database connection while it ran", avg), new[]
            {
                Cite(SignalCatalog.Backpressure, "pool_wait", "avg", c, avg, "ms"),
            });
        }

        private static Verdict? ClientWait(string c, SignalReport report)
        {
            if (!report.ClientShare.TryGetValue(c, out var share) || share < ClientShare)
            {
                return null;
            }

            return new Verdict(BottleneckKinds.Dependency, "client-wait", c, string.Format(CultureInfo.InvariantCulture, "{0} of that time was spent in CLIENT calls waiting on another service", Pct(share)), new[]
            {
                new MetricCitation("critical_path.client_share{component=\"" + c + "\"}", share, "ratio"),
            });
        }

        private static Verdict? Cfs(string c, SignalReport report)
        {
            var s = ComponentStat(report, SignalCatalog.Throttling, "cfs_throttle_ratio", c);
            if (s?.Avg is not { } avg || avg < CfsThrottleRatio)
            {
                return null;
            }

            var citations = new List<MetricCitation> { Cite(SignalCatalog.Throttling, "cfs_throttle_ratio", "avg", c, avg, "ratio") };
            var clause = string.Format(CultureInfo.InvariantCulture, "its container was CFS-throttled in {0} of periods while it ran", Pct(avg));
            var cpu = ComponentStat(report, SignalCatalog.CpuUtilization, "limit_utilization", c);
            if (cpu?.Avg is { } cpuAvg)
            {
                citations.Add(Cite(SignalCatalog.CpuUtilization, "limit_utilization", "avg", c, cpuAvg, "ratio"));
                clause += string.Format(CultureInfo.InvariantCulture, ", using {0} of its CPU limit", Pct(cpuAvg));
            }

            return new Verdict(BottleneckKinds.Throttling, "cfs-throttle", c, clause, citations);
        }

        private static Verdict? MemoryLimit(string c, SignalReport report)
        {
            var s = ComponentStat(report, SignalCatalog.MemoryUtilization, "limit_utilization", c);
            if (s?.Max is not { } max || max < MemoryLimitMax)
            {
                return null;
            }

            return new Verdict(BottleneckKinds.Memory, "memory-limit", c, string.Format(CultureInfo.InvariantCulture, "its container used up to {0} of its memory limit while it ran", Pct(max)), new[]
            {
                Cite(SignalCatalog.MemoryUtilization, "limit_utilization", "max", c, max, "ratio"),
            });
        }

        private static Verdict? PsiMemoryRule(string c, SignalReport report) =>
            Psi(c, report, "psi_memory", PsiMemory, BottleneckKinds.Memory, "psi-memory", "its tasks stalled waiting for memory {0} of the time while it ran (PSI)");

        private static Verdict? CpuLimit(string c, SignalReport report)
        {
            foreach (var measure in new[] { "limit_utilization", "process_utilization" })
            {
                var s = ComponentStat(report, SignalCatalog.CpuUtilization, measure, c);
                if (s?.Avg is not { } avg)
                {
                    continue;
                }

                if (avg < CpuLimitAvg)
                {
                    return null;
                }

                var what = measure == "limit_utilization" ? "its container ran at {0} of its CPU limit while it ran" : "its process used {0} of the CPUs available to it while it ran";
                return new Verdict(BottleneckKinds.Cpu, "cpu-limit", c, string.Format(CultureInfo.InvariantCulture, what, Pct(avg)), new[]
                {
                    Cite(SignalCatalog.CpuUtilization, measure, "avg", c, avg, "ratio"),
                });
            }

            return null;
        }

        private static Verdict? PsiCpuRule(string c, SignalReport report) =>
            Psi(c, report, "psi_cpu", PsiCpu, BottleneckKinds.Cpu, "psi-cpu", "its tasks waited for a CPU {0} of the time while it ran (PSI)");

        private static Verdict? IoWaitRule(string c, SignalReport report)
        {
            var s = ComponentStat(report, SignalCatalog.IoWait, "node_iowait", c);
            if (s?.Avg is not { } avg || avg < IoWaitAvg)
            {
                return null;
            }

            return new Verdict(BottleneckKinds.Io, "iowait", c, string.Format(CultureInfo.InvariantCulture, "its node spent {0} of CPU time waiting for I/O while it ran", Pct(avg)), new[]
            {
                Cite(SignalCatalog.IoWait, "node_iowait", "avg", c, avg, "ratio"),
            });
        }

        private static Verdict? PsiIoRule(string c, SignalReport report) =>
            Psi(c, report, "psi_io", PsiIo, BottleneckKinds.Io, "psi-io", "its tasks stalled waiting for I/O {0} of the time while it ran (PSI)");

        private static Verdict? Psi(string c, SignalReport report, string measure, decimal threshold, string kind, string rule, string format)
        {
            var s = ComponentStat(report, SignalCatalog.Backpressure, measure, c);
            if (s?.Avg is not { } avg || avg < threshold)
            {
                return null;
            }

            return new Verdict(kind, rule, c, string.Format(CultureInfo.InvariantCulture, format, Pct(avg)), new[]
            {
                Cite(SignalCatalog.Backpressure, measure, "avg", c, avg, "ratio"),
            });
        }

        private static Stat? ComponentStat(SignalReport report, string signal, string measure, string component)
        {
            var m = report.Measure(signal, measure);
            return m is { HasData: true } ? m.Component(component) : null;
        }

        public static MetricCitation Cite(string signal, string measure, string stat, string? component, decimal value, string unit) =>
            new(signal + "." + measure + "." + stat + (component is null ? string.Empty : "{component=\"" + component + "\"}"), value, unit);

        /// <summary>A ratio as a percentage with one decimal: 0.380 is "38.0%".</summary>
        public static string Pct(decimal ratio) =>
            SignalAnalyzer.Round(ratio * 100m, 1).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    }
}
