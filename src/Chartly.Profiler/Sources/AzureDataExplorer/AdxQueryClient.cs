using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// A thin client of the Data Explorer query endpoint (<c>POST {cluster}/v2/rest/query</c>, body
    /// <c>{"db","csl"}</c>) on the one HTTP stack of the remote sources (<see cref="RemotePipeline"/>:
    /// bounded retries honouring Retry-After, the read-only guard allowing that one call, each
    /// answer capped, one deadline per profile), with a bearer token for the cluster on each attempt.
    /// Management commands (<c>/v1/rest/mgmt</c>) are never sent: the guard refuses them.
    /// </summary>
    internal sealed class AdxQueryClient : IDisposable
    {
        /// <summary>Headroom over the server-side wait before the client gives up on an attempt.</summary>
        private static readonly TimeSpan NetworkSlack = TimeSpan.FromSeconds(15);

        private readonly AdxSettings _settings;
        private readonly RemotePipeline _pipeline;

        public AdxQueryClient(AdxSettings settings, TokenCache tokens, HttpTuning? tuning = null)
        {
            _settings = settings;
            var source = settings.Describe();
            _pipeline = new RemotePipeline(
                source,
                settings.Limits,
                AllowedCalls(settings),
                settings.Limits.Timeout + NetworkSlack,
                tuning,
                new BearerTokenPolicy(tokens, source));
        }

        /// <summary>What the read-only guard lets through: the v2 query call, nothing else (no management command, no v1 endpoint).</summary>
        public static IReadOnlyList<(string Method, Uri Endpoint)> AllowedCalls(AdxSettings settings) => new[] { ("POST", settings.QueryUri) };

        public AdxResponse Query(string kql, CancellationToken cancellation) =>
            Task.Run(() => QueryAsync(kql, cancellation), cancellation).GetAwaiter().GetResult();

        public Task<AdxResponse> QueryAsync(string kql, CancellationToken cancellation) =>
            _pipeline.PostJsonAsync(
                _settings.QueryUri,
                Body(_settings.Database, kql, _settings.Limits.Timeout),
                new[] { new KeyValuePair<string, string>("Content-Type", "application/json; charset=utf-8") },
                AdxResponse.Parse,
                AdxResponse.ParseError,
                cancellation);

        public void Dispose() => _pipeline.Dispose();

        /// <summary>
        /// The JSON body: the database, the query, and the client request properties with the
        /// server timeout (the same <c>timeout</c> the client waits for, so the server stops first).
        /// </summary>
        internal static byte[] Body(string database, string kql, TimeSpan timeout)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("db", database);
                w.WriteString("csl", kql);
                w.WriteStartObject("properties");
                w.WriteStartObject("Options");
                w.WriteString("servertimeout", timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            return buffer.ToArray();
        }
    }
}
