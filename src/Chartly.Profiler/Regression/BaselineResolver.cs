using System;
using System.Collections.Generic;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Regression
{
    /// <summary>
    /// Turns a baseline spec into the baseline profile. A saved document is read as it is; run:&lt;id&gt;
    /// and version:&lt;v&gt; are profiled from the same telemetry, environment and precision as the current
    /// profile, over the current window unless the spec names one. A baseline that cannot be found is
    /// exit 3 (ErrorId <c>Baseline</c> + the engine's id). Results are kept per key for the resolver's
    /// lifetime, so a pipeline of profiles reads a baseline once.
    /// </summary>
    public sealed class BaselineResolver
    {
        private readonly ProfileEngine _engine;
        private readonly Dictionary<string, Profile> _cache = new(StringComparer.Ordinal);

        public BaselineResolver(ProfileEngine engine)
        {
            _engine = engine;
        }

        /// <summary>Reads a saved profile document (a path already resolved by the caller).</summary>
        public Profile ReadDocument(string fullPath)
        {
            var key = "profile\n" + fullPath;
            if (!_cache.TryGetValue(key, out var p))
            {
                p = ProfileDocumentReader.ReadFile(fullPath);
                _cache[key] = p;
            }

            return p;
        }

        /// <summary>The request that profiles a run: or version: baseline for a current profile with this header.</summary>
        public static ProfileRequest BaselineRequest(BaselineSpec spec, ProfileHeader current)
        {
            if (spec.Kind == BaselineKind.Profile)
            {
                throw new ArgumentException("a profile baseline is read, not profiled", nameof(spec));
            }

            var type = TargetTypes.Parse(current.Target.Type);
            var currentTarget = TargetSpec.Parse(type, current.Target.Id);
            spec.CheckApplicable(currentTarget);
            var target = spec.Kind switch
            {
                BaselineKind.Run => spec.RunTarget(currentTarget),
                BaselineKind.Service => spec.ServiceTarget(currentTarget),

                // The other version of the same target, in the same window unless the spec says otherwise.
                _ => currentTarget with { Version = spec.Value },
            };
            var window = Window(spec, current.Window);
            return new ProfileRequest(current.Environment, target, window, ProfileRequest.ParsePrecision(current.Precision), Array.Empty<string>(), null)
            {
                ServiceVersion = spec.Kind == BaselineKind.Version ? spec.Value : null,
            };
        }

        /// <summary>Profiles a run: or version: baseline for the current profile (whose header names target, environment and window).</summary>
        public Profile Resolve(BaselineSpec spec, ProfileHeader current, ProfilerConfig config, CancellationToken cancellation = default)
        {
            var request = BaselineRequest(spec, current);
            var key = string.Join("\n", spec.Kind.ToString(), request.Environment, request.Target.ToString(), request.Window.StartText, request.Window.EndText, current.Precision, request.ServiceVersion ?? string.Empty);
            if (_cache.TryGetValue(key, out var cached))
            {
                return cached;
            }

            Profile profile;
            try
            {
                profile = _engine.Run(request, config, cancellation);
            }
            catch (ProfilerException e) when (e.Kind == ProfilerErrorKind.PreconditionFailed && !e.ErrorId.StartsWith("Source", StringComparison.Ordinal))
            {
                throw new ProfilerException(ProfilerErrorKind.PreconditionFailed, "Baseline" + e.ErrorId, $"The baseline {Sanitize.ForMessage(spec.ToString())} was not found: {e.Message}");
            }

            _cache[key] = profile;
            return profile;
        }

        /// <summary>
        /// The baseline window: the current one, or [start, start + current length) for <c>@start</c>, or
        /// the explicit <c>@start/end</c>, which must last as long as the current window (else exit 4).
        /// </summary>
        public static TimeWindow Window(BaselineSpec spec, ProfileWindow current)
        {
            var length = BaselineValidator.Length(current, "current");
            if (spec.WindowStart is null)
            {
                var start = TimeWindow.ParseInstant(current.Start, "window start");
                return new TimeWindow(start, start + length);
            }

            var s = TimeWindow.ParseInstant(spec.WindowStart, "baseline window start");
            if (spec.WindowEnd is null)
            {
                return new TimeWindow(s, s + length);
            }

            var e = TimeWindow.ParseInstant(spec.WindowEnd, "baseline window end");
            if (e <= s)
            {
                throw ProfilerException.Invalid("WindowNotIncreasing", $"The baseline window end ({TimeWindow.FormatUtc(e)}) must be after its start ({TimeWindow.FormatUtc(s)}).");
            }

            if (e - s != length)
            {
                var baseline = new ProfileWindow(TimeWindow.FormatUtc(s), TimeWindow.FormatUtc(e));
                throw BaselineValidator.WindowMismatch(current, length, baseline, e - s);
            }

            return new TimeWindow(s, e);
        }
    }
}
