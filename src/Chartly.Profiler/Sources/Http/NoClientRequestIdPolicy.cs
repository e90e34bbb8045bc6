using Azure.Core;
using Azure.Core.Pipeline;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// Removes the random request id Azure.Core's pipeline puts on every request: the same profile
    /// sends the same bytes, and a Prometheus server has no use for an Azure correlation header.
    /// </summary>
    internal sealed class NoClientRequestIdPolicy : HttpPipelineSynchronousPolicy
    {
        public static NoClientRequestIdPolicy Instance { get; } = new();

        public override void OnSendingRequest(HttpMessage message)
        {
            message.Request.Headers.Remove("x-ms-client-request-id");
            message.Request.Headers.Remove("x-ms-return-client-request-id");
        }
    }
}
