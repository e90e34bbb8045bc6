using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Threading.Tasks;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// An Application Insights ingestion endpoint on 127.0.0.1: keeps the bodies the exporter posts
    /// as bytes (they are gzip'd, which <see cref="LoopbackServer"/>'s text bodies would mangle)
    /// and accepts every item, as the service does for a valid batch.
    /// </summary>
    public sealed class IngestionCapture : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, string Body)> _posts = new();
        private readonly Task _loop;

        public IngestionCapture()
        {
            var port = LoopbackServer.FreePort();
            BaseUri = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseUri.ToString());
            _listener.Start();
            _loop = Task.Run(Loop);
        }

        public Uri BaseUri { get; }

        /// <summary>Each post's path and its body, un-gzipped when it was sent gzip'd.</summary>
        public IReadOnlyCollection<(string Path, string Body)> Posts => _posts.ToArray();

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
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
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var raw = new MemoryStream();
                await ctx.Request.InputStream.CopyToAsync(raw).ConfigureAwait(false);
                raw.Position = 0;
                Stream body = string.Equals(ctx.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase)
                    ? new GZipStream(raw, CompressionMode.Decompress)
                    : raw;
                string text;
                using (var reader = new StreamReader(body, Encoding.UTF8))
                {
                    text = await reader.ReadToEndAsync().ConfigureAwait(false);
                }

                _posts.Enqueue((ctx.Request.Url!.AbsolutePath, text));
                var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
                var answer = Encoding.UTF8.GetBytes("{\"itemsReceived\":" + items + ",\"itemsAccepted\":" + items + ",\"errors\":[]}");
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.OutputStream.WriteAsync(answer).ConfigureAwait(false);
                ctx.Response.Close();
            }
        }
    }
}
