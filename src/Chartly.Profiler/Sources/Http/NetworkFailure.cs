using System;
using System.Net.Sockets;

namespace Chartly.Profiler.Sources.Http
{
    /// <summary>A few words on why a request never got an answer, for messages: no exception text, no host details.</summary>
    internal static class NetworkFailure
    {
        public static string Describe(Exception e)
        {
            for (var x = e; x is not null; x = x.InnerException)
            {
                if (x is SocketException s)
                {
                    return s.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host name not resolved",
                        SocketError.TimedOut => "connection timed out",
                        SocketError.ConnectionReset => "connection reset",
                        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                        _ => "socket error " + s.SocketErrorCode,
                    };
                }

                if (x is System.Security.Authentication.AuthenticationException)
                {
                    return "TLS handshake failed";
                }
            }

            var inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            return inner.GetType().Name;
        }
    }
}
