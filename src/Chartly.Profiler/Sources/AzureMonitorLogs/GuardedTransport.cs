using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Chartly.Profiler.Sources.Http;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// Wraps the real transport so the read-only guard sees every request at the last moment, after
    /// every policy (retries included) has had its say; also counts the attempts for messages.
    /// </summary>
    internal sealed class GuardedTransport : HttpPipelineTransport
    {
        public const string AttemptsProperty = "chartly.attempts";

        private readonly HttpPipelineTransport _inner;
        private readonly QueryEndpointGuard _guard;

        public GuardedTransport(HttpPipelineTransport inner, QueryEndpointGuard guard)
        {
            _inner = inner;
            _guard = guard;
        }

        public override Request CreateRequest() => _inner.CreateRequest();

        public override void Process(HttpMessage message)
        {
            Check(message);
            _inner.Process(message);
        }

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            Check(message);
            return _inner.ProcessAsync(message);
        }

        private void Check(HttpMessage message)
        {
            _guard.Check(message.Request.Method.Method, message.Request.Uri.ToUri());
            var attempts = message.TryGetProperty(AttemptsProperty, out var value) && value is int n ? n : 0;
            message.SetProperty(AttemptsProperty, attempts + 1);
        }
    }
}
