using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Converts OTLP/JSON trace files (the samples) into the rows an Application Insights
    /// workspace would hold for the same spans: SERVER and CONSUMER spans are requests, the
    /// rest dependencies (INTERNAL as "InProc", PRODUCER as "Queue Message | system").
    /// </summary>
    public static class AppInsightsRows
    {
        public static List<AppRow> FromOtlpDirectory(string dir) => SampleSpans.FromOtlpDirectory(dir).Select(FromSpan).ToList();

        private static AppRow FromSpan(SampleSpan s)
        {
            var resource = s.Resource;
            var attrs = s.Attributes;
            var props = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in resource.Concat(attrs))
            {
                props[kv.Key] = kv.Value;
            }

            var table = s.Kind is 2 or 5 ? "AppRequests" : "AppDependencies";
            var depType = s.Kind switch
            {
                1 => "InProc",
                4 => "Queue Message | " + (attrs.TryGetValue("messaging.system", out var sys) ? sys : "unknown"),
                _ when attrs.ContainsKey("db.system.name") => attrs["db.system.name"],
                _ when table == "AppDependencies" => "HTTP",
                _ => string.Empty,
            };
            return new AppRow(
                table,
                s.TraceId,
                s.SpanId,
                s.ParentSpanId,
                s.StartUnixNano,
                (s.EndUnixNano - s.StartUnixNano) / 1_000_000.0,
                s.Name,
                attrs.TryGetValue("http.response.status_code", out var http) ? http : (table == "AppRequests" ? "0" : string.Empty),
                s.StatusCode != 2,
                resource.TryGetValue("service.name", out var svc) ? svc : string.Empty,
                resource.TryGetValue("k8s.pod.name", out var pod) ? pod : string.Empty,
                resource.TryGetValue("service.version", out var ver) ? ver : string.Empty,
                depType,
                props);
        }
    }

    /// <summary>
    /// A stand-in for the Log Analytics query API over <see cref="AppRow"/>s. It understands just
    /// the KQL this profiler sends (the target filter, the time filter, the operation-id list and
    /// the projection), answers in the documented shape
    /// (<c>{"tables":[{"name","columns":[{"name","type"}],"rows":[...]}]}</c>) and checks the
    /// request shape as it goes (POST, JSON body with query and timespan, bearer token).
    /// </summary>
    public sealed class FakeLogAnalytics
    {
        private static readonly Regex Literal = new("@\"((?:[^\"]|\"\")*)\"", RegexOptions.CultureInvariant);
        private static readonly Regex PropEq = new("tostring\\(Properties\\[\"(?<key>[^\"]+)\"\\]\\) == @\"(?<v>(?:[^\"]|\"\")*)\"", RegexOptions.CultureInvariant);
        private static readonly Regex Window = new("TimeGenerated >= datetime\\((?<from>[^)]+)\\) and TimeGenerated < datetime\\((?<to>[^)]+)\\)", RegexOptions.CultureInvariant);

        private readonly IReadOnlyList<AppRow> _rows;

        public FakeLogAnalytics(IReadOnlyList<AppRow> rows) => _rows = rows;

        /// <summary>How the root statistics read a row: the duration as the row mapper converts <c>DurationMs</c>.</summary>
        private static readonly RootStatistics.Columns<AppRow> RowColumns = new(
            r => r.OperationId,
            r => r.Id,
            r => r.ParentId,
            r => r.StartUnixNano,
            r => r.Property("deployment.environment.name") ?? r.Property("deployment.environment"),
            r => r.AppVersion,
            r => (long)Math.Floor((r.DurationMs * 1_000_000.0) + 0.5),
            "AppVersion")
        {
            Column = (r, name) => name switch
            {
                "WorkflowId" => r.Property("chartly.workflow.id") ?? string.Empty,
                "WorkflowName" => r.Property("chartly.workflow.name") ?? string.Empty,
                "ConnectorId" => r.Property("chartly.connector.id") ?? string.Empty,
                _ => throw new InvalidOperationException("The fake has no column " + name),
            },
            Namespace = (
                "coalesce(Namespace, extract(@\"^\\[(.+?)\\]/.\", 1, AppRoleName))",
                r => r.Property("k8s.namespace.name") ?? r.Property("service.namespace") ?? Regex.Match(r.AppRoleName, "^\\[(.+?)\\]/.").Groups[1].Value),
        };

        /// <summary>Every query text received, in order.</summary>
        public List<string> Queries { get; } = new();

        public CannedResponse Answer(RecordedRequest request)
        {
            using var body = JsonDocument.Parse(request.Body);
            var kql = body.RootElement.GetProperty("query").GetString()!;
            lock (Queries)
            {
                Queries.Add(kql);
            }

            if (RootStatistics.IsStatistics(kql))
            {
                return CannedResponse.Json(200, LogsTables.Statistics(RootStatistics.Answer(kql, Select, RowColumns)));
            }

            var rows = kql.StartsWith("let matching = ", StringComparison.Ordinal) ? RootStatistics.SampledCandidates(kql, Select, RowColumns) : Select(kql).ToList();
            return CannedResponse.Json(200, LogsTables.Rows(rows, withTraceColumns: kql.Contains("Component = ", StringComparison.Ordinal)));
        }

        private IEnumerable<AppRow> Select(string kql)
        {
            var w = Window.Match(kql);
            var from = ParseDateTime(w.Groups["from"].Value);
            var to = ParseDateTime(w.Groups["to"].Value);
            var tables = kql.StartsWith("union withsource=SourceTable AppRequests, AppDependencies", StringComparison.Ordinal)
                ? new[] { "AppRequests", "AppDependencies" }
                : new[] { "AppRequests" };
            var rows = _rows.Where(r => tables.Contains(r.Table) && r.StartUnixNano >= from && r.StartUnixNano < to);

            var idList = Regex.Match(kql, "OperationId in~ \\((?<ids>[^)]*)\\)");
            if (idList.Success)
            {
                var ids = new HashSet<string>(Regex.Matches(idList.Groups["ids"].Value, "\"([0-9a-f]+)\"").Select(m => m.Groups[1].Value), StringComparer.OrdinalIgnoreCase);
                return rows.Where(r => ids.Contains(r.OperationId));
            }

            var role = Regex.Match(kql, "AppRoleName == @\"(?<v>(?:[^\"]|\"\")*)\"");
            if (role.Success)
            {
                var name = Unquote(role.Groups["v"].Value);
                var ns = Regex.Match(kql, "\"service.namespace\"\\]\\)\\) == @\"(?<v>(?:[^\"]|\"\")*)\"");
                if (ns.Success)
                {
                    var nsName = Unquote(ns.Groups["v"].Value);
                    rows = rows.Where(r =>
                        (r.AppRoleName == name && (r.Property("k8s.namespace.name") == nsName || (r.Property("k8s.namespace.name") is null && r.Property("service.namespace") == nsName)))
                        || r.AppRoleName == "[" + nsName + "]/" + name);
                }
                else
                {
                    rows = rows.Where(r => r.AppRoleName == name || r.AppRoleName.EndsWith("]/" + name, StringComparison.Ordinal));
                }
            }
            else
            {
                var filters = PropEq.Matches(kql).Select(m => (m.Groups["key"].Value, Unquote(m.Groups["v"].Value))).ToList();
                var any = kql.Contains("\"]) == @\"", StringComparison.Ordinal) && kql.Contains(" or tostring(", StringComparison.Ordinal);
                rows = rows.Where(r => any ? filters.Any(f => r.Property(f.Item1) == f.Item2) : filters.All(f => r.Property(f.Item1) == f.Item2));
            }

            foreach (var line in kql.Split('\n').Where(l => l.StartsWith("| where ", StringComparison.Ordinal)))
            {
                if (RootStatistics.InEnvironment(line.Substring("| where ".Length)) is { } environment)
                {
                    rows = rows.Where(r => RowColumns.Environment(r) is not { Length: > 0 } e || e == environment);
                }
                else if (Regex.Match(line, "^\\| where AppVersion == @\"(?<v>(?:[^\"]|\"\")*)\"$") is { Success: true } version)
                {
                    rows = rows.Where(r => r.AppVersion == Unquote(version.Groups["v"].Value));
                }
            }

            foreach (var line in kql.Split('\n').Where(l => l.StartsWith("| where strcmp(", StringComparison.Ordinal)))
            {
                var keep = RootStatistics.Sampled(line.Substring("| where ".Length)) ?? throw new InvalidOperationException("The fake does not understand the filter: " + line);
                rows = rows.Where(r => keep(r.OperationId));
            }

            var take = Regex.Match(kql, "\n\\| take (?<n>[0-9]+)\n");
            if (take.Success)
            {
                var anchorText = Regex.Match(kql, "\n\\| extend Distance = abs\\(TimeGenerated - datetime\\((?<t>[^)]+)\\)\\)\n");
                if (anchorText.Success)
                {
                    var anchor = ParseDateTime(anchorText.Groups["t"].Value);
                    rows = rows.OrderBy(r => Math.Abs(r.StartUnixNano - anchor)).ThenBy(r => r.StartUnixNano);
                }

                rows = rows.Take(int.Parse(take.Groups["n"].Value, CultureInfo.InvariantCulture));
            }

            return rows;
        }

        private static string Unquote(string v) => v.Replace("\"\"", "\"", StringComparison.Ordinal);

        private static long ParseDateTime(string text)
        {
            var dt = DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            return (dt.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        }
    }

    /// <summary>A credential that hands out a fixed token and counts how often it was asked (or fails, when told to).</summary>
    public sealed class FakeCredential : TokenCredential
    {
        public const string Token = "test-token-not-a-secret";

        private int _calls;

        public Exception? Failure { get; init; }

        /// <summary>The token handed out (a JWT where a test needs claims).</summary>
        public string TokenValue { get; init; } = Token;

        public IReadOnlyList<string> Scopes { get; private set; } = Array.Empty<string>();

        public int Calls => Volatile.Read(ref _calls);

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            Scopes = requestContext.Scopes;
            if (Failure is not null)
            {
                throw Failure;
            }

            return new AccessToken(TokenValue, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
