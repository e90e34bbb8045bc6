using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// The rows Application Insights ingestion makes of the envelopes an exporter posts to
    /// <c>/v2.1/track</c>, by the documented columns of the workspace tables: Request envelopes
    /// become AppRequests, RemoteDependency envelopes AppDependencies. Tags give OperationId
    /// (<c>ai.operation.id</c>), ParentId (<c>ai.operation.parentId</c>), AppRoleName
    /// (<c>ai.cloud.role</c>), AppRoleInstance (<c>ai.cloud.roleInstance</c>) and AppVersion
    /// (<c>ai.application.ver</c>); baseData gives Id, Name, DurationMs, Success, ResultCode
    /// (<c>responseCode</c> / <c>resultCode</c>), DependencyType (<c>type</c>) and Properties
    /// (<c>properties</c>); TimeGenerated is the envelope's <c>time</c>, the span's start.
    /// Other envelopes (the exporter's <c>_OTELRESOURCE_</c> metric, which lands in AppMetrics)
    /// are returned apart: no span query reads them.
    /// </summary>
    public static class TrackEnvelopes
    {
        public static (List<AppRow> Rows, List<JsonElement> Others) ToRows(IEnumerable<string> bodies)
        {
            var rows = new List<AppRow>();
            var others = new List<JsonElement>();
            foreach (var line in bodies.SelectMany(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries)))
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                var table = e.GetProperty("name").GetString() switch
                {
                    "Request" => "AppRequests",
                    "RemoteDependency" => "AppDependencies",
                    _ => null,
                };
                if (table is null)
                {
                    others.Add(e.Clone());
                    continue;
                }

                var tags = e.GetProperty("tags");
                var data = e.GetProperty("data").GetProperty("baseData");
                var props = new SortedDictionary<string, string>(StringComparer.Ordinal);
                if (data.TryGetProperty("properties", out var p))
                {
                    foreach (var kv in p.EnumerateObject())
                    {
                        props[kv.Name] = kv.Value.GetString()!;
                    }
                }

                var time = DateTime.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                var duration = TimeSpan.ParseExact(data.GetProperty("duration").GetString()!, "c", CultureInfo.InvariantCulture);
                rows.Add(new AppRow(
                    table,
                    Str(tags, "ai.operation.id"),
                    Str(data, "id"),
                    Str(tags, "ai.operation.parentId"),
                    (time.Ticks - DateTime.UnixEpoch.Ticks) * 100,
                    duration.TotalMilliseconds,
                    Str(data, "name"),
                    table == "AppRequests" ? Str(data, "responseCode") : Str(data, "resultCode"),
                    data.GetProperty("success").GetBoolean(),
                    Str(tags, "ai.cloud.role"),
                    Str(tags, "ai.cloud.roleInstance"),
                    Str(tags, "ai.application.ver"),
                    table == "AppDependencies" ? Str(data, "type") : string.Empty,
                    props));
            }

            return (rows, others);
        }

        private static string Str(JsonElement owner, string name) =>
            owner.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
    }
}
