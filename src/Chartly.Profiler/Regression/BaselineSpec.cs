using System;
using Chartly.Profiler.Targets;

namespace Chartly.Profiler.Regression
{
    public enum BaselineKind
    {
        /// <summary>A saved profile document (JSON or YAML path), or a profile object in hand.</summary>
        Profile,
        /// <summary><c>run:&lt;id&gt;</c>: another run of the same workflow / connector, or another operation.</summary>
        Run,
        /// <summary><c>version:&lt;v&gt;</c>: the same target restricted to roots of one <c>service.version</c>.</summary>
        Version,
        /// <summary><c>service:&lt;ns&gt;/&lt;name&gt;[@&lt;v&gt;]</c>: the same service in another namespace (a canary beside the stable one).</summary>
        Service,
    }

    /// <summary>
    /// What <c>--compare-to</c> / <c>-CompareTo</c> / <c>-Baseline</c> named, parsed without guessing
    /// (docs/regression.md): <c>run:&lt;id&gt;</c> and <c>version:&lt;v&gt;</c> (prefixes in any case),
    /// each optionally followed by <c>@&lt;start&gt;</c> or <c>@&lt;start&gt;/&lt;end&gt;</c> for a baseline
    /// window other than the current one; anything else is the path of a saved profile document.
    /// </summary>
    public sealed record BaselineSpec(BaselineKind Kind, string Value, string? WindowStart, string? WindowEnd)
    {
        public const string RunPrefix = "run:";
        public const string VersionPrefix = "version:";
        public const string ServicePrefix = "service:";

        public static BaselineSpec Parse(string? text)
        {
            if (text is null || text.Trim().Length == 0)
            {
                throw ProfilerException.Invalid("BaselineMissing", "The baseline is empty: give run:<id>, version:<v>, or the path of a saved profile (JSON or YAML).");
            }

            var t = text.Trim();
            BaselineKind kind;
            string rest;
            if (t.StartsWith(RunPrefix, StringComparison.OrdinalIgnoreCase))
            {
                kind = BaselineKind.Run;
                rest = t.Substring(RunPrefix.Length);
            }
            else if (t.StartsWith(VersionPrefix, StringComparison.OrdinalIgnoreCase))
            {
                kind = BaselineKind.Version;
                rest = t.Substring(VersionPrefix.Length);
            }
            else if (t.StartsWith(ServicePrefix, StringComparison.OrdinalIgnoreCase))
            {
                kind = BaselineKind.Service;
                rest = t.Substring(ServicePrefix.Length);
            }
            else
            {
                return new BaselineSpec(BaselineKind.Profile, t, null, null);
            }

            string? start = null, end = null;
            var at = rest.LastIndexOf('@');

            // A service baseline may carry a version qualifier (ns/name@2.3.1): only an instant after the last '@' is a window.
            if (at >= 0 && kind == BaselineKind.Service && !LooksLikeInstant(rest.Substring(at + 1)))
            {
                at = -1;
            }

            if (at >= 0)
            {
                var window = rest.Substring(at + 1);
                rest = rest.Substring(0, at);
                var slash = window.IndexOf('/');
                start = slash < 0 ? window : window.Substring(0, slash);
                end = slash < 0 ? null : window.Substring(slash + 1);

                // Validated now, so a typo fails before any telemetry is read.
                TimeWindow.ParseInstant(start, "baseline window start");
                if (end is not null)
                {
                    TimeWindow.ParseInstant(end, "baseline window end");
                }
            }

            var value = rest.Trim();
            var what = kind switch
            {
                BaselineKind.Run => "run id",
                BaselineKind.Service => "service",
                _ => "service version",
            };
            if (value.Length == 0)
            {
                var form = kind switch
                {
                    BaselineKind.Run => "run:<id>",
                    BaselineKind.Service => "service:<namespace>/<name>",
                    _ => "version:<v>",
                };
                throw ProfilerException.Invalid("InvalidBaseline", $"The baseline '{Sanitize.ForMessage(t)}' names no {what}: write {form}.");
            }

            if (value.Length > TargetSpec.MaxIdLength)
            {
                throw ProfilerException.Invalid("InvalidBaseline", $"The baseline {what} is longer than {TargetSpec.MaxIdLength} characters.");
            }

            foreach (var c in value)
            {
                if (char.IsControl(c))
                {
                    throw ProfilerException.Invalid("InvalidBaseline", $"The baseline {what} contains control characters.");
                }
            }

            return new BaselineSpec(kind, value, start, end);
        }

        public static string KindName(BaselineKind kind) => kind switch
        {
            BaselineKind.Run => "run",
            BaselineKind.Version => "version",
            BaselineKind.Service => "service",
            _ => "profile",
        };

        /// <summary>Whether the text after a '@' is meant as a baseline window start (an RFC 3339 date), not a version.</summary>
        private static bool LooksLikeInstant(string text)
        {
            var t = text.Trim();
            return t.Length >= 10 && char.IsDigit(t[0]) && t.IndexOf('T') > 0 && t[4] == '-';
        }

        /// <summary>
        /// The baseline's target for a service: baseline: the same service by name, in another
        /// namespace (or another version); a service of another name is not a baseline (exit 2).
        /// </summary>
        public TargetSpec ServiceTarget(TargetSpec current)
        {
            var spec = TargetSpec.Parse(TargetType.Service, Value);
            if (!string.Equals(spec.Name, current.Name, StringComparison.Ordinal))
            {
                throw ProfilerException.Invalid(
                    "BaselineServiceName",
                    $"The baseline service '{Sanitize.ForMessage(spec.Name)}' is not the current service '{Sanitize.ForMessage(current.Name)}': service:<namespace>/<name> compares the same service in another namespace (a canary with the stable one).");
            }

            return spec;
        }

        /// <summary>
        /// Fails fast (exit 2) when the baseline kind makes no sense for the target: run:&lt;id&gt; compares one
        /// run (or operation, or connector run) with another; version:&lt;v&gt; a target that has several roots.
        /// </summary>
        public void CheckApplicable(TargetSpec target)
        {
            var single = IsSingleRoot(target);
            var type = TargetTypes.ToName(target.Type);
            if (Kind == BaselineKind.Run && !single)
            {
                throw ProfilerException.Invalid(
                    "BaselineNotApplicable",
                    $"run:<id> compares one run with another, but a {type} target '{Sanitize.ForMessage(target.Id)}' covers every root in the window: use version:<v> or a saved profile as the baseline.");
            }

            if (Kind == BaselineKind.Service && target.Type != TargetType.Service)
            {
                throw ProfilerException.Invalid(
                    "BaselineNotApplicable",
                    $"service:<namespace>/<name> compares a service with the same service elsewhere, but the target is a {type}: use run:<id>, version:<v> or a saved profile as the baseline.");
            }

            if (Kind == BaselineKind.Version && single)
            {
                throw ProfilerException.Invalid(
                    "BaselineNotApplicable",
                    $"version:<v> compares a service, workflow or connector over a window, but a {type} target is a single root: use run:<id> or a saved profile as the baseline.");
            }
        }

        /// <summary>The baseline's target for a run: baseline: the same kind of target, another id.</summary>
        public TargetSpec RunTarget(TargetSpec current)
        {
            if (current.Type == TargetType.Connector)
            {
                var id = Value.IndexOf('/') >= 0 ? Value : current.Qualifier + "/" + Value;
                var spec = TargetSpec.Parse(TargetType.Connector, id);
                if (!string.Equals(spec.Qualifier, current.Qualifier, StringComparison.Ordinal))
                {
                    throw ProfilerException.Validation(
                        "BaselineTargetMismatch",
                        $"The baseline connector run '{Sanitize.ForMessage(spec.Id)}' belongs to connector '{Sanitize.ForMessage(spec.Qualifier)}', the current one to '{Sanitize.ForMessage(current.Qualifier)}': runs of different connectors are not compared.");
                }

                return spec;
            }

            return TargetSpec.Parse(current.Type, Value);
        }

        public static bool IsSingleRoot(TargetSpec target) =>
            target.Type is TargetType.Run or TargetType.Operation || (target.Type == TargetType.Connector && target.Name.Length > 0);

        public override string ToString()
        {
            var s = Kind switch
            {
                BaselineKind.Run => RunPrefix + Value,
                BaselineKind.Version => VersionPrefix + Value,
                BaselineKind.Service => ServicePrefix + Value,
                _ => Value,
            };
            if (WindowStart is not null)
            {
                s += "@" + WindowStart + (WindowEnd is null ? string.Empty : "/" + WindowEnd);
            }

            return s;
        }
    }
}
