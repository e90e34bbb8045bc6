using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// A thin client of the Log Analytics query API (<c>POST {endpoint}/v1/workspaces/{id}/query</c>)
    /// on the one HTTP stack of the remote sources (<see cref="RemotePipeline"/>: bounded retries
    /// honouring Retry-After and retry-after-ms, the read-only guard, each answer capped, one
    /// deadline per profile), with a bearer token for the read scope on each attempt. Failures
    /// become <see cref="ProfilerException"/>s with the contract's exit codes.
    /// </summary>
    internal sealed class LogsQueryClient : IDisposable
    {
        /// <summary>Headroom over the server-side wait before the client gives up on an attempt.</summary>
        private static readonly TimeSpan NetworkSlack = TimeSpan.FromSeconds(15);

        private readonly LogsSettings _settings;
        private readonly RemotePipeline _pipeline;

        public LogsQueryClient(LogsSettings settings, TokenCache tokens, HttpTuning? tuning = null)
        {
            _settings = settings;
            var source = settings.Describe();
            _pipeline = new RemotePipeline(
                source,
                settings.Limits,
                new[] { ("POST", settings.QueryUri) },
                settings.Limits.Timeout + NetworkSlack,
                tuning,
                new BearerTokenPolicy(tokens, source));
        }

        /// <summary>Sends one query over [from, to) and returns its answer (partial answers included).</summary>
        public LogsResponse Query(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation) =>
            Task.Run(() => QueryAsync(kql, fromUnixNano, toUnixNano, cancellation), cancellation).GetAwaiter().GetResult();

        public Task<LogsResponse> QueryAsync(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation) =>
            _pipeline.PostJsonAsync(
                _settings.QueryUri,
                Body(kql, Kql.Timespan(fromUnixNano, toUnixNano)),
                new[]
                {
                    new KeyValuePair<string, string>("Content-Type", "application/json"),
                    new KeyValuePair<string, string>("Prefer", "wait=" + ((long)Math.Ceiling(_settings.Limits.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)),
                },
                LogsResponse.Parse,
                body => LogsResponse.ParseError(body) is { } e ? (e.Code, e.Message) : null,
                cancellation);

        public void Dispose() => _pipeline.Dispose();

        /// <summary>The JSON body: the query and the ISO 8601 interval the API applies on top of it.</summary>
        internal static byte[] Body(string kql, string timespan)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("query", kql);
                w.WriteString("timespan", timespan);
                w.WriteEndObject();
            }

            return buffer.ToArray();
        }
    }
}
