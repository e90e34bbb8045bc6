using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// Turns rows of <c>AppRequests</c> / <c>AppDependencies</c> (as <see cref="SpanQueries"/>
    /// projects them) into <see cref="SpanRecord"/>s that mean what the same spans mean in OTLP
    /// files: <c>OperationId</c> is the trace id, <c>Id</c> the span id, <c>ParentId</c> the parent
    /// (empty, or the operation id as older SDKs write it, for a root), <c>TimeGenerated</c> the
    /// start, <c>DurationMs</c> the length, <c>AppRoleName</c> the service. A row that cannot be a
    /// span (bad ids, bad time) is counted as an invalid span, never guessed at.
    /// </summary>
    internal sealed class AppInsightsSpanMapper : IKustoRowMapper
    {
        private readonly LabelNormalizer _labels = new();
        private readonly ResourceInterner _resources = new();
        private readonly bool _withLabel;

        private readonly int _table, _time, _operation, _id, _parent, _duration, _role, _instance, _version, _dependencyType;
        private readonly int _namespace, _environment, _pod, _container, _host;
        private readonly int _messaging;
        private readonly IdentityColumns _identity;
        private readonly int _name, _resultCode, _success, _component, _resend;

        public AppInsightsSpanMapper(KustoTable table, bool withLabel, Func<string, Exception> malformed)
        {
            _withLabel = withLabel;
            int Need(string c) => table.IndexOf(c) is var i && i >= 0 ? i : throw malformed("the result has no column '" + c + "'");
            _table = Need("SourceTable");
            _time = Need("TimeGenerated");
            _operation = Need("OperationId");
            _id = Need("Id");
            _parent = Need("ParentId");
            _duration = Need("DurationMs");
            _role = Need("AppRoleName");
            _instance = Need("AppRoleInstance");
            _version = Need("AppVersion");
            _dependencyType = Need("DependencyType");
            _namespace = Need("Namespace");
            _environment = Need("Environment");
            _pod = Need("Pod");
            _container = Need("Container");
            _host = Need("Host");
            _identity = new IdentityColumns(Need);
            _messaging = Need("MessagingOperation");
            if (withLabel)
            {
                _name = Need("Name");
                _resultCode = Need("ResultCode");
                _success = Need("Success");
                _component = Need("Component");
                _resend = Need("ResendCount");
            }
            else
            {
                _name = _resultCode = _success = _component = _resend = -1;
            }
        }

        /// <summary>The span of one row, or null when the row cannot be a span.</summary>
        public SpanRecord? Map(string?[] row)
        {
            if (!KustoValues.TryTraceId(row[_operation], out var traceId)
                || !KustoValues.TrySpanId(row[_id], out var spanId)
                || !TryParent(row[_parent], row[_operation]!, out var parentId)
                || !KustoValues.TryParseInstant(row[_time], out var start)
                || !TryDurationNanos(row[_duration], out var duration)
                || duration > SpanTimes.MaxDurationNanos
                || !SpanTimes.Plausible(start, start + duration))
            {
                return null;
            }

            var isRequest = string.Equals(row[_table], "AppRequests", StringComparison.Ordinal);
            var kind = KindOf(isRequest, Text(row[_dependencyType]), Text(row[_messaging]));
            var identity = _identity.Read(row);

            var label = string.Empty;
            int status = 0, http = 0, resend = 0;
            if (_withLabel)
            {
                label = _labels.Normalize(Text(row[_component]) ?? Text(row[_name]));
                status = string.Equals(row[_success], "false", StringComparison.OrdinalIgnoreCase) ? 2 : 0;
                http = HttpStatus(row[_resultCode]);
                resend = int.TryParse(row[_resend], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0;
            }

            return new SpanRecord(traceId, spanId, parentId, start, start + duration, kind, status, Resource(row), label, identity, http, resend);
        }

        /// <summary>
        /// Application Insights keeps no span kind: requests are entry spans (consumer when they
        /// carry a messaging operation, else server); dependencies are internal ("InProc"),
        /// producer (a messaging create/send/publish, or a "Queue Message" type) or client.
        /// </summary>
        internal static SpanKind KindOf(bool isRequest, string? dependencyType, string? messagingOperation)
        {
            if (isRequest)
            {
                return messagingOperation is null ? SpanKind.Server : SpanKind.Consumer;
            }

            if (string.Equals(dependencyType, "InProc", StringComparison.OrdinalIgnoreCase))
            {
                return SpanKind.Internal;
            }

            if (messagingOperation is "create" or "send" or "publish"
                || (dependencyType is not null && dependencyType.StartsWith("Queue Message", StringComparison.OrdinalIgnoreCase)))
            {
                return SpanKind.Producer;
            }

            return SpanKind.Client;
        }

        private ResourceInfo Resource(string?[] row)
        {
            var role = Text(row[_role]);
            var ns = Text(row[_namespace]);
            if (SdkRole.TryParse(role, out var roleNamespace, out var service))
            {
                role = service;
                ns ??= roleNamespace;
            }

            var r = new ResourceInfo(
                role,
                ns,
                Text(row[_environment]),
                Text(row[_version]),
                Text(row[_pod]) ?? Text(row[_instance]),
                Text(row[_container]),
                Text(row[_host]));
            return _resources.Intern(r);
        }

        private static string? Text(string? cell) => ResourceInterner.Text(cell);

        /// <summary>A 3-digit HTTP status in ResultCode; anything else (gRPC codes, "0", text) is no HTTP status.</summary>
        internal static int HttpStatus(string? resultCode) =>
            resultCode is { Length: 3 } && int.TryParse(resultCode, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s >= 100 && s <= 599 ? s : 0;

        internal static bool TryParent(string? text, string operationId, out ulong parent)
        {
            parent = 0;
            if (string.IsNullOrEmpty(text) || string.Equals(text, operationId, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            return KustoValues.TrySpanId(text, out parent);
        }

        /// <summary>DurationMs (a real) in nanoseconds, rounded half away from zero.</summary>
        internal static bool TryDurationNanos(string? text, out long nanos)
        {
            nanos = 0;
            if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || double.IsNaN(ms) || ms < 0 || ms > 1e12)
            {
                return false;
            }

            nanos = (long)Math.Round(ms * 1_000_000d, MidpointRounding.AwayFromZero);
            return true;
        }
    }
}
