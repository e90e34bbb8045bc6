using System;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Regression
{
    /// <summary>
    /// A profile compared with a baseline, as Get-ChartlyProfile -CompareTo and
    /// <c>chartly-tool profiler --compare-to</c> both produce it: every baseline failure that does not
    /// need the telemetry is raised before the telemetry is read.
    /// </summary>
    public static class BaselineComparison
    {
        /// <param name="resolvePath">Turns a saved profile's path, as typed, into a full path (each front end knows its own current directory).</param>
        public static Profile Run(
            ProfileEngine engine,
            BaselineResolver resolver,
            ProfileRequest request,
            ProfilerConfig config,
            string compareTo,
            decimal thresholdPct,
            Func<string, string> resolvePath,
            CancellationToken cancellation)
        {
            ProfileComparer.ValidateThreshold(thresholdPct);
            var spec = BaselineSpec.Parse(compareTo);
            var header = ProfileBuilder.Header(request);
            Profile? saved = null;
            if (spec.Kind == BaselineKind.Profile)
            {
                saved = resolver.ReadDocument(resolvePath(spec.Value));
                BaselineValidator.CheckHeaders(header, saved.Header, spec.Kind);
            }
            else
            {
                BaselineResolver.BaselineRequest(spec, header);
            }

            var current = engine.Run(request, config, cancellation);
            var baseline = saved ?? resolver.Resolve(spec, current.Header, config, cancellation);
            return ProfileComparer.Compare(current, baseline, spec.Kind, spec.Kind == BaselineKind.Version ? spec.Value : null, thresholdPct);
        }
    }
}
