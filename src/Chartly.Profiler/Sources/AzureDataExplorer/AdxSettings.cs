using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Chartly.Profiler.Sources.Entra;
using Chartly.Profiler.Sources.Http;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// The settings of an <c>azure-data-explorer</c> source, validated: the cluster, the database
    /// and the tables the OpenTelemetry Collector's <c>azuredataexplorer</c> exporter fills
    /// (its defaults: database <c>oteldb</c>, tables <c>OTELTraces</c> and <c>OTELMetrics</c>), the
    /// credential as for <c>azure-monitor-logs</c>, the remote limits and the pass settings.
    /// </summary>
    internal sealed record AdxSettings(
        Uri Cluster,
        string Database,
        string TracesTable,
        string MetricsTable,
        string Scope,
        EntraIdentity Identity,
        RemoteLimits Limits,
        KustoPassLimits Passes)
    {
        public const string TypeName = "azure-data-explorer";

        /// <summary>A database name as Data Explorer allows it (letters, digits, underscore, hyphen, dot, space).</summary>
        private static readonly Regex DatabaseName = new("^[A-Za-z0-9_][A-Za-z0-9_. -]{0,259}$", RegexOptions.CultureInvariant);

        /// <summary>A table name that needs no quoting in KQL: it enters the query as it is, so only this shape is accepted.</summary>
        private static readonly Regex TableName = new("^[A-Za-z_][A-Za-z0-9_]{0,1023}$", RegexOptions.CultureInvariant);

        /// <summary>The query call, the only request this source ever sends.</summary>
        public Uri QueryUri => new(Cluster, "v2/rest/query");

        public string Describe() => TypeName + " " + Cluster.Host + (Cluster.IsDefaultPort ? string.Empty : ":" + Cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) + " database " + Database;

        /// <summary>The token this source asks for, for the read-only check of the configuration.</summary>
        public TokenRequest TokenRequest() => new(Cluster, Scope, "Data Explorer", Access.ReadOnlyScopes.ClusterDomains);

        public static AdxSettings Parse(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            var r = new SettingsReader(settings, invalid);
            var cluster = r.Url("cluster", "the cluster URI, e.g. https://mycluster.westeurope.kusto.windows.net", null, allowHttp: false);
            if (cluster.AbsolutePath != "/" || cluster.Query.Length > 0)
            {
                throw r.Invalid("has a 'cluster' with a path: give the scheme and host only (the API path /v2/rest/query is fixed)");
            }

            var database = r.Optional("database") ?? "oteldb";
            if (!DatabaseName.IsMatch(database))
            {
                throw r.Invalid("has a 'database' that is not a Data Explorer database name");
            }

            var traces = Table(r, "traces-table", "OTELTraces");
            var metrics = Table(r, "metrics-table", "OTELMetrics");

            // The cluster is its own resource (https://{cluster}/.default).
            var scope = EntraIdentity.ParseScope(r, cluster, "https://mycluster.westeurope.kusto.windows.net/.default");
            var identity = EntraIdentity.Parse(r);
            var limits = RemoteLimits.Parse(r, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10));
            var parsed = new AdxSettings(
                cluster,
                database,
                traces,
                metrics,
                scope,
                identity,
                limits,
                new KustoPassLimits(
                    r.Duration("trace-margin", TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromDays(1)),
                    r.Duration("nearest-lookaround", TimeSpan.FromDays(7), TimeSpan.Zero, TimeSpan.FromDays(90)),
                    r.Int("traces-per-query", 100, 1, 1000),
                    r.Int("root-budget", KustoPassLimits.DefaultRootBudget, 1, KustoPassLimits.MaxRootBudget),
                    KustoPassLimits.AnswerBytesFor(limits.MaxResponseBytes)));
            r.RejectUnknown();
            return parsed;
        }

        private static string Table(SettingsReader r, string key, string fallback)
        {
            var name = r.Optional(key) ?? fallback;
            if (!TableName.IsMatch(name))
            {
                throw r.Invalid($"has a '{key}' that is not a plain table name (letters, digits and underscores, not starting with a digit)");
            }

            return name;
        }
    }
}
