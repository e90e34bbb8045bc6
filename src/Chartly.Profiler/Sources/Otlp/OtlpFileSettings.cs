using System;
using System.Collections.Generic;
using System.Globalization;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The otlp-file source's own settings. <c>max-parallelism</c> bounds how many files are read at
    /// once (default: one per core), for machines shared with other work such as CI runners; the
    /// profile is the same whatever the value (docs/configuration.md).
    /// </summary>
    internal static class OtlpFileSettings
    {
        public const string MaxParallelismKey = "max-parallelism";

        /// <summary>The largest value taken: more readers than this only contend for the disk.</summary>
        public const int MaxParallelismLimit = 256;

        /// <summary>The setting's value, null when absent; <paramref name="invalid"/> explains a bad one.</summary>
        public static int? MaxParallelism(IReadOnlyDictionary<string, string> settings, Func<string, Exception> invalid)
        {
            if (!settings.TryGetValue(MaxParallelismKey, out var text))
            {
                return null;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxParallelismLimit)
            {
                throw invalid($"'{MaxParallelismKey}' must be a whole number from 1 to {MaxParallelismLimit}; got '{Sanitize.ForMessage(text)}'");
            }

            return n;
        }
    }
}
