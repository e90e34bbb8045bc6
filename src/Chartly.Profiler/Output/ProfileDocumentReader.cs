using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Chartly.Profiler.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Chartly.Profiler.Output
{
    /// <summary>
    /// Reads a saved profile document (JSON or YAML, told apart by its first character) back into a
    /// <see cref="Profile"/>. A document of another schema version, or missing a required key, is a
    /// contract mismatch (exit 4).
    /// </summary>
    public static class ProfileDocumentReader
    {
        public const long MaxDocumentBytes = 64L * 1024 * 1024;

        public static Profile ReadFile(string path)
        {
            if (!File.Exists(path))
            {
                if (InputFile.FolderDeniesSearch(Path.GetFullPath(path)))
                {
                    throw ProfilerException.Denied("ProfileDocumentAccessDenied", $"Permission denied reading the profile document '{Sanitize.ForMessage(path)}': its folder cannot be searched.");
                }

                throw ProfilerException.Precondition("ProfileDocumentNotFound", $"The profile document '{Sanitize.ForMessage(path)}' does not exist.");
            }

            string text;
            try
            {
                text = InputFile.ReadText(
                    path,
                    MaxDocumentBytes,
                    () => ProfilerException.Precondition("ProfileDocumentNotAFile", $"The profile document '{Sanitize.ForMessage(path)}' is not a regular file (a device, FIFO or socket): give a file."),
                    () => Invalid($"it is larger than {InputFile.Mib(MaxDocumentBytes)}"));
            }
            catch (UnauthorizedAccessException)
            {
                throw ProfilerException.Denied("ProfileDocumentAccessDenied", $"Permission denied reading the profile document '{Path.GetFileName(path)}'.");
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw ProfilerException.Precondition("ProfileDocumentUnreadable", $"The profile document '{Sanitize.ForMessage(Path.GetFileName(path))}' could not be read: {e.GetType().Name}.");
            }

            return Read(text);
        }

        public static Profile Read(string text)
        {
            var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            var node = trimmed.StartsWith("{", StringComparison.Ordinal) ? ParseJson(trimmed) : ParseYaml(trimmed);
            if (node is not DocMap map)
            {
                throw Invalid("the top level is not a mapping");
            }

            return FromDoc(map);
        }

        public static Profile FromDoc(DocMap doc)
        {
            var h = Map(doc, "header");
            var schema = Str(h, "schema_version");
            if (!Profile.ReadableSchemaVersions.Contains(schema, StringComparer.Ordinal))
            {
                throw ProfilerException.Validation("ProfileSchemaMismatch", $"The profile document has schema version '{Sanitize.ForMessage(schema)}'; this profiler reads versions {string.Join(", ", Profile.ReadableSchemaVersions)}.");
            }

            var target = Map(h, "target");
            var window = Map(h, "window");
            var header = new ProfileHeader(
                Str(h, "tool"),
                Str(h, "tool_version"),
                schema,
                new ProfileTarget(Str(target, "type"), Str(target, "id")),
                Str(h, "environment"),
                new ProfileWindow(Str(window, "start"), Str(window, "end")),
                Str(h, "precision"),
                Str(h, "correlation_id"));

            var s = Map(doc, "summary");
            var roots = Map(s, "roots");
            var summary = new ProfileSummary(
                Int(s, "total_duration_ms"),
                Str(s, "bottleneck"),
                Str(s, "bottleneck_kind"),
                Str(s, "regression"),
                new RootStatistics(Int(roots, "count"), Int(roots, "p50_ms"), Int(roots, "p95_ms"), Int(roots, "max_ms"), Longs(roots, "samples_ms"))
                {
                    Versions = schema == "1.0"
                        ? Array.Empty<RootVersion>()
                        : Items(roots, "versions").Select(v => new RootVersion(StrOrNull(v, "version"), Int(v, "count"), Int(v, "p50_ms"), Int(v, "p95_ms"))).ToList(),
                });

            var breakdown = Items(doc, "breakdown").Select(b => new BreakdownEntry(
                Str(b, "component"), Int(b, "duration_ms"), Dec(b, "pct"), Int(b, "self_ms"), Int(b, "span_count"))).ToList();

            var signals = Items(doc, "signals").Select(sig => new Signal(
                Str(sig, "name"),
                Str(sig, "status"),
                Str(sig, "unit"),
                DecOrNull(sig, "avg"),
                DecOrNull(sig, "max"),
                Int(sig, "samples"),
                Strings(sig, "metrics"),
                SignalComponents(sig),
                DecOrNull(sig, "total"),
                Items(sig, "measures").Select(m => new SignalMeasure(
                    Str(m, "name"),
                    Str(m, "status"),
                    Str(m, "unit"),
                    DecOrNull(m, "avg"),
                    DecOrNull(m, "max"),
                    DecOrNull(m, "total"),
                    Int(m, "samples"),
                    Strings(m, "metrics"),
                    SignalComponents(m))).ToList(),
                StrOrNull(sig, "measure"))).ToList();

            var findings = Items(doc, "findings").Select(f => new Finding(
                Str(f, "id"),
                Str(f, "severity"),
                Str(f, "text"),
                Items(f, "metrics").Select(m => new MetricCitation(Str(m, "metric"), Dec(m, "value"), Str(m, "unit"))).ToList())).ToList();

            var comparison = doc.Get("comparison") is DocMap c ? ReadComparison(c) : null;

            // Schema 1.0 has no scaling and what_if sections; from 1.1 on they are required.
            var v10 = schema == "1.0";
            ScalingSummary? scaling = null;
            if (!v10)
            {
                var sc = Map(doc, "scaling");
                var restarts = DecOrNull(Map(sc, "container_restarts"), "total");
                var ooms = DecOrNull(Map(sc, "oom_kills"), "total");
                scaling = new ScalingSummary(
                    StrOrNull(sc, "component"),
                    Str(sc, "autoscaler"),
                    Strings(sc, "workloads"),
                    DecOrNull(Map(sc, "hpa_current_replicas"), "max"),
                    DecOrNull(Map(sc, "hpa_max_replicas"), "max"),
                    DecOrNull(Map(sc, "deployment_available_replicas"), "min"),
                    DecOrNull(Map(sc, "deployment_desired_replicas"), "max"),
                    restarts is null ? null : (long)restarts.Value,
                    ooms is null ? null : (long)ooms.Value);
            }

            var whatIf = v10 ? new List<WhatIf>() : Items(doc, "what_if").Select(w =>
            {
                var median = Map(w, "median_root");
                return new WhatIf(
                    Str(w, "component"),
                    Int(w, "current_ms"),
                    Int(w, "half_ms"),
                    Int(w, "removed_ms"),
                    Dec(w, "half_delta_pct"),
                    Dec(w, "removed_delta_pct"),
                    Str(w, "critical_at_half"),
                    Str(w, "next_critical"),
                    Int(median, "current_ms"),
                    Int(median, "half_ms"),
                    Int(median, "removed_ms"));
            }).ToList();

            var q = Map(doc, "data_quality");
            var dq = new DataQuality(
                Int(q, "files_read"), Int(q, "bytes_read"), Int(q, "records_read"), Int(q, "malformed_records"), Int(q, "unsupported_files"),
                Int(q, "spans_read"), Int(q, "invalid_spans"), Int(q, "traces_selected"), Int(q, "spans_selected"), Int(q, "duplicate_spans"),
                Int(q, "orphan_spans"), Int(q, "cycles"), Int(q, "clipped_spans"), Int(q, "spans_outside_parent"), Int(q, "overlaps_tolerated"),
                Int(q, "non_blocking_subtrees"), Int(q, "roots_without_environment"), Int(q, "metric_records"), Int(q, "metric_points_used"),
                Int(q, "source_partial_errors"),
                Int(q, "metric_points_invalid"), Int(q, "metric_series_used"), Int(q, "metric_series_gaps"), Int(q, "metric_counter_resets"),
                Int(q, "metric_resources_uncovered"),
                v10 ? 0 : Int(q, "metric_points_unattributed"),
                v10 ? 0 : Int(q, "scaling_series_not_covering"))
            {
                TracesSampled = q.Get("traces_sampled") is null ? null : Int(q, "traces_sampled"),
                TracesInTarget = q.Get("traces_in_target") is null ? null : Int(q, "traces_in_target"),
            };

            return new Profile(header, summary, breakdown, signals, findings, comparison, dq, whatIf, scaling);
        }

        private static Comparison ReadComparison(DocMap c)
        {
            var b = Map(c, "baseline");
            var bt = Map(b, "target");
            var bw = Map(b, "window");
            return new Comparison(
                new ComparisonBaseline(
                    Str(b, "kind"),
                    new ProfileTarget(Str(bt, "type"), Str(bt, "id")),
                    StrOrNull(b, "service_version"),
                    new ProfileWindow(Str(bw, "start"), Str(bw, "end")),
                    Str(b, "correlation_id")),
                Str(c, "current_correlation_id"),
                Dec(c, "threshold_pct"),
                Dec(c, "alpha"),
                Int(c, "baseline_total_ms"),
                Int(c, "current_total_ms"),
                Int(c, "delta_ms"),
                DecOrNull(c, "delta_pct"),
                Int(c, "baseline_roots"),
                Int(c, "current_roots"),
                DecOrNull(c, "delta_mean_pct"),
                Str(c, "classification"),
                Str(c, "test"),
                DecOrNull(c, "p_value"),
                Int(c, "baseline_samples"),
                Int(c, "current_samples"),
                Bool(c, "inconclusive"),
                Required(c, "samples_needed") is DocScalar { Kind: ScalarKind.Null } ? null : Int(c, "samples_needed"),
                Items(c, "components").Select(d => new ComponentDelta(
                    Str(d, "component"),
                    Str(d, "presence"),
                    Int(d, "baseline_ms"),
                    Int(d, "current_ms"),
                    Int(d, "delta_ms"),
                    Dec(d, "baseline_pct"),
                    Dec(d, "current_pct"),
                    Dec(d, "delta_pct_points"),
                    DecOrNull(d, "impact_pct"),
                    Str(d, "classification"))).ToList());
        }

        private static string? StrOrNull(DocMap map, string key) =>
            Required(map, key) is DocScalar { Kind: ScalarKind.Null } ? null : Str(map, key);

        private static List<ComponentSignal> SignalComponents(DocMap map) =>
            Items(map, "components").Select(c => new ComponentSignal(Str(c, "component"), DecOrNull(c, "avg"), DecOrNull(c, "max"), Int(c, "samples"), DecOrNull(c, "total"))).ToList();

        private static DocNode ParseJson(string text)
        {
            try
            {
                using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
                return FromJson(json.RootElement);
            }
            catch (JsonException e)
            {
                throw Invalid($"it is not valid JSON (line {e.LineNumber + 1})");
            }
        }

        private static DocNode FromJson(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var map = new DocMap();
                    foreach (var p in e.EnumerateObject())
                    {
                        map.Add(p.Name, FromJson(p.Value));
                    }

                    return map;
                case JsonValueKind.Array:
                    return new DocList(e.EnumerateArray().Select(FromJson).ToList());
                case JsonValueKind.String:
                    return DocScalar.Text(e.GetString() ?? string.Empty);
                case JsonValueKind.Number:
                    var raw = e.GetRawText();
                    return DocScalar.Parsed(raw.IndexOfAny(new[] { '.', 'e', 'E' }) >= 0 ? ScalarKind.Decimal : ScalarKind.Integer, raw);
                case JsonValueKind.True:
                    return DocScalar.Boolean(true);
                case JsonValueKind.False:
                    return DocScalar.Boolean(false);
                default:
                    return DocScalar.Null;
            }
        }

        private static DocNode ParseYaml(string text)
        {
            YamlStream stream;
            try
            {
                stream = BoundedYaml.Documents.Load(text, Invalid);
            }
            catch (YamlException e)
            {
                throw Invalid($"it is neither JSON nor valid YAML (line {e.Start.Line})");
            }

            if (stream.Documents.Count == 0)
            {
                throw Invalid("it is empty");
            }

            return FromYaml(stream.Documents[0].RootNode, 0);
        }

        private static DocNode FromYaml(YamlNode node, int depth)
        {
            if (depth > 32)
            {
                throw Invalid("it is nested too deeply");
            }

            switch (node)
            {
                case YamlMappingNode m:
                    var map = new DocMap();
                    foreach (var pair in m.Children)
                    {
                        map.Add((pair.Key as YamlScalarNode ?? throw Invalid("a mapping key is not a string")).Value ?? string.Empty, FromYaml(pair.Value, depth + 1));
                    }

                    return map;
                case YamlSequenceNode s:
                    return new DocList(s.Children.Select(c => FromYaml(c, depth + 1)).ToList());
                case YamlScalarNode sc:
                    var v = sc.Value ?? string.Empty;
                    if (sc.Style is ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
                    {
                        return DocScalar.Text(v);
                    }

                    if (v is "null" or "~" or "")
                    {
                        return DocScalar.Null;
                    }

                    if (v is "true" or "false")
                    {
                        return DocScalar.Boolean(v == "true");
                    }

                    if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    {
                        return DocScalar.Parsed(ScalarKind.Integer, v);
                    }

                    if (decimal.TryParse(v, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _))
                    {
                        return DocScalar.Parsed(ScalarKind.Decimal, v);
                    }

                    return DocScalar.Text(v);
                default:
                    throw Invalid("it holds an unsupported YAML node");
            }
        }

        private static ProfilerException Invalid(string why) =>
            ProfilerException.Validation("ProfileDocumentInvalid", $"The profile document is invalid: {why}.");

        private static DocNode Required(DocMap map, string key) => map.Get(key) ?? throw Invalid($"the key '{key}' is missing");

        private static DocMap Map(DocMap map, string key) => Required(map, key) as DocMap ?? throw Invalid($"'{key}' must be a mapping");

        private static IEnumerable<DocMap> Items(DocMap map, string key)
        {
            if (Required(map, key) is not DocList list)
            {
                throw Invalid($"'{key}' must be a list");
            }

            return list.Items.Select(i => i as DocMap ?? throw Invalid($"'{key}' must hold mappings"));
        }

        private static IReadOnlyList<string> Strings(DocMap map, string key)
        {
            if (Required(map, key) is not DocList list)
            {
                throw Invalid($"'{key}' must be a list");
            }

            return list.Items.Select(i => i is DocScalar { Kind: ScalarKind.Text } s ? Sanitize.ForTerminal(s.Raw) : throw Invalid($"'{key}' must hold strings")).ToList();
        }

        private static IReadOnlyList<long> Longs(DocMap map, string key)
        {
            if (Required(map, key) is not DocList list)
            {
                throw Invalid($"'{key}' must be a list");
            }

            return list.Items.Select(i => i is DocScalar { Kind: ScalarKind.Integer } s && long.TryParse(s.Raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid($"'{key}' must hold integers")).ToList();
        }

        /// <summary>Every string a document gives (labels, ids, names) reaches terminals as text and HTML: neutralised here, where it enters.</summary>
        private static string Str(DocMap map, string key) =>
            Required(map, key) is DocScalar { Kind: ScalarKind.Text } s ? Sanitize.ForTerminal(s.Raw) : throw Invalid($"'{key}' must be a string");

        private static long Int(DocMap map, string key) =>
            Required(map, key) is DocScalar { Kind: ScalarKind.Integer } s && long.TryParse(s.Raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Invalid($"'{key}' must be an integer");

        private static decimal Dec(DocMap map, string key) =>
            Required(map, key) is DocScalar { Kind: ScalarKind.Integer or ScalarKind.Decimal } s && decimal.TryParse(s.Raw, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Invalid($"'{key}' must be a number");

        private static decimal? DecOrNull(DocMap map, string key) =>
            Required(map, key) is DocScalar { Kind: ScalarKind.Null } ? null : Dec(map, key);

        private static bool Bool(DocMap map, string key) =>
            Required(map, key) is DocScalar { Kind: ScalarKind.Boolean } s ? s.Raw == "true" : throw Invalid($"'{key}' must be true or false");
    }
}
