using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>Builds the profile's sections from the analysed roots: rounding, ordering and ids fixed here.</summary>
    public static class ProfileBuilder
    {
        public static IReadOnlyList<string> SignalNames => SignalCatalog.Names;

        public static ProfileHeader Header(ProfileRequest request) => new(
            ToolInfo.Name,
            ToolInfo.Version,
            Profile.SchemaVersion,
            new ProfileTarget(TargetTypes.ToName(request.Target.Type), request.Target.DisplayId),
            request.Environment,
            new ProfileWindow(request.Window.StartText, request.Window.EndText),
            ProfileRequest.PrecisionName(request.Precision),
            CorrelationId(request));

        /// <summary>Derived from the inputs only: the same request gives the same id on any machine, at any time.</summary>
        public static string CorrelationId(ProfileRequest request)
        {
            var key = string.Join(
                "\n",
                ToolInfo.Name,
                ToolInfo.Version,
                TargetTypes.ToName(request.Target.Type),
                request.Target.DisplayId,
                request.Environment,
                request.Window.StartText,
                request.Window.EndText,
                ProfileRequest.PrecisionName(request.Precision),
                request.Baseline ?? string.Empty,
                string.Join(",", request.IncludeMetrics));
            return CorrelationIds.From(key);
        }

        /// <summary>
        /// Builds the profile. <paramref name="signals"/> is the signal stage's outcome (signals,
        /// bottleneck kind, findings, metric data quality); without it every signal is no_data and
        /// the kind is unknown.
        /// </summary>
        /// <param name="sample">the backend's statistics of every root when a source sampled the target's traces: the summary's count, p50, p95 and max are then these, the rest is the sample's</param>
        public static Profile Build(ProfileRequest request, IReadOnlyList<RootAnalysis> roots, DataQualityCounters quality, long tracesSelected, long spansSelected, SignalOutcome? signals = null, int? maxParallelism = null, RootSample? sample = null)
        {
            var seconds = request.Precision == Precision.Seconds;
            // The signal stage built the same breakdown from the same roots: it is not summed twice.
            var (breakdown, total) = signals?.BreakdownOf(roots, seconds) ?? Breakdown(request, roots);

            var perRoot = RootVersions.AscendingMs(roots, seconds);
            var rootStats = sample is null
                ? new RootStatistics(perRoot.Count, Percentile(perRoot, 50), Percentile(perRoot, 95), perRoot.Count == 0 ? 0 : perRoot[perRoot.Count - 1], Thin(perRoot, RootStatistics.MaxSamples))
                : new RootStatistics(sample.Roots, sample.P50Ms, sample.P95Ms, sample.MaxMs, Thin(perRoot, RootStatistics.MaxSamples));
            rootStats = rootStats with { Versions = RootVersions.Of(roots, seconds) };

            var bottleneck = breakdown.Count > 0 && breakdown[0].DurationMs > 0 ? breakdown[0].Component : "none";
            var summary = new ProfileSummary(total, bottleneck, signals?.BottleneckKind ?? "unknown", "none", rootStats);

            var signalList = signals?.Signals ?? SignalNames.Select(n => new Signal(n, "no_data", UnitOf(n), null, null, 0, Array.Empty<string>(), Array.Empty<ComponentSignal>())).ToList();
            var dq = Snapshot(quality, tracesSelected, spansSelected, signals);
            if (sample is not null)
            {
                dq = dq with { TracesSampled = tracesSelected, TracesInTarget = sample.Traces };
            }

            var findings = BaseFindings(breakdown, total, roots.Count, dq);
            if (signals is not null)
            {
                // After the dominant component, before the reader's own data-quality notes.
                findings.InsertRange(findings.Count > 0 && findings[0].Id == "critical-path.dominant" ? 1 : 0, signals.Findings);
            }

            if (RootVersions.SlowerVersion(rootStats.Versions) is { } slower)
            {
                // Before the notes on the data itself.
                var notes = findings.FindIndex(f => f.Id.StartsWith("data-quality.", StringComparison.Ordinal));
                findings.Insert(notes < 0 ? findings.Count : notes, slower);
            }

            // What fixing the bottleneck would buy comes right after what the bottleneck is.
            var whatIf = WhatIfAnalysis.Build(roots, breakdown, seconds, maxParallelism ?? Environment.ProcessorCount);
            if (WhatIfAnalysis.Finding(whatIf, TargetTypes.ToName(request.Target.Type), roots.Count) is { } impact)
            {
                var after = findings.FindIndex(f => f.Id.StartsWith("bottleneck.", StringComparison.Ordinal));
                if (after < 0)
                {
                    after = findings.FindIndex(f => f.Id == "critical-path.dominant");
                }

                findings.Insert(after + 1, impact);
            }

            if (sample is not null)
            {
                // Right after the dominant component: how far its share may be from every root's.
                findings.Insert(findings.Count > 0 && findings[0].Id == "critical-path.dominant" ? 1 : 0, SampleMargin.Finding(roots, breakdown, sample, tracesSelected));
            }

            return new Profile(Header(request), summary, breakdown, signalList, findings, null, dq, whatIf, signals?.Scaling ?? ScalingSummary.NoData);
        }

        /// <summary>The breakdown (sorted as the contract says) and the total, both rounded to the request's precision.</summary>
        /// <param name="maxParallelism">Cores the sums may be spread over: integer sums per label, the same on any number.</param>
        public static (List<BreakdownEntry> Breakdown, long TotalMs) Breakdown(ProfileRequest request, IReadOnlyList<RootAnalysis> roots, int maxParallelism = 1)
        {
            var seconds = request.Precision == Precision.Seconds;
            var unit = seconds ? Apportion.NanosPerSecond : Apportion.NanosPerMs;

            var chunks = WorkChunks.Of(roots.Count, maxParallelism, perCore: 4, WorkChunks.MinRootsPerSum);
            var partial = new LabelSums[chunks.Count];
            WorkChunks.Run(chunks, maxParallelism, [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)] (c, from, to) =>
            {
                var p = partial[c] = new LabelSums();
                for (var i = from; i < to; i++)
                {
                    var r = roots[i];
                    p.Add(r.CriticalNanos, 0);
                    p.Add(r.SelfNanos, 1);
                    p.Add(r.SpanCounts, 2);
                }
            });

            var sums = new LabelSums();
            foreach (var p in partial)
            {
                sums.Add(p);
            }

            var critical = sums.Of(0);
            var self = sums.Of(1);
            var counts = sums.Of(2);

            var names = critical.Keys.Union(self.Keys, StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
            var criticalNanos = names.Select(n => critical.TryGetValue(n, out var v) ? v : 0).ToList();
            var units = Apportion.Units(criticalNanos, names, unit);
            var pcts = Apportion.Percentages(criticalNanos, names);
            var multiplier = seconds ? 1000 : 1;
            var breakdown = new List<BreakdownEntry>(names.Count);
            for (var i = 0; i < names.Count; i++)
            {
                var n = names[i];
                breakdown.Add(new BreakdownEntry(
                    n,
                    units[i] * multiplier,
                    pcts[i],
                    Apportion.ToMs(self.TryGetValue(n, out var sv) ? sv : 0, seconds),
                    counts.TryGetValue(n, out var cv) ? cv : 0));
            }

            breakdown.Sort(CompareEntries);
            var total = Apportion.Round(criticalNanos.Sum(), unit) * multiplier;
            return (breakdown, total);
        }

        public static int CompareEntries(BreakdownEntry a, BreakdownEntry b)
        {
            var c = b.DurationMs.CompareTo(a.DurationMs);
            if (c != 0) return c;
            c = b.SelfMs.CompareTo(a.SelfMs);
            if (c != 0) return c;
            return string.CompareOrdinal(a.Component, b.Component);
        }

        /// <summary>A signal's unit when it has no data: its first measure's (the catalog is the one place that says).</summary>
        public static string UnitOf(string signal) => SignalCatalog.Get(signal).DefaultUnit;

        /// <summary>Nearest-rank percentile of an ascending list: deterministic and always an observed value.</summary>
        public static long Percentile(IReadOnlyList<long> ascending, int p)
        {
            if (ascending.Count == 0)
            {
                return 0;
            }

            var rank = (int)Math.Ceiling(p / 100.0 * ascending.Count);
            return ascending[Math.Max(0, Math.Min(ascending.Count - 1, rank - 1))];
        }

        /// <summary>Keeps every k-th value of an ascending list (the first and last always), so the shape survives.</summary>
        [MethodImpl(HotPath.Optimised)]
        public static IReadOnlyList<long> Thin(IReadOnlyList<long> ascending, int max)
        {
            if (ascending.Count <= max)
            {
                return ascending.ToList();
            }

            var result = new List<long>(max);
            for (var i = 0; i < max; i++)
            {
                result.Add(ascending[(int)((long)i * (ascending.Count - 1) / (max - 1))]);
            }

            return result;
        }

        public static DataQuality Snapshot(DataQualityCounters q, long tracesSelected, long spansSelected, SignalOutcome? signals) => new(
            q.FilesRead,
            q.BytesRead,
            q.RecordsRead,
            q.MalformedRecords,
            q.UnsupportedFiles,
            q.SpansRead,
            q.InvalidSpans,
            tracesSelected,
            spansSelected,
            q.DuplicateSpans,
            q.OrphanSpans,
            q.Cycles,
            q.ClippedSpans,
            q.SpansOutsideParent,
            q.OverlapsTolerated,
            q.NonBlockingSubtrees,
            q.RootsWithoutEnvironment,
            q.MetricRecords,
            signals?.MetricPointsUsed ?? 0,
            q.SourcePartialErrors + (signals?.SourcePartialErrors ?? 0),
            signals?.MetricPointsInvalid ?? 0,
            signals?.MetricSeriesUsed ?? 0,
            signals?.MetricSeriesGaps ?? 0,
            signals?.MetricCounterResets ?? 0,
            signals?.MetricResourcesUncovered ?? 0,
            signals?.MetricPointsUnattributed ?? 0,
            signals?.ScalingSeriesNotCovering ?? 0);

        private static List<Finding> BaseFindings(IReadOnlyList<BreakdownEntry> breakdown, long total, int analysedRoots, DataQuality dq)
        {
            var findings = new List<Finding>();
            if (breakdown.Count > 0 && breakdown[0].DurationMs > 0)
            {
                var top = breakdown[0];
                findings.Add(new Finding(
                    "critical-path.dominant",
                    "info",
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "{0} held {1:0.0}% of the critical path ({2:#,0} ms of {3:#,0} ms{4}).",
                        top.Component,
                        top.Pct,
                        top.DurationMs,
                        total,
                        analysedRoots > 1 ? string.Format(CultureInfo.InvariantCulture, ", summed over {0} roots", analysedRoots) : string.Empty),
                    new[]
                    {
                        new MetricCitation("critical_path.duration_ms{component=\"" + top.Component + "\"}", top.DurationMs, "ms"),
                        new MetricCitation("critical_path.pct{component=\"" + top.Component + "\"}", top.Pct, "percent"),
                    }));
            }

            var problems = dq.MalformedRecords + dq.InvalidSpans + dq.UnsupportedFiles;
            if (problems > 0)
            {
                findings.Add(new Finding(
                    "data-quality.skipped-input",
                    "warning",
                    string.Format(CultureInfo.InvariantCulture, "{0} malformed record(s), {1} invalid span(s) and {2} unsupported file(s) were skipped; the profile is built from the rest.", dq.MalformedRecords, dq.InvalidSpans, dq.UnsupportedFiles),
                    new[]
                    {
                        new MetricCitation("data_quality.malformed_records", dq.MalformedRecords, "count"),
                        new MetricCitation("data_quality.invalid_spans", dq.InvalidSpans, "count"),
                        new MetricCitation("data_quality.unsupported_files", dq.UnsupportedFiles, "count"),
                    }));
            }

            return findings;
        }

        /// <summary>
        /// Per-label sums over every root's maps (a hundred thousand roots, a few labels each).
        /// Labels are shared strings, so a label is found by reference first and hashed by its
        /// characters only the first time that string object is seen.
        /// </summary>
        private sealed class LabelSums
        {
            private const int MaxReferences = 4096;

            private readonly Dictionary<string, int> _byReference = new(SameObject<string>.Instance);
            private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
            private readonly List<string> _names = new();
            private readonly List<long[]> _values = new();
            private readonly List<bool[]> _seen = new();

            [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
            public void Add(LabelTotals from, int column)
            {
                for (var i = 0; i < from.Count; i++)
                {
                    var slot = Slot(from.LabelAt(i));
                    _values[slot][column] += from.ValueAt(i);
                    _seen[slot][column] = true;
                }
            }

            /// <summary>Another set of sums added in (a chunk of the roots summed on its own).</summary>
            public void Add(LabelSums other)
            {
                for (var i = 0; i < other._names.Count; i++)
                {
                    var slot = Slot(other._names[i]);
                    for (var column = 0; column < 3; column++)
                    {
                        _values[slot][column] += other._values[i][column];
                        _seen[slot][column] |= other._seen[i][column];
                    }
                }
            }

            /// <summary>The sums of one column, for the labels any root had in it.</summary>
            public Dictionary<string, long> Of(int column)
            {
                var result = new Dictionary<string, long>(StringComparer.Ordinal);
                for (var i = 0; i < _names.Count; i++)
                {
                    if (_seen[i][column])
                    {
                        result[_names[i]] = _values[i][column];
                    }
                }

                return result;
            }

            [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
            private int Slot(string label)
            {
                if (_byReference.TryGetValue(label, out var slot))
                {
                    return slot;
                }

                if (!_byName.TryGetValue(label, out slot))
                {
                    slot = _names.Count;
                    _byName[label] = slot;
                    _names.Add(label);
                    _values.Add(new long[3]);
                    _seen.Add(new bool[3]);
                }

                // Bounded: labels that are not shared strings fall back to the ordinal lookup.
                if (_byReference.Count < MaxReferences)
                {
                    _byReference[label] = slot;
                }

                return slot;
            }
        }
    }
}
