using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Chartly.TelemetryGen;

/// <summary>
/// The bundled demo telemetry (samples/telemetry). Everything is a pure function of this
/// file: fixed base time, fixed PRNG seeds, invariant formatting.
/// </summary>
internal sealed class Samples
{
    private const long Ms = 1_000_000L;
    private const long Sec = 1000 * Ms;

    /// <summary>2026-11-24T00:00:00Z in Unix nanoseconds.</summary>
    private static readonly long Day =
        new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * Ms;

    private static long At(int h, int m, int s, int ms = 0) => Day + ((((h * 60L) + m) * 60 + s) * 1000 + ms) * Ms;

    private const string Env = "dev";
    private const string NodeName = "chartly-node-1";

    // Batching of trace lines (like the Collector's batch processor: send_batch_size 30, a long timeout).
    private const int LineSpans = 30;
    private const long LineTimeout = 3600 * Sec;

    // Groups route spans to files.
    private const string GroupMain = "main";
    private const string GroupMixed = "mixed";
    private const string GroupPretty = "pretty";

    private readonly List<SpanData> _spans = new();
    private readonly List<Trace> _traces = new();

    // Resources (shared by reference so a line groups them).
    private readonly Res _engine = ServiceRes("chartly-workflow-engine", "chartly-core", "1.4.0", "wf-engine-0", "engine");
    private readonly Res _blue = ServiceRes("chartly-analytics", "analytics-blue", "2.3.1", "analytics-blue-0", "analytics");
    private readonly Res _green = ServiceRes("chartly-analytics", "analytics-green", "2.3.1", "analytics-green-0", "analytics");
    private readonly Res _connectors = ServiceRes("chartly-connectors", "chartly-connectors", "0.9.2", "connectors-0", "connectors");

    private readonly Scope _engineScope = new("Chartly.WorkflowEngine", "1.4.0");
    private readonly Scope _engineHttp = new("System.Net.Http");
    private readonly Scope _engineMessaging = new("Chartly.Messaging", "1.4.0");
    private readonly Scope _analyticsScope = new("Chartly.Analytics", "2.3.1");
    private readonly Scope _aspNet = new("Microsoft.AspNetCore");
    private readonly Scope _npgsql = new("Npgsql", "9.0.3");
    private readonly Scope _connScope = new("Chartly.Connectors", "0.9.2");
    private readonly Scope _connHttp = new("System.Net.Http");

    // Times of the slow query, to place the CPU throttling in the metrics.
    private long _slowQueryStart;
    private long _slowQueryEnd;

    private sealed class Trace
    {
        public Trace(string label, string group)
        {
            Label = label;
            Group = group;
            Hi = SplitMix64.Hash("trace-hi:" + label);
            Lo = SplitMix64.Hash("trace-lo:" + label);
        }

        public string Label { get; }
        public string Group { get; }
        public ulong Hi { get; }
        public ulong Lo { get; }
        private ulong _n;

        public ulong NewSpanId()
        {
            ulong id;
            do { id = SplitMix64.Mix(Lo ^ (++_n * 0x9E3779B97F4A7C15UL)); } while (id == 0);
            return id;
        }
    }

    private static Res ServiceRes(string service, string ns, string version, string pod, string container) => new(
        Attr.S("service.name", service),
        Attr.S("service.version", version),
        Attr.S("deployment.environment.name", Env),
        Attr.S("k8s.namespace.name", ns),
        Attr.S("k8s.pod.name", pod),
        Attr.S("k8s.container.name", container),
        Attr.S("k8s.node.name", NodeName),
        Attr.S("telemetry.sdk.name", "opentelemetry"),
        Attr.S("telemetry.sdk.language", "dotnet"),
        Attr.S("telemetry.sdk.version", "1.14.0"));

    private Trace NewTrace(string label, string group)
    {
        var t = new Trace(label, group);
        _traces.Add(t);
        return t;
    }

    private SpanData Span(Trace t, SpanData? parent, Res res, Scope scope, string name, int kind,
        long start, long end, params Attr[] attrs)
    {
        var s = new SpanData
        {
            TraceHi = t.Hi,
            TraceLo = t.Lo,
            SpanId = t.NewSpanId(),
            ParentId = parent?.SpanId ?? 0,
            Name = name,
            Kind = kind,
            StartNs = start,
            EndNs = end,
            Attrs = attrs,
            Resource = res,
            Scope = scope,
            Group = t.Group,
            Seq = _spans.Count,
        };
        _spans.Add(s);
        return s;
    }

    private SpanData Step(Trace t, SpanData parent, string component, long start, long durMs, string? name = null) =>
        Span(t, parent, _engine, _engineScope, name ?? component.Replace('_', ' '), SpanKind.Internal,
            start, start + durMs * Ms, Attr.S("chartly.component", component));

    private static string Guid(ref SplitMix64 rng)
    {
        ulong a = rng.Next(), b = rng.Next();
        // RFC 4122 version 4 layout, lowercase.
        a = (a & 0xFFFFFFFFFFFF0FFFUL) | 0x0000000000004000UL;
        b = (b & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL;
        string h = a.ToString("x16", CultureInfo.InvariantCulture) + b.ToString("x16", CultureInfo.InvariantCulture);
        return h[..8] + "-" + h[8..12] + "-" + h[12..16] + "-" + h[16..20] + "-" + h[20..];
    }

    /// <summary>POST /query (engine) -> POST /v1/query/{id} (analytics) -> SELECT + exec.</summary>
    private void AnalyticsCall(Trace t, SpanData step, Res analytics, int queryId, ref SplitMix64 rng)
    {
        string ns = ReferenceEquals(analytics, _blue) ? "analytics-blue" : "analytics-green";
        var client = Span(t, step, _engine, _engineHttp, "POST /query", SpanKind.Client,
            step.StartNs + 4 * Ms, step.EndNs - 5 * Ms,
            Attr.S("http.request.method", "POST"),
            Attr.S("server.address", "chartly-analytics." + ns + ".svc.cluster.local"),
            Attr.I("server.port", 8080),
            Attr.S("url.full", "http://chartly-analytics." + ns + ".svc.cluster.local:8080/v1/query/" + queryId.ToString(CultureInfo.InvariantCulture)),
            Attr.I("http.response.status_code", 200));
        AnalyticsServer(t, client, analytics, queryId, client.StartNs + 3 * Ms, client.EndNs - 3 * Ms, ref rng);
    }

    private SpanData AnalyticsServer(Trace t, SpanData? parent, Res analytics, int queryId, long start, long end, ref SplitMix64 rng)
    {
        string id = queryId.ToString(CultureInfo.InvariantCulture);
        var server = Span(t, parent, analytics, _aspNet, "POST /v1/query/" + id, SpanKind.Server, start, end,
            Attr.S("http.request.method", "POST"),
            Attr.S("http.route", "/v1/query/{queryId}"),
            Attr.S("url.path", "/v1/query/" + id),
            Attr.S("url.scheme", "http"),
            Attr.I("http.response.status_code", 200));
        long dbStart = start + rng.Range(3, 6) * Ms;
        long dbEnd = Math.Min(dbStart + rng.Range(60, 140) * Ms, end - 30 * Ms);
        Span(t, server, analytics, _npgsql, "SELECT analytics.events", SpanKind.Client, dbStart, dbEnd,
            Attr.S("db.system.name", "postgresql"),
            Attr.S("db.namespace", "analytics"),
            Attr.S("db.collection.name", "events"),
            Attr.S("db.operation.name", "SELECT"),
            Attr.S("db.query.text", "SELECT bucket, count(*) FROM analytics.events WHERE tenant_id = $1 GROUP BY bucket"),
            Attr.S("server.address", "pg-analytics.analytics.svc.cluster.local"));
        Span(t, server, analytics, _analyticsScope, "execute query plan", SpanKind.Internal,
            dbEnd + rng.Range(1, 3) * Ms, end - rng.Range(2, 4) * Ms,
            Attr.S("chartly.component", "analytics_query_exec"),
            Attr.I("chartly.query.rows", rng.Range(1_000, 250_000)));
        return server;
    }

    private void DailyReport(string workflowId, string runId, long start, int queryId, long userId, bool slow, bool emptyParentKey)
    {
        var rng = SplitMix64.For("daily:" + workflowId + ":" + runId);
        var t = NewTrace("daily:" + workflowId + ":" + runId, GroupMain);
        var root = Span(t, null, _engine, _engineScope, "workflow daily-report", SpanKind.Server, start, 0,
            Attr.S("chartly.workflow.id", workflowId),
            Attr.S("chartly.workflow.name", "daily-report"),
            Attr.S("chartly.run.id", runId),
            Attr.S("chartly.trigger", "schedule"));
        root.EmptyParentKey = emptyParentKey;

        long c = start + rng.Range(10, 20) * Ms;
        var sync = Step(t, root, "connector_sync", c, rng.Range(650, 900));
        c = sync.EndNs + rng.Range(10, 30) * Ms;
        var norm = Step(t, root, "normalization", c, rng.Range(350, 550));
        c = norm.EndNs + rng.Range(10, 30) * Ms;
        long qd = slow ? rng.Range(5000, 5150) : rng.Range(1200, 1500);
        var aq = Step(t, root, "analytics_query", c, qd);
        AnalyticsCall(t, aq, _blue, queryId, ref rng);
        if (slow)
        {
            _slowQueryStart = aq.StartNs;
            _slowQueryEnd = aq.EndNs;
        }
        c = aq.EndNs + rng.Range(10, 30) * Ms;
        var render = Step(t, root, "render_charts", c, rng.Range(600, 900));
        var export = Step(t, root, "export_pdf", c + 2 * Ms, rng.Range(500, 1100));
        long upDur = rng.Range(120, 220);
        Span(t, export, _engine, _engineHttp, "PUT /files/" + Guid(ref rng), SpanKind.Client,
            export.EndNs - (upDur + 8) * Ms, export.EndNs - 8 * Ms,
            Attr.S("http.request.method", "PUT"),
            Attr.S("server.address", "files.chartly.internal"),
            Attr.I("http.response.status_code", 201));
        c = Math.Max(render.EndNs, export.EndNs) + rng.Range(10, 30) * Ms;
        var notify = Span(t, root, _engine, _engineHttp,
            "POST /users/" + userId.ToString(CultureInfo.InvariantCulture) + "/notify", SpanKind.Client,
            c, c + rng.Range(90, 160) * Ms,
            Attr.S("http.request.method", "POST"),
            Attr.S("server.address", "notifications.chartly.internal"),
            Attr.I("http.response.status_code", 200));
        root.EndNs = notify.EndNs + rng.Range(8, 15) * Ms;
    }

    private void WeeklyDigest(string workflowId, string runId, long start, int queryId, string subscriber)
    {
        var rng = SplitMix64.For("weekly:" + workflowId + ":" + runId);
        var t = NewTrace("weekly:" + workflowId + ":" + runId, GroupMain);
        var root = Span(t, null, _engine, _engineScope, "workflow weekly-digest", SpanKind.Server, start, 0,
            Attr.S("chartly.workflow.id", workflowId),
            Attr.S("chartly.workflow.name", "weekly-digest"),
            Attr.S("chartly.run.id", runId),
            Attr.S("chartly.trigger", "schedule"));
        long c = start + rng.Range(10, 20) * Ms;
        var collect = Step(t, root, "collect_metrics", c, rng.Range(1500, 2000));
        c = collect.EndNs + rng.Range(10, 30) * Ms;
        var aq = Step(t, root, "analytics_query", c, rng.Range(1800, 2400));
        AnalyticsCall(t, aq, _green, queryId, ref rng);
        c = aq.EndNs + rng.Range(10, 30) * Ms;
        var render = Step(t, root, "render_charts", c, rng.Range(700, 1000));
        c = render.EndNs + rng.Range(10, 30) * Ms;
        var notify = Span(t, root, _engine, _engineHttp, "POST /subscribers/" + subscriber + "/digest", SpanKind.Client,
            c, c + rng.Range(90, 160) * Ms,
            Attr.S("http.request.method", "POST"),
            Attr.S("server.address", "notifications.chartly.internal"),
            Attr.I("http.response.status_code", 200));
        root.EndNs = notify.EndNs + rng.Range(8, 15) * Ms;
    }

    private void Operation(string opId, long start)
    {
        var rng = SplitMix64.For("operation:" + opId);
        var t = NewTrace("operation:" + opId, GroupPretty);
        var root = Span(t, null, _engine, _engineScope, "operation export-archive", SpanKind.Internal, start, start + 90 * Sec,
            Attr.S("chartly.operation.id", opId),
            Attr.S("chartly.operation.name", "export-archive"));
        Span(t, root, _engine, _engineHttp, "POST /operations", SpanKind.Client, start + 15 * Ms, start + 195 * Ms,
            Attr.S("http.request.method", "POST"),
            Attr.S("server.address", "archive.chartly.internal"),
            Attr.I("http.response.status_code", 202));
        for (int k = 1; k <= 8; k++)
        {
            long s = start + k * 10 * Sec;
            Span(t, root, _engine, _engineHttp, "GET /operations/7f3a/status", SpanKind.Client, s, s + rng.Range(40, 120) * Ms,
                Attr.S("http.request.method", "GET"),
                Attr.S("server.address", "archive.chartly.internal"),
                Attr.I("http.response.status_code", 200),
                Attr.S("chartly.operation.state", k < 8 ? "running" : "succeeded"));
        }
        Span(t, root, _engine, _engineScope, "compress archive", SpanKind.Internal, start + 12 * Sec, start + 84_500 * Ms,
            Attr.S("chartly.component", "compress"),
            Attr.I("chartly.bytes.in", 7_340_032_000),
            Attr.I("chartly.bytes.out", 1_932_735_283));
        Span(t, root, _engine, _engineHttp, "GET /operations/7f3a/result", SpanKind.Client, start + 84_700 * Ms, start + 88_900 * Ms,
            Attr.S("http.request.method", "GET"),
            Attr.S("server.address", "archive.chartly.internal"),
            Attr.I("http.response.status_code", 200));
    }

    private void ConnectorRun(string connectorId, string runId, long start, int pages, int throttledPage)
    {
        var rng = SplitMix64.For("connector:" + connectorId + ":" + runId);
        var t = NewTrace("connector:" + connectorId + ":" + runId, GroupMain);
        var root = Span(t, null, _connectors, _connScope, "connector-run salesforce", SpanKind.Server, start, 0,
            Attr.S("chartly.connector.id", connectorId),
            Attr.S("chartly.connector.run.id", runId),
            Attr.S("chartly.connector.kind", "salesforce"));
        long c = start + rng.Range(5, 15) * Ms;
        for (int p = 1; p <= pages; p++)
        {
            string name = "GET /services/data/v59.0/query/01gD0000002HU6KIAW-" + (p * 2000).ToString(CultureInfo.InvariantCulture);
            if (p == throttledPage)
            {
                var throttled = Span(t, root, _connectors, _connHttp, name, SpanKind.Client, c, c + rng.Range(60, 90) * Ms,
                    Attr.S("chartly.component", "fetch_page"),
                    Attr.S("http.request.method", "GET"),
                    Attr.S("server.address", "api.salesforce.example"),
                    Attr.I("http.response.status_code", 429),
                    Attr.S("error.type", "429"));
                throttled.StatusCode = 2;
                // Retry-After: 1 s, then the resend.
                c = throttled.EndNs + 1000 * Ms;
                var retry = Span(t, root, _connectors, _connHttp, name, SpanKind.Client, c, c + rng.Range(300, 600) * Ms,
                    Attr.S("chartly.component", "fetch_page"),
                    Attr.S("http.request.method", "GET"),
                    Attr.S("server.address", "api.salesforce.example"),
                    Attr.I("http.request.resend_count", 1),
                    Attr.I("http.response.status_code", 200));
                c = retry.EndNs + rng.Range(5, 15) * Ms;
                continue;
            }
            var page = Span(t, root, _connectors, _connHttp, name, SpanKind.Client, c, c + rng.Range(300, 600) * Ms,
                Attr.S("chartly.component", "fetch_page"),
                Attr.S("http.request.method", "GET"),
                Attr.S("server.address", "api.salesforce.example"),
                Attr.I("http.response.status_code", 200));
            c = page.EndNs + rng.Range(5, 15) * Ms;
        }
        var producer = Span(t, root, _connectors, _connScope, "publish records", SpanKind.Producer, c, c + rng.Range(30, 60) * Ms,
            Attr.S("messaging.system", "kafka"),
            Attr.S("messaging.operation.type", "send"),
            Attr.S("messaging.destination.name", "salesforce.records"),
            Attr.I("messaging.batch.message_count", pages * 2000L));
        root.EndNs = producer.EndNs + rng.Range(4, 8) * Ms;
        long cs = producer.EndNs + rng.Range(300, 400) * Ms;
        Span(t, producer, _engine, _engineMessaging, "process records", SpanKind.Consumer, cs, cs + rng.Range(700, 900) * Ms,
            Attr.S("messaging.system", "kafka"),
            Attr.S("messaging.operation.type", "process"),
            Attr.S("messaging.destination.name", "salesforce.records"),
            Attr.S("messaging.consumer.group.name", "chartly-workflow-engine"));
    }

    private void StandaloneQueries()
    {
        for (int k = 0; k < 20; k++)
        {
            var rng = SplitMix64.For("standalone-blue:" + k.ToString(CultureInfo.InvariantCulture));
            var t = NewTrace("standalone-blue:" + k.ToString(CultureInfo.InvariantCulture), GroupMain);
            long s = At(10, 1, 30) + k * 180 * Sec + rng.Range(0, 20_000) * Ms;
            AnalyticsServer(t, null, _blue, 5100 + k * 7, s, s + rng.Range(180, 600) * Ms, ref rng);
        }
        for (int k = 0; k < 10; k++)
        {
            var rng = SplitMix64.For("standalone-green:" + k.ToString(CultureInfo.InvariantCulture));
            var t = NewTrace("standalone-green:" + k.ToString(CultureInfo.InvariantCulture), GroupMixed);
            long s = At(10, 2, 45) + k * 360 * Sec + rng.Range(0, 20_000) * Ms;
            AnalyticsServer(t, null, _green, 6200 + k * 13, s, s + rng.Range(180, 600) * Ms, ref rng);
        }
    }

    private void BuildTraces()
    {
        for (int i = 0; i < 6; i++)
        {
            DailyReport("wf-daily-report", "run-" + (1001 + i).ToString(CultureInfo.InvariantCulture),
                At(10, 0, 0) + i * 600 * Sec, 4711 + i, 12345 + i, slow: i == 3, emptyParentKey: i == 1);
        }
        WeeklyDigest("wf-weekly-a", "run-2001", At(10, 29, 57), 4801, "8841");
        WeeklyDigest("wf-weekly-b", "run-2002", At(10, 55, 0), 4802, "user@example.com");
        DailyReport("wf-daily-report", "run-dup-1", At(10, 15, 0), 4799, 12399, slow: false, emptyParentKey: false);
        WeeklyDigest("wf-weekly-a", "run-dup-1", At(10, 45, 0), 4803, "8842");
        Operation("op-7f3a", At(10, 42, 0));
        ConnectorRun("conn-salesforce", "cr-501", At(10, 8, 0), pages: 5, throttledPage: 0);
        ConnectorRun("conn-salesforce", "cr-502", At(10, 38, 0), pages: 6, throttledPage: 3);
        StandaloneQueries();
    }

    // ------------------------------------------------------------------ metrics

    private sealed class Pod
    {
        public Pod(Res res, double cpuBase, long wsBase, long memLimit, long periods0, long throttled0)
        {
            Res = res;
            CpuBase = cpuBase;
            WsBase = wsBase;
            MemLimit = memLimit;
            Periods = periods0;
            Throttled = throttled0;
        }

        public Res Res { get; }
        public double CpuBase { get; }
        public long WsBase { get; }
        public long MemLimit { get; }
        public long Periods;
        public long Throttled;
    }

    private static Res PodRes(string service, string ns, string pod, string container) => new(
        Attr.S("service.name", service),
        Attr.S("deployment.environment.name", Env),
        Attr.S("k8s.namespace.name", ns),
        Attr.S("k8s.pod.name", pod),
        Attr.S("k8s.container.name", container),
        Attr.S("k8s.node.name", NodeName));

    private static readonly Scope KubeletScope = new("github.com/open-telemetry/opentelemetry-collector-contrib/receiver/kubeletstatsreceiver", "0.139.0");
    private static readonly Scope PromScope = new("github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver", "0.139.0");
    private static readonly Scope CpuScraperScope = new("github.com/open-telemetry/opentelemetry-collector-contrib/receiver/hostmetricsreceiver/internal/scraper/cpuscraper", "0.139.0");

    private static readonly long PodStart = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * Ms;

    private static double R4(double v) => Math.Round(v, 4, MidpointRounding.AwayFromZero);

    private bool IsHot(long t)
    {
        // The scrape interval (t-15s, t] overlaps the slow query, widened by 5 s either side.
        return t > _slowQueryStart - 5 * Sec && t - 15 * Sec < _slowQueryEnd + 5 * Sec;
    }

    private static void Gauge(Utf8JsonWriter w, string name, string description, string unit, long t, double? d, long? i)
    {
        w.WriteStartObject();
        w.WriteString(Otlp.NameP, name);
        w.WriteString(Otlp.Description, description);
        if (unit.Length > 0) w.WriteString(Otlp.Unit, unit);
        w.WriteStartObject(Otlp.Gauge);
        w.WriteStartArray(Otlp.DataPoints);
        w.WriteStartObject();
        Otlp.WriteInt64String(w, Otlp.TimeP, t);
        if (d is double dv) w.WriteNumber(Otlp.AsDouble, dv);
        if (i is long iv) Otlp.WriteInt64String(w, Otlp.AsInt, iv);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void CumulativeSum(Utf8JsonWriter w, string name, string description, long start, long t, long value)
    {
        w.WriteStartObject();
        w.WriteString(Otlp.NameP, name);
        w.WriteString(Otlp.Description, description);
        w.WriteStartObject(Otlp.Sum);
        w.WriteStartArray(Otlp.DataPoints);
        w.WriteStartObject();
        Otlp.WriteInt64String(w, Otlp.StartTime, start);
        Otlp.WriteInt64String(w, Otlp.TimeP, t);
        Otlp.WriteInt64String(w, Otlp.AsInt, value);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNumber(Otlp.Temporality, 2);
        w.WriteBoolean(Otlp.IsMonotonic, true);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>One ExportMetricsServiceRequest per scrape time t (every 15 s).</summary>
    private List<(long Key, byte[] Line)> BuildMetricLines()
    {
        var rng = SplitMix64.For("metrics");
        var pods = new[]
        {
            new Pod(PodRes("chartly-workflow-engine", "chartly-core", "wf-engine-0", "engine"), 0.22, 640L << 20, 1L << 30, 410_000, 1_200),
            new Pod(PodRes("chartly-analytics", "analytics-blue", "analytics-blue-0", "analytics"), 0.30, 1_330L << 20, 2L << 30, 512_000, 9_800),
            new Pod(PodRes("chartly-analytics", "analytics-green", "analytics-green-0", "analytics"), 0.27, 1_120L << 20, 2L << 30, 498_000, 2_100),
            new Pod(PodRes("chartly-connectors", "chartly-connectors", "connectors-0", "connectors"), 0.12, 300L << 20, 512L << 20, 204_000, 150),
        };
        var nodeRes = new Res(
            Attr.S("deployment.environment.name", Env),
            Attr.S("k8s.node.name", NodeName),
            Attr.S("host.name", NodeName));
        Pod blue = pods[1];

        var lines = new List<(long, byte[])>();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var w = new Utf8JsonWriter(buffer, Otlp.Options(indented: false));
        for (long t = At(10, 0, 0); t <= At(11, 5, 0); t += 15 * Sec)
        {
            bool hot = IsHot(t);
            buffer.ResetWrittenCount();
            w.Reset(buffer);
            w.WriteStartObject();
            w.WriteStartArray(Otlp.ResourceMetrics);
            foreach (Pod pod in pods)
            {
                bool podHot = hot && ReferenceEquals(pod, blue);
                double cpu = podHot ? 0.97 + rng.NextDouble() * 0.025 : pod.CpuBase + (rng.NextDouble() - 0.5) * 0.12;
                long ws = pod.WsBase + (long)((rng.NextDouble() - 0.5) * 40 * (1 << 20));
                long periods = podHot ? 150 : rng.Range(70, 120);
                long throttled = podHot ? rng.Range(57, 58) : rng.Range(0, 2);
                pod.Periods += periods;
                pod.Throttled += throttled;

                w.WriteStartObject();
                Otlp.WriteResource(w, pod.Res);
                w.WriteStartArray(Otlp.ScopeMetrics);

                w.WriteStartObject();
                Otlp.WriteScope(w, KubeletScope);
                w.WriteStartArray(Otlp.Metrics);
                Gauge(w, "k8s.container.cpu_limit_utilization", "Container cpu utilization as a ratio of the container's limits", "1", t, R4(cpu), null);
                Gauge(w, "k8s.container.memory_limit_utilization", "Container memory utilization as a ratio of the container's limits", "1", t, R4((double)ws / pod.MemLimit), null);
                Gauge(w, "container.memory.working_set", "Container memory working_set", "By", t, null, ws);
                w.WriteEndArray();
                w.WriteEndObject();

                w.WriteStartObject();
                Otlp.WriteScope(w, PromScope);
                w.WriteStartArray(Otlp.Metrics);
                CumulativeSum(w, "container_cpu_cfs_periods_total", "Number of elapsed enforcement period intervals.", PodStart, t, pod.Periods);
                CumulativeSum(w, "container_cpu_cfs_throttled_periods_total", "Number of throttled period intervals.", PodStart, t, pod.Throttled);
                w.WriteEndArray();
                w.WriteEndObject();

                w.WriteEndArray();
                w.WriteEndObject();
            }

            // The node: system.cpu.utilization per cpu.mode (iowait is the one the profiler reads).
            double user = 0.28 + rng.NextDouble() * 0.12 + (hot ? 0.2 : 0);
            double system = 0.06 + rng.NextDouble() * 0.04;
            double iowait = 0.01 + rng.NextDouble() * 0.02;
            double idle = 1.0 - R4(user) - R4(system) - R4(iowait);
            w.WriteStartObject();
            Otlp.WriteResource(w, nodeRes);
            w.WriteStartArray(Otlp.ScopeMetrics);
            w.WriteStartObject();
            Otlp.WriteScope(w, CpuScraperScope);
            w.WriteStartArray(Otlp.Metrics);
            w.WriteStartObject();
            w.WriteString(Otlp.NameP, "system.cpu.utilization");
            w.WriteString(Otlp.Description, "Difference in system.cpu.time since the last measurement per logical CPU, divided by the elapsed time (value in interval [0,1]).");
            w.WriteString(Otlp.Unit, "1");
            w.WriteStartObject(Otlp.Gauge);
            w.WriteStartArray(Otlp.DataPoints);
            foreach (var (mode, value) in new[] { ("user", user), ("system", system), ("iowait", iowait), ("idle", idle) })
            {
                w.WriteStartObject();
                Otlp.WriteAttributes(w, new[] { Attr.S("cpu.mode", mode) });
                Otlp.WriteInt64String(w, Otlp.TimeP, t);
                w.WriteNumber(Otlp.AsDouble, R4(value));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            lines.Add((t, buffer.WrittenSpan.ToArray()));
        }
        return lines;
    }

    // ------------------------------------------------------------------ files

    /// <summary>Emulates the Collector's batch processor: spans in end-time order, cut into lines.</summary>
    private static List<List<SpanData>> Batch(IEnumerable<SpanData> spans, int maxSpans, long timeout)
    {
        var lines = new List<List<SpanData>>();
        List<SpanData>? cur = null;
        foreach (SpanData s in spans)
        {
            if (cur is null || cur.Count >= maxSpans || s.EndNs - cur[0].EndNs > timeout)
            {
                cur = new List<SpanData>();
                lines.Add(cur);
            }
            cur.Add(s);
        }
        return lines;
    }

    private static byte[] TraceLine(List<SpanData> spans, bool upper, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer, Otlp.Options(indented)))
        {
            Otlp.WriteTraceRequest(w, spans, upper);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteLines(string path, IEnumerable<byte[]> lines)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        foreach (byte[] line in lines)
        {
            fs.Write(line);
            fs.WriteByte((byte)'\n');
        }
    }

    public static int Run(string outDir)
    {
        var s = new Samples();
        s.BuildTraces();
        Directory.CreateDirectory(outDir);
        Directory.CreateDirectory(Path.Combine(outDir, "pretty"));

        long rotation = At(10, 30, 0);
        long rotatedFrom = At(10, 15, 0);
        var byEnd = s._spans.OrderBy(x => x.EndNs).ThenBy(x => x.Seq).ToList();

        // traces.json: the current file (spans exported before 10:15 and from 10:30 on).
        var main = byEnd.Where(x => x.Group == GroupMain && (x.EndNs < rotatedFrom || x.EndNs >= rotation));
        var mainLines = Batch(main, maxSpans: LineSpans, timeout: LineTimeout);
        // One line is written with UPPERCASE hex ids: the first line holding part of a trace whose
        // other spans sit (lowercase) in the next line, so ids must be compared case-insensitively.
        int upperLine = -1;
        for (int i = 0; i + 1 < mainLines.Count && upperLine < 0; i++)
        {
            var next = mainLines[i + 1];
            if (mainLines[i].Exists(a => next.Exists(b => b.TraceLo == a.TraceLo && b.TraceHi == a.TraceHi))) upperLine = i;
        }
        var mainBytes = new List<byte[]>();
        for (int i = 0; i < mainLines.Count; i++)
        {
            mainBytes.Add(TraceLine(mainLines[i], upper: i == upperLine, indented: false));
        }
        WriteLines(Path.Combine(outDir, "traces.json"), mainBytes);

        // The rotated file: spans exported between 10:15 and the rotation at 10:30. Spans are in
        // end order, so children come before their parents; run-2001 straddles the rotation.
        var rotated = byEnd.Where(x => x.Group == GroupMain && x.EndNs >= rotatedFrom && x.EndNs < rotation);
        WriteLines(Path.Combine(outDir, "traces-2026-11-24T10-30-00.000.json"),
            Batch(rotated, maxSpans: LineSpans, timeout: LineTimeout).Select(l => TraceLine(l, upper: false, indented: false)));

        // mixed.json: analytics-green standalone traces interleaved with the last metric scrapes.
        var metricLines = s.BuildMetricLines();
        var mixed = new List<(long Key, int Order, byte[] Line)>();
        foreach (var l in Batch(byEnd.Where(x => x.Group == GroupMixed), maxSpans: 12, timeout: LineTimeout))
        {
            mixed.Add((l[^1].EndNs, mixed.Count, TraceLine(l, upper: false, indented: false)));
        }
        long mixedFrom = At(10, 50, 0);
        foreach (var (key, line) in metricLines.Where(m => m.Key >= mixedFrom))
        {
            mixed.Add((key, mixed.Count, line));
        }
        WriteLines(Path.Combine(outDir, "mixed.json"), mixed.OrderBy(m => m.Key).ThenBy(m => m.Order).Select(m => m.Line));
        WriteLines(Path.Combine(outDir, "metrics.json"), metricLines.Where(m => m.Key < mixedFrom).Select(m => m.Line));

        // pretty/operation.json: the operation trace as one indented document.
        var op = byEnd.Where(x => x.Group == GroupPretty).OrderBy(x => x.Seq).ToList();
        WriteLines(Path.Combine(outDir, "pretty", "operation.json"), new[] { TraceLine(op, upper: false, indented: true) });

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"samples: {s._spans.Count} spans in {s._traces.Count} traces, {metricLines.Count} metric scrapes -> {outDir}"));
        return 0;
    }
}
