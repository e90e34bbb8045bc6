using System.IO;
using System.Linq;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Experience
{
    /// <summary>Tab completion through PowerShell's own completion engine, as a user's Tab press runs it.</summary>
    public class CompletionTests
    {
        private const string Sample = "-ConfigPath samples/chartly-profiler.yaml";

        private static string[] Texts(Session s, string input) => s.Complete(input).Select(r => r.CompletionText).ToArray();

        [Fact]
        public void TargetIdsComeFromTheConfiguredTelemetryOfTheChosenType()
        {
            using var s = new Session();
            Assert.Equal(
                new[] { "run-1001", "run-1002", "run-1003", "run-1004", "run-1005", "run-1006" },
                Texts(s, $"Get-ChartlyProfile {Sample} -Environment dev -TargetType run -TargetId run-1"));
            Assert.Equal(new[] { "op-7f3a" }, Texts(s, $"Get-ChartlyProfile {Sample} -Environment dev -TargetType operation -TargetId "));
            Assert.Equal(
                new[] { "conn-salesforce", "conn-salesforce/cr-501", "conn-salesforce/cr-502" },
                Texts(s, $"Get-ChartlyProfilePlan {Sample} -Env dev -TargetType connector -TargetId conn"));

            // Parameters after the cursor count too: the cursor sits right after "analytics".
            var input = $"Get-ChartlyProfile -TargetType service -TargetId analytics {Sample} -Environment dev";
            Assert.Equal(
                new[] { "analytics-blue/chartly-analytics", "analytics-green/chartly-analytics" },
                s.Complete(input, input.IndexOf(" -ConfigPath", System.StringComparison.Ordinal)).Select(r => r.CompletionText));
        }

        [Fact]
        public void TargetIdCompletionIsCaseInsensitiveOnThePrefixAndSaysWhereTheIdWasSeen()
        {
            using var s = new Session();
            var results = s.Complete($"Get-ChartlyProfile {Sample} -Environment dev -TargetType workflow -TargetId WF-");
            Assert.Equal(new[] { "wf-daily-report", "wf-weekly-a", "wf-weekly-b" }, results.Select(r => r.CompletionText).ToArray());
            Assert.All(results, r => Assert.Contains("seen in dev telemetry", r.ToolTip));
        }

        [Fact]
        public void WithoutATargetTypeOrWithAnotherEnvironmentNoIdIsOffered()
        {
            using var s = new Session();
            Assert.DoesNotContain("run-1004", Texts(s, $"Get-ChartlyProfile {Sample} -Environment dev -TargetId run-1"));
            Assert.Empty(Texts(s, $"Get-ChartlyProfile {Sample} -Environment dev -TargetType pod -TargetId run-1"));

            // The sample configuration only has dev: prod has no sources, so no ids.
            Assert.DoesNotContain("run-1004", Texts(s, $"Get-ChartlyProfile {Sample} -Environment prod -TargetType run -TargetId run-1"));
        }

        [Fact]
        public void TheConfigurationIsFoundFromPowerShellsLocationNotTheProcesss()
        {
            // The runspace stands in samples/ (the process does not): chartly-profiler.yaml there is found.
            using var s = new Session(Path.Combine(Repo.Root, "samples"));
            Assert.Equal(new[] { "run-2001", "run-2002" }, Texts(s, "Get-ChartlyProfile -Environment dev -TargetType run -TargetId run-2"));
        }

        [Fact]
        public void EnvironmentsComeFromTheConfigurationWhenOneIsFound()
        {
            using var t = new TempTelemetry();
            File.WriteAllText(t.ConfigPath, "environments:\n  staging:\n    sources:\n      - type: otlp-file\n        path: telemetry\n");
            using var s = new Session(t.Root);
            var results = s.Complete("Get-ChartlyProfile -Environment ");
            Assert.Equal(new[] { "staging" }, results.Select(r => r.CompletionText));
            Assert.All(results, r => Assert.Contains("chartly-profiler.yaml", r.ToolTip));

            // -ConfigPath wins over the file in the current location.
            Assert.Equal(new[] { "dev", "staging" }, Texts(s, $"Get-ChartlyProfile -ConfigPath '{Repo.SampleConfig}' -Environment "));
        }

        [Fact]
        public void WithoutAConfigurationTheContractsEnvironmentsAreOffered()
        {
            var empty = Path.Combine(Path.GetTempPath(), "chartly-tests-" + System.Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(empty);
            try
            {
                using var s = new Session(empty);
                Assert.Equal(new[] { "dev", "prod", "staging" }, Texts(s, "Get-ChartlyProfile -Environment "));
                Assert.Equal(new[] { "staging" }, Texts(s, "Get-ChartlyProfile -Environment st"));

                // A configuration that does not load is the same as none: the completer never fails.
                File.WriteAllText(Path.Combine(empty, "chartly-profiler.yaml"), "environments: [");
                Assert.Equal(new[] { "dev", "prod", "staging" }, Texts(s, "Get-ChartlyProfile -Environment "));
                Assert.Empty(Texts(s, "Get-ChartlyProfile -Environment dev -TargetType run -TargetId r"));
            }
            finally
            {
                Directory.Delete(empty, recursive: true);
            }
        }

        [Fact]
        public void TargetTypesAreCompletedWithTheirIdForms()
        {
            using var s = new Session();
            var results = s.Complete("Get-ChartlyProfile -TargetType ");
            Assert.Equal(new[] { "connector", "operation", "run", "service", "workflow" }, results.Select(r => r.CompletionText).ToArray());
            Assert.Contains(results, r => r.CompletionText == "service" && r.ToolTip.Contains("namespace/name"));
            Assert.Equal(new[] { "workflow" }, Texts(s, "Get-ChartlyProfile -TargetType w"));
        }
    }
}
