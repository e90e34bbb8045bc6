using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Receives the <c>resourceMetrics</c> of OTLP/JSON records and keeps only what a
    /// <see cref="MetricQuery"/> needs, at read time: a metric name in the alias table whose
    /// canonical metric is wanted, a point whose attributes pass the alias's filter, a time within
    /// the query's range widened by its lookback, and an identity (the resource, completed by the
    /// point's Prometheus-style labels) that matches a resource the target's spans ran on.
    /// Everything else is skipped as it is read, so memory follows the target, not the files.
    /// The points of a record are pending until the record parsed whole (then committed) or failed
    /// (then dropped).
    /// </summary>
    internal sealed class OtlpMetricSink : IMetricSink
    {
        private const int MaxAttributes = 64;
        private const int MaxInterned = 100_000;

        private readonly MetricQuery _query;
        private readonly MetricReadStats _stats;
        private readonly HashSet<string> _wanted;
        private readonly long _from;
        private readonly long _to;
        private readonly Dictionary<MetricResource, (MetricResource Instance, bool Match)> _resources = new();
        private readonly StringInterner _interner = new(MaxInterned);
        private readonly List<RawPoint> _committed = new();
        private readonly List<RawPoint> _pending = new();
        private long _pendingInvalid;
        private long _pendingUnattributed;

        public OtlpMetricSink(MetricQuery query, MetricReadStats stats)
        {
            _query = query;
            _stats = stats;
            _wanted = new HashSet<string>(query.Metrics, StringComparer.Ordinal);
            _from = query.StartUnixNano - query.LookbackNanos;
            _to = query.EndUnixNano + query.LookbackNanos;
        }

        /// <summary>Every point kept so far, from committed records only.</summary>
        public IReadOnlyList<RawPoint> Points => _committed;

        public int PendingCount => _pending.Count;

        public void Commit(int pendingBefore)
        {
            _ = pendingBefore;
            _committed.AddRange(_pending);
            _stats.AddPointsUsed(_pending.Count);
            _stats.AddPointsInvalid(_pendingInvalid);
            _stats.AddPointsUnattributed(_pendingUnattributed);
            _pending.Clear();
            _pendingInvalid = 0;
            _pendingUnattributed = 0;
        }

        public void Rollback()
        {
            _pending.Clear();
            _pendingInvalid = 0;
            _pendingUnattributed = 0;
        }

        public void ReadResourceMetrics(ref Utf8JsonReader reader, OtlpRecordParser parser)
        {
            OtlpRecordParser.ExpectArray(ref reader);
            var metrics = new List<MetricDraft>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                OtlpRecordParser.ExpectObject(ref reader);
                metrics.Clear();
                var resource = ResourceInfo.Empty;
                var resourceAt = default(Utf8JsonReader);
                var hasResource = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("resource"u8))
                    {
                        reader.Read();

                        // The record is whole in memory: a copy of the reader can read the resource again if a metric needs more of it.
                        resourceAt = reader;
                        hasResource = true;
                        resource = parser.ReadResource(ref reader).Resource;
                    }
                    else if (reader.ValueTextEquals("scopeMetrics"u8) || reader.ValueTextEquals("instrumentationLibraryMetrics"u8))
                    {
                        reader.Read();
                        ReadScopeMetrics(ref reader, metrics);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                // The resource may follow its metrics in the object: points are resolved once it is done.
                var baseIdentity = MetricResource.FromSpan(resource);
                var resourceAttributes = Array.Empty<KeyValuePair<string, string>>();
                if (hasResource && metrics.Any(m => m.Aliases.Any(a => a.WorkloadKeys is not null || a.ResourceFlagKey is not null)))
                {
                    resourceAttributes = ReadResourceAttributes(ref resourceAt);
                }

                foreach (var m in metrics)
                {
                    Resolve(m, baseIdentity, resourceAttributes);
                }
            }
        }

        private void ReadScopeMetrics(ref Utf8JsonReader reader, List<MetricDraft> into)
        {
            OtlpRecordParser.ExpectArray(ref reader);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                OtlpRecordParser.ExpectObject(ref reader);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("metrics"u8))
                    {
                        reader.Read();
                        OtlpRecordParser.ExpectArray(ref reader);
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            var m = ReadMetric(ref reader);
                            if (m is not null)
                            {
                                into.Add(m);
                            }
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

        /// <summary>One metric: its name decides first whether its points are worth reading at all.</summary>
        private MetricDraft? ReadMetric(ref Utf8JsonReader reader)
        {
            OtlpRecordParser.ExpectObject(ref reader);
            var m = new MetricDraft();
            var nameKnown = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    m.Name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        reader.Skip();
                    }

                    m.Aliases = m.Name is null ? Array.Empty<MetricAlias>() : MetricAliases.For(m.Name).Where(a => _wanted.Contains(a.Canonical)).ToArray();
                    nameKnown = true;
                }
                else if (reader.ValueTextEquals("unit"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        m.Unit = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("gauge"u8))
                {
                    reader.Read();
                    ReadData(ref reader, m, DataShape.Gauge, nameKnown);
                }
                else if (reader.ValueTextEquals("sum"u8))
                {
                    reader.Read();
                    ReadData(ref reader, m, DataShape.Sum, nameKnown);
                }
                else if (reader.ValueTextEquals("histogram"u8) || reader.ValueTextEquals("exponentialHistogram"u8))
                {
                    reader.Read();
                    ReadData(ref reader, m, DataShape.Histogram, nameKnown);
                }
                else if (reader.ValueTextEquals("summary"u8))
                {
                    reader.Read();
                    ReadData(ref reader, m, DataShape.Summary, nameKnown);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return m.Aliases.Length > 0 && m.Points.Count > 0 ? m : null;
        }

        private void ReadData(ref Utf8JsonReader reader, MetricDraft m, DataShape shape, bool nameKnown)
        {
            if (reader.TokenType != JsonTokenType.StartObject || (nameKnown && m.Aliases.Length == 0))
            {
                reader.Skip();
                return;
            }

            var temporality = shape == DataShape.Summary ? 2 : 0;
            var monotonic = shape != DataShape.Sum;
            var first = m.Points.Count;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("dataPoints"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var p = ReadPoint(ref reader, shape != DataShape.Gauge && shape != DataShape.Sum);
                        if (p is not null)
                        {
                            m.Points.Add(p);
                        }
                    }
                }
                else if (reader.ValueTextEquals("aggregationTemporality"u8))
                {
                    reader.Read();
                    temporality = ReadTemporality(ref reader);
                }
                else if (reader.ValueTextEquals("isMonotonic"u8))
                {
                    reader.Read();
                    monotonic = reader.TokenType == JsonTokenType.True;
                    if (reader.TokenType is not JsonTokenType.True and not JsonTokenType.False)
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

            // Temporality may follow the points (the collector writes it last): kinds are set now.
            PointKind kind = shape switch
            {
                DataShape.Gauge => PointKind.Gauge,
                DataShape.Sum when temporality == 1 => PointKind.DeltaSum,
                DataShape.Sum when temporality == 2 && monotonic => PointKind.CumulativeSum,
                DataShape.Sum => PointKind.Gauge, // a cumulative up-down counter is a current value
                _ when temporality == 1 => PointKind.DeltaHistogram,
                _ => PointKind.CumulativeHistogram,
            };
            for (var i = first; i < m.Points.Count; i++)
            {
                m.Points[i].Kind = kind;
            }
        }

        private static int ReadTemporality(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
            {
                return n;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                if (reader.ValueTextEquals("AGGREGATION_TEMPORALITY_DELTA"u8)) return 1;
                if (reader.ValueTextEquals("AGGREGATION_TEMPORALITY_CUMULATIVE"u8)) return 2;
                return 0;
            }

            reader.Skip();
            return 0;
        }

        /// <summary>One data point; null when it lies outside the time range or carries no recorded value.</summary>
        private PointDraft? ReadPoint(ref Utf8JsonReader reader, bool histogram)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return null;
            }

            var p = new PointDraft();
            bool hasTime = false, hasValue = false, hasCount = false, hasSum = false, invalid = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timeUnixNano"u8))
                {
                    reader.Read();
                    hasTime = OtlpRecordParser.TryReadInt64(ref reader, out p.Time) && p.Time > 0;
                }
                else if (reader.ValueTextEquals("startTimeUnixNano"u8))
                {
                    reader.Read();
                    if (!OtlpRecordParser.TryReadInt64(ref reader, out p.Start))
                    {
                        p.Start = 0;
                    }
                }
                else if (reader.ValueTextEquals("asDouble"u8) || (histogram && reader.ValueTextEquals("sum"u8)))
                {
                    var isSum = reader.ValueTextEquals("sum"u8);
                    reader.Read();
                    var ok = TryReadDouble(ref reader, out p.Value);
                    invalid |= !ok;
                    hasValue |= ok && !isSum;
                    hasSum |= ok && isSum;
                }
                else if (reader.ValueTextEquals("asInt"u8))
                {
                    reader.Read();
                    var ok = OtlpRecordParser.TryReadInt64(ref reader, out var v);
                    invalid |= !ok;
                    hasValue |= ok;
                    p.Value = v;
                }
                else if (histogram && reader.ValueTextEquals("count"u8))
                {
                    reader.Read();
                    hasCount = OtlpRecordParser.TryReadInt64(ref reader, out var c);
                    invalid |= !hasCount;
                    p.Count = c;
                }
                else if (reader.ValueTextEquals("attributes"u8))
                {
                    reader.Read();
                    p.Attributes = ReadAttributes(ref reader);
                }
                else if (reader.ValueTextEquals("flags"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var flags))
                    {
                        p.NoRecordedValue = (flags & 1) != 0;
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

            if (p.NoRecordedValue)
            {
                return null; // a staleness marker, not a measurement
            }

            if (hasTime && (p.Time < _from || p.Time > _to))
            {
                return null;
            }

            p.Invalid = invalid || !hasTime || (histogram ? !(hasCount && hasSum) : !hasValue);
            return p;
        }

        private KeyValuePair<string, string>[] ReadAttributes(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return Array.Empty<KeyValuePair<string, string>>();
            }

            List<KeyValuePair<string, string>>? list = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                string? key = null, value = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("key"u8))
                    {
                        reader.Read();
                        key = reader.TokenType == JsonTokenType.String ? Intern(reader.GetString()) : null;
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            reader.Skip();
                        }
                    }
                    else if (reader.ValueTextEquals("value"u8))
                    {
                        reader.Read();
                        value = ReadAnyValue(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                if (key is not null && value is not null && (list is null || list.Count < MaxAttributes))
                {
                    (list ??= new List<KeyValuePair<string, string>>()).Add(new KeyValuePair<string, string>(key, value));
                }
            }

            return list is null ? Array.Empty<KeyValuePair<string, string>>() : list.ToArray();
        }

        /// <summary>An attribute value as text: strings, integers, doubles and booleans; arrays, maps and bytes are skipped.</summary>
        private string? ReadAnyValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return null;
            }

            string? text = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("stringValue"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        var s = reader.GetString();
                        text = Intern(s is not null && s.Length > 256 ? s.Substring(0, 256) : s);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("intValue"u8))
                {
                    reader.Read();
                    if (OtlpRecordParser.TryReadInt64(ref reader, out var v))
                    {
                        text = Intern(v.ToString(CultureInfo.InvariantCulture));
                    }
                }
                else if (reader.ValueTextEquals("doubleValue"u8))
                {
                    reader.Read();
                    if (TryReadDouble(ref reader, out var d))
                    {
                        text = Intern(d.ToString("R", CultureInfo.InvariantCulture));
                    }
                }
                else if (reader.ValueTextEquals("boolValue"u8))
                {
                    reader.Read();
                    text = reader.TokenType == JsonTokenType.True ? "true" : reader.TokenType == JsonTokenType.False ? "false" : null;
                    if (text is null)
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

            return text;
        }

        /// <summary>A double from a number or a numeric string; NaN and infinities (as the collector spells them) are not usable values.</summary>
        private static bool TryReadDouble(ref Utf8JsonReader reader, out double value)
        {
            value = 0;
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.TryGetDouble(out value) && !double.IsNaN(value) && !double.IsInfinity(value);
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                if (!reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length)
                {
                    return !double.IsNaN(value) && !double.IsInfinity(value);
                }

                return false;
            }

            reader.Skip();
            return false;
        }

        /// <summary>The attributes of a <c>resource</c> object (the reader at its start), read as point attributes are.</summary>
        private KeyValuePair<string, string>[] ReadResourceAttributes(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Array.Empty<KeyValuePair<string, string>>();
            }

            var result = Array.Empty<KeyValuePair<string, string>>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAttributes = reader.ValueTextEquals("attributes"u8);
                reader.Read();
                if (isAttributes)
                {
                    result = ReadAttributes(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            return result;
        }

        /// <summary>Gives each point of a metric its identity and keeps those a target resource matches.</summary>
        private void Resolve(MetricDraft m, MetricResource baseIdentity, KeyValuePair<string, string>[] resourceAttributes)
        {
            foreach (var p in m.Points)
            {
                var identity = WithPointLabels(baseIdentity, p.Attributes);
                foreach (var alias in m.Aliases)
                {
                    var value = p.Value;
                    if (alias.ResourceFlagKey is not null)
                    {
                        if (Find(resourceAttributes, alias.ResourceFlagKey) is not { } flag)
                        {
                            continue; // the receiver was not asked for the attribute: no flag, not a 0
                        }

                        value = string.Equals(flag, alias.ResourceFlagValue, StringComparison.Ordinal) ? 1 : 0;
                    }

                    MetricResource scoped;
                    if (alias.WorkloadKeys is not null)
                    {
                        var workload = WorkloadOf(alias.WorkloadKeys, p.Attributes, resourceAttributes);
                        if (workload is null)
                        {
                            _pendingUnattributed++;
                            continue;
                        }

                        scoped = WorkloadOnly(identity, workload);
                    }
                    else
                    {
                        scoped = alias.NodeScope ? NodeOnly(identity) : identity;
                    }

                    if (!MetricAliases.Accepts(alias, p.Attributes) || !Matches(scoped))
                    {
                        continue;
                    }

                    if (p.Invalid)
                    {
                        // Counted once, and only when it was a point the target needed.
                        _pendingInvalid++;
                        break;
                    }

                    // A flag read from the same points as another alias is a series of its own.
                    var seriesKey = SeriesKey(alias.ResourceFlagKey is null ? m.Name! : m.Name + "\u001f" + alias.Canonical, scoped, p.Attributes);
                    _pending.Add(new RawPoint(alias, seriesKey, scoped, p.Kind, p.Start, p.Time, value, p.Count, MetricAliases.ScaleFor(alias, m.Unit)));
                }
            }
        }

        /// <summary>The first of the keys present with a value, on the point before the resource.</summary>
        private static string? WorkloadOf(IReadOnlyList<string> keys, KeyValuePair<string, string>[] point, KeyValuePair<string, string>[] resource)
        {
            foreach (var key in keys)
            {
                if (Find(point, key) is { Length: > 0 } v)
                {
                    return v;
                }
            }

            foreach (var key in keys)
            {
                if (Find(resource, key) is { Length: > 0 } v)
                {
                    return v;
                }
            }

            return null;
        }

        private static string? Find(KeyValuePair<string, string>[] attributes, string key)
        {
            foreach (var kv in attributes)
            {
                if (string.Equals(kv.Key, key, StringComparison.Ordinal))
                {
                    return kv.Value;
                }
            }

            return null;
        }

        /// <summary>A workload is known by its environment, namespace and name: the scrape job's service, pod and node say nothing about it.</summary>
        private MetricResource WorkloadOnly(MetricResource r, string workload) =>
            Intern(new MetricResource(r.Environment, r.Namespace, null, null, null, null) { Workload = workload });

        /// <summary>
        /// Prometheus-style metrics (cAdvisor through the collector's prometheus receiver) name the
        /// pod in labels on the point, not on the resource (which is the scrape target): those
        /// labels complete or override the resource's identity. An empty label is no label.
        /// </summary>
        private MetricResource WithPointLabels(MetricResource r, KeyValuePair<string, string>[] attributes)
        {
            if (attributes.Length == 0)
            {
                return Intern(r);
            }

            string? ns = r.Namespace, pod = r.Pod, container = r.Container, node = r.Node, service = r.Service;
            var podLabel = false;
            foreach (var kv in attributes)
            {
                var v = kv.Value.Length == 0 ? null : kv.Value;
                switch (kv.Key)
                {
                    case "k8s.namespace.name":
                    case "namespace":
                        ns = v ?? ns;
                        break;
                    case "k8s.pod.name":
                    case "pod":
                        podLabel = true;
                        pod = v;
                        break;
                    case "k8s.container.name":
                    case "container":
                        container = v;
                        break;
                    case "k8s.node.name":
                    case "node":
                    case "kubernetes_node":
                        node = v ?? node;
                        break;
                }
            }

            if (podLabel && pod is null)
            {
                // cAdvisor's root and system cgroups (pod=""): no workload identity at all.
                service = null;
                container = null;
            }

            return Intern(new MetricResource(r.Environment, ns, service, pod, container, node));
        }

        private MetricResource NodeOnly(MetricResource r) =>
            r.Node is null ? r : Intern(new MetricResource(r.Environment, null, null, null, null, r.Node));

        private MetricResource Intern(MetricResource r)
        {
            if (_resources.TryGetValue(r, out var known))
            {
                return known.Instance;
            }

            var match = false;
            foreach (var span in _query.Resources)
            {
                if (r.MatchScore(span) > 0)
                {
                    match = true;
                    break;
                }
            }

            if (_resources.Count < MaxInterned)
            {
                _resources[r] = (r, match);
            }

            return r;
        }

        private bool Matches(MetricResource r) =>
            _resources.TryGetValue(r, out var known) ? known.Match : _query.Resources.Any(span => r.MatchScore(span) > 0);

        private string SeriesKey(string name, MetricResource identity, KeyValuePair<string, string>[] attributes)
        {
            var sb = new StringBuilder(name.Length + 64);
            sb.Append(name).Append('\u001f').Append(identity.ToString());
            foreach (var kv in attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ThenBy(a => a.Value, StringComparer.Ordinal))
            {
                sb.Append('\u001f').Append(kv.Key).Append('=').Append(kv.Value);
            }

            return Intern(sb.ToString())!;
        }

        private string? Intern(string? s) => _interner.Intern(s);

        private enum DataShape
        {
            Gauge,
            Sum,
            Histogram,
            Summary,
        }

        private sealed class MetricDraft
        {
            public string? Name;
            public string? Unit;
            public MetricAlias[] Aliases = Array.Empty<MetricAlias>();
            public readonly List<PointDraft> Points = new();
        }

        private sealed class PointDraft
        {
            public long Start;
            public long Time;
            public double Value;
            public double Count;
            public bool Invalid;
            public bool NoRecordedValue;
            public PointKind Kind;
            public KeyValuePair<string, string>[] Attributes = Array.Empty<KeyValuePair<string, string>>();
        }
    }

    /// <summary>The span side of a metrics-only pass: every span is skipped as soon as its trace id is read.</summary>
    internal sealed class SkipAllSpans : ISpanSink
    {
        public static SkipAllSpans Instance { get; } = new();

        public SpanInterest Interest(TraceId traceId) => SpanInterest.Skip;

        public void Accept(SpanDraft draft)
        {
        }
    }
}
