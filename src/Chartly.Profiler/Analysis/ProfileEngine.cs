using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Analysis.Signals;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Model;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>What a dry run prints: the sources, what each would read or send, and the window.</summary>
    public sealed record ProfilePlan(
        string Tool,
        string ToolVersion,
        ProfileTarget Target,
        string Environment,
        ProfileWindow Window,
        string Precision,
        string ConfigPath,
        IReadOnlyList<PlannedSource> Sources,
        string CorrelationId);

    public sealed record PlannedSource(string Source, IReadOnlyList<string> Steps);

    /// <summary>
    /// Runs a profile: find the target's roots, load their traces, walk each critical path, and
    /// build the profile. Reads only; the same request over the same telemetry gives the same profile.
    /// </summary>
    public sealed class ProfileEngine
    {
        private readonly Func<SourceConfig, ITraceSource?> _sourceFactory;

        public ProfileEngine(Func<SourceConfig, ITraceSource?>? sourceFactory = null)
        {
            _sourceFactory = sourceFactory ?? DefaultSourceFactory;
        }

        /// <summary>
        /// Who is asking, for the access check; null takes the identity from the credential in use
        /// (docs/access-control.md). Hosts and tests set it.
        /// </summary>
        public Access.IPrincipalProvider? PrincipalProvider { get; set; }

        /// <summary>Receives short progress lines (what is being read); never data.</summary>
        public Action<string>? Verbose { get; set; }

        /// <summary>Receives how far the reads have come (files / bytes, queries), from sources that can tell.</summary>
        public Action<ProfileProgress>? Progress { get; set; }

        /// <summary>Sees each root as it is analysed (its trace and walk), e.g. to draw the slowest one (Analysis/Waterfall.cs).</summary>
        public Action<TraceTree, int, RootAnalysis>? RootAnalysed { get; set; }

        public static ITraceSource? DefaultSourceFactory(SourceConfig config) => Sources.SourceKinds.Create(config);

        public ProfilePlan Plan(ProfileRequest request, ProfilerConfig config)
        {
            request = request with { IncludeMetrics = SignalCatalog.Canonicalize(request.IncludeMetrics) };
            var env = config.For(request.Environment);
            var sources = env.Sources.Select(_sourceFactory).Where(s => s is not null).Select(s => s!).ToList();

            var planned = new List<PlannedSource>();
            try
            {
                // A dry run checks access as a profile would, and still reads nothing.
                Access.AccessGate.Demand(env, sources, PrincipalProvider, Verbose, CancellationToken.None);
                foreach (var source in sources)
                {
                    planned.Add(new PlannedSource(source.Description, source.Plan(request)));
                }
            }
            finally
            {
                DisposeAll(sources);
            }

            var header = ProfileBuilder.Header(request);
            return new ProfilePlan(header.Tool, header.ToolVersion, header.Target, header.Environment, header.Window, header.Precision, config.Path, planned, header.CorrelationId);
        }

        public Profile Run(ProfileRequest request, ProfilerConfig config, CancellationToken cancellation = default)
        {
            request = request with { IncludeMetrics = SignalCatalog.Canonicalize(request.IncludeMetrics) };
            var env = config.For(request.Environment);
            var sources = env.Sources.Select(_sourceFactory).Where(s => s is not null).Select(s => s!).ToList();
            try
            {
                return RunOn(sources, env, request, cancellation).MadeFrom(config.Path);
            }
            finally
            {
                // HTTP sources hold connections: a pipeline of many targets must not pile them up.
                DisposeAll(sources);
            }
        }

        private static void DisposeAll(List<ITraceSource> sources)
        {
            foreach (var s in sources.OfType<IDisposable>())
            {
                s.Dispose();
            }
        }

        /// <summary>The stages of a profile, in order; each reads only what the one before selected.</summary>
        private Profile RunOn(List<ITraceSource> sources, EnvironmentConfig env, ProfileRequest request, CancellationToken cancellation)
        {
            // Access first: nothing is read for a principal the policy refuses.
            Access.AccessGate.Demand(env, sources, PrincipalProvider, Verbose, cancellation);
            foreach (var p in sources.OfType<IProgressSource>())
            {
                p.Progress = Progress;
            }

            if (sources.Count == 0)
            {
                throw ProfilerException.Precondition("NoTraceSource", $"The environment '{request.Environment}' has no span source in the configuration.");
            }

            var quality = new DataQualityCounters();
            var matcher = new TargetMatcher(request.Target);
            var inWindow = SelectRoots(sources, matcher, request, quality, cancellation);
            // The selected traces, numbered in trace-id order: the order of the loaded traces and of their analysis.
            var traces = new TraceIdTable(SelectedTraces(inWindow));
            var byTrace = LoadTraces(sources, traces, request, quality, cancellation);
            Verbose?.Invoke($"Analysing {byTrace.Count} trace(s)");
            var (roots, evidence, spansSelected) = AnalyseRoots(byTrace, traces, inWindow, matcher, quality, MaxParallelism(env) ?? Environment.ProcessorCount, cancellation);
            if (roots.Count == 0)
            {
                throw ProfilerException.Precondition(
                    "TargetNotInWindow",
                    $"No {TargetResolver.Describe(request.Target)} begins in the window [{request.Window.StartText}, {request.Window.EndText}) in environment '{request.Environment}'.");
            }

            Verbose?.Invoke($"Analysed {roots.Count} root(s) over {spansSelected} span(s)");
            var sample = SampleOf(sources, request);
            var signals = SignalStage.Run(request, roots, evidence, sources.OfType<IMetricSource>().ToList(), quality.MetricRecords, cancellation, Verbose);
            return ProfileBuilder.Build(request, roots, quality, byTrace.Count, spansSelected, signals, MaxParallelism(env), sample);
        }

        /// <summary>
        /// The backend's statistics of every root when a source sampled the target's traces. The
        /// statistics of one backend cannot be merged with another source's roots, so a sampled
        /// target needs the sampling source to be the environment's only span source.
        /// </summary>
        private static RootSample? SampleOf(List<ITraceSource> sources, ProfileRequest request)
        {
            var sampled = sources.OfType<IRootSampleSource>().Where(s => s.RootSample is not null).ToList();
            if (sampled.Count == 0)
            {
                return null;
            }

            if (sources.Count > 1)
            {
                throw ProfilerException.Precondition(
                    "SampledTargetWithOtherSources",
                    $"The {TargetResolver.Describe(request.Target)} has more roots than the root budget of {((ITraceSource)sampled[0]).Description}, whose statistics cannot be combined with the environment's other span sources; raise 'root-budget' or narrow the window.");
            }

            return sampled[0].RootSample;
        }

        /// <summary>Stage 1: the target's candidate roots in every source, of the asked version, beginning in the window.</summary>
        private IReadOnlyList<SpanRecord> SelectRoots(List<ITraceSource> sources, TargetMatcher matcher, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            var candidates = new List<SpanRecord>();
            foreach (var s in sources)
            {
                Verbose?.Invoke($"Finding {request.Target} in {s.Description}");
                candidates.AddRange(s.FindCandidates(matcher, request, quality, cancellation));
            }

            // A version:<v> baseline names the version; a target id may carry one (id@version).
            if ((request.ServiceVersion ?? request.Target.Version) is { } version)
            {
                candidates = OfServiceVersion(candidates, request, version);
            }

            return TargetResolver.SelectInWindow(candidates, request);
        }

        /// <summary>Stage 2: every span of the selected roots' traces, by trace, in trace-id order.</summary>
        [MethodImpl(HotPath.Optimised)]
        private List<KeyValuePair<TraceId, SpanRecord[]>> LoadTraces(List<ITraceSource> sources, TraceIdTable slots, ProfileRequest request, DataQualityCounters quality, CancellationToken cancellation)
        {
            // A hash lookup per span finds its trace's number, already in trace-id order (a service target brings millions of spans).
            var traceIds = slots.Ids();

            // Read through the list's own indexer (every source gives a list), not the interface's,
            // a virtual call per span.
            var loaded = new List<List<SpanRecord>>(sources.Count);
            foreach (var s in sources)
            {
                Verbose?.Invoke($"Loading {traceIds.Length} trace(s) from {s.Description}");
                var spans = s.LoadTraces(traceIds, request, quality, cancellation);
                loaded.Add(spans as List<SpanRecord> ?? new List<SpanRecord>(spans));
            }

            // Each trace's spans go into an array of its size, the one its tree then sorts and keeps:
            // lists grown by doubling, then copied for the tree, would allocate the references
            // several times over for the collector to copy and free.
            var slotOfSpan = new List<int[]>(loaded.Count);
            var counts = new int[traceIds.Length];
            foreach (var spans in loaded)
            {
                var slotOf = new int[spans.Count];
                for (var i = 0; i < slotOf.Length; i++)
                {
                    var slot = slots.SlotOf(spans[i].TraceId);
                    slotOf[i] = slot;
                    if (slot >= 0)
                    {
                        counts[slot]++;
                    }
                }

                slotOfSpan.Add(slotOf);
            }

            var byTrace = new List<KeyValuePair<TraceId, SpanRecord[]>>(traceIds.Length);
            for (var i = 0; i < traceIds.Length; i++)
            {
                byTrace.Add(new KeyValuePair<TraceId, SpanRecord[]>(traceIds[i], counts[i] == 0 ? Array.Empty<SpanRecord>() : new SpanRecord[counts[i]]));
                counts[i] = 0;
            }

            for (var k = 0; k < loaded.Count; k++)
            {
                var spans = loaded[k];
                var slotOf = slotOfSpan[k];
                for (var i = 0; i < slotOf.Length; i++)
                {
                    var slot = slotOf[i];
                    if (slot >= 0)
                    {
                        byTrace[slot].Value[counts[slot]++] = spans[i];
                    }
                }
            }

            return byTrace;
        }

        /// <summary>The distinct traces of the selected roots, in trace-id order.</summary>
        [MethodImpl(HotPath.Optimised)]
        private static TraceId[] SelectedTraces(IReadOnlyList<SpanRecord> inWindow)
        {
            var all = new TraceId[inWindow.Count];
            for (var i = 0; i < all.Length; i++)
            {
                all[i] = inWindow[i].TraceId;
            }

            var ids = new TraceIdTable(all).Ids();
            Array.Sort(ids);
            return ids;
        }

        /// <summary>Stage 3: each trace's tree, the roots in it, each root's critical path and span evidence.</summary>
        [MethodImpl(HotPath.Optimised)]
        private (List<RootAnalysis> Roots, SpanEvidence Evidence, long SpansSelected) AnalyseRoots(
            List<KeyValuePair<TraceId, SpanRecord[]>> byTrace,
            TraceIdTable slots,
            IReadOnlyList<SpanRecord> inWindow,
            TargetMatcher matcher,
            DataQualityCounters quality,
            int maxParallelism,
            CancellationToken cancellation)
        {
            // Each trace's in-window root candidates, by the trace's number (its position in byTrace).
            var inWindowIds = SpanIdSet.ByTrace(inWindow, slots);

            var analysed = TraceAnalysis.Run(byTrace, inWindowIds, matcher, quality, maxParallelism, cancellation, out var evidence);
            evidence.MaxParallelism = maxParallelism;
            var roots = new List<RootAnalysis>();
            long spansSelected = 0;
            foreach (var trace in analysed)
            {
                if (trace is null)
                {
                    continue;
                }

                spansSelected += trace.Tree.Spans.Length;
                foreach (var analysis in trace.Roots)
                {
                    roots.Add(analysis);
                    RootAnalysed?.Invoke(trace.Tree, analysis.RootIndex, analysis);
                }
            }

            return (roots, evidence, spansSelected);
        }

        /// <summary>
        /// The cores the analysis may use: the smallest <c>max-parallelism</c> the environment's file
        /// sources set (a shared CI runner's limit holds for the whole profile), else all of them.
        /// </summary>
        private static int? MaxParallelism(EnvironmentConfig env) =>
            env.Sources.Select(s => (s.Typed as Sources.Otlp.OtlpFileSettings)?.MaxParallelism).Where(p => p.HasValue).Select(p => p!.Value).DefaultIfEmpty(0).Min() is var min && min > 0 ? min : null;

        /// <summary>The version filter of a baseline: a root belongs to the version its resource reports.</summary>
        private static List<SpanRecord> OfServiceVersion(List<SpanRecord> candidates, ProfileRequest request, string version)
        {
            var kept = candidates.Where(c => string.Equals(c.Resource.ServiceVersion, version, StringComparison.Ordinal)).ToList();
            var seen = candidates
                .Where(c => c.Resource.Environment is null || string.Equals(c.Resource.Environment, request.Environment, StringComparison.Ordinal))
                .Select(c => c.Resource.ServiceVersion ?? "(none)")
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .Take(10)
                .Select(Sanitize.ForMessage)
                .ToList();

            // Nothing of the target at all is the resolver's "not found", not a version problem.
            if (kept.Count == 0 && seen.Count > 0)
            {
                throw ProfilerException.Precondition(
                    "ServiceVersionNotFound",
                    $"No {TargetResolver.Describe(request.Target)} with service.version '{Sanitize.ForMessage(version)}' was found in environment '{request.Environment}'. Versions seen: {string.Join(", ", seen)}.");
            }

            return kept;
        }
    }
}
