using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Chartly.Profiler.Sources.Http;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// A thin client of the Log Analytics query API (<c>POST {endpoint}/v1/workspaces/{id}/query</c>)
    /// on Azure.Core's pipeline: Azure.Core's retry policy (408, 429 with Retry-After, 500, 502,
    /// 503, 504 and network timeouts, bounded by <c>max-retries</c>), a bearer token for the read
    /// scope, and the read-only guard in front of the transport. Failures become
    /// <see cref="ProfilerException"/>s with the contract's exit codes.
    /// </summary>
    internal sealed class LogsQueryClient
    {
        /// <summary>Headroom over the server-side wait before the client gives up on an attempt.</summary>
        private static readonly TimeSpan NetworkSlack = TimeSpan.FromSeconds(15);

        private readonly LogsSettings _settings;
        private readonly HttpPipeline _pipeline;
        private readonly string _source;
        private readonly TimeSpan _networkTimeout;
        private readonly TimeSpan _maxRetryDelay;

        public LogsQueryClient(LogsSettings settings, TokenCache tokens, LogsClientTuning? tuning = null)
        {
            _settings = settings;
            _source = settings.Describe();
            tuning ??= LogsClientTuning.Default;
            _networkTimeout = tuning.NetworkTimeout ?? settings.Timeout + NetworkSlack;
            _maxRetryDelay = tuning.MaxRetryDelay;

            var options = new LogsClientOptions();
            options.Diagnostics.IsLoggingEnabled = false;
            options.Diagnostics.IsDistributedTracingEnabled = false;
            options.Diagnostics.IsTelemetryEnabled = false;
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.MaxRetries = settings.MaxRetries;
            options.Retry.Delay = tuning.RetryDelay;
            options.Retry.MaxDelay = tuning.MaxRetryDelay;
            options.Retry.NetworkTimeout = _networkTimeout;
            options.RetryPolicy = new LogsRetryPolicy(settings.MaxRetries, tuning.RetryDelay, tuning.MaxRetryDelay);
            var guard = new QueryEndpointGuard(_source, new[] { ("POST", settings.QueryUri) });
            options.Transport = new GuardedTransport(tuning.Transport ?? options.Transport, guard);
            _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenPolicy(tokens, _source));
        }

        /// <summary>Sends one query over [from, to) and returns its answer (partial answers included).</summary>
        public LogsResponse Query(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation) =>
            Task.Run(() => QueryAsync(kql, fromUnixNano, toUnixNano, cancellation), cancellation).GetAwaiter().GetResult();

        public async Task<LogsResponse> QueryAsync(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            using var message = _pipeline.CreateMessage();
            var request = message.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(_settings.QueryUri);
            request.Headers.SetValue("Content-Type", "application/json");
            request.Headers.SetValue("Accept", "application/json");
            request.Headers.SetValue("Prefer", "wait=" + ((long)Math.Ceiling(_settings.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            request.Content = RequestContent.Create(Body(kql, Kql.Timespan(fromUnixNano, toUnixNano)));

            try
            {
                await _pipeline.SendAsync(message, cancellation).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw Translate(e, message, cancellation);
            }

            var response = message.Response;
            var status = response.Status;
            if (status == 200)
            {
                if (response.ContentStream is null)
                {
                    throw SourceErrors.Malformed(_source, "HTTP 200 with no body");
                }

                try
                {
                    return LogsResponse.Parse(response.ContentStream);
                }
                catch (FormatException e)
                {
                    throw SourceErrors.Malformed(_source, e.Message);
                }
            }

            var error = LogsResponse.ParseError(response.ContentStream);
            if (status == 401 || status == 403)
            {
                throw SourceErrors.Denied(_source, status, error?.Code);
            }

            if (status == 408 || status == 429 || status >= 500)
            {
                throw SourceErrors.GaveUp(_source, status, Attempts(message), LogsRetryPolicy.RetryAfter(response), _maxRetryDelay);
            }

            throw SourceErrors.QueryRejected(_source, status, error?.Code, error?.Message);
        }

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

        private Exception Translate(Exception e, HttpMessage message, CancellationToken cancellation)
        {
            if (cancellation.IsCancellationRequested)
            {
                return new OperationCanceledException(cancellation);
            }

            // The retry policy wraps the failures of every attempt in one AggregateException.
            var first = e is AggregateException agg && agg.InnerExceptions.Count > 0 ? agg.InnerExceptions[agg.InnerExceptions.Count - 1] : e;
            switch (first)
            {
                case ProfilerException p:
                    return p;
                case AuthenticationFailedException a:
                    return SourceErrors.CredentialUnavailable(_source, a is CredentialUnavailableException ? "the configured credential is not available in this environment" : "the credential could not get a token");
                case OperationCanceledException:
                    return SourceErrors.Timeout(_source, Attempts(message), _networkTimeout.TotalSeconds);
                default:
                    return SourceErrors.Unreachable(_source, NetworkFailure.Describe(first) + " after " + Attempts(message).ToString(CultureInfo.InvariantCulture) + " attempt(s)");
            }
        }

        private static int Attempts(HttpMessage message) =>
            message.TryGetProperty(GuardedTransport.AttemptsProperty, out var v) && v is int n ? n : 1;

        private sealed class LogsClientOptions : ClientOptions
        {
        }
    }

    /// <summary>What tests (and only tests) change: the transport, and delays short enough to run quickly.</summary>
    internal sealed record LogsClientTuning(HttpPipelineTransport? Transport, TimeSpan RetryDelay, TimeSpan MaxRetryDelay, TimeSpan? NetworkTimeout)
    {
        public static LogsClientTuning Default { get; } = new(null, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(30), null);
    }
}
