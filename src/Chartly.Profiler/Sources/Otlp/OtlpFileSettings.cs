using System.Collections.Generic;
using System.IO;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>The settings of an <c>otlp-file</c> source: its files and folders, relative ones resolved against the configuration's folder.</summary>
    internal sealed record OtlpFileSettings(IReadOnlyList<string> Paths)
    {
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

            return new OtlpFileSettings(paths);
        }
    }
}
