using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Chartly.TelemetryGen;

internal enum AttrKind : byte { String, Int, Double, Bool }

/// <summary>One OTLP KeyValue. The key is pre-encoded once so hot loops do not re-escape it.</summary>
internal readonly struct Attr
{
    public readonly JsonEncodedText Key;
    public readonly AttrKind Kind;
    public readonly string? Str;
    public readonly long Int;
    public readonly double Dbl;
    public readonly bool Bool;

    private Attr(string key, AttrKind kind, string? str, long i, double d, bool b)
        : this(JsonEncodedText.Encode(key, Otlp.Encoder), kind, str, i, d, b)
    {
    }

    private Attr(JsonEncodedText key, AttrKind kind, string? str, long i, double d, bool b)
    {
        Key = key;
        Kind = kind;
        Str = str;
        Int = i;
        Dbl = d;
        Bool = b;
    }

    public static Attr S(string key, string value) => new(key, AttrKind.String, value, 0, 0, false);
    public static Attr I(string key, long value) => new(key, AttrKind.Int, null, value, 0, false);
    public static Attr D(string key, double value) => new(key, AttrKind.Double, null, 0, value, false);
    public static Attr B(string key, bool value) => new(key, AttrKind.Bool, null, 0, 0, value);
    public static Attr S(JsonEncodedText key, string value) => new(key, AttrKind.String, value, 0, 0, false);
    public static Attr I(JsonEncodedText key, long value) => new(key, AttrKind.Int, null, value, 0, false);
    public static JsonEncodedText EncodeKey(string key) => JsonEncodedText.Encode(key, Otlp.Encoder);
}

/// <summary>An OTLP Resource (its attribute list). Compared by reference.</summary>
internal sealed class Res
{
    public Res(params Attr[] attrs) => Attrs = attrs;
    public Attr[] Attrs { get; }
}

/// <summary>An OTLP InstrumentationScope. Compared by reference.</summary>
internal sealed class Scope
{
    public Scope(string name, string version = "")
    {
        Name = name;
        Version = version;
    }

    public string Name { get; }
    public string Version { get; }
}

internal static class SpanKind
{
    public const int Internal = 1;
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;
}

/// <summary>A span as the generators build it. Mutable so pools can reuse instances.</summary>
internal sealed class SpanData
{
    public ulong TraceHi;
    public ulong TraceLo;
    public ulong SpanId;
    /// <summary>0 means "no parent" (a root span).</summary>
    public ulong ParentId;
    /// <summary>For a root span: write <c>"parentSpanId":""</c> instead of omitting the key.</summary>
    public bool EmptyParentKey;
    public string Name = "";
    public int Kind;
    public long StartNs;
    public long EndNs;
    public Attr[] Attrs = Array.Empty<Attr>();
    /// <summary>0 unset, 1 ok, 2 error.</summary>
    public int StatusCode;
    public string? StatusMessage;
    /// <summary>W3C trace flags + OTLP parent-is-remote bits; 0 = omit the key.</summary>
    public int Flags;
    public Res Resource = null!;
    public Scope Scope = null!;
    /// <summary>Free-form routing tag used by the sample generator (which file a span goes to).</summary>
    public string Group = "";
    /// <summary>Insertion order, for stable sorting.</summary>
    public int Seq;
}

/// <summary>Writes OTLP/JSON exactly in the shape the Collector's file exporter uses.</summary>
internal static class Otlp
{
    /// <summary>Relaxed escaping: like protojson, do not escape '+', '&lt;' and friends.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonEncodedText ResourceSpans = E("resourceSpans");
    public static readonly JsonEncodedText ResourceMetrics = E("resourceMetrics");
    public static readonly JsonEncodedText ResourceP = E("resource");
    public static readonly JsonEncodedText Attributes = E("attributes");
    public static readonly JsonEncodedText ScopeSpans = E("scopeSpans");
    public static readonly JsonEncodedText ScopeMetrics = E("scopeMetrics");
    public static readonly JsonEncodedText ScopeP = E("scope");
    public static readonly JsonEncodedText NameP = E("name");
    public static readonly JsonEncodedText VersionP = E("version");
    public static readonly JsonEncodedText Spans = E("spans");
    public static readonly JsonEncodedText TraceId = E("traceId");
    public static readonly JsonEncodedText SpanIdP = E("spanId");
    public static readonly JsonEncodedText ParentSpanId = E("parentSpanId");
    public static readonly JsonEncodedText FlagsP = E("flags");
    public static readonly JsonEncodedText KindP = E("kind");
    public static readonly JsonEncodedText StartTime = E("startTimeUnixNano");
    public static readonly JsonEncodedText EndTime = E("endTimeUnixNano");
    public static readonly JsonEncodedText TimeP = E("timeUnixNano");
    public static readonly JsonEncodedText Status = E("status");
    public static readonly JsonEncodedText Code = E("code");
    public static readonly JsonEncodedText Message = E("message");
    public static readonly JsonEncodedText KeyP = E("key");
    public static readonly JsonEncodedText ValueP = E("value");
    public static readonly JsonEncodedText StringValue = E("stringValue");
    public static readonly JsonEncodedText IntValue = E("intValue");
    public static readonly JsonEncodedText DoubleValue = E("doubleValue");
    public static readonly JsonEncodedText BoolValue = E("boolValue");
    public static readonly JsonEncodedText Metrics = E("metrics");
    public static readonly JsonEncodedText Description = E("description");
    public static readonly JsonEncodedText Unit = E("unit");
    public static readonly JsonEncodedText Gauge = E("gauge");
    public static readonly JsonEncodedText Sum = E("sum");
    public static readonly JsonEncodedText DataPoints = E("dataPoints");
    public static readonly JsonEncodedText AsInt = E("asInt");
    public static readonly JsonEncodedText AsDouble = E("asDouble");
    public static readonly JsonEncodedText Temporality = E("aggregationTemporality");
    public static readonly JsonEncodedText IsMonotonic = E("isMonotonic");

    private static JsonEncodedText E(string s) => JsonEncodedText.Encode(s, Encoder);

    public static JsonWriterOptions Options(bool indented) => new()
    {
        Encoder = Encoder,
        Indented = indented,
        NewLine = "\n",
        SkipValidation = !indented,
    };

    /// <summary>int64 as a decimal string, the way the Collector writes it.</summary>
    public static void WriteInt64String(Utf8JsonWriter w, JsonEncodedText name, long value)
    {
        Span<byte> buf = stackalloc byte[24];
        value.TryFormat(buf, out int n, default, CultureInfo.InvariantCulture);
        w.WriteString(name, buf[..n]);
    }

    public static void WriteTraceId(Utf8JsonWriter w, ulong hi, ulong lo, bool upper)
    {
        Span<byte> buf = stackalloc byte[32];
        ReadOnlySpan<char> fmt = upper ? "X16" : "x16";
        hi.TryFormat(buf, out _, fmt, CultureInfo.InvariantCulture);
        lo.TryFormat(buf[16..], out _, fmt, CultureInfo.InvariantCulture);
        w.WriteString(TraceId, buf);
    }

    public static void WriteSpanId(Utf8JsonWriter w, JsonEncodedText name, ulong id, bool upper)
    {
        Span<byte> buf = stackalloc byte[16];
        id.TryFormat(buf, out _, upper ? "X16" : "x16", CultureInfo.InvariantCulture);
        w.WriteString(name, buf);
    }

    public static void WriteAttributes(Utf8JsonWriter w, Attr[] attrs)
    {
        w.WriteStartArray(Attributes);
        foreach (ref readonly Attr a in attrs.AsSpan())
        {
            w.WriteStartObject();
            w.WriteString(KeyP, a.Key);
            w.WriteStartObject(ValueP);
            switch (a.Kind)
            {
                case AttrKind.String:
                    w.WriteString(StringValue, a.Str);
                    break;
                case AttrKind.Int:
                    WriteInt64String(w, IntValue, a.Int);
                    break;
                case AttrKind.Double:
                    w.WriteNumber(DoubleValue, a.Dbl);
                    break;
                case AttrKind.Bool:
                    w.WriteBoolean(BoolValue, a.Bool);
                    break;
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void WriteResource(Utf8JsonWriter w, Res res)
    {
        w.WriteStartObject(ResourceP);
        WriteAttributes(w, res.Attrs);
        w.WriteEndObject();
    }

    public static void WriteScope(Utf8JsonWriter w, Scope scope)
    {
        w.WriteStartObject(ScopeP);
        w.WriteString(NameP, scope.Name);
        if (scope.Version.Length > 0) w.WriteString(VersionP, scope.Version);
        w.WriteEndObject();
    }

    public static void WriteSpan(Utf8JsonWriter w, SpanData s, bool upper)
    {
        w.WriteStartObject();
        WriteTraceId(w, s.TraceHi, s.TraceLo, upper);
        WriteSpanId(w, SpanIdP, s.SpanId, upper);
        if (s.ParentId != 0) WriteSpanId(w, ParentSpanId, s.ParentId, upper);
        else if (s.EmptyParentKey) w.WriteString(ParentSpanId, ReadOnlySpan<byte>.Empty);
        if (s.Flags != 0) w.WriteNumber(FlagsP, s.Flags);
        w.WriteString(NameP, s.Name);
        w.WriteNumber(KindP, s.Kind);
        WriteInt64String(w, StartTime, s.StartNs);
        WriteInt64String(w, EndTime, s.EndNs);
        if (s.Attrs.Length > 0) WriteAttributes(w, s.Attrs);
        w.WriteStartObject(Status);
        if (s.StatusMessage is not null) w.WriteString(Message, s.StatusMessage);
        if (s.StatusCode != 0) w.WriteNumber(Code, s.StatusCode);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// Writes one ExportTraceServiceRequest holding <paramref name="spans"/>: spans are grouped
    /// by resource, then scope, each in order of first appearance; spans keep their given order.
    /// </summary>
    public static void WriteTraceRequest(Utf8JsonWriter w, IReadOnlyList<SpanData> spans, bool upper)
    {
        var resources = new List<Res>(4);
        var scopes = new List<Scope>(8);
        for (int i = 0; i < spans.Count; i++)
        {
            if (!resources.Contains(spans[i].Resource)) resources.Add(spans[i].Resource);
        }

        w.WriteStartObject();
        w.WriteStartArray(ResourceSpans);
        foreach (Res res in resources)
        {
            w.WriteStartObject();
            WriteResource(w, res);
            scopes.Clear();
            for (int i = 0; i < spans.Count; i++)
            {
                if (ReferenceEquals(spans[i].Resource, res) && !scopes.Contains(spans[i].Scope)) scopes.Add(spans[i].Scope);
            }
            w.WriteStartArray(ScopeSpans);
            foreach (Scope scope in scopes)
            {
                w.WriteStartObject();
                WriteScope(w, scope);
                w.WriteStartArray(Spans);
                for (int i = 0; i < spans.Count; i++)
                {
                    SpanData s = spans[i];
                    if (ReferenceEquals(s.Resource, res) && ReferenceEquals(s.Scope, scope)) WriteSpan(w, s, upper);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
