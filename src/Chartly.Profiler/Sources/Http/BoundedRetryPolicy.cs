using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// The one retry policy of every remote source, on Azure.Core's pipeline: retry 408, 429, 500,
    /// 502, 503, 504, network failures and attempts that timed out, at most <c>max-retries</c>
    /// times; wait the larger of the server's Retry-After and an exponential back-off (no jitter:
    /// the same failures wait the same), never longer than <see cref="MaxDelay"/>. Azure.Core's own
    /// policy waits as long as a Retry-After says, however long; this one gives up at once when the
    /// server asks for more than <see cref="MaxDelay"/>. 401, 403 and other 4xx are final at once.
    /// The last answer is left on the message for the client to turn into an error.
    /// </summary>
    internal sealed class BoundedRetryPolicy : HttpPipelinePolicy
    {
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;

        public BoundedRetryPolicy(int maxRetries, TimeSpan initialDelay, TimeSpan maxDelay, Func<TimeSpan, CancellationToken, Task>? delay = null)
        {
            MaxRetries = maxRetries;
            InitialDelay = initialDelay;
            MaxDelay = maxDelay;
            _delay = delay ?? ((d, ct) => Task.Delay(d, ct));
        }

        public int MaxRetries { get; }

        public TimeSpan InitialDelay { get; }

        public TimeSpan MaxDelay { get; }

        public static bool IsRetriable(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

        /// <summary>
        /// The wait before retry number <paramref name="retry"/> (1 for the first), or null when
        /// the server asks for more than <see cref="MaxDelay"/>.
        /// </summary>
        public TimeSpan? DelayBefore(int retry, TimeSpan? retryAfter)
        {
            if (retryAfter is { } asked && asked > MaxDelay)
            {
                return null;
            }

            var backoff = TimeSpan.FromTicks(InitialDelay.Ticks * (1L << Math.Min(Math.Max(retry - 1, 0), 16)));
            var wait = retryAfter is { } ra && ra > backoff ? ra : backoff;
            return wait > MaxDelay ? MaxDelay : wait;
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline, async: true);

        private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
        {
            for (var attempt = 1; ; attempt++)
            {
                TimeSpan? wait;
                try
                {
                    if (async)
                    {
                        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                    }
                    else
                    {
                        ProcessNext(message, pipeline);
                    }

                    var status = message.Response.Status;
                    if (!IsRetriable(status) || attempt > MaxRetries)
                    {
                        return;
                    }

                    wait = DelayBefore(attempt, RetryAfter.Of(message.Response));
                    if (wait is null)
                    {
                        return;
                    }
                }
                catch (Exception e) when (IsTransient(e, message) && attempt <= MaxRetries)
                {
                    wait = DelayBefore(attempt, null);
                }

                await _delay(wait!.Value, message.CancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>A failure another attempt may not have: the network, or an attempt that ran out of time (not a stop asked for).</summary>
        private static bool IsTransient(Exception e, HttpMessage message) => e switch
        {
            ProfilerException => false,
            OperationCanceledException => !message.CancellationToken.IsCancellationRequested,
            RequestFailedException or HttpRequestException or IOException => true,
            _ => false,
        };
    }
}
