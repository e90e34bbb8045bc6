using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>A request as the loopback server received it.</summary>
    public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, long ReceivedTicks)
    {
        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
    }

    /// <summary>What the server answers; <see cref="Hang"/> never answers (until the client gives up or the server stops).</summary>
    public sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, bool Hang = false, bool Endless = false)
    {
        public static CannedResponse Json(int status, string body, params (string Name, string Value)[] headers) =>
            new(status, body, headers.ToDictionary(h => h.Name, h => h.Value));
    }

    /// <summary>
    /// A real HTTP server on 127.0.0.1 (HttpListener, a free port) that records every request and
    /// answers through a handler: the client under test talks HTTP over a socket exactly as it
    /// would to the real backend. Only loopback is ever bound.
    /// </summary>
    public sealed class LoopbackServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Func<RecordedRequest, CannedResponse> _handler;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<RecordedRequest> _requests = new();
        private readonly Task _loop;

        public LoopbackServer(Func<RecordedRequest, CannedResponse> handler)
        {
            _handler = handler;
            for (var attempt = 0; ; attempt++)
            {
                var port = FreePort();
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(BaseUri.ToString());
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                }
            }

            _loop = Task.Run(Loop);
        }

        public Uri BaseUri { get; }

        /// <summary>Raised when a request arrives, before the handler runs.</summary>
        public event Action<RecordedRequest>? Received;

        public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

        public static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _listener.Stop();
                _listener.Close();
            }
            catch (ObjectDisposedException)
            {
            }

            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }

        private async Task Loop()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => Serve(ctx));
            }
        }

        private async Task Serve(HttpListenerContext ctx)
        {
            try
            {
                string body;
                using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8))
                {
                    body = await reader.ReadToEndAsync().ConfigureAwait(false);
                }

                var headers = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (string? key in ctx.Request.Headers.AllKeys)
                {
                    if (key is not null)
                    {
                        headers[key.ToLowerInvariant()] = ctx.Request.Headers[key] ?? string.Empty;
                    }
                }

                var request = new RecordedRequest(
                    ctx.Request.HttpMethod,
                    ctx.Request.Url!.AbsolutePath,
                    ctx.Request.Url.Query.TrimStart('?'),
                    headers,
                    body,
                    Stopwatch.GetTimestamp());
                _requests.Enqueue(request);
                Received?.Invoke(request);
                CannedResponse response;
                try
                {
                    response = _handler(request);
                }
                catch (Exception e)
                {
                    // A broken fake must fail the test at once, not leave the client waiting for a timeout.
                    response = new CannedResponse(599, "{\"fake-server-error\":\"" + e.GetType().Name + "\"}");
                }
                if (response.Hang)
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    ctx.Response.Abort();
                    return;
                }

                ctx.Response.StatusCode = response.Status;
                foreach (var h in response.Headers ?? new Dictionary<string, string>())
                {
                    ctx.Response.Headers[h.Key] = h.Value;
                }

                if (response.Endless)
                {
                    // A body that never ends, chunk after chunk, until the client hangs up.
                    ctx.Response.SendChunked = true;
                    var chunk = Encoding.UTF8.GetBytes(response.Body.Length > 0 ? response.Body : new string(' ', 64 * 1024));
                    while (!_stop.IsCancellationRequested)
                    {
                        await ctx.Response.OutputStream.WriteAsync(chunk, 0, chunk.Length, _stop.Token).ConfigureAwait(false);
                    }

                    return;
                }

                var bytes = Encoding.UTF8.GetBytes(response.Body);
                ctx.Response.ContentType ??= "application/json; charset=utf-8";
                ctx.Response.ContentLength64 = bytes.Length;
                await ctx.Response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                ctx.Response.Close();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (HttpListenerException)
            {
                // The client went away (a timeout or a cancellation under test).
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
