using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
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
        private const int MaxInterned = 100_000;

        private readonly List<SpanDraft> _drafts = new();
        private readonly Dictionary<ResourceInfo, ResourceInfo> _resources = new();
        private readonly StringInterner _interner = new(MaxInterned);
        private int _count;

        public IMetricSink? MetricSink { get; set; }

        /// <summary>Parses a complete record; throws <see cref="JsonException"/> or <see cref="FormatException"/> when it is not one.</summary>
        public void Parse(ReadOnlySpan<byte> record, ISpanSink sink, DataQualityCounters quality)
        {
            _count = 0;
            var metricsBefore = MetricSink?.PendingCount ?? 0;
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

            var invalid = 0;
            for (var i = 0; i < _count; i++)
            {
                var d = _drafts[i];
                if (d.Interest == SpanInterest.Skip)
                {
                    continue;
                }

                if (d.Invalid || !d.HasTraceId || !d.HasSpanId || !d.HasStart || !d.HasEnd || d.EndUnixNano < d.StartUnixNano || d.SpanId == 0 || d.TraceId.IsEmpty)
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

            if (metricRecords > 0)
            {
                quality.AddMetricRecords(metricRecords);
            }

            MetricSink?.Commit(metricsBefore);
        }

        /// <summary>Discards what a failed record left pending in the metric sink.</summary>
        public void Abort() => MetricSink?.Rollback();

        private void ReadResourceSpans(ref Utf8JsonReader reader, ISpanSink sink)
        {
            ExpectArray(ref reader);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ExpectObject(ref reader);
                var first = _count;
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
                for (var i = first; i < _count; i++)
                {
                    _drafts[i].Resource = resource;
                    _drafts[i].ResourceIdentity = resourceIdentity;
                }
            }
        }

        /// <summary>Reads a <c>resource</c> object into an interned identity.</summary>
        internal (ResourceInfo Resource, TargetIdentity Identity) ReadResource(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return (ResourceInfo.Empty, TargetIdentity.None);
            }

            ExpectObject(ref reader);
            var scratch = new SpanDraft();
            scratch.Reset();
            string? pod = null, container = null, host = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("attributes"u8))
                {
                    reader.Read();
                    ReadAttributes(ref reader, scratch, ref pod, ref container, ref host, resourceLevel: true);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            var info = new ResourceInfo(scratch.ServiceName, scratch.Namespace, scratch.Environment, scratch.ServiceVersion, pod, container, host);
            if (_resources.TryGetValue(info, out var interned))
            {
                info = interned;
            }
            else if (_resources.Count < MaxInterned)
            {
                _resources[info] = info;
            }

            scratch.Resource = ResourceInfo.Empty;
            return (info, scratch.BuildIdentity());
        }

        private void ReadScopeSpans(ref Utf8JsonReader reader, ISpanSink sink)
        {
            ExpectArray(ref reader);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ExpectObject(ref reader);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("spans"u8))
                    {
                        reader.Read();
                        ExpectArray(ref reader);
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            ReadSpan(ref reader, NextDraft(), sink);
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

        private SpanDraft NextDraft()
        {
            if (_count == _drafts.Count)
            {
                _drafts.Add(new SpanDraft());
            }

            var d = _drafts[_count++];
            d.Reset();
            return d;
        }

        private void ReadSpan(ref Utf8JsonReader reader, SpanDraft d, ISpanSink sink)
        {
            ExpectObject(ref reader);
            string? pod = null, container = null, host = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (d.Interest == SpanInterest.Skip)
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                if (reader.ValueTextEquals("traceId"u8))
                {
                    reader.Read();
                    d.HasTraceId = TryReadId(ref reader, isTrace: true, out d.TraceId, out _);
                    d.Invalid |= !d.HasTraceId;
                    if (d.HasTraceId)
                    {
                        d.Interest = sink.Interest(d.TraceId);
                    }
                }
                else if (reader.ValueTextEquals("spanId"u8))
                {
                    reader.Read();
                    d.HasSpanId = TryReadId(ref reader, isTrace: false, out _, out d.SpanId);
                    d.Invalid |= !d.HasSpanId;
                }
                else if (reader.ValueTextEquals("parentSpanId"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length == 0)
                    {
                        d.ParentSpanId = 0;
                    }
                    else if (reader.TokenType != JsonTokenType.Null && !TryReadId(ref reader, isTrace: false, out _, out d.ParentSpanId))
                    {
                        d.Invalid = true;
                    }
                }
                else if (reader.ValueTextEquals("startTimeUnixNano"u8))
                {
                    reader.Read();
                    d.HasStart = TryReadInt64(ref reader, out d.StartUnixNano);
                    d.Invalid |= !d.HasStart;
                }
                else if (reader.ValueTextEquals("endTimeUnixNano"u8))
                {
                    reader.Read();
                    d.HasEnd = TryReadInt64(ref reader, out d.EndUnixNano);
                    d.Invalid |= !d.HasEnd;
                }
                else if (reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    d.Kind = ReadKind(ref reader);
                }
                else if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (d.Interest == SpanInterest.Full || !d.HasTraceId))
                    {
                        d.Name = ReadBoundedString(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("attributes"u8))
                {
                    reader.Read();
                    ReadAttributes(ref reader, d, ref pod, ref container, ref host, resourceLevel: false);
                }
                else if (reader.ValueTextEquals("status"u8))
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

        private enum AttrKey
        {
            Other,
            Component,
            WorkflowId,
            WorkflowName,
            RunId,
            OperationId,
            ConnectorId,
            ConnectorRunId,
            ServiceName,
            Namespace,
            ServiceNamespace,
            Environment,
            EnvironmentLegacy,
            ServiceVersion,
            PodName,
            ContainerName,
            HostName,
            NodeName,
            HttpStatus,
            HttpStatusLegacy,
            ResendCount,
        }

        private static AttrKey ClassifyKey(ref Utf8JsonReader reader)
        {
            var v = reader.ValueSpan;
            if (reader.ValueIsEscaped || v.Length < 9)
            {
                return reader.ValueIsEscaped ? ClassifyEscaped(ref reader) : AttrKey.Other;
            }

            return ClassifyBytes(v);
        }

        private static AttrKey ClassifyEscaped(ref Utf8JsonReader reader)
        {
            var s = reader.GetString();
            return s is null ? AttrKey.Other : ClassifyBytes(System.Text.Encoding.UTF8.GetBytes(s));
        }

        private static AttrKey ClassifyBytes(ReadOnlySpan<byte> v)
        {
            switch (v[0])
            {
                case (byte)'c':
                    if (v.SequenceEqual("chartly.component"u8)) return AttrKey.Component;
                    if (v.SequenceEqual("chartly.workflow.id"u8)) return AttrKey.WorkflowId;
                    if (v.SequenceEqual("chartly.workflow.name"u8)) return AttrKey.WorkflowName;
                    if (v.SequenceEqual("chartly.run.id"u8)) return AttrKey.RunId;
                    if (v.SequenceEqual("chartly.operation.id"u8)) return AttrKey.OperationId;
                    if (v.SequenceEqual("chartly.connector.id"u8)) return AttrKey.ConnectorId;
                    if (v.SequenceEqual("chartly.connector.run.id"u8)) return AttrKey.ConnectorRunId;
                    return AttrKey.Other;
                case (byte)'s':
                    if (v.SequenceEqual("service.name"u8)) return AttrKey.ServiceName;
                    if (v.SequenceEqual("service.namespace"u8)) return AttrKey.ServiceNamespace;
                    if (v.SequenceEqual("service.version"u8)) return AttrKey.ServiceVersion;
                    return AttrKey.Other;
                case (byte)'d':
                    if (v.SequenceEqual("deployment.environment.name"u8)) return AttrKey.Environment;
                    if (v.SequenceEqual("deployment.environment"u8)) return AttrKey.EnvironmentLegacy;
                    return AttrKey.Other;
                case (byte)'k':
                    if (v.SequenceEqual("k8s.namespace.name"u8)) return AttrKey.Namespace;
                    if (v.SequenceEqual("k8s.pod.name"u8)) return AttrKey.PodName;
                    if (v.SequenceEqual("k8s.container.name"u8)) return AttrKey.ContainerName;
                    if (v.SequenceEqual("k8s.node.name"u8)) return AttrKey.NodeName;
                    return AttrKey.Other;
                case (byte)'h':
                    if (v.SequenceEqual("http.response.status_code"u8)) return AttrKey.HttpStatus;
                    if (v.SequenceEqual("http.status_code"u8)) return AttrKey.HttpStatusLegacy;
                    if (v.SequenceEqual("http.request.resend_count"u8)) return AttrKey.ResendCount;
                    if (v.SequenceEqual("host.name"u8)) return AttrKey.HostName;
                    return AttrKey.Other;
                default:
                    return AttrKey.Other;
            }
        }

        private void ReadAttributes(ref Utf8JsonReader reader, SpanDraft d, ref string? pod, ref string? container, ref string? host, bool resourceLevel)
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
                string? pendingString = null;
                long? pendingInt = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("key"u8))
                    {
                        reader.Read();
                        key = reader.TokenType == JsonTokenType.String ? ClassifyKey(ref reader) : AttrKey.Other;
                        keySeen = true;
                    }
                    else if (reader.ValueTextEquals("value"u8))
                    {
                        reader.Read();
                        if (keySeen && key == AttrKey.Other)
                        {
                            reader.Skip();
                        }
                        else
                        {
                            ReadAnyValue(ref reader, out pendingString, out pendingInt);
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                if (key != AttrKey.Other)
                {
                    Apply(d, key, pendingString, pendingInt, ref pod, ref container, ref host, resourceLevel);
                }
            }
        }

        private void Apply(SpanDraft d, AttrKey key, string? s, long? n, ref string? pod, ref string? container, ref string? host, bool resourceLevel)
        {
            switch (key)
            {
                case AttrKey.Component: d.Component = Intern(s); break;
                case AttrKey.WorkflowId: d.WorkflowId = Intern(s); break;
                case AttrKey.WorkflowName: d.WorkflowName = Intern(s); break;
                case AttrKey.RunId: d.RunId = s; break;
                case AttrKey.OperationId: d.OperationId = s; break;
                case AttrKey.ConnectorId: d.ConnectorId = Intern(s); break;
                case AttrKey.ConnectorRunId: d.ConnectorRunId = s; break;
                case AttrKey.ServiceName: d.ServiceName = Intern(s); break;
                case AttrKey.Namespace: d.Namespace = Intern(s) ?? d.Namespace; break; // outranks service.namespace in any order
                case AttrKey.ServiceNamespace: d.Namespace ??= Intern(s); break;
                case AttrKey.Environment: d.Environment = Intern(s); break;
                case AttrKey.EnvironmentLegacy: d.Environment ??= Intern(s); break;
                case AttrKey.ServiceVersion: d.ServiceVersion = Intern(s); break;
                case AttrKey.PodName: pod = Intern(s); break;
                case AttrKey.ContainerName: container = Intern(s); break;
                case AttrKey.HostName: host ??= Intern(s); break;
                case AttrKey.NodeName: host = Intern(s) ?? host; break; // the node outranks host.name (a pod's host.name is often the pod), in any order
                case AttrKey.HttpStatus: d.HttpStatusCode = ToInt(n, s); break;
                case AttrKey.HttpStatusLegacy: if (d.HttpStatusCode == 0) d.HttpStatusCode = ToInt(n, s); break;
                case AttrKey.ResendCount: d.ResendCount = ToInt(n, s); break;
            }

            _ = resourceLevel;
        }

        private static int ToInt(long? n, string? s)
        {
            if (n.HasValue)
            {
                return n.Value is > int.MaxValue or < 0 ? 0 : (int)n.Value;
            }

            return s is not null && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }

        private string? Intern(string? s) => _interner.Intern(s);

        /// <summary>Reads an OTLP AnyValue as text or integer; arrays, maps and bytes are skipped.</summary>
        private static void ReadAnyValue(ref Utf8JsonReader reader, out string? text, out long? number)
        {
            text = null;
            number = null;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("stringValue"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        text = ReadBoundedString(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("intValue"u8))
                {
                    reader.Read();
                    if (TryReadInt64(ref reader, out var v))
                    {
                        number = v;
                    }
                }
                else if (reader.ValueTextEquals("doubleValue"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var dv) && dv >= long.MinValue && dv <= long.MaxValue)
                    {
                        number = (long)dv;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        /// <summary>Attribute values the profiler keeps are names and ids: a huge one is cut, not copied whole.</summary>
        private static string? ReadBoundedString(ref Utf8JsonReader reader)
        {
            const int MaxBytes = 1024;
            if (!reader.ValueIsEscaped)
            {
                return Cut(DecodeLenient(reader.ValueSpan, MaxBytes), MaxBytes);
            }

            try
            {
                return Cut(reader.GetString(), MaxBytes);
            }
            catch (InvalidOperationException)
            {
                // Invalid UTF-8 behind an escape: the raw text, made valid, is enough for a label.
                return Cut(DecodeLenient(reader.ValueSpan, MaxBytes), MaxBytes);
            }
        }

        /// <summary>
        /// Decodes at most what <paramref name="maxChars"/> characters can take (a 50 MB name is never
        /// materialised), with invalid UTF-8 as U+FFFD. Never throws: a name is read only in the second
        /// pass, so a throw here would drop the whole record there after the first pass had counted it good.
        /// </summary>
        private static string DecodeLenient(ReadOnlySpan<byte> utf8, int maxChars)
        {
            var take = Math.Min(utf8.Length, maxChars * 4);
            return System.Text.Encoding.UTF8.GetString(utf8.Slice(0, take).ToArray());
        }

        private static string? Cut(string? s, int maxChars) => s is not null && s.Length > maxChars ? s.Substring(0, maxChars) : s;

        /// <summary>64-bit integers come as decimal strings or numbers (field notes); both are taken.</summary>
        internal static bool TryReadInt64(ref Utf8JsonReader reader, out long value)
        {
            value = 0;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out value))
                    {
                        return true;
                    }

                    if (reader.TryGetUInt64(out var u) && u <= long.MaxValue)
                    {
                        value = (long)u;
                        return true;
                    }

                    if (reader.TryGetDouble(out var d) && d >= 0 && d < 9.2e18)
                    {
                        value = (long)d;
                        return true;
                    }

                    return false;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped)
                    {
                        var s = reader.GetString();
                        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
                    }

                    return Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length;
                default:
                    reader.Skip();
                    return false;
            }
        }

        private static bool TryReadId(ref Utf8JsonReader reader, bool isTrace, out TraceId trace, out ulong span)
        {
            trace = default;
            span = 0;
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                return false;
            }

            ReadOnlySpan<byte> text = reader.ValueSpan;
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            return isTrace ? IdParser.TryParseTraceId(text, out trace) : IdParser.TryParseSpanId(text, out span);
        }

        internal static void ExpectArray(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException("Expected an array.");
            }
        }

        internal static void ExpectObject(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("Expected an object.");
            }
        }
    }

    /// <summary>Receives the metric points of a record (filled in by the metrics reader).</summary>
    internal interface IMetricSink
    {
        int PendingCount { get; }

        void ReadResourceMetrics(ref Utf8JsonReader reader, OtlpRecordParser parser);

        void Commit(int pendingBefore);

        void Rollback();
    }
}
