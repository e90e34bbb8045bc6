using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Google.Protobuf;

namespace Chartly.TelemetryGen;

/// <summary>
/// Turns one OTLP/JSON request (ExportTraceServiceRequest or ExportMetricsServiceRequest, as the
/// collector's JSON marshaler writes it) into the binary protobuf of the same request, with
/// Google.Protobuf's <see cref="CodedOutputStream"/>. Driven by a table of the opentelemetry-proto
/// field numbers and types (no .proto files, no generated code). A key the table does not know
/// is an error, so a conversion never silently drops what a reader might need.
/// </summary>
public static class OtlpProtoWriter
{
    private enum T { Message, String, HexBytes, Base64Bytes, Int64, Fixed64, Fixed32, SFixed64, Double, Enum, Bool, UInt32, SInt32, PackedFixed64, PackedDouble, PackedUInt64 }

    private sealed record F(int Number, T Type, string? Message = null);

    private static readonly Dictionary<string, Dictionary<string, F>> Schema = new(StringComparer.Ordinal)
    {
        ["ExportTraceServiceRequest"] = new() { ["resourceSpans"] = new(1, T.Message, "ResourceSpans") },
        ["ExportMetricsServiceRequest"] = new() { ["resourceMetrics"] = new(1, T.Message, "ResourceMetrics") },
        ["ResourceSpans"] = new() { ["resource"] = new(1, T.Message, "Resource"), ["scopeSpans"] = new(2, T.Message, "ScopeSpans"), ["schemaUrl"] = new(3, T.String) },
        ["ResourceMetrics"] = new() { ["resource"] = new(1, T.Message, "Resource"), ["scopeMetrics"] = new(2, T.Message, "ScopeMetrics"), ["schemaUrl"] = new(3, T.String) },
        ["Resource"] = new() { ["attributes"] = new(1, T.Message, "KeyValue"), ["droppedAttributesCount"] = new(2, T.UInt32) },
        ["Scope"] = new() { ["name"] = new(1, T.String), ["version"] = new(2, T.String), ["attributes"] = new(3, T.Message, "KeyValue"), ["droppedAttributesCount"] = new(4, T.UInt32) },
        ["ScopeSpans"] = new() { ["scope"] = new(1, T.Message, "Scope"), ["spans"] = new(2, T.Message, "Span"), ["schemaUrl"] = new(3, T.String) },
        ["ScopeMetrics"] = new() { ["scope"] = new(1, T.Message, "Scope"), ["metrics"] = new(2, T.Message, "Metric"), ["schemaUrl"] = new(3, T.String) },
        ["Span"] = new()
        {
            ["traceId"] = new(1, T.HexBytes), ["spanId"] = new(2, T.HexBytes), ["traceState"] = new(3, T.String), ["parentSpanId"] = new(4, T.HexBytes),
            ["flags"] = new(16, T.Fixed32), ["name"] = new(5, T.String), ["kind"] = new(6, T.Enum), ["startTimeUnixNano"] = new(7, T.Fixed64),
            ["endTimeUnixNano"] = new(8, T.Fixed64), ["attributes"] = new(9, T.Message, "KeyValue"), ["droppedAttributesCount"] = new(10, T.UInt32),
            ["events"] = new(11, T.Message, "Event"), ["droppedEventsCount"] = new(12, T.UInt32), ["links"] = new(13, T.Message, "Link"),
            ["droppedLinksCount"] = new(14, T.UInt32), ["status"] = new(15, T.Message, "Status"),
        },
        ["Event"] = new() { ["timeUnixNano"] = new(1, T.Fixed64), ["name"] = new(2, T.String), ["attributes"] = new(3, T.Message, "KeyValue"), ["droppedAttributesCount"] = new(4, T.UInt32) },
        ["Link"] = new() { ["traceId"] = new(1, T.HexBytes), ["spanId"] = new(2, T.HexBytes), ["traceState"] = new(3, T.String), ["attributes"] = new(4, T.Message, "KeyValue"), ["droppedAttributesCount"] = new(5, T.UInt32), ["flags"] = new(6, T.Fixed32) },
        ["Status"] = new() { ["message"] = new(2, T.String), ["code"] = new(3, T.Enum) },
        ["KeyValue"] = new() { ["key"] = new(1, T.String), ["value"] = new(2, T.Message, "AnyValue") },
        ["AnyValue"] = new()
        {
            ["stringValue"] = new(1, T.String), ["boolValue"] = new(2, T.Bool), ["intValue"] = new(3, T.Int64), ["doubleValue"] = new(4, T.Double),
            ["arrayValue"] = new(5, T.Message, "ArrayValue"), ["kvlistValue"] = new(6, T.Message, "KeyValueList"), ["bytesValue"] = new(7, T.Base64Bytes),
        },
        ["ArrayValue"] = new() { ["values"] = new(1, T.Message, "AnyValue") },
        ["KeyValueList"] = new() { ["values"] = new(1, T.Message, "KeyValue") },
        ["Metric"] = new()
        {
            ["name"] = new(1, T.String), ["description"] = new(2, T.String), ["unit"] = new(3, T.String), ["gauge"] = new(5, T.Message, "Gauge"),
            ["sum"] = new(7, T.Message, "Sum"), ["histogram"] = new(9, T.Message, "Histogram"), ["exponentialHistogram"] = new(10, T.Message, "ExponentialHistogram"),
            ["summary"] = new(11, T.Message, "Summary"), ["metadata"] = new(12, T.Message, "KeyValue"),
        },
        ["Gauge"] = new() { ["dataPoints"] = new(1, T.Message, "NumberDataPoint") },
        ["Sum"] = new() { ["dataPoints"] = new(1, T.Message, "NumberDataPoint"), ["aggregationTemporality"] = new(2, T.Enum), ["isMonotonic"] = new(3, T.Bool) },
        ["Histogram"] = new() { ["dataPoints"] = new(1, T.Message, "HistogramDataPoint"), ["aggregationTemporality"] = new(2, T.Enum) },
        ["ExponentialHistogram"] = new() { ["dataPoints"] = new(1, T.Message, "ExponentialHistogramDataPoint"), ["aggregationTemporality"] = new(2, T.Enum) },
        ["Summary"] = new() { ["dataPoints"] = new(1, T.Message, "SummaryDataPoint") },
        ["NumberDataPoint"] = new()
        {
            ["attributes"] = new(7, T.Message, "KeyValue"), ["startTimeUnixNano"] = new(2, T.Fixed64), ["timeUnixNano"] = new(3, T.Fixed64),
            ["asDouble"] = new(4, T.Double), ["asInt"] = new(6, T.SFixed64), ["exemplars"] = new(5, T.Message, "Exemplar"), ["flags"] = new(8, T.UInt32),
        },
        ["HistogramDataPoint"] = new()
        {
            ["attributes"] = new(9, T.Message, "KeyValue"), ["startTimeUnixNano"] = new(2, T.Fixed64), ["timeUnixNano"] = new(3, T.Fixed64),
            ["count"] = new(4, T.Fixed64), ["sum"] = new(5, T.Double), ["bucketCounts"] = new(6, T.PackedFixed64), ["explicitBounds"] = new(7, T.PackedDouble),
            ["exemplars"] = new(8, T.Message, "Exemplar"), ["flags"] = new(10, T.UInt32), ["min"] = new(11, T.Double), ["max"] = new(12, T.Double),
        },
        ["ExponentialHistogramDataPoint"] = new()
        {
            ["attributes"] = new(1, T.Message, "KeyValue"), ["startTimeUnixNano"] = new(2, T.Fixed64), ["timeUnixNano"] = new(3, T.Fixed64),
            ["count"] = new(4, T.Fixed64), ["sum"] = new(5, T.Double), ["scale"] = new(6, T.SInt32), ["zeroCount"] = new(7, T.Fixed64),
            ["positive"] = new(8, T.Message, "Buckets"), ["negative"] = new(9, T.Message, "Buckets"), ["flags"] = new(10, T.UInt32),
            ["exemplars"] = new(11, T.Message, "Exemplar"), ["min"] = new(12, T.Double), ["max"] = new(13, T.Double), ["zeroThreshold"] = new(14, T.Double),
        },
        ["Buckets"] = new() { ["offset"] = new(1, T.SInt32), ["bucketCounts"] = new(2, T.PackedUInt64) },
        ["SummaryDataPoint"] = new()
        {
            ["attributes"] = new(7, T.Message, "KeyValue"), ["startTimeUnixNano"] = new(2, T.Fixed64), ["timeUnixNano"] = new(3, T.Fixed64),
            ["count"] = new(4, T.Fixed64), ["sum"] = new(5, T.Double), ["quantileValues"] = new(6, T.Message, "ValueAtQuantile"), ["flags"] = new(8, T.UInt32),
        },
        ["ValueAtQuantile"] = new() { ["quantile"] = new(1, T.Double), ["value"] = new(2, T.Double) },
        ["Exemplar"] = new()
        {
            ["filteredAttributes"] = new(7, T.Message, "KeyValue"), ["timeUnixNano"] = new(2, T.Fixed64), ["asDouble"] = new(3, T.Double),
            ["asInt"] = new(6, T.SFixed64), ["spanId"] = new(4, T.HexBytes), ["traceId"] = new(5, T.HexBytes),
        },
    };

    private static readonly Dictionary<string, int> EnumNames = new(StringComparer.Ordinal)
    {
        ["SPAN_KIND_UNSPECIFIED"] = 0, ["SPAN_KIND_INTERNAL"] = 1, ["SPAN_KIND_SERVER"] = 2, ["SPAN_KIND_CLIENT"] = 3, ["SPAN_KIND_PRODUCER"] = 4, ["SPAN_KIND_CONSUMER"] = 5,
        ["STATUS_CODE_UNSET"] = 0, ["STATUS_CODE_OK"] = 1, ["STATUS_CODE_ERROR"] = 2,
        ["AGGREGATION_TEMPORALITY_UNSPECIFIED"] = 0, ["AGGREGATION_TEMPORALITY_DELTA"] = 1, ["AGGREGATION_TEMPORALITY_CUMULATIVE"] = 2,
    };

    /// <summary>The protobuf bytes of one OTLP/JSON request object.</summary>
    public static byte[] Convert(ReadOnlySpan<byte> jsonRecord)
    {
        using var doc = JsonDocument.Parse(jsonRecord.ToArray());
        var root = doc.RootElement;
        var type = root.TryGetProperty("resourceMetrics", out _) ? "ExportMetricsServiceRequest" : "ExportTraceServiceRequest";
        return Message(root, type);
    }

    private static byte[] Message(JsonElement obj, string type)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{type}: expected an object");
        var fields = Schema[type];
        using var ms = new MemoryStream();
        var o = new CodedOutputStream(ms, leaveOpen: true);
        foreach (var p in obj.EnumerateObject())
        {
            if (!fields.TryGetValue(p.Name, out var f)) throw new InvalidDataException($"{type}: unknown key '{p.Name}'");
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            if (p.Value.ValueKind == JsonValueKind.Array && f.Type is not (T.PackedFixed64 or T.PackedDouble or T.PackedUInt64))
            {
                foreach (var item in p.Value.EnumerateArray()) Field(o, f, item, type + "." + p.Name);
            }
            else
            {
                Field(o, f, p.Value, type + "." + p.Name);
            }
        }

        o.Flush();
        return ms.ToArray();
    }

    private static void Field(CodedOutputStream o, F f, JsonElement v, string where)
    {
        switch (f.Type)
        {
            case T.Message:
                o.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(Message(v, f.Message!)));
                break;
            case T.String:
                o.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                o.WriteString(v.GetString()!);
                break;
            case T.HexBytes:
            {
                var hex = v.GetString()!;
                if (hex.Length == 0) break; // proto3: an empty id is no field
                o.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(System.Convert.FromHexString(hex)));
                break;
            }

            case T.Base64Bytes:
                o.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(System.Convert.FromBase64String(v.GetString()!)));
                break;
            case T.Int64:
                o.WriteTag(f.Number, WireFormat.WireType.Varint);
                o.WriteInt64(Int64(v, where));
                break;
            case T.Fixed64:
                o.WriteTag(f.Number, WireFormat.WireType.Fixed64);
                o.WriteFixed64(UInt64(v, where));
                break;
            case T.SFixed64:
                o.WriteTag(f.Number, WireFormat.WireType.Fixed64);
                o.WriteSFixed64(Int64(v, where));
                break;
            case T.Fixed32:
                o.WriteTag(f.Number, WireFormat.WireType.Fixed32);
                o.WriteFixed32(checked((uint)Int64(v, where)));
                break;
            case T.Double:
                o.WriteTag(f.Number, WireFormat.WireType.Fixed64);
                o.WriteDouble(Double(v, where));
                break;
            case T.Enum:
                o.WriteTag(f.Number, WireFormat.WireType.Varint);
                o.WriteEnum(v.ValueKind == JsonValueKind.String && EnumNames.TryGetValue(v.GetString()!, out var e) ? e : checked((int)Int64(v, where)));
                break;
            case T.Bool:
                o.WriteTag(f.Number, WireFormat.WireType.Varint);
                o.WriteBool(v.GetBoolean());
                break;
            case T.UInt32:
                o.WriteTag(f.Number, WireFormat.WireType.Varint);
                o.WriteUInt32(checked((uint)Int64(v, where)));
                break;
            case T.SInt32:
                o.WriteTag(f.Number, WireFormat.WireType.Varint);
                o.WriteSInt32(checked((int)Int64(v, where)));
                break;
            default:
                Packed(o, f, v, where);
                break;
        }
    }

    private static void Packed(CodedOutputStream o, F f, JsonElement v, string where)
    {
        using var ms = new MemoryStream();
        var inner = new CodedOutputStream(ms, leaveOpen: true);
        foreach (var item in v.EnumerateArray())
        {
            switch (f.Type)
            {
                case T.PackedFixed64: inner.WriteFixed64(UInt64(item, where)); break;
                case T.PackedDouble: inner.WriteDouble(Double(item, where)); break;
                default: inner.WriteUInt64(UInt64(item, where)); break;
            }
        }

        inner.Flush();
        o.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(ms.ToArray()));
    }

    private static long Int64(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number ? v.GetInt64()
        : long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidDataException(where + ": not an int64");

    private static ulong UInt64(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number ? v.GetUInt64()
        : ulong.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidDataException(where + ": not a uint64");

    private static double Double(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : v.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => throw new InvalidDataException(where + ": not a double"),
        };
}
