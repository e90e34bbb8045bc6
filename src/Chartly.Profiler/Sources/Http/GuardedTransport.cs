using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// Wraps the real transport so the read-only guard sees every request at the last moment, after
    /// every policy (retries included) has had its say; counts the attempts for messages; and
    /// caps each answer's body as it arrives (<see cref="CappedStream"/>), below the policy that
    /// buffers it.
    /// </summary>
    internal sealed class GuardedTransport : HttpPipelineTransport
    {
        public const string AttemptsProperty = "chartly.attempts";

        private readonly HttpPipelineTransport _inner;
        private readonly QueryEndpointGuard _guard;
        private readonly long _maxResponseBytes;

        public GuardedTransport(HttpPipelineTransport inner, QueryEndpointGuard guard, long maxResponseBytes = long.MaxValue)
        {
            _inner = inner;
            _guard = guard;
            _maxResponseBytes = maxResponseBytes;
        }

        public override Request CreateRequest() => _inner.CreateRequest();

        public override void Process(HttpMessage message)
        {
            Check(message);
            _inner.Process(message);
            Cap(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            Check(message);
            await _inner.ProcessAsync(message).ConfigureAwait(false);
            Cap(message);
        }

        private void Check(HttpMessage message)
        {
            _guard.Check(message.Request.Method.Method, message.Request.Uri.ToUri());
            var attempts = message.TryGetProperty(AttemptsProperty, out var value) && value is int n ? n : 0;
            message.SetProperty(AttemptsProperty, attempts + 1);
        }

        private void Cap(HttpMessage message)
        {
            if (message.HasResponse && message.Response.ContentStream is { } body && _maxResponseBytes < long.MaxValue)
            {
                message.Response.ContentStream = new CappedStream(body, _maxResponseBytes, _guard.Source);
            }
        }
    }
}
