using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The target ids seen in OTLP files (any layout the file source reads), for tab completion: one cheap, bounded pass with a
    /// probe sink that keeps only identity attribute values (no names, no times, no payloads).
    /// Bounded by bytes (deterministic: the first <c>maxBytes</c> of the files in ordinal order) and
    /// by the caller's cancellation token (a time budget); either way the ids found so far are
    /// returned, marked incomplete. Scans are cached per file set, sizes and modification times,
    /// so a second Tab press on unchanged telemetry reads nothing.
    /// </summary>
    public sealed class TargetIdCatalog
    {
        /// <summary>What a completion may read at most: enough for a day of a small environment's collector files.</summary>
        public const long DefaultMaxBytes = 24L * 1024 * 1024;

        /// <summary>Distinct ids kept per target type and environment; completion lists are for people.</summary>
        public const int MaxIdsPerKind = 10_000;

        private const int MaxCacheEntries = 16;

        private readonly object _gate = new();
        private readonly Dictionary<string, TargetIdScan> _cache = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        /// <summary>The process-wide cache the completers share.</summary>
        public static TargetIdCatalog Shared { get; } = new();

        /// <summary>Scans (or returns the cached scan of) the files under <paramref name="paths"/>.</summary>
        public TargetIdScan Scan(IReadOnlyList<string> paths, long maxBytes, CancellationToken cancellation)
        {
            IReadOnlyList<string> files;
            try
            {
                files = new OtlpFileSource(paths, "completion").ListFiles();
            }
            catch (Exception e) when (e is ProfilerException or IOException or UnauthorizedAccessException)
            {
                return TargetIdScan.Empty;
            }

            var key = Key(files, maxBytes);
            lock (_gate)
            {
                if (_cache.TryGetValue(key, out var cached))
                {
                    return cached;
                }
            }

            var scan = ScanFiles(files, maxBytes, cancellation);
            if (scan.StoppedBy == ScanStop.Cancelled)
            {
                return scan; // a time budget that ran out says nothing about the files: try again next time
            }

            lock (_gate)
            {
                if (!_cache.ContainsKey(key))
                {
                    _cache[key] = scan;
                    _order.Enqueue(key);
                    while (_order.Count > MaxCacheEntries)
                    {
                        _cache.Remove(_order.Dequeue());
                    }
                }
            }

            return scan;
        }

        /// <summary>One uncached pass over <paramref name="files"/> (in the order given), reading at most <paramref name="maxBytes"/>.</summary>
        public static TargetIdScan ScanFiles(IReadOnlyList<string> files, long maxBytes, CancellationToken cancellation)
        {
            var sink = new IdentitySink();
            var reader = new OtlpFileReader();
            var quality = new DataQualityCounters();
            long budget = Math.Max(0, maxBytes);
            long read = 0;
            var filesRead = 0;
            var stop = ScanStop.None;
            try
            {
                foreach (var file in files)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (budget - read <= 0)
                    {
                        stop = ScanStop.ByteLimit;
                        break;
                    }

                    try
                    {
                        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                        var limited = new LimitedReadStream(stream, budget - read);
                        reader.Read(limited, sink, quality, cancellation);
                        read += limited.BytesRead;
                        filesRead++;
                        if (limited.HitLimit)
                        {
                            stop = ScanStop.ByteLimit;
                            break;
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // An unreadable file is the profile's error to report, not the completion's.
                    }
                }
            }
            catch (OperationCanceledException)
            {
                stop = ScanStop.Cancelled;
            }

            return sink.ToScan(stop, filesRead, files.Count, read);
        }

        private static string Key(IReadOnlyList<string> files, long maxBytes)
        {
            var parts = new List<string> { maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            foreach (var f in files)
            {
                long length = -1, ticks = -1;
                try
                {
                    var info = new FileInfo(f);
                    length = info.Length;
                    ticks = info.LastWriteTimeUtc.Ticks;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // keep -1: the key still changes when the file becomes readable
                }

                parts.Add(f + "|" + length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return string.Join("\n", parts);
        }

        /// <summary>Collects identity values only; every span is probed (names are never read).</summary>
        private sealed class IdentitySink : ISpanSink
        {
            // Per target type, per environment ("" when a span's resource names none).
            private readonly Dictionary<string, HashSet<string>>[] _ids =
                Enumerable.Range(0, TargetTypes.Names.Count).Select(_ => new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)).ToArray();

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Probe;

            public void Accept(SpanDraft d)
            {
                var env = d.EffectiveEnvironment ?? string.Empty;
                if (d.Kind == SpanKind.Server || d.Kind == SpanKind.Consumer)
                {
                    var service = d.EffectiveServiceName;
                    if (service is not null && service.IndexOf('/') < 0)
                    {
                        Add(TargetType.Service, env, service);
                        var ns = d.EffectiveNamespace;
                        if (ns is not null && ns.IndexOf('/') < 0)
                        {
                            Add(TargetType.Service, env, ns + "/" + service);
                        }
                    }
                }

                var r = d.ResourceIdentity;
                Add(TargetType.Workflow, env, d.WorkflowId ?? r.WorkflowId);
                Add(TargetType.Workflow, env, d.WorkflowName ?? r.WorkflowName);
                Add(TargetType.Run, env, d.RunId ?? r.RunId);
                Add(TargetType.Operation, env, d.OperationId ?? r.OperationId);
                var connector = d.ConnectorId ?? r.ConnectorId;
                if (connector is not null && connector.IndexOf('/') < 0)
                {
                    Add(TargetType.Connector, env, connector);
                    var run = d.ConnectorRunId ?? r.ConnectorRunId;
                    if (run is not null && run.IndexOf('/') < 0)
                    {
                        Add(TargetType.Connector, env, connector + "/" + run);
                    }
                }
            }

            private void Add(TargetType type, string env, string? id)
            {
                if (id is null || id.Length == 0 || id.Length > TargetSpec.MaxIdLength || id.Trim().Length != id.Length || id.Any(char.IsControl))
                {
                    return; // not something -TargetId would accept as typed
                }

                var byEnv = _ids[(int)type];
                if (!byEnv.TryGetValue(env, out var set))
                {
                    byEnv[env] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                if (set.Count < MaxIdsPerKind)
                {
                    set.Add(id);
                }
            }

            public TargetIdScan ToScan(ScanStop stop, int filesRead, int filesTotal, long bytesRead)
            {
                var ids = new Dictionary<string, IReadOnlyList<string>>[_ids.Length];
                for (var t = 0; t < _ids.Length; t++)
                {
                    ids[t] = _ids[t].ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.OrderBy(v => v, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
                }

                return new TargetIdScan(ids, stop, filesRead, filesTotal, bytesRead);
            }
        }

        /// <summary>Reads through to the inner stream until the budget is spent, then reports end of file.</summary>
        private sealed class LimitedReadStream : Stream
        {
            private readonly Stream _inner;
            private readonly long _limit;

            public LimitedReadStream(Stream inner, long limit)
            {
                _inner = inner;
                _limit = limit;
            }

            public long BytesRead { get; private set; }

            /// <summary>True when the budget, not the file, ended the read.</summary>
            public bool HitLimit { get; private set; }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => BytesRead;
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var left = _limit - BytesRead;
                if (left <= 0)
                {
                    HitLimit |= _inner.ReadByte() >= 0;
                    return 0;
                }

                var n = _inner.Read(buffer, offset, (int)Math.Min(count, left));
                BytesRead += n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }

    /// <summary>Why a scan ended before the last byte: it did not, the byte budget, or the caller's token.</summary>
    public enum ScanStop
    {
        None,
        ByteLimit,
        Cancelled,
    }

    /// <summary>The ids one scan found, by target type and environment.</summary>
    public sealed class TargetIdScan
    {
        private readonly Dictionary<string, IReadOnlyList<string>>[] _ids;

        internal TargetIdScan(Dictionary<string, IReadOnlyList<string>>[] ids, ScanStop stoppedBy, int filesRead, int filesTotal, long bytesRead)
        {
            _ids = ids;
            StoppedBy = stoppedBy;
            FilesRead = filesRead;
            FilesTotal = filesTotal;
            BytesRead = bytesRead;
        }

        public static TargetIdScan Empty { get; } = new(
            Enumerable.Range(0, TargetTypes.Names.Count).Select(_ => new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)).ToArray(),
            ScanStop.None,
            0,
            0,
            0);

        public ScanStop StoppedBy { get; }

        /// <summary>Every byte of every file was read.</summary>
        public bool Complete => StoppedBy == ScanStop.None;

        public int FilesRead { get; }

        public int FilesTotal { get; }

        public long BytesRead { get; }

        /// <summary>
        /// The ids of <paramref name="type"/>, in ordinal order. With an environment, only those whose
        /// resource names that environment or none (the resolver keeps those too); without, all.
        /// </summary>
        public IReadOnlyList<string> Ids(TargetType type, string? environment)
        {
            var byEnv = _ids[(int)type];
            IEnumerable<string> ids = environment is null
                ? byEnv.Values.SelectMany(v => v)
                : byEnv.Where(kv => kv.Key.Length == 0 || string.Equals(kv.Key, environment, StringComparison.Ordinal)).SelectMany(kv => kv.Value);
            return ids.Distinct(StringComparer.Ordinal).OrderBy(v => v, StringComparer.Ordinal).ToList();
        }
    }
}
