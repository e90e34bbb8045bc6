using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Parses one OTLP/JSON <c>Export*ServiceRequest</c> object with a forward-only reader, keeping
    /// only what a sink asks for. A record is all or nothing: its spans reach the sink only after the
    /// whole object parsed, so a truncated line never leaves half a trace behind.
    /// </summary>
    internal sealed class OtlpRecordParser
    {
        private readonly SpanBatch _spans;

        public OtlpRecordParser(SpanBatch spans) => _spans = spans;

        public IMetricSink? MetricSink { get; set; }

        /// <summary>Parses a complete record; throws <see cref="JsonException"/> or <see cref="FormatException"/> when it is not one.</summary>
        [MethodImpl(HotPath.Optimised)]
        public void Parse(ReadOnlySpan<byte> record, ISpanSink sink, DataQualityCounters quality)
        {
            _spans.Begin();
            var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("A record must be a JSON object.");
            }

            var metricRecords = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("resourceSpans"u8))
                {
                    reader.Read();
                    ReadResourceSpans(ref reader, sink);
                }
                else if (reader.ValueTextEquals("resourceMetrics"u8))
                {
                    reader.Read();
                    metricRecords++;
                    if (MetricSink is null)
                    {
                        reader.Skip();
                    }
                    else
                    {
                        MetricSink.ReadResourceMetrics(ref reader, this);
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new FormatException("Unexpected content after the record.");
            }

            _spans.Complete(sink, quality);
            if (metricRecords > 0)
            {
                quality.AddMetricRecords(metricRecords);
            }

            MetricSink?.Commit();
        }

        /// <summary>Discards what a failed record left pending in the metric sink.</summary>
        public void Abort() => MetricSink?.Rollback();

        [MethodImpl(HotPath.Optimised)]
        private void ReadResourceSpans(ref Utf8JsonReader reader, ISpanSink sink)
        {
            OtlpJson.ExpectArray(ref reader);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                OtlpJson.ExpectObject(ref reader);
                var first = _spans.Count;
                var resource = ResourceInfo.Empty;
                var resourceIdentity = TargetIdentity.None;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("resource"u8))
                    {
                        reader.Read();
                        (resource, resourceIdentity) = ReadResource(ref reader);
                    }
                    else if (reader.ValueTextEquals("scopeSpans"u8) || reader.ValueTextEquals("instrumentationLibrarySpans"u8))
                    {
                        reader.Read();
                        ReadScopeSpans(ref reader, sink);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                // The resource may follow its spans in the object: attach it once the object is done.
                _spans.AttachResource(first, resource, resourceIdentity);
            }
        }

        /// <summary>Reads a <c>resource</c> object into an interned identity.</summary>
        internal (ResourceInfo Resource, TargetIdentity Identity) ReadResource(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return (ResourceInfo.Empty, TargetIdentity.None);
            }

            OtlpJson.ExpectObject(ref reader);
            var draft = _spans.StartResource();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("attributes"u8))
                {
                    reader.Read();
                    ReadAttributes(ref reader, null, draft);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return _spans.FinishResource();
        }

        [MethodImpl(HotPath.Optimised)]
        private void ReadScopeSpans(ref Utf8JsonReader reader, ISpanSink sink)
        {
            OtlpJson.ExpectArray(ref reader);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                OtlpJson.ExpectObject(ref reader);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("spans"u8))
                    {
                        reader.Read();
                        OtlpJson.ExpectArray(ref reader);
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            ReadSpan(ref reader, _spans.Next(), sink);
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }

        [MethodImpl(HotPath.Optimised)]
        private void ReadSpan(ref Utf8JsonReader reader, SpanDraft d, ISpanSink sink)
        {
            OtlpJson.ExpectObject(ref reader);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (d.Interest == SpanInterest.Skip)
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                var name = OtlpJson.PropertyName(ref reader);
                if (name.SequenceEqual("traceId"u8))
                {
                    reader.Read();
                    d.HasTraceId = OtlpJson.TryReadId(ref reader, isTrace: true, out d.TraceId, out _);
                    d.Invalid |= !d.HasTraceId;
                    if (d.HasTraceId)
                    {
                        d.Interest = sink.Interest(d.TraceId);
                    }
                }
                else if (name.SequenceEqual("spanId"u8))
                {
                    reader.Read();
                    d.HasSpanId = OtlpJson.TryReadId(ref reader, isTrace: false, out _, out d.SpanId);
                    d.Invalid |= !d.HasSpanId;
                }
                else if (name.SequenceEqual("parentSpanId"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length == 0)
                    {
                        d.ParentSpanId = 0;
                    }
                    else if (reader.TokenType != JsonTokenType.Null && !OtlpJson.TryReadId(ref reader, isTrace: false, out _, out d.ParentSpanId))
                    {
                        d.Invalid = true;
                    }
                }
                else if (name.SequenceEqual("startTimeUnixNano"u8))
                {
                    reader.Read();
                    d.HasStart = OtlpJson.TryReadInt64(ref reader, out d.StartUnixNano);
                    d.Invalid |= !d.HasStart;
                }
                else if (name.SequenceEqual("endTimeUnixNano"u8))
                {
                    reader.Read();
                    d.HasEnd = OtlpJson.TryReadInt64(ref reader, out d.EndUnixNano);
                    d.Invalid |= !d.HasEnd;
                }
                else if (name.SequenceEqual("kind"u8))
                {
                    reader.Read();
                    d.Kind = ReadKind(ref reader);
                }
                else if (name.SequenceEqual("name"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (d.Interest == SpanInterest.Full || !d.HasTraceId))
                    {
                        d.Name = _spans.Texts.Read(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (name.SequenceEqual("attributes"u8))
                {
                    reader.Read();
                    ReadAttributes(ref reader, d, null);
                }
                else if (name.SequenceEqual("status"u8))
                {
                    reader.Read();
                    d.StatusCode = ReadStatusCode(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // A name read before the trace id showed the span was only probed is dropped again.
            if (d.Interest != SpanInterest.Full)
            {
                d.Name = null;
            }
        }

        [MethodImpl(HotPath.Optimised)]
        private static int ReadStatusCode(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return 0;
            }

            var code = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
                    {
                        code = n;
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        code = reader.ValueTextEquals("STATUS_CODE_ERROR"u8) ? 2 : reader.ValueTextEquals("STATUS_CODE_OK"u8) ? 1 : 0;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    // The status message is never read: it can hold anything.
                    reader.Read();
                    reader.Skip();
                }
            }

            return code;
        }

        [MethodImpl(HotPath.Optimised)]
        private static SpanKind ReadKind(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0 && n <= 5)
            {
                return (SpanKind)n;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                if (reader.ValueTextEquals("SPAN_KIND_INTERNAL"u8)) return SpanKind.Internal;
                if (reader.ValueTextEquals("SPAN_KIND_SERVER"u8)) return SpanKind.Server;
                if (reader.ValueTextEquals("SPAN_KIND_CLIENT"u8)) return SpanKind.Client;
                if (reader.ValueTextEquals("SPAN_KIND_PRODUCER"u8)) return SpanKind.Producer;
                if (reader.ValueTextEquals("SPAN_KIND_CONSUMER"u8)) return SpanKind.Consumer;
            }

            reader.Skip();
            return SpanKind.Unspecified;
        }

        private static AttrKey ClassifyKey(ref Utf8JsonReader reader) =>
            reader.ValueIsEscaped
                ? OtlpAttributes.Classify(System.Text.Encoding.UTF8.GetBytes(OtlpText.Read(ref reader)))
                : OtlpAttributes.Classify(reader.ValueSpan);

        /// <summary>Attributes onto a span's draft or, with no span, onto the resource's.</summary>
        [MethodImpl(HotPath.Optimised)]
        private void ReadAttributes(ref Utf8JsonReader reader, SpanDraft? span, ResourceDraft? resource)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                var key = AttrKey.Other;
                var keySeen = false;
                var value = OtlpValue.None;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = OtlpJson.PropertyName(ref reader);
                    if (name.SequenceEqual("key"u8))
                    {
                        reader.Read();
                        key = reader.TokenType == JsonTokenType.String ? ClassifyKey(ref reader) : AttrKey.Other;
                        keySeen = true;
                    }
                    else if (name.SequenceEqual("value"u8))
                    {
                        reader.Read();
                        if (keySeen && key == AttrKey.Other)
                        {
                            reader.Skip();
                        }
                        else
                        {
                            value = OtlpJson.ReadAnyValue(ref reader, OtlpAttributes.Repeats(key) ? _spans.Texts : null);
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                if (key == AttrKey.Other)
                {
                    continue;
                }

                if (span is not null)
                {
                    OtlpAttributes.Apply(key, value, span, _spans.Interner);
                }
                else if (resource is not null)
                {
                    OtlpAttributes.Apply(key, value, resource, _spans.Interner);
                }
            }
        }
    }

    /// <summary>Receives the metric points of a record (filled in by the metrics reader).</summary>
    internal interface IMetricSink
    {
        /// <summary>The <c>resourceMetrics</c> array of an OTLP/JSON record.</summary>
        void ReadResourceMetrics(ref Utf8JsonReader reader, OtlpRecordParser parser);

        /// <summary>
        /// One resource's metrics of a protobuf record, already decoded, with the resource's
        /// attributes as labels when <see cref="OtlpMetricSink.NeedsResourceAttributes"/> asked for them (else none).
        /// </summary>
        void AddResourceMetrics(ResourceInfo resource, List<MetricDraft> metrics, KeyValuePair<string, string>[] resourceAttributes);

        /// <summary>The metrics it wants under this name (none: the metric's points are skipped unread).</summary>
        MetricAlias[] AliasesFor(string name);

        /// <summary>Whether a point at this time can matter to the query.</summary>
        bool InWindow(long time);

        /// <summary>The record parsed whole: its points are kept.</summary>
        void Commit();

        void Rollback();
    }
}
