using Chartly.Profiler.Analysis.Signals;

namespace Chartly.Profiler.Targets
{
    /// <summary>
    /// The request as the front ends receive it, as text: the cmdlets and chartly-tool both build it
    /// here, so the checks run in one order and the first bad value raises the same error id.
    /// </summary>
    public static class ProfileArguments
    {
        public static ProfileRequest ToRequest(
            string? environment,
            string? targetType,
            string? targetId,
            string? windowStart,
            string? windowEnd,
            string? precision,
            string[]? includeMetrics)
        {
            var env = ProfileRequest.ParseEnvironment(environment);
            var type = TargetTypes.Parse(targetType);
            var parsedPrecision = ProfileRequest.ParsePrecision(precision);
            var window = TimeWindow.Parse(windowStart, windowEnd);
            var target = TargetSpec.Parse(type, targetId);
            var metrics = SignalCatalog.Canonicalize(MetricNames.Normalize(includeMetrics));
            return new ProfileRequest(env, target, window, parsedPrecision, metrics, null);
        }
    }
}
