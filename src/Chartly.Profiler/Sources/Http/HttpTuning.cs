using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core.Pipeline;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// What tests (and only tests) change in a remote source's HTTP stack: the transport, the
    /// retry delays, how long one attempt may take, and how a wait is waited (recorded instead of
    /// slept). Null members keep the product's values.
    /// </summary>
    internal sealed record HttpTuning(
        HttpPipelineTransport? Transport = null,
        TimeSpan? RetryDelay = null,
        TimeSpan? MaxRetryDelay = null,
        TimeSpan? AttemptTimeout = null,
        Func<TimeSpan, CancellationToken, Task>? Delay = null)
    {
        public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(0.8);

        /// <summary>The longest wait between two attempts; a longer Retry-After ends the retries.</summary>
        public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(30);

        public static HttpTuning Default { get; } = new();
    }
}
