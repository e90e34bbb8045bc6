using System;
using System.Collections.Generic;
using System.Linq;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>
    /// The read-only rule of the HTTP layer, in code: a request leaves only when its method and its
    /// endpoint (scheme, host, port and path, compared exactly) are one of the source's query calls.
    /// Anything else (another verb, another path, another host) is refused before a byte is sent.
    /// Every transport of every remote source runs each request through one of these.
    /// </summary>
    internal sealed class QueryEndpointGuard
    {
        private readonly string _source;
        private readonly IReadOnlyList<(string Method, Uri Endpoint)> _allowed;

        public QueryEndpointGuard(string source, IEnumerable<(string Method, Uri Endpoint)> allowed)
        {
            _source = source;
            _allowed = allowed.ToList();
            foreach (var (method, _) in _allowed)
            {
                if (method != "GET" && method != "POST")
                {
                    throw new ArgumentException("Only GET and POST query calls can be allowed.", nameof(allowed));
                }
            }
        }

        public IReadOnlyList<(string Method, Uri Endpoint)> Allowed => _allowed;

        /// <summary>The source the guard stands in front of, for messages.</summary>
        public string Source => _source;

        /// <summary>Throws <see cref="ProfilerException"/> (SourceReadOnlyViolation, exit 5) unless the call is allowed.</summary>
        public void Check(string method, Uri uri)
        {
            foreach (var (m, endpoint) in _allowed)
            {
                if (string.Equals(m, method, StringComparison.Ordinal)
                    && string.Equals(endpoint.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(endpoint.Host, uri.Host, StringComparison.OrdinalIgnoreCase)
                    && endpoint.Port == uri.Port
                    && string.Equals(endpoint.AbsolutePath, uri.AbsolutePath, StringComparison.Ordinal))
                {
                    return;
                }
            }

            throw SourceErrors.ReadOnlyViolation(_source, method, uri.AbsolutePath);
        }
    }
}
