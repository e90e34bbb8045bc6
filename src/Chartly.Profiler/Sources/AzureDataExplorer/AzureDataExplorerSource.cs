using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Azure.Core;
using Chartly.Profiler.Access;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Metrics;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// Spans from an Azure Data Explorer database that the OpenTelemetry Collector's
    /// <c>azuredataexplorer</c> exporter fills, by the two passes of <see cref="KustoSpanSource"/>
    /// against its traces table; pass 2 loads whole traces by <c>TraceID</c>. Metrics come from
    /// its metrics table (<see cref="OtelMetricReader"/>), through the same client.
    /// </summary>
    internal sealed class AzureDataExplorerSource : KustoSpanSource, ITraceSource, IMetricSource, IPrincipalSource, IDisposable
    {
        private readonly AdxSettings _settings;
        private readonly Lazy<AdxQueryClient> _client;
        private readonly TokenCache _tokens;
        private readonly OtelMetricReader _metrics;

        public AzureDataExplorerSource(AdxSettings settings, Func<TokenCredential>? credential = null, Http.HttpTuning? tuning = null)
            : base(settings.Describe(), settings.Passes, new OtelTraceQueries(settings.TracesTable))
        {
            _settings = settings;

            // The credential is built on first use: a dry run without an access policy never touches the identity stack.
            _tokens = new TokenCache(credential ?? (() => CredentialFactory.Create(settings.Identity)), settings.Scope);
            _client = new Lazy<AdxQueryClient>(() => new AdxQueryClient(settings, _tokens, tuning));
            _metrics = new OtelMetricReader(settings.MetricsTable, Description, (kql, ct) => Query(kql, 0, 0, ct));
        }

        /// <summary>The span passes' plan, then the metric query (re-implemented here: the span passes know nothing of metrics).</summary>
        IReadOnlyList<string> ITraceSource.Plan(ProfileRequest request) => Plan(request).Concat(new[] { _metrics.Plan(request) }).ToList();

        public IReadOnlyList<MetricSample> ReadSamples(MetricQuery query, MetricReadStats stats, CancellationToken cancellation) =>
            _metrics.Read(query, stats, cancellation);

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

        protected override string PlanHeader =>
            $"credential {_settings.Identity.Credential}, token scope {_settings.Scope}; every query is POST {_settings.QueryUri} on database {_settings.Database}";

        /// <summary>The range is in the query itself (a StartTime filter): the query endpoint takes no separate interval.</summary>
        protected override string PlanStep(string title, string kql, long fromUnixNano, long toUnixNano) => title + ":\n" + kql;

        protected override KustoAnswer Query(string kql, long fromUnixNano, long toUnixNano, CancellationToken cancellation)
        {
            var response = _client.Value.Query(kql, cancellation);
            return new KustoAnswer(response.Primary, response.Partial, response.Truncated);
        }

        protected override IKustoRowMapper Mapper(KustoTable table, bool withLabel) =>
            new OtelTraceMapper(table, withLabel, why => SourceErrors.Malformed(Description, why));
    }
}
