using System;
using System.Collections.Generic;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;
using Google.Protobuf;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Parses one binary OTLP <c>ExportTraceServiceRequest</c> or <c>ExportMetricsServiceRequest</c>
    /// (the collector's <c>format: proto</c>, the SDKs' protobuf serializers) with Google.Protobuf's
    /// <see cref="CodedInputStream"/>, reading only the fields the engine uses into the same drafts
    /// the JSON parser fills, so both encodings give the same spans and points. Unknown fields are
    /// skipped (protobuf's forward compatibility); a known field with the wrong wire type makes the
    /// record malformed (<see cref="FormatException"/>), as does anything the stream rejects
    /// (<see cref="InvalidProtocolBufferException"/>).
    /// </summary>
    internal sealed class OtlpProtoParser
    {
        private const int MaxLabels = 64;

        private readonly SpanBatch _spans;
        private readonly ProtoMessage _resourceSpans;
        private readonly ProtoMessage _resource;
        private readonly ProtoMessage _scopeSpans;
        private readonly ProtoMessage _span;
        private readonly ProtoMessage _status;
        private readonly ProtoMessage _keyValue;
        private readonly ProtoMessage _anyValue;
        private readonly ProtoMessage _resourceMetrics;
        private readonly ProtoMessage _scopeMetrics;
        private readonly ProtoMessage _metric;
        private readonly ProtoMessage _data;
        private readonly ProtoMessage _point;
        private readonly List<MetricDraft> _metrics = new();
        private readonly List<KeyValuePair<string, string>> _labels = new();

        // Where the message being read goes: the parse is single-threaded and never re-enters a kind.
        private byte[] _record = Array.Empty<byte>();
        private ISpanSink _sink = SkipAllSpans.Instance;
        private SpanDraft? _draft;
        private ResourceDraft? _resourceTarget;
        private int _statusCode;
        private OtlpValue _value;
        private MetricDraft? _metricDraft;
        private DataShape _shape;
        private bool _exponential;
        private PointDraft? _pointDraft;
        private bool _resourceLabels;

        public OtlpProtoParser(SpanBatch spans)
        {
            _spans = spans;
            _resourceSpans = new ProtoMessage(ReadResourceSpans);
            _resource = new ProtoMessage(ReadResource);
            _scopeSpans = new ProtoMessage(ReadScopeSpans);
            _span = new ProtoMessage(ReadSpan);
            _status = new ProtoMessage(ReadStatus);
            _keyValue = new ProtoMessage(ReadKeyValue);
            _anyValue = new ProtoMessage(ReadAnyValue);
            _resourceMetrics = new ProtoMessage(ReadResourceMetrics);
            _scopeMetrics = new ProtoMessage(ReadScopeMetrics);
            _metric = new ProtoMessage(ReadMetric);
            _data = new ProtoMessage(ReadData);
            _point = new ProtoMessage(ReadPoint);
        }

        public IMetricSink? MetricSink { get; set; }

        /// <summary>Parses a complete record held in <paramref name="buffer"/>[offset, offset+length).</summary>
        public void Parse(byte[] buffer, int offset, int length, ISpanSink sink, DataQualityCounters quality)
        {
            _spans.Begin();
            _sink = sink;
            _record = buffer;

            // A record that failed midway left its targets set: none may catch this record's attributes.
            _draft = null;
            _resourceTarget = null;
            _metricDraft = null;
            _pointDraft = null;
            _resourceLabels = false;
            var metrics = ProtoSignal.Probe(buffer, offset, length) == RecordSignal.Metrics;
            var input = new CodedInputStream(buffer, offset, length);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != 1)
                {
                    input.SkipLastField();
                    continue;
                }

                Expect(tag, WireFormat.WireType.LengthDelimited);
                if (!metrics)
                {
                    input.ReadMessage(_resourceSpans);
                }
                else if (MetricSink is null)
                {
                    input.SkipLastField();
                }
                else
                {
                    input.ReadMessage(_resourceMetrics);
                }
            }

            _spans.Complete(sink, quality);
            if (metrics)
            {
                quality.AddMetricRecords(1);
            }

            MetricSink?.Commit();
        }

        /// <summary>Discards what a failed record left pending in the metric sink.</summary>
        public void Abort() => MetricSink?.Rollback();

        private static void Expect(uint tag, WireFormat.WireType type)
        {
            if (WireFormat.GetTagWireType(tag) != type)
            {
                throw new FormatException($"Field {WireFormat.GetTagFieldNumber(tag)} has wire type {WireFormat.GetTagWireType(tag)}, not {type}.");
            }
        }

        /// <summary>
        /// The bytes of the length-delimited field whose tag was just read, without a copy: the
        /// stream skips the field (checking its length against the record), and the bytes are the
        /// record's own, after the length's varint.
        /// </summary>
        private ReadOnlySpan<byte> Bytes(CodedInputStream input)
        {
            var start = (int)input.Position;
            input.SkipLastField();
            var end = (int)input.Position;
            while ((_record[start++] & 0x80) != 0)
            {
            }

            return new ReadOnlySpan<byte>(_record, start, end - start);
        }

        private static long ToInt64(ulong value, ref bool ok)
        {
            if (value > long.MaxValue)
            {
                ok = false;
                return 0;
            }

            return (long)value;
        }

        private static ulong BigEndian(ReadOnlySpan<byte> b)
        {
            ulong v = 0;
            for (var i = 0; i < 8; i++)
            {
                v = (v << 8) | b[i];
            }

            return v;
        }

        private (ResourceInfo Resource, TargetIdentity Identity) ReadResourceMessage(CodedInputStream input)
        {
            _resourceTarget = _spans.StartResource();
            input.ReadMessage(_resource);
            _resourceTarget = null;
            return _spans.FinishResource();
        }

        private void ReadResourceSpans(CodedInputStream input)
        {
            var first = _spans.Count;
            var resource = ResourceInfo.Empty;
            var identity = TargetIdentity.None;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        (resource, identity) = ReadResourceMessage(input);
                        break;
                    case 2:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        input.ReadMessage(_scopeSpans);
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            _spans.AttachResource(first, resource, identity);
        }

        private void ReadResource(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1)
                {
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    input.ReadMessage(_keyValue);
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }

        private void ReadScopeSpans(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 2)
                {
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    _draft = _spans.Next();
                    input.ReadMessage(_span);
                    _draft = null;
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }

        private void ReadSpan(CodedInputStream input)
        {
            var d = _draft!;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (d.Interest == SpanInterest.Skip)
                {
                    input.SkipLastField();
                    continue;
                }

                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                    {
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        var id = Bytes(input);
                        d.HasTraceId = id.Length == 16;
                        d.Invalid |= !d.HasTraceId;
                        if (d.HasTraceId)
                        {
                            d.TraceId = new TraceId(BigEndian(id), BigEndian(id.Slice(8)));
                            d.Interest = _sink.Interest(d.TraceId);
                        }

                        break;
                    }

                    case 2:
                    {
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        var id = Bytes(input);
                        d.HasSpanId = id.Length == 8;
                        d.Invalid |= !d.HasSpanId;
                        d.SpanId = d.HasSpanId ? BigEndian(id) : 0;
                        break;
                    }

                    case 4:
                    {
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        var id = Bytes(input);
                        if (id.Length == 8)
                        {
                            d.ParentSpanId = BigEndian(id);
                        }
                        else if (id.Length == 0)
                        {
                            d.ParentSpanId = 0;
                        }
                        else
                        {
                            d.Invalid = true;
                        }

                        break;
                    }

                    case 5:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        if (d.Interest == SpanInterest.Full || !d.HasTraceId)
                        {
                            d.Name = _spans.Texts.Get(Bytes(input));
                        }
                        else
                        {
                            input.SkipLastField();
                        }

                        break;
                    case 6:
                    {
                        Expect(tag, WireFormat.WireType.Varint);
                        var kind = input.ReadInt32();
                        d.Kind = kind >= 0 && kind <= 5 ? (SpanKind)kind : SpanKind.Unspecified;
                        break;
                    }

                    case 7:
                        Expect(tag, WireFormat.WireType.Fixed64);
                        d.HasStart = true;
                        d.StartUnixNano = ToInt64(input.ReadFixed64(), ref d.HasStart);
                        d.Invalid |= !d.HasStart;
                        break;
                    case 8:
                        Expect(tag, WireFormat.WireType.Fixed64);
                        d.HasEnd = true;
                        d.EndUnixNano = ToInt64(input.ReadFixed64(), ref d.HasEnd);
                        d.Invalid |= !d.HasEnd;
                        break;
                    case 9:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        input.ReadMessage(_keyValue);
                        break;
                    case 15:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        _statusCode = 0;
                        input.ReadMessage(_status);
                        d.StatusCode = _statusCode;
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            // A name read before the trace id showed the span was only probed is dropped again.
            if (d.Interest != SpanInterest.Full)
            {
                d.Name = null;
            }
        }

        private void ReadStatus(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 3)
                {
                    Expect(tag, WireFormat.WireType.Varint);
                    _statusCode = input.ReadEnum();
                }
                else
                {
                    // The status message is never read: it can hold anything.
                    input.SkipLastField();
                }
            }
        }

        /// <summary>One attribute, onto the span or the resource being read, or as a label of the point or resource being read.</summary>
        private void ReadKeyValue(CodedInputStream input)
        {
            var asLabel = _pointDraft is not null || _resourceLabels;
            var key = AttrKey.Other;
            string? label = null;
            var keySeen = false;
            _value = OtlpValue.None;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                    {
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        var bytes = Bytes(input);
                        if (asLabel)
                        {
                            label = _spans.Interner.Intern(OtlpText.Decode(bytes));
                        }
                        else
                        {
                            key = OtlpAttributes.Classify(bytes);
                        }

                        keySeen = true;
                        break;
                    }

                    case 2:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        if (keySeen && !asLabel && key == AttrKey.Other)
                        {
                            input.SkipLastField();
                        }
                        else
                        {
                            input.ReadMessage(_anyValue);
                        }

                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            if (asLabel)
            {
                var text = _spans.Interner.Intern(_value.AsLabel);
                if (label is not null && text is not null && _labels.Count < MaxLabels)
                {
                    _labels.Add(new KeyValuePair<string, string>(label, text));
                }
            }
            else if (key != AttrKey.Other)
            {
                if (_draft is not null)
                {
                    OtlpAttributes.Apply(key, _value, _draft, _spans.Interner);
                }
                else if (_resourceTarget is not null)
                {
                    OtlpAttributes.Apply(key, _value, _resourceTarget, _spans.Interner);
                }
            }
        }

        private void ReadAnyValue(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        _value = OtlpValue.OfText(OtlpText.Decode(Bytes(input)));
                        break;
                    case 2:
                        Expect(tag, WireFormat.WireType.Varint);
                        _value = OtlpValue.OfFlag(input.ReadBool());
                        break;
                    case 3:
                        Expect(tag, WireFormat.WireType.Varint);
                        _value = OtlpValue.OfInteger(input.ReadInt64());
                        break;
                    case 4:
                        Expect(tag, WireFormat.WireType.Fixed64);
                        _value = OtlpValue.OfReal(input.ReadDouble());
                        break;
                    default:
                        // Arrays, maps and bytes are never kept.
                        input.SkipLastField();
                        break;
                }
            }
        }

        private void ReadResourceMetrics(CodedInputStream input)
        {
            _metrics.Clear();
            var resource = ResourceInfo.Empty;
            int resourceAt = 0, resourceEnd = 0;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        resourceAt = (int)input.Position;
                        resource = ReadResourceMessage(input).Resource;
                        resourceEnd = (int)input.Position;
                        break;
                    case 2:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        input.ReadMessage(_scopeMetrics);
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            // The resource may follow its metrics: points are resolved once the message is done.
            var resourceAttributes = resourceEnd > resourceAt && OtlpMetricSink.NeedsResourceAttributes(_metrics)
                ? ReadResourceLabels(resourceAt, resourceEnd - resourceAt)
                : Array.Empty<KeyValuePair<string, string>>();
            MetricSink!.AddResourceMetrics(resource, _metrics, resourceAttributes);
        }

        /// <summary>
        /// The resource's attributes as labels, as the JSON reader hands them to the sink: read again
        /// from the record (the resource message, length first, at <paramref name="offset"/>) only when
        /// a metric names its workload or a flag there, so other resources cost no strings.
        /// </summary>
        private KeyValuePair<string, string>[] ReadResourceLabels(int offset, int length)
        {
            _labels.Clear();
            _resourceLabels = true;
            new CodedInputStream(_record, offset, length).ReadMessage(_resource);
            _resourceLabels = false;
            return _labels.ToArray();
        }

        private void ReadScopeMetrics(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 2)
                {
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    var m = new MetricDraft();
                    _metricDraft = m;
                    input.ReadMessage(_metric);
                    _metricDraft = null;
                    if (m.Aliases.Length > 0 && m.Points.Count > 0)
                    {
                        _metrics.Add(m);
                    }
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }

        /// <summary>One metric: its name decides first whether its points are worth reading at all.</summary>
        private void ReadMetric(CodedInputStream input)
        {
            var m = _metricDraft!;
            var nameKnown = false;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = WireFormat.GetTagFieldNumber(tag);
                switch (field)
                {
                    case 1:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        m.Name = OtlpText.Decode(Bytes(input));
                        m.Aliases = MetricSink!.AliasesFor(m.Name);
                        nameKnown = true;
                        break;
                    case 3:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        m.Unit = OtlpText.Decode(Bytes(input));
                        break;
                    case 5:
                    case 7:
                    case 9:
                    case 10:
                    case 11:
                        Expect(tag, WireFormat.WireType.LengthDelimited);
                        if (nameKnown && m.Aliases.Length == 0)
                        {
                            input.SkipLastField();
                            break;
                        }

                        _shape = field switch { 5 => DataShape.Gauge, 7 => DataShape.Sum, 11 => DataShape.Summary, _ => DataShape.Histogram };
                        _exponential = field == 10;
                        input.ReadMessage(_data);
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }

        private void ReadData(CodedInputStream input)
        {
            var m = _metricDraft!;
            var shape = _shape;
            var temporality = MetricDraft.DefaultTemporality(shape);
            var monotonic = MetricDraft.DefaultMonotonic(shape);
            var first = m.Points.Count;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = WireFormat.GetTagFieldNumber(tag);
                if (field == 1)
                {
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    var p = new PointDraft();
                    _pointDraft = p;
                    _labels.Clear();
                    input.ReadMessage(_point);
                    _pointDraft = null;
                    if (_labels.Count > 0)
                    {
                        p.Attributes = _labels.ToArray();
                    }

                    if (p.Keep(MetricSink!, shape != DataShape.Gauge && shape != DataShape.Sum))
                    {
                        m.Points.Add(p);
                    }
                }
                else if (field == 2 && shape != DataShape.Gauge && shape != DataShape.Summary)
                {
                    Expect(tag, WireFormat.WireType.Varint);
                    temporality = input.ReadEnum();
                }
                else if (field == 3 && shape == DataShape.Sum)
                {
                    Expect(tag, WireFormat.WireType.Varint);
                    monotonic = input.ReadBool();
                }
                else
                {
                    input.SkipLastField();
                }
            }

            m.SetKind(first, MetricDraft.KindFor(shape, temporality, monotonic));
        }

        /// <summary>A number, histogram, exponential histogram or summary data point: the fields differ by shape.</summary>
        private void ReadPoint(CodedInputStream input)
        {
            var p = _pointDraft!;
            var histogram = _shape != DataShape.Gauge && _shape != DataShape.Sum;
            var attributesField = !histogram ? 7 : _shape == DataShape.Summary ? 7 : _exponential ? 1 : 9;
            var flagsField = !histogram || _shape == DataShape.Summary ? 8 : 10;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = WireFormat.GetTagFieldNumber(tag);
                if (field == attributesField)
                {
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    input.ReadMessage(_keyValue);
                }
                else if (field == flagsField)
                {
                    Expect(tag, WireFormat.WireType.Varint);
                    p.NoRecordedValue = (input.ReadUInt32() & 1) != 0;
                }
                else if (field == 2)
                {
                    Expect(tag, WireFormat.WireType.Fixed64);
                    var ok = true;
                    p.Start = ToInt64(input.ReadFixed64(), ref ok);
                }
                else if (field == 3)
                {
                    Expect(tag, WireFormat.WireType.Fixed64);
                    var ok = true;
                    p.Time = ToInt64(input.ReadFixed64(), ref ok);
                    p.HasTime = ok && p.Time > 0;
                }
                else if (!histogram && field == 4)
                {
                    Expect(tag, WireFormat.WireType.Fixed64);
                    p.TakeValue(input.ReadDouble());
                }
                else if (!histogram && field == 6)
                {
                    Expect(tag, WireFormat.WireType.Fixed64);
                    p.Value = input.ReadSFixed64();
                    p.HasValue = true;
                }
                else if (histogram && field == 4)
                {
                    Expect(tag, WireFormat.WireType.Fixed64);
                    var ok = true;
                    p.Count = ToInt64(input.ReadFixed64(), ref ok);
                    p.HasCount = ok;
                    p.Bad |= !ok;
                }
                else if (histogram && field == 5)
                {
                    Expect(tag, WireFormat.WireType.Fixed64);
                    p.TakeSum(input.ReadDouble());
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
    }
}
