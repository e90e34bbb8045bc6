using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Chartly.Profiler.Sources.Http;

namespace Chartly.Profiler.Sources.Prometheus
{
    /// <summary>
    /// A thin client of the Prometheus HTTP API: <c>GET /api/v1/query_range</c> and
    /// <c>GET /api/v1/query</c>, nothing else (the read-only guard sits right above the socket
    /// handler, and redirects are not followed, so no request escapes it). Retries follow
    /// <see cref="RetryRules"/>; failures become <see cref="ProfilerException"/>s with the
    /// contract's exit codes.
    /// </summary>
    internal sealed class PrometheusClient : IDisposable
    {
        private readonly PrometheusSettings _settings;
        private readonly HttpClient _http;
        private readonly RetryRules _retry;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;
        private readonly Func<string, string?> _environment;
        private readonly string _source;
        private readonly TimeSpan _attemptTimeout;

        public PrometheusClient(
            PrometheusSettings settings,
            Func<string, string?>? environment = null,
            RetryRules? retry = null,
            Func<TimeSpan, CancellationToken, Task>? delay = null,
            HttpMessageHandler? innerHandler = null,
            TimeSpan? attemptTimeout = null)
        {
            // The server stops evaluating at 'timeout' (sent with the query); the client waits a little longer.
            _attemptTimeout = attemptTimeout ?? settings.Timeout + TimeSpan.FromSeconds(5);
            _settings = settings;
            _source = settings.Describe();
            _environment = environment ?? Environment.GetEnvironmentVariable;
            _retry = retry ?? RetryRules.Default(settings.MaxRetries);
            _delay = delay ?? ((d, ct) => Task.Delay(d, ct));
            var guard = new QueryEndpointGuard(_source, new[] { ("GET", settings.QueryRangeUri), ("GET", settings.QueryUri) });
            var handler = innerHandler ?? new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
            _http = new HttpClient(new GuardHandler(guard, handler), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        /// <summary>Every request that left for the server, for messages and tests.</summary>
        public int RequestsSent { get; private set; }

        /// <summary><c>query_range</c> from <paramref name="startMs"/> to <paramref name="endMs"/> (both evaluated) every <paramref name="stepSeconds"/>.</summary>
        public PrometheusResponse QueryRange(string promql, long startMs, long endMs, long stepSeconds, CancellationToken cancellation) =>
            Send(
                _settings.QueryRangeUri,
                "query=" + Uri.EscapeDataString(promql) + "&start=" + Seconds(startMs) + "&end=" + Seconds(endMs) + "&step=" + PromQl.Duration(stepSeconds) + "&timeout=" + ServerTimeout(),
                cancellation);

        /// <summary>An instant <c>query</c> evaluated at <paramref name="timeMs"/>.</summary>
        public PrometheusResponse Query(string promql, long timeMs, CancellationToken cancellation) =>
            Send(_settings.QueryUri, "query=" + Uri.EscapeDataString(promql) + "&time=" + Seconds(timeMs) + "&timeout=" + ServerTimeout(), cancellation);

        public void Dispose() => _http.Dispose();

        /// <summary>Unix seconds with the milliseconds Prometheus keeps, invariant.</summary>
        internal static string Seconds(long unixMs)
        {
            var s = (unixMs / 1000).ToString(CultureInfo.InvariantCulture);
            var ms = unixMs % 1000;
            return ms == 0 ? s : s + "." + ms.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        private string ServerTimeout() => PromQl.Duration((long)Math.Ceiling(_settings.Timeout.TotalSeconds));

        private PrometheusResponse Send(Uri endpoint, string query, CancellationToken cancellation) =>
            Task.Run(() => SendAsync(endpoint, query, cancellation), cancellation).GetAwaiter().GetResult();

        private async Task<PrometheusResponse> SendAsync(Uri endpoint, string query, CancellationToken cancellation)
        {
            var uri = new Uri(endpoint.GetLeftPart(UriPartial.Path) + "?" + query);
            var authorization = Authorization();
            var attempt = 0;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                attempt++;
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (authorization is not null)
                {
                    request.Headers.Authorization = authorization;
                }

                using var perTry = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                perTry.CancelAfter(_attemptTimeout);
                HttpResponseMessage response;
                MemoryStream body;
                try
                {
                    RequestsSent++;
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, perTry.Token).ConfigureAwait(false);
                    body = new MemoryStream();
                    if (response.Content is not null)
                    {
                        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                        await stream.CopyToAsync(body, 81920, perTry.Token).ConfigureAwait(false);
                    }

                    body.Position = 0;
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    if (attempt > _retry.MaxRetries)
                    {
                        throw SourceErrors.Timeout(_source, attempt, _attemptTimeout.TotalSeconds);
                    }

                    await _delay(_retry.DelayBefore(attempt, null)!.Value, cancellation).ConfigureAwait(false);
                    continue;
                }
                catch (HttpRequestException e)
                {
                    if (attempt > _retry.MaxRetries)
                    {
                        throw SourceErrors.Unreachable(_source, NetworkFailure.Describe(e) + " after " + attempt.ToString(CultureInfo.InvariantCulture) + " attempt(s)");
                    }

                    await _delay(_retry.DelayBefore(attempt, null)!.Value, cancellation).ConfigureAwait(false);
                    continue;
                }

                using (response)
                using (body)
                {
                    var status = (int)response.StatusCode;
                    if (status == 200)
                    {
                        try
                        {
                            return PrometheusResponse.Parse(body);
                        }
                        catch (FormatException e)
                        {
                            throw SourceErrors.Malformed(_source, e.Message);
                        }
                    }

                    if (status == 401 || status == 403)
                    {
                        throw SourceErrors.Denied(_source, status, null);
                    }

                    if (RetryRules.IsRetriable(status))
                    {
                        var asked = RetryRules.RetryAfter(response);
                        var wait = attempt > _retry.MaxRetries ? null : _retry.DelayBefore(attempt, asked);
                        if (wait is null)
                        {
                            throw SourceErrors.GaveUp(_source, status, attempt, asked, _retry.MaxDelay);
                        }

                        await _delay(wait.Value, cancellation).ConfigureAwait(false);
                        continue;
                    }

                    if (status >= 500)
                    {
                        throw SourceErrors.GaveUp(_source, status, attempt);
                    }

                    var (errorType, error) = PrometheusResponse.ParseError(body);
                    throw SourceErrors.QueryRejected(_source, status, errorType, error);
                }
            }
        }

        /// <summary>The Authorization header, with the secret read from the environment now (never from the file).</summary>
        private AuthenticationHeaderValue? Authorization()
        {
            switch (_settings.Auth)
            {
                case "bearer":
                    return new AuthenticationHeaderValue("Bearer", Secret(_settings.TokenEnv!, "token-env"));
                case "basic":
                    var pair = _settings.Username + ":" + Secret(_settings.PasswordEnv!, "password-env");
                    return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                default:
                    return null;
            }
        }

        private string Secret(string variable, string key)
        {
            var value = _environment(variable);
            if (string.IsNullOrEmpty(value))
            {
                throw SourceErrors.CredentialUnavailable(_source, $"the environment variable {variable} (named by '{key}') is not set");
            }

            return value!.Trim();
        }
    }

    /// <summary>The read-only guard, directly above the handler that opens sockets.</summary>
    internal sealed class GuardHandler : DelegatingHandler
    {
        private readonly QueryEndpointGuard _guard;

        public GuardHandler(QueryEndpointGuard guard, HttpMessageHandler inner)
            : base(inner)
        {
            _guard = guard;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _guard.Check(request.Method.Method, request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
