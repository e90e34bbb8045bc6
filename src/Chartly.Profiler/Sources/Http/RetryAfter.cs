using System;
using System.Globalization;
using Azure;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// How long a server asked to be left alone, read one way for every source: <c>retry-after-ms</c>
    /// or <c>x-ms-retry-after-ms</c> (milliseconds), else <c>Retry-After</c> in seconds or as an HTTP
    /// date measured against the response's own <c>Date</c> (the server's clock, never ours).
    /// </summary>
    internal static class RetryAfter
    {
        private static readonly TimeSpan MaxWait = TimeSpan.FromDays(365);

        public static TimeSpan? Of(Response response)
        {
            foreach (var name in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
            {
                if (response.Headers.TryGetValue(name, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0)
                {
                    // Anything past a year is "too long" all the same; clamped so no value overflows a TimeSpan.
                    return TimeSpan.FromMilliseconds(Math.Min(m, MaxWait.TotalMilliseconds));
                }
            }

            if (!response.Headers.TryGetValue("Retry-After", out var text) || text is null)
            {
                return null;
            }

            text = text.Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxWait.TotalSeconds));
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
