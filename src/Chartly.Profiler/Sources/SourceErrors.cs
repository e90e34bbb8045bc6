using System.Globalization;

namespace Chartly.Profiler.Sources
{
    /// <summary>
    /// The errors a remote telemetry source raises, in the contract's terms. Every id starts with
    /// "Source" so the cmdlets map a precondition failure onto ResourceUnavailable (exit 3). A
    /// message names the source and the HTTP status or error code, never a token, a query result
    /// or a response body.
    /// </summary>
    internal static class SourceErrors
    {
        /// <summary>Exit 3: the source could not be reached (DNS, connection refused, TLS).</summary>
        public static ProfilerException Unreachable(string source, string why) =>
            ProfilerException.Precondition("SourceUnavailable", $"The telemetry source {source} could not be reached: {why}.");

        /// <summary>Exit 3: every attempt timed out.</summary>
        public static ProfilerException Timeout(string source, int attempts, double seconds) =>
            ProfilerException.Precondition(
                "SourceTimeout",
                $"The telemetry source {source} did not answer within {seconds.ToString("0.###", CultureInfo.InvariantCulture)} s ({Attempts(attempts)}).");

        /// <summary>Exit 3: the source's requests of this profile, retries and waits included, ran past its 'deadline'.</summary>
        public static ProfilerException DeadlineReached(string source, int attempts, System.TimeSpan deadline) =>
            ProfilerException.Precondition(
                "SourceTimeout",
                $"The telemetry source {source} did not finish within its deadline of {SettingsReader.Format(deadline)} for one profile ({Attempts(attempts)} of the last query); raise 'deadline' in its settings if the server is only slow.");

        /// <summary>Exit 3: still 429 or 5xx after the bounded retries.</summary>
        public static ProfilerException GaveUp(string source, int status, int attempts, System.TimeSpan? longWait = null, System.TimeSpan? maxWait = null) =>
            ProfilerException.Precondition(
                status == 429 ? "SourceThrottled" : "SourceServerError",
                longWait is { } w && maxWait is { } m && w > m
                    ? $"The telemetry source {source} answered HTTP {status.ToString(CultureInfo.InvariantCulture)} and asked to wait {((long)w.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s, longer than the {((long)m.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s a profile waits ({Attempts(attempts)})."
                    : $"The telemetry source {source} answered HTTP {status.ToString(CultureInfo.InvariantCulture)}{(status == 429 ? " (too many requests)" : string.Empty)} and still did after {Attempts(attempts)}.");

        /// <summary>Exit 3: the backend refused the query itself (unknown table, bad syntax, limits).</summary>
        public static ProfilerException QueryRejected(string source, int status, string? code, string? detail) =>
            ProfilerException.Precondition(
                "SourceQueryRejected",
                $"The telemetry source {source} rejected the query with HTTP {status.ToString(CultureInfo.InvariantCulture)}{Code(code)}{(string.IsNullOrEmpty(detail) ? string.Empty : ": " + Sanitize.ForMessage(detail))}.");

        /// <summary>
        /// Exit 3: the backend cut an answer at its row or size limit where a smaller question
        /// cannot be asked (pass 1, or one trace alone); a profile from part of the rows would be
        /// quietly wrong, so there is none.
        /// </summary>
        public static ProfilerException Truncated(string source, string what, string narrow) =>
            ProfilerException.Precondition(
                "SourceResultTruncated",
                $"The telemetry source {source} truncated its answer for {what} at its row or size limit, so the profile would be incomplete: {narrow}.");

        /// <summary>Exit 3: an answer with errors where part of it would make a wrong figure, not a smaller one (the root statistics).</summary>
        public static ProfilerException Partial(string source, string what) =>
            ProfilerException.Precondition(
                "SourcePartialResult",
                $"The telemetry source {source} answered {what} with errors (a partial result), and figures over part of the data would be wrong: try again, or narrow the window (--start/--end).");

        /// <summary>Exit 5: 401 or 403. Never retried.</summary>
        public static ProfilerException Denied(string source, int status, string? code) =>
            ProfilerException.Denied(
                status == 401 ? "SourceUnauthenticated" : "SourceAccessDenied",
                status == 401
                    ? $"The telemetry source {source} refused the credential (HTTP 401{CodeInside(code)}): the token is missing, expired or for another audience."
                    : $"The telemetry source {source} denied access (HTTP 403{CodeInside(code)}): the identity lacks read permission on it.");

        /// <summary>Exit 5: no credential could be obtained for the source.</summary>
        public static ProfilerException CredentialUnavailable(string source, string why) =>
            ProfilerException.Denied("SourceCredentialUnavailable", $"No credential for the telemetry source {source} could be obtained: {why}.");

        /// <summary>Exit 4: the answer does not have the documented shape.</summary>
        public static ProfilerException Malformed(string source, string why) =>
            ProfilerException.Validation("SourceMalformedResponse", $"The telemetry source {source} sent an answer that does not have the documented shape: {why}.");

        /// <summary>Exit 5: the read-only guard refused a request before it was sent.</summary>
        public static ProfilerException ReadOnlyViolation(string source, string method, string path) =>
            ProfilerException.Denied(
                "SourceReadOnlyViolation",
                $"Refused to send {Sanitize.ForMessage(method)} {Sanitize.ForMessage(path)} to the telemetry source {source}: the profiler only sends the source's query calls.");

        private static string Attempts(int n) => n == 1 ? "1 attempt" : n.ToString(CultureInfo.InvariantCulture) + " attempts";

        private static string Code(string? code) => string.IsNullOrEmpty(code) ? string.Empty : " (" + Sanitize.ForMessage(code) + ")";

        private static string CodeInside(string? code) => string.IsNullOrEmpty(code) ? string.Empty : " " + Sanitize.ForMessage(code);
    }
}
