using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace Chartly.Profiler.Sources.Entra
{
    /// <summary>
    /// One credential, one read scope, one token at a time: shared by the query pipeline and the
    /// access check, so a profile asks the identity stack once (the Azure CLI credential starts a
    /// process per token). A token is reused until two minutes before it expires.
    /// </summary>
    internal sealed class TokenCache
    {
        private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(2);

        private readonly Func<TokenCredential> _credentialFactory;
        private readonly TokenRequestContext _context;
        private readonly SemaphoreSlim _lock = new(1, 1);
        private TokenCredential? _credential;
        private AccessToken? _token;

        public TokenCache(Func<TokenCredential> credential, string scope)
        {
            _credentialFactory = credential;
            _context = new TokenRequestContext(new[] { scope });
        }

        public string GetToken(CancellationToken cancellation) => GetTokenAsync(false, cancellation).AsTask().GetAwaiter().GetResult();

        public async ValueTask<string> GetTokenAsync(bool async, CancellationToken cancellation)
        {
            if (async)
            {
                await _lock.WaitAsync(cancellation).ConfigureAwait(false);
            }
            else
            {
                _lock.Wait(cancellation);
            }

            try
            {
                // The clock decides only when to refresh a token, never anything in a profile.
                if (_token is { } cached && cached.ExpiresOn - RefreshBefore > DateTimeOffset.UtcNow)
                {
                    return cached.Token;
                }

                var credential = _credential ??= _credentialFactory();
                var fresh = async
                    ? await credential.GetTokenAsync(_context, cancellation).ConfigureAwait(false)
                    : credential.GetToken(_context, cancellation);
                _token = fresh;
                return fresh.Token;
            }
            finally
            {
                _lock.Release();
            }
        }
    }
}
