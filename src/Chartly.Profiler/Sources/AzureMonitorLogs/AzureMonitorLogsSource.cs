using System;
using System.Collections.Generic;
using System.Threading;
using Azure.Core;
using Chartly.Profiler.Access;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// Spans from a Log Analytics workspace (Application Insights tables <c>AppRequests</c> and
    /// <c>AppDependencies</c>), by the two passes of <see cref="KustoSpanSource"/>; pass 2 loads
    /// whole traces by operation id.
    /// </summary>
    internal sealed class AzureMonitorLogsSource : KustoSpanSource, IPrincipalSource, IDisposable
    {
        private readonly LogsSettings _settings;
        private readonly Lazy<LogsQueryClient> _client;
        private readonly TokenCache _tokens;

        public AzureMonitorLogsSource(LogsSettings settings, Func<TokenCredential>? credential = null, Http.HttpTuning? tuning = null)
            : base(settings.Describe(), new KustoPassLimits(settings.TraceMargin, settings.NearestLookaround, settings.TracesPerQuery, settings.RootBudget, KustoPassLimits.AnswerBytesFor(settings.Limits.MaxResponseBytes)), Queries.Instance)
        {
            _settings = settings;

            // The credential is built on first use: a dry run without an access policy never touches the identity stack.
            _tokens = new TokenCache(credential ?? (() => CredentialFactory.Create(settings.Identity)), settings.Scope);
            _client = new Lazy<LogsQueryClient>(() => new LogsQueryClient(settings, _tokens, tuning));
        }

        /// <summary>The client holds connections and the profile's deadline: released with the source.</summary>
        public void Dispose()
        {
            if (_client.IsValueCreated)
            {
                _client.Value.Dispose();
            }
        }

        /// <summary>The identity for the access policy: the claims of the very token the queries will carry.</summary>
        public IPrincipalProvider PrincipalProvider => new AzureTokenPrincipalProvider(_tokens.GetToken);

        protected override string PlanHeader => $"credential {_settings.Credential}, token scope {_settings.Scope}; every query is POST {_settings.QueryUri}";

        protected override string TraceIdNoun => "operation ids";

        protected override string PlanStep(string title, string kql, long fromUnixNano, long toUnixNano) =>
            $"{title}: timespan {Kql.Timespan(fromUnixNano, toUnixNano)}\n{kql}";

        protected override KustoAnswer Query(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation)
        {
            var response = _client.Value.Query(kql, fromUnixNano, toUnixNano, cancellation);
            return new KustoAnswer(response.Primary, response.Error is not null, response.Error?.Truncated == true);
        }

        protected override IKustoRowMapper Mapper(KustoTable table, bool withLabel) =>
            new AppInsightsSpanMapper(table, withLabel, why => SourceErrors.Malformed(Description, why));

        /// <summary>The static <see cref="SpanQueries"/> as the shared passes ask for them.</summary>
        private sealed class Queries : IKustoSpanQueries
        {
            public static readonly Queries Instance = new();

            public string Candidates(TargetSpec target, long fromUnixNano, long toUnixNano) => SpanQueries.Candidates(target, fromUnixNano, toUnixNano);

            public string Nearest(TargetSpec target, long windowStartUnixNano, long fromUnixNano, long toUnixNano, int count) =>
                SpanQueries.Nearest(target, windowStartUnixNano, fromUnixNano, toUnixNano, count);

            public string Traces(IReadOnlyList<TraceId> traces, long fromUnixNano, long toUnixNano) => SpanQueries.Traces(traces, fromUnixNano, toUnixNano);

            public string TracesTemplate(long fromUnixNano, long toUnixNano) => SpanQueries.TracesTemplate(fromUnixNano, toUnixNano);

            public KustoRootColumns RootColumns => SpanQueries.RootColumns;
        }
    }
}
