using System;
using System.Collections.Generic;
using System.Globalization;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Sources.Kusto;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// Turns rows of an exporter-schema traces table (as <see cref="OtelTraceQueries"/> projects
    /// them) into <see cref="SpanRecord"/>s that mean what the same spans mean in OTLP files: the
    /// exporter writes the OTLP ids as hex and the kind and status by name. A row that cannot be a
    /// span (bad ids, a time without a time zone, an end before its start, an attribute bag that
    /// is not an object) is counted as an invalid span, never guessed at.
    /// </summary>
    internal sealed class OtelTraceMapper : IKustoRowMapper
    {
        private readonly LabelNormalizer _labels = new();
        private readonly ResourceInterner _resources = new();
        private readonly bool _withLabel;

        private readonly int _trace, _span, _parent, _kind, _start, _end, _resourceType, _attributesType;
        private readonly int _service, _namespace, _environment, _version, _pod, _container, _host;
        private readonly IdentityColumns _identity;
        private readonly int _name, _status, _component, _http, _resend;

        public OtelTraceMapper(KustoTable table, bool withLabel, Func<string, Exception> malformed)
        {
            _withLabel = withLabel;
            int Need(string c) => table.IndexOf(c) is var i && i >= 0 ? i : throw malformed("the result has no column '" + c + "'");
            _trace = Need("TraceID");
            _span = Need("SpanID");
            _parent = Need("ParentID");
            _kind = Need("SpanKind");
            _start = Need("StartTime");
            _end = Need("EndTime");
            _resourceType = Need("ResourceType");
            _attributesType = Need("AttributesType");
            _service = Need("ServiceName");
            _namespace = Need("Namespace");
            _environment = Need("Environment");
            _version = Need("ServiceVersion");
            _pod = Need("Pod");
            _container = Need("Container");
            _host = Need("Host");
            _identity = new IdentityColumns(Need);
            if (withLabel)
            {
                _name = Need("SpanName");
                _status = Need("SpanStatus");
                _component = Need("Component");
                _http = Need("HttpStatus");
                _resend = Need("ResendCount");
            }
            else
            {
                _name = _status = _component = _http = _resend = -1;
            }
        }

        public SpanRecord? Map(string?[] row)
        {
            if (!KustoValues.TryTraceId(row[_trace], out var traceId)
                || !KustoValues.TrySpanId(row[_span], out var spanId)
                || !TryParent(row[_parent], out var parentId)
                || !KustoValues.TryParseInstant(row[_start], out var start)
                || !KustoValues.TryParseInstant(row[_end], out var end)
                || !SpanTimes.Plausible(start, end)
                || !IsBag(row[_resourceType])
                || !IsBag(row[_attributesType]))
            {
                return null;
            }

            var identity = _identity.Read(row);

            var label = string.Empty;
            int status = 0, http = 0, resend = 0;
            if (_withLabel)
            {
                label = _labels.Normalize(Text(row[_component]) ?? Text(row[_name]));
                status = StatusOf(row[_status]);
                http = Number(row[_http]);
                resend = Number(row[_resend]);
            }

            return new SpanRecord(traceId, spanId, parentId, start, end, KindOf(row[_kind]), status, Resource(row), label, identity, http, resend);
        }

        /// <summary>The exporter writes the OTLP kind by name ("Server"); older collectors and other writers use the enum name ("SPAN_KIND_SERVER").</summary>
        internal static SpanKind KindOf(string? text)
        {
            var name = Strip(text, "SPAN_KIND_");
            foreach (var kind in new[] { SpanKind.Internal, SpanKind.Server, SpanKind.Client, SpanKind.Producer, SpanKind.Consumer })
            {
                if (string.Equals(name, kind.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    return kind;
                }
            }

            return SpanKind.Unspecified;
        }

        /// <summary>"Error" is OTLP status 2, "Ok" 1, anything else (Unset, empty) 0; the enum names ("STATUS_CODE_ERROR") too.</summary>
        internal static int StatusOf(string? text)
        {
            var name = Strip(text, "STATUS_CODE_");
            return string.Equals(name, "Error", StringComparison.OrdinalIgnoreCase) ? 2
                : string.Equals(name, "Ok", StringComparison.OrdinalIgnoreCase) ? 1
                : 0;
        }

        private static string? Strip(string? text, string prefix) =>
            text is not null && text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? text.Substring(prefix.Length) : text;

        /// <summary>
        /// The exporter writes both attribute bags as JSON objects (<c>gettype</c> "dictionary"), or
        /// none at all; a bag of another type (a string, an array) is a row someone else wrote,
        /// whose identity cannot be trusted.
        /// </summary>
        private static bool IsBag(string? type) => type is null or "dictionary" or "null";

        /// <summary>An empty parent is a root; anything else must be a span id.</summary>
        private static bool TryParent(string? text, out ulong parent)
        {
            parent = 0;
            return string.IsNullOrEmpty(text) || KustoValues.TrySpanId(text, out parent);
        }

        private static int Number(string? text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

        private ResourceInfo Resource(string?[] row)
        {
            var r = new ResourceInfo(
                Text(row[_service]),
                Text(row[_namespace]),
                Text(row[_environment]),
                Text(row[_version]),
                Text(row[_pod]),
                Text(row[_container]),
                Text(row[_host]));
            return _resources.Intern(r);
        }

        private static string? Text(string? cell) => ResourceInterner.Text(cell);
    }
}
