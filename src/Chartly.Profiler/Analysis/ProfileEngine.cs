using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

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

        /// <summary>Receives short progress lines (what is being read); never data.</summary>
        public Action<string>? Verbose { get; set; }

        public static ITraceSource? DefaultSourceFactory(SourceConfig config) => config.Type switch
        {
            "otlp-file" => new OtlpFileSource(config.Paths, "otlp-file " + string.Join(", ", config.Paths)),
            _ => null,
        };

        public ProfilePlan Plan(ProfileRequest request, ProfilerConfig config)
        {
            var env = config.For(request.Environment);
            var planned = new List<PlannedSource>();
            foreach (var sc in env.Sources)
            {
                var source = _sourceFactory(sc);
                if (source is not null)
                {
                    planned.Add(new PlannedSource(source.Description, source.Plan(request)));
                }
            }

            var header = ProfileBuilder.Header(request);
            return new ProfilePlan(header.Tool, header.ToolVersion, header.Target, header.Environment, header.Window, header.Precision, config.Path, planned, header.CorrelationId);
        }

        public Profile Run(ProfileRequest request, ProfilerConfig config, CancellationToken cancellation = default)
        {
            var env = config.For(request.Environment);
            var sources = env.Sources.Select(_sourceFactory).Where(s => s is not null).Select(s => s!).ToList();
            if (sources.Count == 0)
            {
                throw ProfilerException.Precondition("NoTraceSource", $"The environment '{request.Environment}' has no span source in the configuration.");
            }

            var quality = new DataQualityCounters();
            var matcher = new TargetMatcher(request.Target);

            var candidates = new List<SpanRecord>();
            foreach (var s in sources)
            {
                Verbose?.Invoke($"Finding {request.Target} in {s.Description}");
                candidates.AddRange(s.FindCandidates(matcher, request, quality, cancellation));
            }

            var inWindow = TargetResolver.SelectInWindow(candidates, request);
            var traceIds = new SortedSet<TraceId>(inWindow.Select(c => c.TraceId));
            var inWindowIds = new Dictionary<TraceId, HashSet<ulong>>();
            foreach (var c in inWindow)
            {
                if (!inWindowIds.TryGetValue(c.TraceId, out var set))
                {
                    inWindowIds[c.TraceId] = set = new HashSet<ulong>();
                }

                set.Add(c.SpanId);
            }

            var byTrace = new Dictionary<TraceId, List<SpanRecord>>();
            foreach (var s in sources)
            {
                Verbose?.Invoke($"Loading {traceIds.Count} trace(s) from {s.Description}");
                foreach (var span in s.LoadTraces(traceIds, request, quality, cancellation))
                {
                    if (!byTrace.TryGetValue(span.TraceId, out var list))
                    {
                        byTrace[span.TraceId] = list = new List<SpanRecord>();
                    }

                    list.Add(span);
                }
            }

            var roots = new List<RootAnalysis>();
            long spansSelected = 0;
            foreach (var traceId in traceIds)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!byTrace.TryGetValue(traceId, out var spans))
                {
                    continue;
                }

                var tree = TraceTree.Build(traceId, spans);
                spansSelected += tree.Spans.Length;
                for (var d = 0; d < tree.Duplicates; d++)
                {
                    quality.AddDuplicateSpan();
                }

                quality.AddOrphanSpans(tree.Orphans);
                quality.AddCycles(tree.Cycles);
                foreach (var r in TargetResolver.FindRoots(tree, inWindowIds[traceId], matcher))
                {
                    if (tree.Spans[r].Resource.Environment is null)
                    {
                        quality.AddRootsWithoutEnvironment(1);
                    }

                    roots.Add(CriticalPath.Analyze(tree, r, quality));
                }
            }

            if (roots.Count == 0)
            {
                throw ProfilerException.Precondition(
                    "TargetNotInWindow",
                    $"No {TargetResolver.Describe(request.Target)} begins in the window [{request.Window.StartText}, {request.Window.EndText}) in environment '{request.Environment}'.");
            }

            Verbose?.Invoke($"Analysed {roots.Count} root(s) over {spansSelected} span(s)");
            return ProfileBuilder.Build(request, roots, quality, traceIds.Count, spansSelected);
        }
    }
}
