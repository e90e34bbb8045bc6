using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation.Host;
using Chartly.Profiler.Telemetry;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>The words of Write-Progress and -Verbose lines, and whether a person is there to watch.</summary>
    internal static class ProgressText
    {
        private static readonly Lazy<bool> NonInteractiveProcess = new(() => StartedNonInteractive(System.Environment.GetCommandLineArgs()));

        public static string Status(ProfileProgress p)
        {
            var items = $"{Math.Min(p.Completed + (p.IsComplete ? 0 : 1), p.Total)} of {p.Total} {p.Unit}";
            var bytes = p.BytesTotal > 0 ? $", {Bytes(p.BytesCompleted)} of {Bytes(p.BytesTotal)}" : string.Empty;
            return $"{p.Activity}: {items}{bytes}";
        }

        /// <summary>A Write-Progress activity id of its own per cmdlet, the same in every session (FNV-1a of the type name).</summary>
        public static int ActivityId(Type cmdlet)
        {
            var h = 2166136261u;
            foreach (var c in cmdlet.FullName ?? cmdlet.Name)
            {
                h = unchecked((h ^ c) * 16777619u);
            }

            return (int)(h & 0x7FFFFFFF);
        }

        public static string Bytes(long n)
        {
            if (n < 1024)
            {
                return n.ToString(CultureInfo.InvariantCulture) + " B";
            }

            var units = new[] { "KiB", "MiB", "GiB", "TiB" };
            var v = n / 1024.0;
            var i = 0;
            while (v >= 1024 && i < units.Length - 1)
            {
                v /= 1024;
                i++;
            }

            return v.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[i];
        }

        /// <summary>
        /// Progress is for a person at a prompt. PowerShell already hides it when output is redirected
        /// and when $ProgressPreference is SilentlyContinue; this also keeps it out of processes that
        /// are not interactive (services, pwsh -NonInteractive as CI and schedulers start it) and hosts
        /// without a UI.
        /// </summary>
        public static bool Interactive(PSHost? host)
        {
            if (!System.Environment.UserInteractive || NonInteractiveProcess.Value)
            {
                return false;
            }

            return host?.UI is not null;
        }

        /// <summary>
        /// True when pwsh / powershell.exe was started with -NonInteractive (any accepted spelling:
        /// -noni ... -NonInteractive, with -, -- or /). Only switches before -File / -Command count:
        /// what follows belongs to the script.
        /// </summary>
        public static bool StartedNonInteractive(IReadOnlyList<string> args)
        {
            foreach (var raw in args)
            {
                var a = raw ?? string.Empty;
                var name = a.StartsWith("--", StringComparison.Ordinal) ? a.Substring(2) : a.StartsWith("-", StringComparison.Ordinal) || a.StartsWith("/", StringComparison.Ordinal) ? a.Substring(1) : null;
                if (name is null || name.Length == 0)
                {
                    continue;
                }

                if (name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (IsPrefixOf(name, "file", 1) || IsPrefixOf(name, "command", 1) || IsPrefixOf(name, "encodedcommand", 1) || string.Equals(name, "ec", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            return false;
        }

        private static bool IsPrefixOf(string name, string full, int min) =>
            name.Length >= min && full.StartsWith(name, StringComparison.OrdinalIgnoreCase);
    }
}
