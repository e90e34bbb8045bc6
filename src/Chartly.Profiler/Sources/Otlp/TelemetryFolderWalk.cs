using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// The telemetry files under a source's paths, each once: a file or folder is known by its real
    /// path (every symbolic link resolved), so a link loop (<c>ln -s . s1</c>), the same folder
    /// listed twice, a folder and a file in it, or two links to one file give each file once.
    /// Only regular files are read: a FIFO, socket or device named like telemetry would block or
    /// never end, and is counted as an unsupported file instead.
    /// </summary>
    internal sealed class TelemetryFolderWalk
    {
        private readonly HashSet<string> _folders = new(StringComparer.Ordinal);
        private readonly HashSet<string> _realFiles = new(StringComparer.Ordinal);
        private readonly List<string> _files = new();

        private TelemetryFolderWalk()
        {
        }

        /// <summary>The files to read, full paths in ordinal order.</summary>
        public IReadOnlyList<string> Files => _files;

        /// <summary>Names skipped because their real path was already seen (files and folders).</summary>
        public int Duplicates { get; private set; }

        /// <summary>Telemetry-named entries that are not regular files (FIFOs, sockets, devices): not opened.</summary>
        public int SpecialFiles { get; private set; }

        public static TelemetryFolderWalk Of(IReadOnlyList<string> paths, Func<string, bool> isTelemetryFile)
        {
            var walk = new TelemetryFolderWalk();
            foreach (var p in paths)
            {
                if (File.Exists(p))
                {
                    if (!InputFile.IsRegularOrDirectory(p))
                    {
                        throw ProfilerException.Precondition("TelemetryPathNotAFile", $"The telemetry path '{Sanitize.ForMessage(p)}' is not a regular file or folder (a device, FIFO or socket).");
                    }

                    walk.AddFile(Path.GetFullPath(p), InputFile.RealPath(p));
                }
                else if (Directory.Exists(p))
                {
                    walk.AddFolder(Path.GetFullPath(p), InputFile.RealPath(p), isTelemetryFile);
                }
                else
                {
                    throw ProfilerException.Precondition("TelemetryPathNotFound", $"The telemetry path '{Sanitize.ForMessage(p)}' does not exist.");
                }
            }

            walk._files.Sort(StringComparer.Ordinal);
            return walk;
        }

        private void AddFile(string path, string real)
        {
            if (_realFiles.Add(real))
            {
                _files.Add(path);
            }
            else
            {
                Duplicates++;
            }
        }

        private void AddFolder(string root, string realRoot, Func<string, bool> isTelemetryFile)
        {
            // Depth first, entries in ordinal order: which of two names of one file is kept does not depend on the OS's listing order.
            var pending = new Stack<(string Path, string Real)>();
            pending.Push((root, realRoot));
            while (pending.Count > 0)
            {
                var (dir, real) = pending.Pop();
                if (!_folders.Add(real))
                {
                    Duplicates++;
                    continue;
                }

                var subfolders = new List<(string Path, string Real)>();
                foreach (var entry in Entries(dir))
                {
                    var linked = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
                    var entryReal = linked ? InputFile.RealPath(entry.FullName) : Path.Combine(real, entry.Name);
                    if ((entry.Attributes & FileAttributes.Directory) != 0)
                    {
                        subfolders.Add((entry.FullName, entryReal));
                    }
                    else if (isTelemetryFile(entry.Name))
                    {
                        if (linked && Directory.Exists(entry.FullName))
                        {
                            subfolders.Add((entry.FullName, entryReal));
                        }
                        else if (!InputFile.IsRegularOrDirectory(entry.FullName))
                        {
                            SpecialFiles++;
                        }
                        else if (File.Exists(entry.FullName))
                        {
                            AddFile(entry.FullName, entryReal);
                        }
                    }
                    else if (linked && Directory.Exists(entry.FullName))
                    {
                        subfolders.Add((entry.FullName, entryReal));
                    }
                }

                for (var i = subfolders.Count - 1; i >= 0; i--)
                {
                    pending.Push(subfolders[i]);
                }
            }
        }

        private static List<FileSystemInfo> Entries(string dir)
        {
            try
            {
                return new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (UnauthorizedAccessException)
            {
                throw ProfilerException.Denied("TelemetryFolderAccessDenied", $"Permission denied listing the telemetry folder '{Sanitize.ForMessage(Path.GetFileName(dir))}'.");
            }
            catch (IOException e) when (e is not DirectoryNotFoundException)
            {
                throw ProfilerException.Precondition("TelemetryFolderUnreadable", $"The telemetry folder '{Sanitize.ForMessage(Path.GetFileName(dir))}' could not be listed: {e.GetType().Name}.");
            }
        }
    }
}
