using System;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// How long and how much a remote source may take, the same keys for every remote source:
    /// <c>timeout</c> (one query, sent to the server too), <c>max-retries</c>, <c>deadline</c> (every
    /// request of the source in one profile, waits between retries included) and
    /// <c>max-response-mb</c> (one answer, counted as it arrives).
    /// </summary>
    internal sealed record RemoteLimits(TimeSpan Timeout, int MaxRetries, TimeSpan Deadline, long MaxResponseBytes)
    {
        public const int DefaultMaxResponseMb = 128;

        public static RemoteLimits Parse(SettingsReader r, TimeSpan defaultTimeout, TimeSpan defaultDeadline)
        {
            var timeout = r.Duration("timeout", defaultTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
            var retries = r.Int("max-retries", 3, 0, 10);
            var deadline = r.Duration("deadline", defaultDeadline, TimeSpan.FromSeconds(1), TimeSpan.FromHours(2));
            if (deadline < timeout)
            {
                throw r.Invalid($"has a 'deadline' ({SettingsReader.Format(deadline)}) shorter than its 'timeout' ({SettingsReader.Format(timeout)}): no query could finish");
            }

            var mb = r.Int("max-response-mb", DefaultMaxResponseMb, 1, 4096);
            return new RemoteLimits(timeout, retries, deadline, mb * 1024L * 1024L);
        }
    }
}
