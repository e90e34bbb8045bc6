using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The spans of the record being parsed, whatever its encoding: reusable drafts, the interned
    /// resources and strings they share, and the rule that a record is all or nothing (its spans
    /// reach the sink only once the whole record parsed).
    /// </summary>
    internal sealed class SpanBatch
    {
        private const int MaxInterned = 100_000;

        private readonly List<SpanDraft> _drafts = new();
        private readonly Dictionary<ResourceInfo, ResourceInfo> _resources = new();
        private readonly ResourceDraft _resource = new();
        private int _count;

        public StringInterner Interner { get; } = new(MaxInterned);

        /// <summary>Names and attribute values that repeat, decoded once.</summary>
        public Utf8Strings Texts { get; } = new();

        public int Count => _count;

        public void Begin() => _count = 0;

        /// <summary>The record's draft at <paramref name="index"/> (below <see cref="Count"/>), as the reader left it.</summary>
        public SpanDraft Draft(int index) => _drafts[index];

        [MethodImpl(HotPath.Optimised)]
        public SpanDraft Next()
        {
            if (_count == _drafts.Count)
            {
                _drafts.Add(new SpanDraft());
            }

            var d = _drafts[_count++];
            d.Reset();
            return d;
        }

        /// <summary>Gives the spans from <paramref name="first"/> on the resource they were listed under.</summary>
        [MethodImpl(HotPath.Optimised)]
        public void AttachResource(int first, ResourceInfo resource, TargetIdentity identity)
        {
            for (var i = first; i < _count; i++)
            {
                _drafts[i].Resource = resource;
                _drafts[i].ResourceIdentity = identity;
            }
        }

        /// <summary>A cleared draft to read one resource's attributes into.</summary>
        [MethodImpl(HotPath.Optimised)]
        public ResourceDraft StartResource()
        {
            _resource.Reset();
            return _resource;
        }

        /// <summary>The resource read into <see cref="StartResource"/>, one shared instance per distinct resource.</summary>
        [MethodImpl(HotPath.Optimised)]
        public (ResourceInfo Resource, TargetIdentity Identity) FinishResource()
        {
            var info = _resource.ToInfo();
            if (_resources.TryGetValue(info, out var interned))
            {
                info = interned;
            }
            else if (_resources.Count < MaxInterned)
            {
                _resources[info] = info;
            }

            return (info, _resource.ToIdentity());
        }

        /// <summary>The record parsed whole: valid spans go to the sink, and the counts are taken.</summary>
        [MethodImpl(HotPath.Optimised)]
        public void Complete(ISpanSink sink, DataQualityCounters quality)
        {
            var invalid = 0;
            for (var i = 0; i < _count; i++)
            {
                var d = _drafts[i];
                if (d.Interest == SpanInterest.Skip)
                {
                    continue;
                }

                if (d.Invalid || !d.HasTraceId || !d.HasSpanId || !d.HasStart || !d.HasEnd || !SpanTimes.Plausible(d.StartUnixNano, d.EndUnixNano) || d.SpanId == 0 || d.TraceId.IsEmpty)
                {
                    invalid++;
                    continue;
                }

                sink.Accept(d);
            }

            quality.AddSpansRead(_count);
            if (invalid > 0)
            {
                quality.AddInvalidSpans(invalid);
            }
        }
    }
}
