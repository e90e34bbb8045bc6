using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Json.Schema;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Contract promotion test "output schema stability" (docs/contract-status.md): every profile
    /// document the profiler produces (JSON and YAML, every target type, both precisions, with and
    /// without a comparison, over the samples and over the hostile corpus) validates against the
    /// checked-in schema/profile.schema.json (draft 2020-12, closed objects, every key required, in
    /// the serializer's order), and one document per target type is byte-compared with its golden
    /// file in tests/golden/. Regenerate the golden files with CHARTLY_UPDATE_GOLDEN=1 (docs/contract-status.md).
    /// </summary>
    public class OutputSchemaStabilityTests : IClassFixture<HostileTelemetryFixture>
    {
        public const string UpdateVariable = "CHARTLY_UPDATE_GOLDEN";

        private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

        private readonly HostileTelemetryFixture _fx;

        public OutputSchemaStabilityTests(HostileTelemetryFixture fx) => _fx = fx;

        public static string SchemaPath => Path.Combine(Repo.Root, "schema", "profile.schema.json");

        /// <summary>The golden target of each target type, over samples/telemetry (samples/telemetry/README.md).</summary>
        public static IReadOnlyList<(string Type, string Id)> GoldenTargets { get; } = new[]
        {
            ("run", "run-1004"),
            ("workflow", "wf-daily-report"),
            ("service", "analytics-blue/chartly-analytics"),
            ("operation", "op-7f3a"),
            ("connector", "conn-salesforce"),
        };

        public static IEnumerable<object[]> Golden => GoldenTargets.Select(t => new object[] { t.Type, t.Id });

        /// <summary>Every sample target that profiles, in both precisions.</summary>
        public static IEnumerable<object[]> SampleTargets =>
            from t in new[]
            {
                ("run", "run-1001"), ("run", "run-1004"), ("run", "run-2001"), ("run", "run-2002"), ("workflow", "wf-daily-report"), ("workflow", "daily-report"),
                ("workflow", "wf-weekly-a"), ("operation", "op-7f3a"), ("connector", "conn-salesforce"), ("connector", "conn-salesforce/cr-502"),
                ("service", "analytics-blue/chartly-analytics"), ("service", "analytics-green/chartly-analytics"), ("service", "chartly-workflow-engine"), ("service", "chartly-connectors"),
            }
            from precision in new[] { "ms", "s" }
            select new object[] { t.Item1, t.Item2, precision };

        /// <summary>Validation errors of a document, as "location: message" lines; empty when it is valid.</summary>
        public static List<string> Errors(JsonNode? document)
        {
            var result = Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid)
            {
                return new List<string>();
            }

            return result.Details
                .Where(d => d.HasErrors)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
                .DefaultIfEmpty("invalid, without details")
                .ToList();
        }

        /// <summary>Validates a profile in JSON and in YAML, and checks the two carry the same tree.</summary>
        internal static void AssertValid(Profile profile)
        {
            var json = ProfileDocument.Write(profile, DocumentFormat.Json);
            var fromJson = JsonNode.Parse(json);
            Assert.True(Errors(fromJson).Count == 0, "JSON: " + string.Join("\n", Errors(fromJson)) + "\n" + json);
            var fromYaml = YamlToJson(ProfileDocument.Write(profile, DocumentFormat.Yaml));
            Assert.Empty(Errors(fromYaml));
            Assert.Equal(fromJson!.ToJsonString(), fromYaml!.ToJsonString());
            AssertKeyOrder(fromJson, JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject(), "$");
        }

        [Fact]
        public void TheSchemaIsDraft202012AndClosedEverywhere()
        {
            var text = File.ReadAllText(SchemaPath);
            var node = JsonNode.Parse(text)!.AsObject();
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)node["$schema"]);
            var meta = MetaSchemas.Draft202012.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(meta.IsValid, "the schema is not a valid draft 2020-12 schema");

            // Every object schema: additionalProperties false, and every property required (except the optional comparison,
            // and the two sampling counts, written together only when a source sampled the target: docs/sources.md).
            var objects = 0;
            Walk(node, "$", (path, o) =>
            {
                // The if/then/else at the top ties 'comparison' to the regression verdict; it describes no object.
                if (o["properties"] is not JsonObject props || path.StartsWith("$.if", StringComparison.Ordinal))
                {
                    return;
                }

                objects++;
                Assert.True(o["additionalProperties"] is JsonValue v && v.GetValueKind() == JsonValueKind.False, path + " is not closed");
                var required = o["required"]!.AsArray().Select(r => (string)r!).ToList();
                var expected = props.Select(p => p.Key).Where(k => !(path == "$" && k == "comparison") && !(path == "$.properties.data_quality" && k is "traces_sampled" or "traces_in_target")).ToList();
                Assert.True(expected.SequenceEqual(required), $"{path}: required [{string.Join(", ", required)}] is not every property in order [{string.Join(", ", expected)}]");
            });
            Assert.True(objects >= 15, "objects in the schema: " + objects);
            Assert.Equal(Profile.SchemaVersion, (string?)node["properties"]!["header"]!["properties"]!["schema_version"]!["const"]);
        }

        [Theory]
        [MemberData(nameof(SampleTargets))]
        public void EverySampleProfileValidates(string type, string id, string precision) =>
            AssertValid(Run.Sample(type, id, precision));

        [Fact]
        public void AProfileWithAMetricAllowlistValidates()
        {
            // Signals left out by --include-metrics stay in place as 'excluded'.
            var request = Run.Request("run", "run-1004") with { IncludeMetrics = new[] { "throttling" } };
            var p = new Chartly.Profiler.Analysis.ProfileEngine().Run(request, Chartly.Profiler.Configuration.ConfigLoader.Load(Repo.SampleConfig));
            Assert.Contains(p.Signals, s => s.Status == "excluded");
            AssertValid(p);
        }

        [Theory]
        [MemberData(nameof(RedactionTests.Targets), MemberType = typeof(RedactionTests))]
        public void EveryHostileCorpusProfileValidates(string type, string id) =>
            AssertValid(Run.Profile(_fx.Telemetry.ConfigPath, type, id, HostileCorpus.WindowStart, HostileCorpus.WindowEnd));

        [Fact]
        public void ComparedProfilesValidateAndCarryTheirComparison()
        {
            // Through the cmdlet, as users compare: a run against another run, and a saved profile as the baseline.
            var saved = Path.Combine(Path.GetTempPath(), "chartly-schema-" + Guid.NewGuid().ToString("N") + ".json");
            try
            {
                var common = "-Environment dev -WindowStart 2026-11-24T10:00:00Z -WindowEnd 2026-11-24T11:00:00Z -ConfigPath '" + Repo.SampleConfig + "'";
                var docs = Cmdlets(
                    $"Get-ChartlyProfile {common} -TargetType run -TargetId run-1004 -CompareTo 'run:run-1001' | ConvertTo-ChartlyProfileDocument -Format Json\n" +
                    $"Get-ChartlyProfile {common} -TargetType run -TargetId run-1001 | ConvertTo-ChartlyProfileDocument -Format Json | Set-Content -LiteralPath '{saved}' -NoNewline\n" +
                    $"Get-ChartlyProfile {common} -TargetType run -TargetId run-1001 -CompareTo '{saved}' | ConvertTo-ChartlyProfileDocument -Format Yaml");
                Assert.Equal(2, docs.Count);
                foreach (var doc in docs)
                {
                    var profile = ProfileDocumentReader.Read(doc);
                    Assert.NotNull(profile.Comparison);
                    AssertValid(profile);
                }
            }
            finally
            {
                File.Delete(saved);
            }
        }

        [Fact]
        public void TheSchemaRejectsWhatTheSerializerDoesNotWrite()
        {
            var valid = JsonNode.Parse(ProfileDocument.Write(Run.Sample("run", "run-1004"), DocumentFormat.Json))!;
            Assert.Empty(Errors(valid));

            // Each mutation is one way the document's shape could drift; each must be caught.
            var mutations = new Dictionary<string, Action<JsonNode>>
            {
                ["an extra top-level key"] = d => d["extra"] = 1,
                ["an extra header key"] = d => d["header"]!["user"] = "someone",
                ["an extra breakdown key"] = d => d["breakdown"]![0]!["span_name"] = "GET /users/1",
                ["a missing data_quality counter"] = d => d["data_quality"]!.AsObject().Remove("cycles"),
                ["a missing section"] = d => d.AsObject().Remove("findings"),
                ["a renamed key"] = d => { var h = d["header"]!.AsObject(); var v = h["correlation_id"]!.DeepClone(); h.Remove("correlation_id"); h["correlationId"] = v; },
                ["a non-UTC window"] = d => d["header"]!["window"]!["start"] = "2026-11-24T10:00:00+01:00",
                ["an unknown bottleneck kind"] = d => d["summary"]!["bottleneck_kind"] = "disk",
                ["a text duration"] = d => d["summary"]!["total_duration_ms"] = "7507",
                ["a fractional duration"] = d => d["breakdown"]![0]!["duration_ms"] = 4941.5,
                ["an empty breakdown"] = d => d["breakdown"] = new JsonArray(),
                ["a regression verdict without its comparison"] = d => d["summary"]!["regression"] = "regressed",
                ["a finding that cites nothing"] = d => d["findings"] = new JsonArray(new JsonObject { ["id"] = "x", ["severity"] = "info", ["text"] = "t", ["metrics"] = new JsonArray() }),
            };
            foreach (var (what, mutate) in mutations)
            {
                var copy = valid.DeepClone();
                mutate(copy);
                Assert.True(Errors(copy).Count > 0, "the schema accepts " + what);
            }
        }

        [Theory]
        [MemberData(nameof(Golden))]
        public void TheDocumentOfEachTargetTypeMatchesItsGoldenFile(string type, string id)
        {
            var json = ProfileDocument.Write(Run.Sample(type, id), DocumentFormat.Json);
            Assert.Empty(Errors(JsonNode.Parse(json)));
            var path = Path.Combine(Repo.Root, "tests", "golden", type + ".json");
            if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(json));
            }

            Assert.True(File.Exists(path), $"no golden file {path}: run the tests once with {UpdateVariable}=1 and review the diff");
            var expected = File.ReadAllBytes(path);
            var actual = new UTF8Encoding(false).GetBytes(json);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                var e = Encoding.UTF8.GetString(expected).Split('\n');
                var a = json.Split('\n');
                var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
                throw new Xunit.Sdk.XunitException(
                    $"tests/golden/{type}.json differs from the document at line {line + 1}:\n  golden: {(line < e.Length ? e[line] : "(end)")}\n  now:    {(line < a.Length ? a[line] : "(end)")}\n" +
                    $"If the change is intended, regenerate with {UpdateVariable}=1 (docs/contract-status.md) and commit the diff with the change.");
            }
        }

        [Fact]
        public void EveryTargetTypeHasAGoldenFile()
        {
            Assert.Equal(
                Chartly.Profiler.Targets.TargetTypes.Names.OrderBy(n => n, StringComparer.Ordinal),
                GoldenTargets.Select(t => t.Type).OrderBy(n => n, StringComparer.Ordinal));
        }

        private static List<string> Cmdlets(string script)
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.Location });
            using var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript(script);
            var output = ps.Invoke();
            Assert.True(ps.Streams.Error.Count == 0, string.Join("\n", ps.Streams.Error));
            return output.Select(o => o.BaseObject.ToString()!).ToList();
        }

        /// <summary>The document's keys appear in the order the schema lists them: the key order is part of the contract.</summary>
        private static void AssertKeyOrder(JsonNode? doc, JsonObject schema, string path)
        {
            if (schema["$ref"] is JsonValue r)
            {
                var name = ((string)r!).Substring("#/$defs/".Length);
                schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!["$defs"]![name]!.AsObject();
            }

            switch (doc)
            {
                case JsonObject o when schema["properties"] is JsonObject props:
                    var order = props.Select(p => p.Key).Where(k => o.ContainsKey(k)).ToList();
                    Assert.True(order.SequenceEqual(o.Select(p => p.Key)), $"{path}: keys [{string.Join(", ", o.Select(p => p.Key))}], schema order [{string.Join(", ", order)}]");
                    foreach (var (k, v) in o)
                    {
                        AssertKeyOrder(v, props[k]!.AsObject(), path + "." + k);
                    }

                    break;
                case JsonArray a when schema["items"] is JsonObject items:
                    for (var i = 0; i < a.Count; i++)
                    {
                        AssertKeyOrder(a[i], items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                    }

                    break;
            }
        }

        private static void Walk(JsonNode? node, string path, Action<string, JsonObject> visit)
        {
            switch (node)
            {
                case JsonObject o:
                    visit(path, o);
                    foreach (var (k, v) in o)
                    {
                        Walk(v, path + "." + k, visit);
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", visit);
                    }

                    break;
            }
        }

        /// <summary>
        /// The YAML document as JSON: the writer quotes every string, so a plain scalar is null, a
        /// boolean or a number, and the numbers keep their exact text.
        /// </summary>
        public static JsonNode? YamlToJson(string yaml)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return Convert(stream.Documents[0].RootNode);

            static JsonNode? Convert(YamlNode n) => n switch
            {
                YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
                YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
                YamlScalarNode { Style: ScalarStyle.DoubleQuoted } q => JsonValue.Create(q.Value),
                YamlScalarNode { Value: "null" } => null,
                YamlScalarNode p => JsonNode.Parse(p.Value!),
                _ => throw new InvalidDataException("unexpected YAML node"),
            };
        }
    }
}
