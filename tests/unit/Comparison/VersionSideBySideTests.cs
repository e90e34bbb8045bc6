using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Regression;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Comparison
{
    /// <summary>
    /// Two versions side by side (docs/regression.md): a canary namespace beside the stable one,
    /// and new pods of one deployment with another service.version, both in the same window.
    /// </summary>
    public sealed class VersionSideBySideTests : System.IDisposable
    {
        private readonly TempTelemetry _t = new();

        public VersionSideBySideTests()
        {
            // analytics/chartly-analytics runs 2.3.1 (6 requests of 1,000 ms) and 2.4.0 (6 of 1,600 ms);
            // analytics-canary/chartly-analytics runs 2.4.0 (6 of 1,500 ms).
            var lines = new List<string>();
            var trace = 1;
            foreach (var (ns, version, ms) in new[] { ("analytics", "2.3.1", 1_000L), ("analytics", "2.4.0", 1_600L), ("analytics-canary", "2.4.0", 1_500L) })
            {
                var spans = new List<TestSpan>();
                for (var i = 0; i < 6; i++, trace++)
                {
                    var start = trace * 10_000L;
                    spans.Add(new TestSpan(Otlp.Trace(trace), Otlp.Span(1), null, "POST /query", 2, start, start + ms));
                    spans.Add(new TestSpan(Otlp.Trace(trace), Otlp.Span(2), Otlp.Span(1), "run query", 1, start + 10, start + ms - 10, Otlp.Attrs("chartly.component", "query")));
                }

                lines.Add(Otlp.Line(Otlp.Resource("chartly-analytics", ns, version: version), spans));
            }

            _t.Write("traces.jsonl", lines.ToArray());
        }

        public void Dispose() => _t.Dispose();

        private Profile Profile(string type, string id, string? compareTo = null)
        {
            var config = ConfigLoader.Load(_t.ConfigPath);
            var engine = new ProfileEngine();
            var request = Run.Request(type, id, "2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z");
            var p = engine.Run(request, config);
            if (compareTo is null)
            {
                return p;
            }

            var spec = BaselineSpec.Parse(compareTo);
            var baseline = new BaselineResolver(engine).Resolve(spec, p.Header, config);
            return ProfileComparer.Compare(p, baseline, spec.Kind, spec.Kind == BaselineKind.Version ? spec.Value : null);
        }

        [Fact]
        public void AVersionQualifierSelectsTheRootsOfThatVersion()
        {
            var p = Profile("service", "analytics/chartly-analytics@2.4.0");
            Assert.Equal("analytics/chartly-analytics@2.4.0", p.Header.Target.Id);
            Assert.Equal(6, p.Summary.Roots.Count);
            Assert.Equal(1_600, p.Summary.Roots.P50Ms);
            Assert.Equal(new[] { "2.4.0" }, p.Summary.Roots.Versions.Select(v => v.Version));
        }

        [Fact]
        public void AnUnknownVersionIsExit3NamingTheVersionsSeen()
        {
            var e = Run.Fails(() => Profile("service", "analytics/chartly-analytics@9.9.9"));
            Assert.Equal("ServiceVersionNotFound", e.ErrorId);
            Assert.Equal(3, e.ExitCode);
            Assert.Contains("2.3.1, 2.4.0", e.Message);
        }

        [Theory]
        [InlineData("run", "run-1@2.4.0", "VersionQualifierNotAllowed")]
        [InlineData("operation", "op-1@1", "VersionQualifierNotAllowed")]
        [InlineData("service", "analytics/chartly-analytics@", "ServiceVersionEmpty")]
        [InlineData("service", "analytics/chartly-analytics@2 .4", "InvalidServiceVersion")]
        public void ABadQualifierIsExit2(string type, string id, string errorId)
        {
            var e = Run.Fails(() => TargetSpec.Parse(TargetTypes.Parse(type), id));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(2, e.ExitCode);
        }

        [Fact]
        public void AMixedVersionWindowListsItsVersionsAndSaysWhereTheSlowRootsAre()
        {
            var p = Profile("service", "analytics/chartly-analytics");
            Assert.Equal(12, p.Summary.Roots.Count);
            Assert.Equal(
                new[] { ("2.3.1", 6L, 1_000L), ("2.4.0", 6L, 1_600L) },
                p.Summary.Roots.Versions.Select(v => (v.Version!, v.Count, v.P50Ms)));
            var f = p.Findings.Single(x => x.Id == "roots.version-slower:2.4.0");
            Assert.Equal(1_600m, f.Metrics.Single(m => m.Metric == "summary.roots.versions.p50_ms{version=\"2.4.0\"}").Value);
            Assert.Equal(1_000m, f.Metrics.Single(m => m.Metric == "summary.roots.versions.p50_ms{version=\"2.3.1\"}").Value);
        }

        [Fact]
        public void TwoVersionsInTheSameWindowCompareInOneCommand()
        {
            var p = Profile("service", "analytics/chartly-analytics@2.4.0", "version:2.3.1");
            var c = p.Comparison!;
            Assert.Equal("version", c.Baseline.Kind);
            Assert.Equal("2.3.1", c.Baseline.ServiceVersion);
            Assert.Equal("analytics/chartly-analytics@2.3.1", c.Baseline.Target.Id);
            Assert.Equal(p.Header.Window, c.Baseline.Window);
            Assert.Equal("regressed", c.Classification);
            Assert.Equal(6 * 600, c.DeltaMs);
        }

        [Fact]
        public void ACanaryNamespaceComparesWithTheStableOne()
        {
            var p = Profile("service", "analytics-canary/chartly-analytics", "service:analytics/chartly-analytics@2.3.1");
            var c = p.Comparison!;
            Assert.Equal("service", c.Baseline.Kind);
            Assert.Equal("analytics/chartly-analytics@2.3.1", c.Baseline.Target.Id);
            Assert.Equal("regressed", c.Classification);
            Assert.Equal(6 * 500, c.DeltaMs);
        }

        [Fact]
        public void ASavedProfileOfTheStableNamespaceIsAnAcceptedBaseline()
        {
            var stable = Profile("service", "analytics/chartly-analytics@2.3.1");
            var canary = Profile("service", "analytics-canary/chartly-analytics");
            var c = ProfileComparer.Compare(canary, stable, BaselineKind.Profile, null).Comparison!;
            Assert.Equal("profile", c.Baseline.Kind);
            Assert.Equal("analytics/chartly-analytics@2.3.1", c.Baseline.Target.Id);
        }

        [Fact]
        public void ABaselineServiceOfAnotherNameIsExit2()
        {
            var e = Run.Fails(() => Profile("service", "analytics-canary/chartly-analytics", "service:analytics/chartly-billing"));
            Assert.Equal("BaselineServiceName", e.ErrorId);
            Assert.Equal(2, e.ExitCode);
        }
    
        [Theory]
        [InlineData("analytics/chartly-analytics@2.4.0", "version:2.3.1", "version")]
        [InlineData("analytics-canary/chartly-analytics", "service:analytics/chartly-analytics@2.3.1", "service")]
        public void TheBundledRolloutRegressesAsDocsRegressionSays(string target, string compareTo, string kind)
        {
            // docs/regression.md, "Two versions side by side", on samples/canary (environment staging).
            var config = ConfigLoader.Load(Repo.SampleConfig);
            var engine = new ProfileEngine();
            var p = engine.Run(Run.Request("service", target, "2026-11-24T12:00:00Z", "2026-11-24T13:00:00Z", env: "staging"), config);
            var spec = BaselineSpec.Parse(compareTo);
            var baseline = new BaselineResolver(engine).Resolve(spec, p.Header, config);
            var c = ProfileComparer.Compare(p, baseline, spec.Kind, spec.Kind == BaselineKind.Version ? spec.Value : null).Comparison!;
            Assert.Equal(kind, c.Baseline.Kind);
            Assert.Equal("regressed", c.Classification);
            Assert.Equal(12, c.CurrentRoots);
            Assert.Equal(12, c.BaselineRoots);
        }
    
        [Fact]
        public void ServiceVersionOnTheCmdletIsTheQualifier()
        {
            using var session = new Chartly.Profiler.Tests.Experience.Session(Repo.Root);
            var r = session.Run(
                "$p = Get-ChartlyProfile -Environment staging -TargetType service -TargetId analytics/chartly-analytics -ServiceVersion 2.4.0 " +
                "-WindowStart 2026-11-24T12:00:00Z -WindowEnd 2026-11-24T13:00:00Z -ConfigPath samples/chartly-profiler.yaml -CompareTo version:2.3.1\n" +
                "$p.Header.Target.Id; $p.Summary.Regression");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "analytics/chartly-analytics@2.4.0", "regressed" }, r.Output.Select(o => o.ToString()));

            r = session.Run("Get-ChartlyProfile -Environment staging -TargetType service -TargetId analytics/chartly-analytics@2.4.0 -ServiceVersion 2.3.1 " +
                "-WindowStart 2026-11-24T12:00:00Z -WindowEnd 2026-11-24T13:00:00Z -ConfigPath samples/chartly-profiler.yaml");
            Assert.StartsWith("ServiceVersionConflict,", Assert.Single(r.Errors).FullyQualifiedErrorId, System.StringComparison.Ordinal);
        }
    }
}
