using System;
using System.Globalization;
using System.Linq;
using Chartly.Profiler.Model;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Regression
{
    /// <summary>
    /// Decides whether two profiles may be compared at all (the contract: identical windows, same
    /// schema and target); every refusal is a contract mismatch, exit 4, and names both sides.
    /// </summary>
    public static class BaselineValidator
    {
        /// <summary>Checks what the headers alone decide; callable before the current profile is built.</summary>
        public static void CheckHeaders(ProfileHeader current, ProfileHeader baseline, BaselineKind kind)
        {
            if (!Profile.ReadableSchemaVersions.Contains(baseline.SchemaVersion, StringComparer.Ordinal))
            {
                throw ProfilerException.Validation(
                    "ProfileSchemaMismatch",
                    $"The baseline profile has schema version '{Sanitize.ForMessage(baseline.SchemaVersion)}'; this profiler compares versions {string.Join(", ", Profile.ReadableSchemaVersions)}.");
            }

            if (!string.Equals(current.Environment, baseline.Environment, StringComparison.Ordinal))
            {
                throw ProfilerException.Validation(
                    "BaselineEnvironmentMismatch",
                    $"The baseline profile is of environment '{Sanitize.ForMessage(baseline.Environment)}', the current one of '{current.Environment}': profiles of different environments are not compared.");
            }

            if (!string.Equals(current.Target.Type, baseline.Target.Type, StringComparison.Ordinal))
            {
                throw ProfilerException.Validation(
                    "BaselineTargetMismatch",
                    $"The baseline profile is of a {Sanitize.ForMessage(baseline.Target.Type)} target, the current one of a {current.Target.Type} target: profiles of different target types are not compared.");
            }

            if (kind == BaselineKind.Profile)
            {
                CheckTargetIds(current.Target, baseline.Target);
            }

            if (!string.Equals(current.Precision, baseline.Precision, StringComparison.Ordinal))
            {
                throw ProfilerException.Validation(
                    "BaselinePrecisionMismatch",
                    $"The baseline profile was rounded to precision '{Sanitize.ForMessage(baseline.Precision)}', the current one to '{current.Precision}': compare profiles of the same precision.");
            }

            var currentLength = Length(current.Window, "current");
            var baselineLength = Length(baseline.Window, "baseline");
            if (currentLength != baselineLength)
            {
                throw WindowMismatch(current.Window, currentLength, baseline.Window, baselineLength);
            }
        }

        /// <summary>Everything: headers, then each side's numbers (so the deltas can add up exactly).</summary>
        public static void Check(Profile current, Profile baseline, BaselineKind kind)
        {
            CheckHeaders(current.Header, baseline.Header, kind);
            CheckConsistent(current, "current");
            CheckConsistent(baseline, "baseline");
        }

        public static ProfilerException WindowMismatch(ProfileWindow current, long currentLength, ProfileWindow baseline, long baselineLength) =>
            ProfilerException.Validation(
                "BaselineWindowMismatch",
                $"The windows differ in length: the current window {current} lasts {Duration(currentLength)}, the baseline window {Sanitize.ForMessage(baseline.ToString())} lasts {Duration(baselineLength)}. A comparison needs windows of equal length.");

        /// <summary>The window's length in nanoseconds; a saved document with an unreadable window is invalid (exit 4).</summary>
        public static long Length(ProfileWindow window, string side)
        {
            try
            {
                var start = TimeWindow.ParseInstant(window.Start, "window start");
                var end = TimeWindow.ParseInstant(window.End, "window end");
                if (end <= start)
                {
                    throw ProfilerException.Invalid("WindowNotIncreasing", "end before start");
                }

                return end - start;
            }
            catch (ProfilerException)
            {
                throw ProfilerException.Validation("ProfileDocumentInvalid", $"The {side} profile's window {Sanitize.ForMessage(window.ToString())} is not a valid RFC 3339 window.");
            }
        }

        public static string Duration(long nanos)
        {
            if (nanos % 1_000_000_000L == 0)
            {
                var seconds = nanos / 1_000_000_000L;
                if (seconds % 3600 == 0)
                {
                    return (seconds / 3600).ToString(CultureInfo.InvariantCulture) + " h";
                }

                if (seconds % 60 == 0)
                {
                    return (seconds / 60).ToString(CultureInfo.InvariantCulture) + " min";
                }

                return seconds.ToString(CultureInfo.InvariantCulture) + " s";
            }

            return (nanos / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture) + " ms";
        }

        /// <summary>
        /// Run, operation and connector-run targets are single instances: comparing run-1004 with run-1001
        /// is the point, so their ids may differ (a connector run must stay with its connector). A
        /// service, a workflow or all runs of a connector must be the same target on both sides.
        /// </summary>
        private static void CheckTargetIds(ProfileTarget current, ProfileTarget baseline)
        {
            if (string.Equals(current.Id, baseline.Id, StringComparison.Ordinal))
            {
                return;
            }

            TargetSpec spec;
            try
            {
                spec = TargetSpec.Parse(TargetTypes.Parse(current.Type), current.Id);
            }
            catch (ProfilerException)
            {
                throw ProfilerException.Validation("ProfileDocumentInvalid", "The current profile's target is not a valid target.");
            }

            // Two versions of one target, or a service in two namespaces (a canary beside the stable one).
            if (TryParse(current.Type, baseline.Id) is { } other
                && (string.Equals(other.Id, spec.Id, StringComparison.Ordinal)
                    || (spec.Type == TargetType.Service && string.Equals(other.Name, spec.Name, StringComparison.Ordinal))))
            {
                return;
            }

            if (spec.Type == TargetType.Connector && spec.Name.Length > 0)
            {
                var slash = baseline.Id.IndexOf('/');
                if (slash > 0 && string.Equals(baseline.Id.Substring(0, slash), spec.Qualifier, StringComparison.Ordinal))
                {
                    return;
                }
            }
            else if (BaselineSpec.IsSingleRoot(spec))
            {
                return;
            }

            throw ProfilerException.Validation(
                "BaselineTargetMismatch",
                $"The baseline profile is of {Sanitize.ForMessage(baseline.ToString())}, the current one of {current}: a {current.Type} is only compared with itself (runs, operations and connector runs of one connector may differ in id; a service or workflow with another version of itself, a service with the same service in another namespace).");
        }

        private static TargetSpec? TryParse(string type, string id)
        {
            try
            {
                return TargetSpec.Parse(TargetTypes.Parse(type), id);
            }
            catch (ProfilerException)
            {
                return null;
            }
        }

        private static void CheckConsistent(Profile p, string side)
        {
            var sum = p.Breakdown.Sum(b => b.DurationMs);
            var names = p.Breakdown.Select(b => b.Component).Distinct(StringComparer.Ordinal).Count();
            var roots = p.Summary.Roots;
            string? why = null;
            if (sum != p.Summary.TotalDurationMs)
            {
                why = string.Format(CultureInfo.InvariantCulture, "its breakdown sums to {0} ms, its total is {1} ms", sum, p.Summary.TotalDurationMs);
            }
            else if (names != p.Breakdown.Count)
            {
                why = "its breakdown names a component twice";
            }
            else if (roots.Count < 1 || roots.SamplesMs.Count < 1 || roots.SamplesMs.Count > roots.Count)
            {
                why = string.Format(CultureInfo.InvariantCulture, "it has {0} root(s) and {1} root sample(s)", roots.Count, roots.SamplesMs.Count);
            }
            else if (p.Breakdown.Any(b => b.DurationMs < 0) || p.Summary.TotalDurationMs < 0)
            {
                why = "it has a negative duration";
            }

            if (why is not null)
            {
                throw ProfilerException.Validation("ProfileInconsistent", $"The {side} profile cannot be compared: {why}.");
            }
        }
    }
}
