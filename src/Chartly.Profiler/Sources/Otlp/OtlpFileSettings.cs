using System;
using System.Collections.Generic;
using System.IO;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The settings of an <c>otlp-file</c> source: its files and folders, relative ones resolved
    /// against the configuration's folder, and <c>max-parallelism</c>, how many files are read at
    /// once (default: one per core), for machines shared with other work such as CI runners; the
    /// profile is the same whatever the value (docs/configuration.md). <c>pre-filter</c> (default
    /// true) turns the first pass's needle pre-filter and the plain-text reader off, to compare or to rule them out.
    /// </summary>
    internal sealed record OtlpFileSettings(IReadOnlyList<string> Paths, int? MaxParallelism = null, bool PreFilter = true)
    {
        public const string MaxParallelismKey = "max-parallelism";

        public const string PreFilterKey = "pre-filter";

        /// <summary>The largest value taken: more readers than this only contend for the disk.</summary>
        public const int MaxParallelismLimit = 256;

        public static OtlpFileSettings Parse(SourceEntry entry)
        {
            if (entry.Paths.Count == 0)
            {
                throw entry.Invalid("needs 'path' or 'paths'");
            }

            var paths = new List<string>(entry.Paths.Count);
            foreach (var p in entry.Paths)
            {
                paths.Add(Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(entry.BaseDirectory, p)));
            }

            return new OtlpFileSettings(paths, ParseMaxParallelism(entry.Settings, entry.Invalid), ParsePreFilter(entry.Settings, entry.Invalid));
        }

        private static bool ParsePreFilter(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            if (!settings.TryGetValue(PreFilterKey, out var text))
            {
                return true;
            }

            return text switch
            {
                "true" => true,
                "false" => false,
                _ => throw invalid($"'{PreFilterKey}' must be true or false; got '{Sanitize.ForMessage(text)}'"),
            };
        }

        private static int? ParseMaxParallelism(IReadOnlyDictionary<string, string> settings, Func<string, ProfilerException> invalid)
        {
            if (!settings.TryGetValue(MaxParallelismKey, out var text))
            {
                return null;
            }

            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxParallelismLimit)
            {
                throw invalid($"'{MaxParallelismKey}' must be a whole number from 1 to {MaxParallelismLimit}; got '{Sanitize.ForMessage(text)}'");
            }

            return n;
        }

        /// <summary>
        /// Two otlp-file sources of one environment are two readers: a file both reach would be
        /// read twice (doubled samples, duplicate spans). Overlaps by real path (a path equal to or
        /// inside another source's) are refused; within one source's <c>paths</c> the walk reads
        /// each file once.
        /// </summary>
        public static void CheckDisjoint(IReadOnlyList<OtlpFileSettings> sources, Func<string, ProfilerException> invalid)
        {
            var claimed = new List<(string Real, string Given, int Source)>();
            for (var s = 0; s < sources.Count; s++)
            {
                foreach (var p in sources[s].Paths)
                {
                    var real = InputFile.RealPath(p);
                    foreach (var (otherReal, otherGiven, other) in claimed)
                    {
                        if (other != s && (Within(real, otherReal) || Within(otherReal, real)))
                        {
                            throw invalid($"has two otlp-file sources that read the same files ('{Sanitize.ForMessage(otherGiven)}' and '{Sanitize.ForMessage(p)}'): list them in one source's 'paths', which reads each file once");
                        }
                    }

                    claimed.Add((real, p, s));
                }
            }
        }

        private static bool Within(string path, string folder) =>
            string.Equals(path, folder, StringComparison.Ordinal)
            || path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
