using System.Collections.Generic;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Tests.Formats
{
    /// <summary>Keeps every valid span a reader gives, whole.</summary>
    internal sealed class SpanCollector : ISpanSink
    {
        private readonly SpanMaterializer _m = new();

        public List<SpanRecord> Spans { get; } = new();

        public SpanInterest Interest(TraceId traceId) => SpanInterest.Full;

        public void Accept(SpanDraft draft) => Spans.Add(_m.Materialize(draft, withLabel: true));
    }
}
