using System;
using System.Net.Http;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// The retry rules Azure.Core's default policy applies, for the sources that are not on
    /// Azure.Core: retry 408, 429, 500, 502, 503, 504, network failures and timeouts, at most
    /// <see cref="MaxRetries"/> times; wait the larger of Retry-After and an exponential backoff,
    /// never longer than <see cref="MaxDelay"/> (a longer Retry-After ends the retries). 401/403 and
    /// other 4xx are final at once.
    /// </summary>
    internal sealed class RetryRules
    {
        public RetryRules(int maxRetries, TimeSpan initialDelay, TimeSpan maxDelay)
        {
            MaxRetries = maxRetries;
            InitialDelay = initialDelay;
            MaxDelay = maxDelay;
        }

        public static RetryRules Default(int maxRetries) => new(maxRetries, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(30));

        public int MaxRetries { get; }

        public TimeSpan InitialDelay { get; }

        public TimeSpan MaxDelay { get; }

        public static bool IsRetriable(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

        /// <summary>
        /// The wait before retry number <paramref name="retry"/> (1 for the first retry), or null
        /// when the server's Retry-After asks for more than <see cref="MaxDelay"/>: then the
        /// caller gives up at once instead of sleeping for as long as a server likes.
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

        /// <summary>
        /// Retry-After as seconds, or as an HTTP date measured against the response's own Date
        /// header (the server's clock, not ours); null when absent or unusable.
        /// </summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response)
        {
            var h = response.Headers.RetryAfter;
            if (h is null)
            {
                return null;
            }

            if (h.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (h.Date is { } date && response.Headers.Date is { } now)
            {
                var d = date - now;
                return d < TimeSpan.Zero ? TimeSpan.Zero : d;
            }

            return null;
        }
    }
}
