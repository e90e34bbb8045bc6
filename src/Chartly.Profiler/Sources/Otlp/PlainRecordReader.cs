using System;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Reads a span record <see cref="PlainText"/> accepts into the same drafts, sink calls and
    /// counts as <see cref="OtlpRecordParser"/> (docs/performance.md, "The plain-text reader"), with
    /// the hand-written cursor <see cref="PlainJson"/> instead of the general JSON reader: our own
    /// code compiled straight to optimised code, where the runtime's reader is rejitted through its
    /// instrumented tier during a one-shot read. Field by field it mirrors the parser: the last of
    /// a repeated field wins, a value of another type is read or skipped as the parser does. It
    /// answers false at anything it does not take exactly (metric records, a <c>doubleValue</c> it
    /// would read, a number the parser reads that is not a plain integer, a type where the parser
    /// would fail, deep nesting, anything invalid), and the record is then parsed whole: the parser
    /// begins the drafts again. By then the sink may have been asked its interest in some of the
    /// record's trace ids: <see cref="ISpanSink.Interest"/> is asked again.
    /// </summary>
    internal sealed class PlainRecordReader
    {
        private readonly SpanBatch _spans;

        public PlainRecordReader(SpanBatch spans) => _spans = spans;

        /// <summary>How many records it read (the rest of those it was given went to the parser).</summary>
        public long Taken { get; private set; }

        /// <summary>True when the record was read whole and its spans handed to the sink (<see cref="SpanBatch.Complete"/>).</summary>
        [MethodImpl(HotPath.Optimised)]
        public bool TryRead(ReadOnlySpan<byte> record, ISpanSink sink, DataQualityCounters quality)
        {
            _spans.Begin();
            var j = new PlainJson(record);
            if (!j.Enter((byte)'{', (byte)'}', out var more))
            {
                return false;
            }

            while (more)
            {
                // Metric records are the parser's (and rare in a trace window).
                var ok = j.Name(out var name)
                    && (name.SequenceEqual("resourceSpans"u8) ? ResourceSpans(ref j, sink) : !name.SequenceEqual("resourceMetrics"u8) && j.Value());
                if (!ok || !j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            if (!j.AtEnd())
            {
                return false;
            }

            _spans.Complete(sink, quality);
            Taken++;
            return true;
        }

        [MethodImpl(HotPath.Optimised)]
        private bool ResourceSpans(ref PlainJson j, ISpanSink sink)
        {
            if (!j.Enter((byte)'[', (byte)']', out var more))
            {
                return false;
            }

            while (more)
            {
                if (!j.Enter((byte)'{', (byte)'}', out var members))
                {
                    return false;
                }

                var first = _spans.Count;
                var resource = ResourceInfo.Empty;
                var identity = TargetIdentity.None;
                while (members)
                {
                    var ok = j.Name(out var name)
                        && (name.SequenceEqual("resource"u8) ? Resource(ref j, ref resource, ref identity)
                            : name.SequenceEqual("scopeSpans"u8) || name.SequenceEqual("instrumentationLibrarySpans"u8) ? ScopeSpans(ref j, sink)
                            : j.Value());
                    if (!ok || !j.More((byte)'}', ref members))
                    {
                        return false;
                    }
                }

                // The resource may follow its spans in the object: attached once the object is done.
                _spans.AttachResource(first, resource, identity);
                if (!j.More((byte)']', ref more))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A <c>resource</c>: an object, or null for none (the parser fails on anything else).</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Resource(ref PlainJson j, ref ResourceInfo resource, ref TargetIdentity identity)
        {
            var b = j.Peek();
            if (b == (byte)'n')
            {
                (resource, identity) = (ResourceInfo.Empty, TargetIdentity.None);
                return j.Literal("null"u8);
            }

            if (b != (byte)'{')
            {
                return false;
            }

            j.Enter((byte)'{', (byte)'}', out var more);
            var draft = _spans.StartResource();
            while (more)
            {
                var ok = j.Name(out var name) && (name.SequenceEqual("attributes"u8) ? Attributes(ref j, null, draft) : j.Value());
                if (!ok || !j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            (resource, identity) = _spans.FinishResource();
            return true;
        }

        [MethodImpl(HotPath.Optimised)]
        private bool ScopeSpans(ref PlainJson j, ISpanSink sink)
        {
            if (!j.Enter((byte)'[', (byte)']', out var more))
            {
                return false;
            }

            while (more)
            {
                if (!j.Enter((byte)'{', (byte)'}', out var members))
                {
                    return false;
                }

                while (members)
                {
                    var ok = j.Name(out var name) && (name.SequenceEqual("spans"u8) ? Spans(ref j, sink) : j.Value());
                    if (!ok || !j.More((byte)'}', ref members))
                    {
                        return false;
                    }
                }

                if (!j.More((byte)']', ref more))
                {
                    return false;
                }
            }

            return true;
        }

        [MethodImpl(HotPath.Optimised)]
        private bool Spans(ref PlainJson j, ISpanSink sink)
        {
            if (!j.Enter((byte)'[', (byte)']', out var more))
            {
                return false;
            }

            while (more)
            {
                if (!Span(ref j, _spans.Next(), sink) || !j.More((byte)']', ref more))
                {
                    return false;
                }
            }

            return true;
        }

        [MethodImpl(HotPath.Optimised)]
        private bool Span(ref PlainJson j, SpanDraft d, ISpanSink sink)
        {
            if (!j.Enter((byte)'{', (byte)'}', out var more))
            {
                return false;
            }

            while (more)
            {
                var ok = j.Name(out var name) && (d.Interest == SpanInterest.Skip ? j.Value() : Field(ref j, name, d, sink));
                if (!ok || !j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            // A name read before the trace id showed the span was only probed is dropped again.
            if (d.Interest != SpanInterest.Full)
            {
                d.Name = null;
            }

            return true;
        }

        /// <summary>One field of a span the sink has not skipped, as the parser's ReadSpan reads it.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Field(ref PlainJson j, ReadOnlySpan<byte> name, SpanDraft d, ISpanSink sink)
        {
            bool ok;
            switch (name.Length)
            {
                case 7 when name.SequenceEqual("traceId"u8):
                    ok = j.ReadTraceId(out d.HasTraceId, out d.TraceId);
                    d.Invalid |= !d.HasTraceId;
                    if (d.HasTraceId)
                    {
                        d.Interest = sink.Interest(d.TraceId);
                    }

                    return ok;
                case 6 when name.SequenceEqual("spanId"u8):
                    ok = j.ReadSpanId(out d.HasSpanId, out d.SpanId);
                    d.Invalid |= !d.HasSpanId;
                    return ok;
                case 12 when name.SequenceEqual("parentSpanId"u8):
                    return j.ReadParentId(ref d.ParentSpanId, ref d.Invalid);
                case 17 when name.SequenceEqual("startTimeUnixNano"u8):
                    ok = j.Int64Value(out d.HasStart, out d.StartUnixNano);
                    d.Invalid |= !d.HasStart;
                    return ok;
                case 15 when name.SequenceEqual("endTimeUnixNano"u8):
                    ok = j.Int64Value(out d.HasEnd, out d.EndUnixNano);
                    d.Invalid |= !d.HasEnd;
                    return ok;
                case 4 when name.SequenceEqual("kind"u8):
                    return Kind(ref j, out d.Kind);
                case 4 when name.SequenceEqual("name"u8):
                    if (j.Peek() == (byte)'"' && (d.Interest == SpanInterest.Full || !d.HasTraceId))
                    {
                        if (!j.Str(out var text))
                        {
                            return false;
                        }

                        d.Name = _spans.Texts.Get(text);
                        return true;
                    }

                    return j.Value();
                case 10 when name.SequenceEqual("attributes"u8):
                    return Attributes(ref j, d, null);
                case 6 when name.SequenceEqual("status"u8):
                    return Status(ref j, out d.StatusCode);
                default:
                    return j.Value();
            }
        }

        /// <summary>An integer number token as the reader's TryGetInt32 takes it; false (not taken) at a fraction or an exponent.</summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool Int32(ref PlainJson j, out bool fits, out int value)
        {
            value = 0;
            fits = false;
            if (!j.Integer(out var text))
            {
                return false;
            }

            fits = Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;
            return true;
        }

        private static bool StartsNumber(byte b) => b == (byte)'-' || (b >= (byte)'0' && b <= (byte)'9');

        /// <summary>As the parser's ReadKind: 0 to 5 or the enum's name, anything else unspecified.</summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool Kind(ref PlainJson j, out SpanKind kind)
        {
            kind = SpanKind.Unspecified;
            var b = j.Peek();
            if (StartsNumber(b))
            {
                if (!Int32(ref j, out var fits, out var n))
                {
                    return false;
                }

                if (fits && n >= 0 && n <= 5)
                {
                    kind = (SpanKind)n;
                }

                return true;
            }

            if (b != (byte)'"')
            {
                return j.Value();
            }

            if (!j.Str(out var text))
            {
                return false;
            }

            kind = text.SequenceEqual("SPAN_KIND_INTERNAL"u8) ? SpanKind.Internal
                : text.SequenceEqual("SPAN_KIND_SERVER"u8) ? SpanKind.Server
                : text.SequenceEqual("SPAN_KIND_CLIENT"u8) ? SpanKind.Client
                : text.SequenceEqual("SPAN_KIND_PRODUCER"u8) ? SpanKind.Producer
                : text.SequenceEqual("SPAN_KIND_CONSUMER"u8) ? SpanKind.Consumer
                : SpanKind.Unspecified;
            return true;
        }

        /// <summary>As the parser's ReadStatusCode: a <c>code</c> that is not an int32 or a string leaves the one before.</summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool Status(ref PlainJson j, out int code)
        {
            code = 0;
            if (j.Peek() != (byte)'{')
            {
                return j.Value();
            }

            j.Enter((byte)'{', (byte)'}', out var more);
            while (more)
            {
                if (!j.Name(out var name))
                {
                    return false;
                }

                bool ok;
                var b = j.Peek();
                if (!name.SequenceEqual("code"u8))
                {
                    ok = j.Value(); // the status message is never read: it can hold anything
                }
                else if (b == (byte)'"')
                {
                    ok = j.Str(out var text);
                    code = text.SequenceEqual("STATUS_CODE_ERROR"u8) ? 2 : text.SequenceEqual("STATUS_CODE_OK"u8) ? 1 : 0;
                }
                else if (StartsNumber(b))
                {
                    ok = Int32(ref j, out var fits, out var n);
                    code = fits ? n : code;
                }
                else
                {
                    ok = j.Value();
                }

                if (!ok || !j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Attributes onto a span's draft or, with no span, onto the resource's, as the parser's ReadAttributes.</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Attributes(ref PlainJson j, SpanDraft? span, ResourceDraft? resource)
        {
            if (j.Peek() != (byte)'[')
            {
                return j.Value();
            }

            j.Enter((byte)'[', (byte)']', out var more);
            while (more)
            {
                var ok = j.Peek() == (byte)'{' ? Attribute(ref j, span, resource) : j.Value();
                if (!ok || !j.More((byte)']', ref more))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>One key-value object; a value before its key is read as for an unknown key (the parser's order).</summary>
        [MethodImpl(HotPath.Optimised)]
        private bool Attribute(ref PlainJson j, SpanDraft? span, ResourceDraft? resource)
        {
            j.Enter((byte)'{', (byte)'}', out var more);
            var key = AttrKey.Other;
            var value = OtlpValue.None;
            var keySeen = false;
            while (more)
            {
                if (!j.Name(out var name))
                {
                    return false;
                }

                bool ok;
                if (name.SequenceEqual("key"u8))
                {
                    keySeen = true;
                    key = AttrKey.Other;
                    if (j.Peek() == (byte)'"')
                    {
                        ok = j.Str(out var text);
                        key = OtlpAttributes.Classify(text);
                    }
                    else
                    {
                        ok = j.Value();
                    }
                }
                else if (name.SequenceEqual("value"u8) && !(keySeen && key == AttrKey.Other))
                {
                    ok = AnyValue(ref j, OtlpAttributes.Repeats(key) ? _spans.Texts : null, out value);
                }
                else
                {
                    ok = j.Value();
                }

                if (!ok || !j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            if (key == AttrKey.Other)
            {
                return true;
            }

            if (span is not null)
            {
                OtlpAttributes.Apply(key, value, span, _spans.Interner);
            }
            else if (resource is not null)
            {
                OtlpAttributes.Apply(key, value, resource, _spans.Interner);
            }

            return true;
        }

        /// <summary>As the parser's ReadAnyValue; a <c>doubleValue</c> is left to the parser (false).</summary>
        [MethodImpl(HotPath.Optimised)]
        private static bool AnyValue(ref PlainJson j, Utf8Strings? texts, out OtlpValue value)
        {
            value = OtlpValue.None;
            if (j.Peek() != (byte)'{')
            {
                return j.Value();
            }

            j.Enter((byte)'{', (byte)'}', out var more);
            while (more)
            {
                if (!j.Name(out var name))
                {
                    return false;
                }

                bool ok;
                var b = j.Peek();
                if (name.SequenceEqual("stringValue"u8) && b == (byte)'"')
                {
                    ok = j.Str(out var text);
                    value = OtlpValue.OfText(texts is null ? OtlpText.Decode(text) : texts.Get(text));
                }
                else if (name.SequenceEqual("intValue"u8))
                {
                    ok = j.Int64Value(out var has, out var v);
                    value = has ? OtlpValue.OfInteger(v) : value;
                }
                else if (name.SequenceEqual("doubleValue"u8))
                {
                    return false;
                }
                else if (name.SequenceEqual("boolValue"u8) && (b == (byte)'t' || b == (byte)'f'))
                {
                    ok = j.Literal(b == (byte)'t' ? "true"u8 : "false"u8);
                    value = OtlpValue.OfFlag(b == (byte)'t');
                }
                else
                {
                    ok = j.Value();
                }

                if (!ok || !j.More((byte)'}', ref more))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
