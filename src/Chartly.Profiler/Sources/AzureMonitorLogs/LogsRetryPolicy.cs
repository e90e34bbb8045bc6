using System;
using System.Globalization;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// Azure.Core's retry policy (408, 429, 500, 502, 503, 504 and network failures, exponential
    /// back-off, Retry-After honoured) with one bound added: Azure.Core waits as long as a
    /// Retry-After says, however long; a profile gives up at once instead when the server asks
    /// for more than the longest wait it accepts, as the Prometheus source does.
    /// </summary>
    internal sealed class LogsRetryPolicy : RetryPolicy
    {
        private readonly TimeSpan _maxWait;

        public LogsRetryPolicy(int maxRetries, TimeSpan initialDelay, TimeSpan maxWait)
            : base(maxRetries, DelayStrategy.CreateExponentialDelayStrategy(initialDelay, maxWait))
        {
            _maxWait = maxWait;
        }

        protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
            !AsksTooLong(message) && base.ShouldRetry(message, exception);

        protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
            AsksTooLong(message) ? new ValueTask<bool>(false) : base.ShouldRetryAsync(message, exception);

        private bool AsksTooLong(HttpMessage message) =>
            message.HasResponse && RetryAfter(message.Response) is { } wait && wait > _maxWait;

        /// <summary>retry-after-ms, x-ms-retry-after-ms, or Retry-After in seconds or as a date against the response's own Date.</summary>
        internal static TimeSpan? RetryAfter(Response response)
        {
            foreach (var name in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
            {
                if (response.Headers.TryGetValue(name, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0)
                {
                    return TimeSpan.FromMilliseconds(m);
                }
            }

            if (!response.Headers.TryGetValue("Retry-After", out var text) || text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                && response.Headers.Date is { } now)
            {
                var d = at - now;
                return d < TimeSpan.Zero ? TimeSpan.Zero : d;
            }

            return null;
        }
    }
}
