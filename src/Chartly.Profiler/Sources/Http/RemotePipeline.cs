using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// The one HTTP stack of every remote source: Azure.Core's pipeline with
    /// <see cref="BoundedRetryPolicy"/>, the source's per-attempt policies (a bearer token), the
    /// per-attempt timeout (Azure.Core's network timeout, headers and body), and
    /// <see cref="GuardedTransport"/> (read-only guard, attempt count, answer cap) over a transport
    /// that follows no redirect and keeps no cookie. One deadline bounds everything the source sends
    /// in a profile. Failures become the contract's errors here, once, for every source.
    /// </summary>
    internal sealed class RemotePipeline : IDisposable
    {
        private readonly HttpPipeline _pipeline;
        private readonly HttpClientTransport? _ownTransport;
        private readonly RemoteLimits _limits;
        private readonly CancellationTokenSource _deadline = new();
        private bool _started;

        public RemotePipeline(string source, RemoteLimits limits, IEnumerable<(string Method, Uri Endpoint)> allowed, TimeSpan attemptTimeout, HttpTuning? tuning, params HttpPipelinePolicy[] perAttempt)
        {
            tuning ??= HttpTuning.Default;
            Source = source;
            _limits = limits;
            AttemptTimeout = tuning.AttemptTimeout ?? attemptTimeout;
            var retry = new BoundedRetryPolicy(limits.MaxRetries, tuning.RetryDelay ?? HttpTuning.DefaultRetryDelay, tuning.MaxRetryDelay ?? HttpTuning.DefaultMaxRetryDelay, tuning.Delay);
            MaxRetryDelay = retry.MaxDelay;

            var transport = tuning.Transport;
            if (transport is null)
            {
                _ownTransport = new HttpClientTransport(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
                transport = _ownTransport;
            }

            var options = new RemoteOptions();
            options.Diagnostics.IsLoggingEnabled = false;
            options.Diagnostics.IsDistributedTracingEnabled = false;
            options.Diagnostics.IsTelemetryEnabled = false;
            options.Retry.NetworkTimeout = AttemptTimeout;
            options.RetryPolicy = retry;
            options.Transport = new GuardedTransport(transport, new QueryEndpointGuard(source, allowed), limits.MaxResponseBytes);
            var policies = new HttpPipelinePolicy[perAttempt.Length + 1];
            policies[0] = NoClientRequestIdPolicy.Instance;
            perAttempt.CopyTo(policies, 1);
            _pipeline = HttpPipelineBuilder.Build(options, policies);
        }

        public string Source { get; }

        public TimeSpan AttemptTimeout { get; }

        public TimeSpan MaxRetryDelay { get; }

        public HttpMessage CreateMessage() => _pipeline.CreateMessage();

        /// <summary>Sends the message (retries included); its final answer is left for <see cref="Failure"/> or the caller's parser.</summary>
        public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            StartDeadline();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _deadline.Token);
            try
            {
                await _pipeline.SendAsync(message, linked.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw Translate(e, message, cancellation);
            }

            return message.Response;
        }

        /// <summary>
        /// One query as a JSON POST (the Kusto-style APIs: Log Analytics, Data Explorer): the answer
        /// parsed on 200 (a body the parser rejects is a malformed answer, exit 4), else the
        /// failure with the error body's own code and message.
        /// </summary>
        public async Task<T> PostJsonAsync<T>(
            Uri uri,
            byte[] body,
            IEnumerable<KeyValuePair<string, string>> headers,
            Func<System.IO.Stream, T> parse,
            Func<System.IO.Stream?, (string? Code, string? Message)?> parseError,
            CancellationToken cancellation)
        {
            using var message = CreateMessage();
            var request = message.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(uri);
            request.Headers.SetValue("Accept", "application/json");
            foreach (var h in headers)
            {
                request.Headers.SetValue(h.Key, h.Value);
            }

            request.Content = RequestContent.Create(body);
            var response = await SendAsync(message, cancellation).ConfigureAwait(false);
            if (response.Status == 200)
            {
                if (response.ContentStream is null)
                {
                    throw SourceErrors.Malformed(Source, "HTTP 200 with no body");
                }

                try
                {
                    return parse(response.ContentStream);
                }
                catch (FormatException e)
                {
                    throw SourceErrors.Malformed(Source, e.Message);
                }
            }

            var error = parseError(response.ContentStream);
            throw Failure(message, error?.Code, error?.Message);
        }

        /// <summary>The error for a final answer that is not a success: denied, gave up, or rejected with the server's own code.</summary>
        public ProfilerException Failure(HttpMessage message, string? code, string? detail)
        {
            var response = message.Response;
            var status = response.Status;
            if (status == 401 || status == 403)
            {
                return SourceErrors.Denied(Source, status, code);
            }

            if (BoundedRetryPolicy.IsRetriable(status) || status >= 500)
            {
                return SourceErrors.GaveUp(Source, status, Attempts(message), RetryAfter.Of(response), MaxRetryDelay);
            }

            return SourceErrors.QueryRejected(Source, status, code, detail);
        }

        public static int Attempts(HttpMessage message) =>
            message.TryGetProperty(GuardedTransport.AttemptsProperty, out var v) && v is int n ? n : 1;

        public void Dispose()
        {
            _deadline.Dispose();
            _ownTransport?.Dispose();
        }

        /// <summary>The deadline runs from the source's first request, so building a source (a dry run) starts nothing.</summary>
        private void StartDeadline()
        {
            lock (_deadline)
            {
                if (!_started)
                {
                    _started = true;
                    _deadline.CancelAfter(_limits.Deadline);
                }
            }
        }

        private Exception Translate(Exception e, HttpMessage message, CancellationToken cancellation)
        {
            if (cancellation.IsCancellationRequested)
            {
                return new OperationCanceledException(cancellation);
            }

            if (_deadline.IsCancellationRequested)
            {
                return SourceErrors.DeadlineReached(Source, Attempts(message), _limits.Deadline);
            }

            var first = e is AggregateException agg && agg.InnerExceptions.Count > 0 ? agg.InnerExceptions[agg.InnerExceptions.Count - 1] : e;
            return first switch
            {
                ProfilerException p => p,
                AuthenticationFailedException a => SourceErrors.CredentialUnavailable(Source, a is CredentialUnavailableException ? "the configured credential is not available in this environment" : "the credential could not get a token"),
                OperationCanceledException => SourceErrors.Timeout(Source, Attempts(message), AttemptTimeout.TotalSeconds),
                _ => SourceErrors.Unreachable(Source, NetworkFailure.Describe(first) + " after " + Attempts(message).ToString(CultureInfo.InvariantCulture) + " attempt(s)"),
            };
        }

        private sealed class RemoteOptions : ClientOptions
        {
        }
    }
}
