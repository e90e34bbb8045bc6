using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Replays sample spans through the real OpenTelemetry .NET SDK and Azure Monitor exporter to a
    /// loopback ingestion endpoint: one tracer provider per distinct resource (the SDK holds one
    /// resource per provider), each span an <see cref="Activity"/> with the file's ids, times,
    /// kind, status and attributes.
    /// </summary>
    public static class AzureMonitorExporterRun
    {
        // The SDK draws a fresh span id (and, for a root, trace id) when an activity starts; the
        // file's ids are written back into the fields the id properties read, before it stops.
        private static readonly FieldInfo TraceIdField = Field("_traceId");
        private static readonly FieldInfo SpanIdField = Field("_spanId");
        private static readonly FieldInfo IdField = Field("_id");

        /// <summary>Exports every span and returns the un-gzipped bodies posted, in arrival order.</summary>
        public static List<(string Path, string Body)> Export(IReadOnlyList<SampleSpan> spans)
        {
            // Statsbeat would post the exporter's own usage to a public endpoint: not from a test.
            Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
            using var ingestion = new IngestionCapture();
            var connection = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=" + ingestion.BaseUri;
            var groups = spans
                .Select((s, i) => (Span: s, Index: i))
                .GroupBy(x => ResourceKey(x.Span.Resource), StringComparer.Ordinal)
                .OrderBy(g => g.Min(x => x.Index))
                .ToList();
            for (var g = 0; g < groups.Count; g++)
            {
                var sourceName = "chartly.samples." + g.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var resource = groups[g].First().Span.Resource;
                using (var provider = Sdk.CreateTracerProviderBuilder()
                    .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(resource.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, object>(kv.Key, kv.Value))))
                    .SetSampler(new AlwaysOnSampler())
                    .AddSource(sourceName)
                    .AddAzureMonitorTraceExporter(o =>
                    {
                        o.ConnectionString = connection;
                        o.DisableOfflineStorage = true;
                        o.EnableLiveMetrics = false;

                        // Its default is rate-limited sampling (5 traces a second): every span is wanted here.
                        o.TracesPerSecond = null;
                        o.SamplingRatio = 1.0F;
                    })
                    .Build())
                using (var source = new ActivitySource(sourceName))
                {
                    foreach (var (span, _) in groups[g])
                    {
                        Emit(source, span);
                    }

                    provider!.ForceFlush(30_000);
                }
            }

            return ingestion.Posts.ToList();
        }

        private static void Emit(ActivitySource source, SampleSpan s)
        {
            var traceId = ActivityTraceId.CreateFromString(s.TraceId);
            var parent = s.ParentSpanId.Length == 0
                ? default
                : new ActivityContext(traceId, ActivitySpanId.CreateFromString(s.ParentSpanId), ActivityTraceFlags.Recorded);
            var kind = s.Kind switch
            {
                2 => ActivityKind.Server,
                3 => ActivityKind.Client,
                4 => ActivityKind.Producer,
                5 => ActivityKind.Consumer,
                _ => ActivityKind.Internal,
            };
            var tags = s.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, object?>(kv.Key, Typed(kv.Key, kv.Value)));
            var a = source.CreateActivity(s.Name, kind, parent, tags) ?? throw new InvalidOperationException("The SDK did not sample span " + s.SpanId);
            a.SetStartTime(FromUnixNano(s.StartUnixNano));
            a.Start();
            TraceIdField.SetValue(a, s.TraceId);
            SpanIdField.SetValue(a, s.SpanId);
            IdField.SetValue(a, "00-" + s.TraceId + "-" + s.SpanId + "-01");
            if (s.StatusCode == 2)
            {
                a.SetStatus(ActivityStatusCode.Error);
            }
            else if (s.StatusCode == 1)
            {
                a.SetStatus(ActivityStatusCode.Ok);
            }

            a.SetEndTime(FromUnixNano(s.EndUnixNano));
            a.Stop();
        }

        /// <summary>Integer attributes go in as integers, as an instrumented service sets them (the exporter reads the status code from one).</summary>
        private static object Typed(string key, string value) =>
            long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) && key != "chartly.run.id"
                ? n
                : value;

        private static DateTime FromUnixNano(long unixNano) => new(DateTime.UnixEpoch.Ticks + unixNano / 100, DateTimeKind.Utc);

        private static string ResourceKey(IReadOnlyDictionary<string, string> resource) =>
            string.Join("\n", resource.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));

        private static FieldInfo Field(string name) =>
            typeof(Activity).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("System.Diagnostics.Activity has no field " + name + ": the replay needs another way to keep the file's ids.");
    }
}
