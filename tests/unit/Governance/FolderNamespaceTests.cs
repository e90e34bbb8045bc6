using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Folder = namespace (docs/development.md): a reader who knows a type's namespace knows where
    /// its file is. Every C# file's namespace is its project's root namespace plus the folders
    /// between the project and the file.
    /// </summary>
    public sealed class FolderNamespaceTests
    {
        // Project folder (relative to the repository) -> its root namespace.
        private static readonly (string Folder, string Root)[] Projects =
        {
            ("src/Chartly.Profiler", "Chartly.Profiler"),
            ("src/Chartly.Profiler.Cmdlets", "Chartly.Profiler.Cmdlets"),
            ("src/Chartly.Tool", "Chartly.Tool"),
            ("tests/unit", "Chartly.Profiler.Tests"),
            ("bench/Chartly.Profiler.Bench", "Chartly.Profiler.Bench"),
            ("tools/TelemetryGen", "Chartly.TelemetryGen"),
        };

        // Files that must declare a framework namespace (compiler polyfills for netstandard2.0).
        private static readonly HashSet<string> FrameworkNamespaces = new(StringComparer.Ordinal)
        {
            "src/Chartly.Profiler/Polyfills.cs",
        };

        private static readonly Regex NamespaceLine = new(@"^namespace\s+([\w.]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        [Fact]
        public void EveryFileDeclaresTheNamespaceOfItsFolder()
        {
            var wrong = new List<string>();
            var checkedFiles = 0;
            foreach (var (folder, root) in Projects)
            {
                var dir = Path.Combine(Repo.Root, folder);
                if (!Directory.Exists(dir))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
                {
                    var rel = Path.GetRelativePath(Repo.Root, file).Replace('\\', '/');
                    var inProject = Path.GetRelativePath(dir, Path.GetDirectoryName(file)!).Replace('\\', '/');
                    if (inProject.Split('/').Any(p => p is "bin" or "obj") || FrameworkNamespaces.Contains(rel))
                    {
                        continue;
                    }

                    var expected = inProject == "." ? root : root + "." + inProject.Replace('/', '.');
                    var declared = NamespaceLine.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Distinct().ToList();
                    checkedFiles++;
                    if (declared.Count != 1 || declared[0] != expected)
                    {
                        wrong.Add(rel + ": declares " + (declared.Count == 0 ? "no namespace" : string.Join(", ", declared)) + ", folder says " + expected);
                    }
                }
            }

            Assert.True(checkedFiles > 100, "too few files found: " + checkedFiles);
            Assert.Empty(wrong);
        }
    }
}
