using System;
using System.Collections.Generic;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources
{
    /// <summary>
    /// What a source type is, in one row of <see cref="SourceKinds"/>: its name in the
    /// configuration, whether it reads files or a server, how its settings become a typed object
    /// (once, when the configuration is loaded), the token scope it asks for, and how a source
    /// is built from its entry.
    /// </summary>
    public sealed class SourceKind
    {
        internal SourceKind(
            string name,
            bool remote,
            Func<SourceEntry, object> parse,
            Func<SourceConfig, object, ITraceSource> create,
            Func<object, TokenRequest?>? token = null,
            Func<object, IReadOnlyList<string>>? paths = null)
        {
            Name = name;
            Remote = remote;
            Parse = parse;
            Create = create;
            Token = token ?? (_ => null);
            Paths = paths ?? (_ => Array.Empty<string>());
        }

        /// <summary>The <c>type</c> of a source entry.</summary>
        public string Name { get; }

        /// <summary>Reads a server (settings, no paths); otherwise files under <c>path</c>/<c>paths</c>.</summary>
        public bool Remote { get; }

        /// <summary>Whether the kind asks for a token whose claims can name the profiling identity (access: identity: azure-token).</summary>
        public bool GivesToken(object settings) => Token(settings) is not null;

        /// <summary>The entry's settings as the kind's typed object; throws the loader's error (ConfigInvalid) when they are not valid.</summary>
        internal Func<SourceEntry, object> Parse { get; }

        internal Func<SourceConfig, object, ITraceSource> Create { get; }

        /// <summary>The files and folders the parsed settings name, resolved (none for a remote kind).</summary>
        internal Func<object, IReadOnlyList<string>> Paths { get; }

        /// <summary>The endpoint and scope of the token the kind requests, for the read-only check; null for a kind that asks for none.</summary>
        internal Func<object, TokenRequest?> Token { get; }
    }

    /// <summary>A source entry as the loader read it, before its kind interprets it.</summary>
    internal sealed record SourceEntry(IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Paths, string BaseDirectory, Func<string, ProfilerException> Invalid);

    /// <summary>
    /// The token a source asks for: where it is sent and for which scope, the service it is for
    /// (for messages) and the hosts that service answers queries on (an entry starting with a dot
    /// names every host under that domain).
    /// </summary>
    internal sealed record TokenRequest(Uri Endpoint, string Scope, string Service, IReadOnlyList<string> QueryHosts)
    {
        public bool IsQueryHost(string host)
        {
            var h = host.TrimEnd('.');
            foreach (var q in QueryHosts)
            {
                if (q.StartsWith(".", StringComparison.Ordinal)
                    ? h.EndsWith(q, StringComparison.OrdinalIgnoreCase) && h.Length > q.Length
                    : string.Equals(h, q, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
