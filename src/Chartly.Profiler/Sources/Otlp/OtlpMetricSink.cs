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

        public void Commit()
        {
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
            OtlpJson.ExpectArray(ref reader);
            var metrics = new List<MetricDraft>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                OtlpJson.ExpectObject(ref reader);
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
                var resourceAttributes = Array.Empty<KeyValuePair<string, string>>();
                if (hasResource && NeedsResourceAttributes(metrics))
                {
                    resourceAttributes = ReadResourceAttributes(ref resourceAt);
                }

                AddResourceMetrics(resource, metrics, resourceAttributes);
            }
        }

        /// <summary>Whether a metric of the record names its workload or a flag on the resource (replica and OOM series).</summary>
        public static bool NeedsResourceAttributes(List<MetricDraft> metrics) =>
            metrics.Any(m => m.Aliases.Any(a => a.WorkloadKeys is not null || a.ResourceFlagKey is not null));

        public void AddResourceMetrics(ResourceInfo resource, List<MetricDraft> metrics, KeyValuePair<string, string>[] resourceAttributes)
        {
            var baseIdentity = MetricResource.FromSpan(resource);
            foreach (var m in metrics)
            {
                Resolve(m, baseIdentity, resourceAttributes);
            }
        }

        public MetricAlias[] AliasesFor(string name) => MetricAliases.For(name).Where(a => _wanted.Contains(a.Canonical)).ToArray();

        /// <summary>Points outside the query's range, widened by its lookback, are not kept.</summary>
        public bool InWindow(long time) => time >= _from && time <= _to;

        private void ReadScopeMetrics(ref Utf8JsonReader reader, List<MetricDraft> into)
        {
            OtlpJson.ExpectArray(ref reader);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                OtlpJson.ExpectObject(ref reader);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("metrics"u8))
                    {
                        reader.Read();
                        OtlpJson.ExpectArray(ref reader);
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
            OtlpJson.ExpectObject(ref reader);
            var m = new MetricDraft();
            var nameKnown = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    m.Name = OtlpText.ReadStringOrSkip(ref reader);
                    m.Aliases = m.Name is null ? Array.Empty<MetricAlias>() : AliasesFor(m.Name);
                    nameKnown = true;
                }
                else if (reader.ValueTextEquals("unit"u8))
                {
                    reader.Read();
                    m.Unit = OtlpText.ReadStringOrSkip(ref reader);
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

            var temporality = MetricDraft.DefaultTemporality(shape);
            var monotonic = MetricDraft.DefaultMonotonic(shape);
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
            m.SetKind(first, MetricDraft.KindFor(shape, temporality, monotonic));
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
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timeUnixNano"u8))
                {
                    reader.Read();
                    p.HasTime = OtlpJson.TryReadInt64(ref reader, out p.Time) && p.Time > 0;
                }
                else if (reader.ValueTextEquals("startTimeUnixNano"u8))
                {
                    reader.Read();
                    if (!OtlpJson.TryReadInt64(ref reader, out p.Start))
                    {
                        p.Start = 0;
                    }
                }
                else if (reader.ValueTextEquals("asDouble"u8) || (histogram && reader.ValueTextEquals("sum"u8)))
                {
                    var isSum = reader.ValueTextEquals("sum"u8);
                    reader.Read();
                    var ok = OtlpJson.TryReadDouble(ref reader, out p.Value);
                    p.Bad |= !ok;
                    p.HasValue |= ok && !isSum;
                    p.HasSum |= ok && isSum;
                }
                else if (reader.ValueTextEquals("asInt"u8))
                {
                    reader.Read();
                    var ok = OtlpJson.TryReadInt64(ref reader, out var v);
                    p.Bad |= !ok;
                    p.HasValue |= ok;
                    p.Value = v;
                }
                else if (histogram && reader.ValueTextEquals("count"u8))
                {
                    reader.Read();
                    p.HasCount = OtlpJson.TryReadInt64(ref reader, out var c);
                    p.Bad |= !p.HasCount;
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

            return p.Keep(this, histogram) ? p : null;
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
                        key = Intern(OtlpText.ReadStringOrSkip(ref reader));
                    }
                    else if (reader.ValueTextEquals("value"u8))
                    {
                        reader.Read();
                        value = Intern(OtlpJson.ReadAnyValue(ref reader).AsLabel);
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
