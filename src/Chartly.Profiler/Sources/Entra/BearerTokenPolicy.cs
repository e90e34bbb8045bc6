using System;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Chartly.Profiler.Sources.Entra
{
    /// <summary>
    /// Puts <c>Authorization: Bearer</c> on each attempt, with a token for the configured read
    /// scope from the shared <see cref="TokenCache"/>. Azure.Core's BearerTokenAuthenticationPolicy
    /// refuses every non-https URI, which would rule out the loopback test server; this policy
    /// refuses plain http except to a loopback host, so a token never crosses a network in clear.
    /// </summary>
    internal sealed class BearerTokenPolicy : HttpPipelinePolicy
    {
        private readonly TokenCache _tokens;
        private readonly string _source;

        public BearerTokenPolicy(TokenCache tokens, string source)
        {
            _tokens = tokens;
            _source = source;
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Authorize(message, async: false).AsTask().GetAwaiter().GetResult();
            ProcessNext(message, pipeline);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await Authorize(message, async: true).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }

        private async ValueTask Authorize(HttpMessage message, bool async)
        {
            var uri = message.Request.Uri.ToUri();
            if (uri.Scheme != Uri.UriSchemeHttps && !SettingsReader.IsLoopback(uri))
            {
                throw ProfilerException.Denied("SourceInsecureTransport", $"Refused to send a token to the telemetry source {_source} over plain http.");
            }

            var token = await _tokens.GetTokenAsync(async, message.CancellationToken).ConfigureAwait(false);
            message.Request.Headers.SetValue("Authorization", "Bearer " + token);
        }
    }
}
