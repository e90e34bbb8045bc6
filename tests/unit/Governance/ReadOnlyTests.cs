using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// Contract, "Safety rules (hard)": the profiler is read-only. Proven three ways: a full
    /// profile over a read-only telemetry folder changes nothing in it (content, sizes, times,
    /// modes, inodes, listing); the engine assembly references no API that writes files or sends
    /// a write verb; and no source file uses one outside the documented allowlist.
    /// </summary>
    public class ReadOnlyTests
    {
        /// <summary>
        /// Where the product may write, and what: the HTML report writer creates (or, with -Force,
        /// replaces) the one file the user named with -Path, and removes it again only if it created it
        /// and the write failed. Nothing else in src/ may write (docs/security.md).
        /// </summary>
        public static IReadOnlyDictionary<string, string[]> Allowlist { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["src/Chartly.Profiler.Cmdlets/ExportChartlyProfileReportCommand.cs"] = new[] { "FileMode.Create", "FileMode.CreateNew", "FileAccess.Write", "File.Delete" },
        };

        private static readonly Regex Forbidden = new(
            @"FileMode\.(Create|CreateNew|Append|Truncate|OpenOrCreate)\b" +
            @"|FileAccess\.(Write|ReadWrite)\b" +
            @"|\bFile\.(Write\w*|Append\w*|Create\w*|Delete|Move|Copy|Replace|OpenWrite|Set\w+|Encrypt|Decrypt)(?=\s*\()" +
            @"|\bDirectory\.(Delete|Move|CreateDirectory|Set\w+)(?=\s*\()" +
            @"|\.(MoveTo|CreateSubdirectory|CreateText|AppendText|OpenWrite|Encrypt|Decrypt)(?=\s*\()" +
            @"|HttpMethod\.(Put|Delete|Patch)\b|RequestMethod\.(Put|Delete|Patch)\b|\b(Put|Delete|Patch|Send)Async(?=\s*\()(?<!SendAsync)" +
            @"|""(PUT|DELETE|PATCH)""" +
            @"|Process\.Start(?=\s*\()" +
            @"|Environment\.SetEnvironmentVariable",
            RegexOptions.CultureInvariant);

        [Fact]
        public void NoSourceFileUsesAWritingApiOutsideTheAllowlist()
        {
            var src = Path.Combine(Repo.Root, "src");
            var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                         && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            Assert.True(files.Count > 40, "the scan sees the sources: " + files.Count);

            var found = new List<string>();
            var allowedSeen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var rel = Path.GetRelativePath(Repo.Root, file).Replace('\\', '/');
                Allowlist.TryGetValue(rel, out var allowed);
                var lineNo = 0;
                foreach (var raw in File.ReadLines(file))
                {
                    lineNo++;
                    var line = StripComment(raw);
                    foreach (Match m in Forbidden.Matches(line))
                    {
                        if (allowed is not null && allowed.Contains(m.Value, StringComparer.Ordinal))
                        {
                            allowedSeen.Add(rel + " " + m.Value);
                            continue;
                        }

                        found.Add($"{rel}:{lineNo}: {m.Value}");
                    }
                }
            }

            Assert.Empty(found);

            // The allowlist is not stale: each entry is still needed, or it must go.
            foreach (var (file, apis) in Allowlist)
            {
                if (File.Exists(Path.Combine(Repo.Root, file)))
                {
                    Assert.All(apis, a => Assert.Contains(file + " " + a, allowedSeen));
                }
            }
        }

        [Fact]
        public void TheScanWouldCatchAWrite()
        {
            // Guards the regex itself.
            foreach (var bad in new[]
            {
                "new FileStream(p, FileMode.Append, FileAccess.Write)", "File.WriteAllText(p, s);", "File.Delete (p);", "Directory.Delete(p, true);",
                "new FileInfo(p).MoveTo(q)", "HttpMethod.Put", "RequestMethod.Delete", "client.PatchAsync(u, c)", "RequestMethod.Parse(\"PUT\")",
                "Process.Start(\"sh\")", "FileMode.Truncate", "File.AppendAllLines(p, l)", "File.SetLastWriteTimeUtc(p, t)",
            })
            {
                Assert.Matches(Forbidden, bad);
            }

            foreach (var fine in new[] { "new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)", "File.Exists(p)", "File.ReadAllText(p)", "Directory.EnumerateFiles(p)", "pipeline.SendAsync(message, ct)", "RequestMethod.Post" })
            {
                Assert.DoesNotMatch(Forbidden, fine);
            }
        }

        /// <summary>Member references of an assembly as "Namespace.Type::Member", and its user strings.</summary>
        private static (List<string> Members, List<string> Strings) Metadata(string path)
        {
            using var pe = new PEReader(File.OpenRead(path));
            var md = pe.GetMetadataReader();
            var members = new List<string>();
            foreach (var h in md.MemberReferences)
            {
                var m = md.GetMemberReference(h);
                var name = md.GetString(m.Name);
                string? type = null;
                if (m.Parent.Kind == HandleKind.TypeReference)
                {
                    var t = md.GetTypeReference((TypeReferenceHandle)m.Parent);
                    type = md.GetString(t.Namespace) + "." + md.GetString(t.Name);
                }

                if (type is not null)
                {
                    members.Add(type + "::" + name);
                }
            }

            var strings = new List<string>();
            var handle = MetadataTokens.UserStringHandle(1);
            while (!handle.IsNil)
            {
                strings.Add(md.GetUserString(handle));
                handle = md.GetNextHandle(handle);
            }

            return (members, strings);
        }

        private static readonly Regex ForbiddenMember = new(
            @"^System\.IO\.File::(Write|Append|Create|Delete|Move|Copy|Replace|OpenWrite|Set|Encrypt|Decrypt)" +
            @"|^System\.IO\.Directory::(Delete|Move|CreateDirectory|Set)" +
            @"|^System\.IO\.(FileInfo|DirectoryInfo|FileSystemInfo)::(Delete|MoveTo|CopyTo|Create|CreateText|CreateSubdirectory|AppendText|OpenWrite|Replace|Encrypt|Decrypt|set_)" +
            @"|^System\.Net\.Http\.HttpMethod::get_(Put|Delete|Patch)$" +
            @"|^System\.Net\.Http\.HttpClient::(Put|Delete|Patch)Async$" +
            @"|^Azure\.Core\.RequestMethod::get_(Put|Delete|Patch)$" +
            @"|^System\.Net\.WebClient::" +
            @"|^System\.Diagnostics\.Process::Start$",
            RegexOptions.CultureInvariant);

        [Theory]
        [InlineData("engine")]
        [InlineData("cmdlets")]
        [InlineData("tool")]
        public void TheAssembliesReferenceNoWritingApi(string which)
        {
            var assembly = which switch
            {
                "engine" => typeof(ProfileEngine).Assembly,
                "tool" => typeof(Chartly.Tool.ToolApp).Assembly,
                _ => typeof(Chartly.Profiler.Cmdlets.GetChartlyProfileCommand).Assembly,
            };
            var (members, strings) = Metadata(assembly.Location);
            Assert.Contains(which == "tool" ? "System.Console::OpenStandardOutput" : "System.IO.FileStream::.ctor", members);

            // The report writer's cleanup of a file it created itself is the one write the cmdlets may reference.
            var allowed = which == "cmdlets" ? new[] { "System.IO.File::Delete" } : Array.Empty<string>();
            Assert.Empty(members.Where(m => ForbiddenMember.IsMatch(m) && !allowed.Contains(m)).Distinct().OrderBy(m => m, StringComparer.Ordinal));
            Assert.DoesNotContain(strings, s => s is "PUT" or "DELETE" or "PATCH");
        }

        private static string StripComment(string line)
        {
            var t = line.TrimStart();
            if (t.StartsWith("//", StringComparison.Ordinal) || t.StartsWith("*", StringComparison.Ordinal))
            {
                return string.Empty;
            }

            var i = line.IndexOf(" // ", StringComparison.Ordinal);
            return i >= 0 && line.IndexOf('"') < 0 ? line.Substring(0, i) : line;
        }

        /// <summary>Everything observable about a tree: per entry its kind, size, hash, times, mode and inode.</summary>
        private static SortedDictionary<string, string> Snapshot(string root)
        {
            var snap = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root))
            {
                var d = new DirectoryInfo(dir);
                snap["d " + Path.GetRelativePath(root, dir)] = $"{d.LastWriteTimeUtc.Ticks} {(OperatingSystem.IsWindows() ? string.Empty : File.GetUnixFileMode(dir).ToString())} [{string.Join(",", Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal))}]";
            }

            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var f = new FileInfo(file);
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var hash = Convert.ToHexString(SHA256.HashData(stream));
                snap["f " + Path.GetRelativePath(root, file)] = $"{f.Length} {hash} {f.LastWriteTimeUtc.Ticks} {f.CreationTimeUtc.Ticks} {(OperatingSystem.IsWindows() ? string.Empty : File.GetUnixFileMode(file).ToString())}";
            }

            // stat(1) adds what .NET does not show: inode, link count, change time (ctime) in nanoseconds.
            if (!OperatingSystem.IsWindows() && File.Exists("/usr/bin/stat"))
            {
                var psi = new ProcessStartInfo("/usr/bin/stat") { RedirectStandardOutput = true, UseShellExecute = false };
                psi.ArgumentList.Add("--format=%n|%s|%i|%h|%a|%y|%z");
                foreach (var e in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Append(root).OrderBy(e => e, StringComparer.Ordinal))
                {
                    psi.ArgumentList.Add(e);
                }

                using var p = System.Diagnostics.Process.Start(psi)!;
                var output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
                snap["stat"] = output;
            }

            return snap;
        }

        private static void SetWritable(string root, bool writable)
        {
            if (OperatingSystem.IsWindows())
            {
                foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(f, writable ? FileAttributes.Normal : FileAttributes.ReadOnly);
                }

                return;
            }

            const UnixFileMode write = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
            foreach (var e in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Append(root))
            {
                var mode = File.GetUnixFileMode(e);
                File.SetUnixFileMode(e, writable ? mode | UnixFileMode.UserWrite : mode & ~write);
            }
        }

        [Fact]
        public void AFullProfileOfAReadOnlyFolderChangesNothingInIt()
        {
            using var t = new TempTelemetry();
            var samples = Path.Combine(Repo.Root, "samples", "telemetry");
            foreach (var f in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(t.TelemetryDir, Path.GetRelativePath(samples, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to);
            }

            HostileCorpus.Write(Path.Combine(t.TelemetryDir, "hostile"));

            // chmod -R a-w, then the snapshot (so the chmod's own ctime change is not what is compared).
            SetWritable(t.Root, writable: false);
            try
            {
                var before = Snapshot(t.Root);
                var config = ConfigLoader.Load(t.ConfigPath);
                var engine = new ProfileEngine();
                foreach (var (type, id) in new[] { ("run", "run-1004"), ("workflow", "wf-daily-report"), ("service", "analytics-blue/chartly-analytics"), ("operation", "op-7f3a"), ("connector", "conn-salesforce"), ("run", "run-h1") })
                {
                    var request = Run.Request(type, id);
                    var profile = engine.Run(request, config);
                    foreach (var format in new[] { DocumentFormat.Json, DocumentFormat.Yaml, DocumentFormat.Text })
                    {
                        Assert.NotEmpty(ProfileDocument.Write(profile, format));
                    }

                    Assert.NotEmpty(engine.Plan(request, config).Sources);
                }

                Assert.Equal("TargetAmbiguous", Run.Fails(() => engine.Run(Run.Request("run", "run-dup-1"), config)).ErrorId);
                var after = Snapshot(t.Root);
                Assert.Equal(before.Keys, after.Keys);
                foreach (var k in before.Keys)
                {
                    Assert.True(before[k] == after[k], $"{k} changed:\n{before[k]}\n{after[k]}");
                }

                Assert.True(before.Count > 8, "the snapshot saw the tree");
            }
            finally
            {
                SetWritable(t.Root, writable: true);
            }
        }
    }
}
