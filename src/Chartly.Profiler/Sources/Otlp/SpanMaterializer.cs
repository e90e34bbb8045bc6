using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>Turns drafts into kept <see cref="SpanRecord"/>s: labels normalised, identity resolved.</summary>
    internal sealed class SpanMaterializer
    {
        private readonly LabelNormalizer _labels = new();
        private readonly Dictionary<ResourceInfo, ResourceInfo> _merged = new();

        [MethodImpl(HotPath.Optimised)]
        public SpanRecord Materialize(SpanDraft d, bool withLabel)
        {
            var label = withLabel ? _labels.Normalize(d.Component ?? d.Name) : string.Empty;
            return new SpanRecord(
                d.TraceId,
                d.SpanId,
                d.ParentSpanId,
                d.StartUnixNano,
                d.EndUnixNano,
                d.Kind,
                d.StatusCode,
                EffectiveResource(d),
                label,
                d.BuildIdentity(),
                d.HttpStatusCode,
                d.ResendCount);
        }

        /// <summary>The resource's identity, completed from the span's own attributes where the resource lacks it.</summary>
        [MethodImpl(HotPath.Optimised)]
        private ResourceInfo EffectiveResource(SpanDraft d)
        {
            var r = d.Resource;
            if ((r.ServiceName is not null || d.ServiceName is null)
                && (r.Namespace is not null || d.Namespace is null)
                && (r.Environment is not null || d.Environment is null)
                && (r.ServiceVersion is not null || d.ServiceVersion is null))
            {
                return r;
            }

            var merged = r with
            {
                ServiceName = r.ServiceName ?? d.ServiceName,
                Namespace = r.Namespace ?? d.Namespace,
                Environment = r.Environment ?? d.Environment,
                ServiceVersion = r.ServiceVersion ?? d.ServiceVersion,
            };
            if (_merged.TryGetValue(merged, out var interned))
            {
                return interned;
            }

            if (_merged.Count < 10_000)
            {
                _merged[merged] = merged;
            }

            return merged;
        }
    }

    /// <summary>Pass one: every span that can begin the target, with no names.</summary>
    internal sealed class CandidateSink : ISpanSink
    {
        private readonly TargetMatcher _matcher;
        private readonly SpanMaterializer _materializer = new();

        public CandidateSink(TargetMatcher matcher) => _matcher = matcher;

        public List<SpanRecord> Candidates { get; } = new();

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public SpanInterest Interest(TraceId traceId) => SpanInterest.Probe;

        [MethodImpl(HotPath.Optimised)]
        public void Accept(SpanDraft draft)
        {
            if (_matcher.Matches(draft))
            {
                Candidates.Add(_materializer.Materialize(draft, withLabel: false));
            }
        }

        /// <summary>As <see cref="Accept(SpanDraft)"/>, for a span already materialised (with its label, which no candidate reads).</summary>
        [MethodImpl(HotPath.Optimised)]
        public void Accept(SpanDraft draft, SpanRecord span)
        {
            if (_matcher.Matches(draft))
            {
                Candidates.Add(span);
            }
        }
    }

    /// <summary>Pass two: every span of the selected traces, whole.</summary>
    internal sealed class TraceSink : ISpanSink
    {
        private readonly TraceIdTable _traces;
        private readonly SpanMaterializer _materializer = new();

        public TraceSink(TraceIdTable traces) => _traces = traces;

        public List<SpanRecord> Spans { get; } = new();

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public SpanInterest Interest(TraceId traceId) => Wants(traceId) ? SpanInterest.Full : SpanInterest.Skip;

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public bool Wants(TraceId traceId) => _traces.Contains(traceId);

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public void Accept(SpanDraft draft) => Spans.Add(_materializer.Materialize(draft, withLabel: true));
    }
}
