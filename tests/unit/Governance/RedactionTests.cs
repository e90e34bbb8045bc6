using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>The hostile corpus on disk, with a configuration for it, shared by the redaction tests.</summary>
    public sealed class HostileTelemetryFixture : IDisposable
    {
        public HostileTelemetryFixture()
        {
            Telemetry = new TempTelemetry();
            HostileCorpus.Write(Telemetry.TelemetryDir);
        }

        public TempTelemetry Telemetry { get; }

        public void Dispose() => Telemetry.Dispose();
    }

    /// <summary>
    /// Contract, "Security &amp; privacy": payloads, tokens and identifiers beyond the target id never
    /// reach a profile (any format), a verbose line or an error. Every secret of the hostile corpus
    /// is searched for in everything the profiler says about it.
    /// </summary>
    public class RedactionTests : IClassFixture<HostileTelemetryFixture>
    {
        private readonly HostileTelemetryFixture _fx;

        public RedactionTests(HostileTelemetryFixture fx) => _fx = fx;

        public static IEnumerable<object[]> Targets => HostileCorpus.Targets.Select(t => new object[] { t.Type, t.Id });

        /// <summary>Each needle of each planted secret found in <paramref name="text"/>, as "kind 'needle' in where".</summary>
        public static List<string> Leaks(string where, string? text)
        {
            var found = new List<string>();
            if (string.IsNullOrEmpty(text))
            {
                return found;
            }

            foreach (var s in HostileCorpus.All)
            {
                foreach (var n in s.Needles)
                {
                    if (text!.IndexOf(n, StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        found.Add($"{s.Kind} '{n}' in {where}");
                    }
                }
            }

            return found;
        }

        [Fact]
        public void TheCorpusReallyHoldsEverySecret()
        {
            // Guards the test itself: a corpus that lost its secrets would make every scan pass.
            var all = string.Concat(Directory.GetFiles(_fx.Telemetry.TelemetryDir).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText));
            foreach (var s in HostileCorpus.All)
            {
                Assert.All(s.Needles, n => Assert.Contains(n, all, StringComparison.OrdinalIgnoreCase));
            }

            Assert.NotEmpty(Leaks("corpus", all));
        }

        [Theory]
        [MemberData(nameof(Targets))]
        public void NoSecretReachesAnyFormatOrVerboseLine(string type, string id)
        {
            var verbose = new List<string>();
            var engine = new ProfileEngine { Verbose = verbose.Add };
            var profile = engine.Run(Run.Request(type, id, HostileCorpus.WindowStart, HostileCorpus.WindowEnd), ConfigLoader.Load(_fx.Telemetry.ConfigPath));

            // The profile is real: the hostile names were read, normalised and ranked.
            Assert.NotEmpty(profile.Breakdown);
            Assert.True(profile.Summary.TotalDurationMs > 0);

            var leaks = new List<string>();
            foreach (var format in new[] { DocumentFormat.Json, DocumentFormat.Yaml, DocumentFormat.Text })
            {
                leaks.AddRange(Leaks(format.ToString(), ProfileDocument.Write(profile, format)));
            }

            leaks.AddRange(Leaks("the plan", PlanDocument.Write(engine.Plan(Run.Request(type, id, HostileCorpus.WindowStart, HostileCorpus.WindowEnd), ConfigLoader.Load(_fx.Telemetry.ConfigPath)), DocumentFormat.Json)));
            leaks.AddRange(verbose.SelectMany(v => Leaks("a verbose line", v)));
            Assert.Empty(leaks);
        }

        [Fact]
        public void TheRunsLabelsAreTheNamesWithPlaceholders()
        {
            var profile = Run.Profile(_fx.Telemetry.ConfigPath, "run", "run-h1", HostileCorpus.WindowStart, HostileCorpus.WindowEnd);
            var labels = profile.Breakdown.Select(b => b.Component).ToList();

            // Proof the secrets went through the normaliser (not around it): their placeholders are there.
            Assert.Contains(labels, l => l.Contains("{token}", StringComparison.Ordinal));
            Assert.Contains(labels, l => l.Contains("{email}", StringComparison.Ordinal));
            Assert.Contains(labels, l => l.Contains("{value}", StringComparison.Ordinal));
            Assert.Contains(labels, l => l.Contains("{id}", StringComparison.Ordinal));
            Assert.Empty(labels.SelectMany(l => Leaks("label '" + l + "'", l)));
        }

        [Theory]
        [MemberData(nameof(HostileNames))]
        public void TheNormaliserRedactsEverySecretInAName(string name)
        {
            var label = LabelNormalizer.NormalizeUncached(name);
            Assert.Empty(Leaks("label '" + label + "'", label));
        }

        public static IEnumerable<object[]> HostileNames => HostileCorpus.HostileSpanNames.Select(n => new object[] { n });

        public static IEnumerable<object[]> FailingRequests => new[]
        {
            new object[] { "run", "run-missing", HostileCorpus.WindowStart, HostileCorpus.WindowEnd },
            new object[] { "run", "run-h1", "2026-11-24T12:00:00Z", "2026-11-24T13:00:00Z" },
            new object[] { "workflow", "wf-hostile", "2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z" },
            new object[] { "service", "shop/nothing", HostileCorpus.WindowStart, HostileCorpus.WindowEnd },
            new object[] { "operation", "op-none", HostileCorpus.WindowStart, HostileCorpus.WindowEnd },
            new object[] { "connector", "conn-h/cr-404", HostileCorpus.WindowStart, HostileCorpus.WindowEnd },
        };

        [Theory]
        [MemberData(nameof(FailingRequests))]
        public void ErrorsOverTheCorpusNameNoSecret(string type, string id, string start, string end)
        {
            var verbose = new List<string>();
            var engine = new ProfileEngine { Verbose = verbose.Add };
            var e = Run.Fails(() => engine.Run(Run.Request(type, id, start, end), ConfigLoader.Load(_fx.Telemetry.ConfigPath)));
            Assert.Equal(ExitCodes.PreconditionFailed, e.ExitCode);
            Assert.Empty(Leaks("error " + e.ErrorId, e.Message).Concat(verbose.SelectMany(v => Leaks("a verbose line", v))));
            Assert.Null(e.InnerException);
        }

        [Fact]
        public void TheCmdletsStreamsCarryNoSecret()
        {
            // The user's view: typed output, every format, the verbose stream, and the error records.
            var html = Path.Combine(_fx.Telemetry.Root, "report.html");
            var hasReport = typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.GetTypes()
                .Any(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).OfType<CmdletAttribute>().Any(a => a.VerbName == "Export" && a.NounName == "ChartlyProfileReport"));
            var script = string.Join("\n", HostileCorpus.Targets.Select((t, i) =>
                $"$p = Get-ChartlyProfile -Environment dev -TargetType {t.Type} -TargetId '{t.Id}' -WindowStart {HostileCorpus.WindowStart} -WindowEnd {HostileCorpus.WindowEnd} -ConfigPath '{_fx.Telemetry.ConfigPath}' -Verbose\n" +
                "$p | ConvertTo-ChartlyProfileDocument -Format Json\n$p | ConvertTo-ChartlyProfileDocument -Format Yaml\n$p | ConvertTo-ChartlyProfileDocument -Format Text\n" +
                "Get-ChartlyProfilePlan -Environment dev -TargetType " + t.Type + " -TargetId '" + t.Id + "' -WindowStart " + HostileCorpus.WindowStart + " -WindowEnd " + HostileCorpus.WindowEnd + " -ConfigPath '" + _fx.Telemetry.ConfigPath + "' -Verbose | Out-String\n" +
                ($"$p | Out-String -Width 300\n") +
                (hasReport ? $"$p | Export-ChartlyProfileReport -Path '{html}.{i}.html' -ConfigPath '{_fx.Telemetry.ConfigPath}' | Out-Null\nGet-Content -Raw -LiteralPath '{html}.{i}.html'\n" : string.Empty)))
                + $"\nGet-ChartlyProfile -Environment dev -TargetType run -TargetId run-missing -WindowStart {HostileCorpus.WindowStart} -WindowEnd {HostileCorpus.WindowEnd} -ConfigPath '{_fx.Telemetry.ConfigPath}' -Verbose";

            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly.Location });
            using var rs = RunspaceFactory.CreateRunspace(iss);
            rs.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = rs;
            ps.AddScript(script);
            var output = ps.Invoke();

            var texts = output.Select(o => o?.BaseObject?.ToString() ?? string.Empty).ToList();
            Assert.True(texts.Count >= HostileCorpus.Targets.Count * 5, "every target produced its documents");
            var error = Assert.Single(ps.Streams.Error);
            Assert.Equal("TargetNotFound,Chartly.Profiler.Cmdlets.GetChartlyProfileCommand", error.FullyQualifiedErrorId);

            var leaks = new List<string>();
            leaks.AddRange(texts.SelectMany(t => Leaks("cmdlet output", t)));
            leaks.AddRange(ps.Streams.Verbose.SelectMany(v => Leaks("verbose stream", v.Message)));
            leaks.AddRange(ps.Streams.Warning.SelectMany(v => Leaks("warning stream", v.Message)));
            leaks.AddRange(ps.Streams.Error.SelectMany(r => Leaks("error record", string.Join("\n", r.ToString(), r.Exception.Message, r.FullyQualifiedErrorId, r.TargetObject?.ToString(), r.CategoryInfo.ToString(), r.ErrorDetails?.Message, r.Exception.InnerException?.Message))));
            Assert.NotEmpty(ps.Streams.Verbose);
            Assert.Empty(leaks);

            // The HTML report (when the module has it) drew its waterfall: span-level labels were scanned too.
            Assert.DoesNotContain(ps.Streams.Warning, w => w.Message.StartsWith("No waterfall", StringComparison.Ordinal));
            Assert.True(!hasReport || texts.Count(t => t.Contains("<html", StringComparison.OrdinalIgnoreCase)) == HostileCorpus.Targets.Count);
        }
    }
}
