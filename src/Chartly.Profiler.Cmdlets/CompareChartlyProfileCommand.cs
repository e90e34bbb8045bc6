using System;
using System.IO;
using System.Management.Automation;
using Chartly.Profiler;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Model;
using Chartly.Profiler.Regression;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Compares profiles already in hand with a baseline and writes each with its comparison
    /// attached (summary.regression set, comparison findings appended), so the result pipes on to
    /// ConvertTo-ChartlyProfileDocument or ConvertTo-Json. The baseline is a profile object, the path
    /// of a saved profile (JSON or YAML), run:&lt;id&gt; or version:&lt;v&gt; (docs/regression.md).
    /// </summary>
    [Cmdlet(VerbsData.Compare, "ChartlyProfile", DefaultParameterSetName = BaselineSet, HelpUri = HelpLinks.CompareChartlyProfile)]
    [OutputType(typeof(Profile))]
    public sealed class CompareChartlyProfileCommand : ChartlyCmdlet
    {
        private const string BaselineSet = "Baseline";

        private BaselineResolver? _resolver;

        /// <summary>The current profile (from Get-ChartlyProfile or Import-ChartlyProfile).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BaselineSet)]
        [ProfileTransformation]
        public Profile InputObject { get; set; } = null!;

        /// <summary>A profile object, the path of a saved profile document, run:&lt;id&gt; or version:&lt;v&gt;.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = BaselineSet)]
        [ArgumentCompleter(typeof(BaselineCompleter))]
        public object Baseline { get; set; } = null!;

        /// <summary>The magnitude gate: the smallest change per root, in percent of the baseline, that counts (0 to 1000, default 5).</summary>
        [Parameter(ParameterSetName = BaselineSet)]
        public decimal Threshold { get; set; } = ProfileComparer.DefaultThresholdPct;

        /// <summary>
        /// The configuration that names the telemetry, for run:&lt;id&gt; and version:&lt;v&gt; baselines;
        /// by default the one the profile was made from.
        /// </summary>
        [Parameter(ParameterSetName = BaselineSet)]
        [Alias("Config")]
        public string? ConfigPath { get; set; }

        protected override string Failed => "The comparison could not be made";

        protected override object? ErrorTarget => InputObject?.Header?.Target?.ToString();

        protected override void ProcessItem()
        {
            ProfileComparer.ValidateThreshold(Threshold);
            var (baseline, kind, version) = ResolveBaseline();
            WriteObject(ProfileComparer.Compare(InputObject, baseline, kind, version, Threshold));
        }

        private (Profile Baseline, BaselineKind Kind, string? Version) ResolveBaseline()
        {
            var value = BaselineArgument.Unwrap(Baseline);
            switch (value)
            {
                case Profile p:
                    return (p, BaselineKind.Profile, null);
                case FileInfo f:
                    return (Resolver.ReadDocument(f.FullName), BaselineKind.Profile, null);
                case string s:
                    var spec = BaselineSpec.Parse(s);
                    if (spec.Kind == BaselineKind.Profile)
                    {
                        return (Resolver.ReadDocument(ResolvePath(spec.Value, "ProfileDocumentNotFound", "profile document")), BaselineKind.Profile, null);
                    }

                    var config = LoadConfig(ConfigPath, InputObject.ConfigPath);
                    return (Resolver.Resolve(spec, InputObject.Header, config, Cancellation), spec.Kind, spec.Kind == BaselineKind.Version ? spec.Value : null);
                default:
                    throw ProfilerException.Invalid(
                        "InvalidBaseline",
                        $"-Baseline takes a profile (from Get-ChartlyProfile or Import-ChartlyProfile), the path of a saved profile, run:<id> or version:<v>; got a {value?.GetType().Name ?? "null"}.");
            }
        }

        private BaselineResolver Resolver => _resolver ??= new BaselineResolver(NewEngine());
    }

    /// <summary>How -Baseline and -CompareTo values become a baseline, shared by the two cmdlets.</summary>
    internal static class BaselineArgument
    {
        /// <summary>PSObject wrappers and one-element arrays (what a variable holding one profile often is) come off.</summary>
        public static object? Unwrap(object? value)
        {
            value = value is PSObject pso ? Base(pso) : value;
            if (value is object[] { Length: 1 } one)
            {
                value = one[0] is PSObject inner ? Base(inner) : one[0];
            }

            if (value is object[] many)
            {
                throw ProfilerException.Invalid("InvalidBaseline", $"-Baseline takes one baseline; got {many.Length} values.");
            }

            return value;
        }

        /// <summary>A deserialized profile (Import-Clixml, a job, remoting) is the profile it was.</summary>
        private static object? Base(PSObject pso) => ProfileConverter.Rehydrate(pso) is Profile p ? p : pso.BaseObject;
    }
}
