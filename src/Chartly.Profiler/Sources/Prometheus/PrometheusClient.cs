using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>
    /// A thin client of the Prometheus HTTP API: <c>GET /api/v1/query_range</c> and
    /// <c>GET /api/v1/query</c>, nothing else, on the one HTTP stack of the remote sources
    /// (<see cref="RemotePipeline"/>: bounded retries, the read-only guard in front of the socket,
    /// no redirect followed, each answer capped, one deadline per profile). Failures become
    /// <see cref="ProfilerException"/>s with the contract's exit codes. With <c>auth: azure</c> the
    /// Azure sources' <see cref="BearerTokenPolicy"/> puts a Microsoft Entra token on each attempt.
    /// </summary>
    internal sealed class PrometheusClient : IDisposable
    {
        /// <summary>The server stops evaluating at 'timeout' (sent with the query); the client waits a little longer.</summary>
        private static readonly TimeSpan NetworkSlack = TimeSpan.FromSeconds(5);

        private readonly PrometheusSettings _settings;
        private readonly RemotePipeline _pipeline;
        private readonly Func<string, string?> _environment;

        public PrometheusClient(PrometheusSettings settings, Func<string, string?>? environment = null, HttpTuning? tuning = null, TokenCache? tokens = null)
        {
            _settings = settings;
            _environment = environment ?? Environment.GetEnvironmentVariable;
            var source = settings.Describe();
            var perAttempt = Array.Empty<HttpPipelinePolicy>();
            if (settings.Identity is { } identity && settings.Scope is { } scope)
            {
                tokens ??= new TokenCache(() => CredentialFactory.Create(identity), scope);
                perAttempt = new HttpPipelinePolicy[] { new BearerTokenPolicy(tokens, source) };
            }

            _pipeline = new RemotePipeline(
                source,
                settings.Limits,
                AllowedCalls(settings),
                settings.Limits.Timeout + NetworkSlack,
                tuning,
                perAttempt);
        }

        /// <summary>What the read-only guard lets through, whatever the auth: the two query calls, nothing else.</summary>
        public static IReadOnlyList<(string Method, Uri Endpoint)> AllowedCalls(PrometheusSettings settings) =>
            new[] { ("GET", settings.QueryRangeUri), ("GET", settings.QueryUri) };

        /// <summary><c>query_range</c> from <paramref name="startMs"/> to <paramref name="endMs"/> (both evaluated) every <paramref name="stepSeconds"/>.</summary>
        public PrometheusResponse QueryRange(string promql, long startMs, long endMs, long stepSeconds, CancellationToken cancellation) =>
            Send(
                _settings.QueryRangeUri,
                "query=" + Uri.EscapeDataString(promql) + "&start=" + Seconds(startMs) + "&end=" + Seconds(endMs) + "&step=" + PromQl.Duration(stepSeconds) + "&timeout=" + ServerTimeout(),
                cancellation);

        /// <summary>An instant <c>query</c> evaluated at <paramref name="timeMs"/>.</summary>
        public PrometheusResponse Query(string promql, long timeMs, CancellationToken cancellation) =>
            Send(_settings.QueryUri, "query=" + Uri.EscapeDataString(promql) + "&time=" + Seconds(timeMs) + "&timeout=" + ServerTimeout(), cancellation);

        public void Dispose() => _pipeline.Dispose();

        /// <summary>Unix seconds with the milliseconds Prometheus keeps, invariant.</summary>
        internal static string Seconds(long unixMs)
        {
            var s = (unixMs / 1000).ToString(CultureInfo.InvariantCulture);
            var ms = unixMs % 1000;
            return ms == 0 ? s : s + "." + ms.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        private string ServerTimeout() => PromQl.Duration((long)Math.Ceiling(_settings.Limits.Timeout.TotalSeconds));

        private PrometheusResponse Send(Uri endpoint, string query, CancellationToken cancellation) =>
            Task.Run(() => SendAsync(endpoint, query, cancellation), cancellation).GetAwaiter().GetResult();

        private async Task<PrometheusResponse> SendAsync(Uri endpoint, string query, CancellationToken cancellation)
        {
            var authorization = Authorization();
            using var message = _pipeline.CreateMessage();
            var request = message.Request;
            request.Method = RequestMethod.Get;
            request.Uri.Reset(new Uri(endpoint.GetLeftPart(UriPartial.Path) + "?" + query));
            request.Headers.SetValue("Accept", "application/json");
            if (authorization is not null)
            {
                request.Headers.SetValue("Authorization", authorization);
            }

            var response = await _pipeline.SendAsync(message, cancellation).ConfigureAwait(false);
            var body = response.ContentStream ?? new MemoryStream();
            if (response.Status == 200)
            {
                try
                {
                    return PrometheusResponse.Parse(body);
                }
                catch (FormatException e)
                {
                    throw SourceErrors.Malformed(_pipeline.Source, e.Message);
                }
            }

            var (errorType, error) = response.Status is 401 or 403 || response.Status >= 500 || BoundedRetryPolicy.IsRetriable(response.Status)
                ? (null, null)
                : PrometheusResponse.ParseError(body);
            throw _pipeline.Failure(message, errorType, error);
        }

        /// <summary>The Authorization header, with the secret read from the environment now (never from the file); for <c>auth: azure</c> the token policy sets it.</summary>
        private string? Authorization()
        {
            switch (_settings.Auth)
            {
                case "bearer":
                    return "Bearer " + Secret(_settings.TokenEnv!, "token-env");
                case "basic":
                    var pair = _settings.Username + ":" + Secret(_settings.PasswordEnv!, "password-env");
                    return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));
                default:
                    return null;
            }
        }

        private string Secret(string variable, string key)
        {
            var value = _environment(variable);
            if (string.IsNullOrEmpty(value))
            {
                throw SourceErrors.CredentialUnavailable(_pipeline.Source, $"the environment variable {variable} (named by '{key}') is not set");
            }

            return value!.Trim();
        }
    }
}
