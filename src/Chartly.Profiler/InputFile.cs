using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Chartly.Profiler
{
    /// <summary>
    /// Opens what a user names (configuration, saved documents, telemetry) so that no name can make
    /// the tool wait or grow forever: only regular files are opened (a FIFO with no writer would
    /// block in open(2); a device never ends), and a whole-file read counts the bytes it reads
    /// instead of trusting the length a stream claims (0 for a device).
    /// </summary>
    internal static class InputFile
    {
        // The runtime's own portable stat (System.Native, present in every .NET Core/.NET runtime);
        // its FileStatus begins with Flags and Mode, and Mode's S_IFMT bits are the runtime's constants.
        private const int TypeMask = 0xF000;
        private const int RegularFile = 0x8000;
        private const int Directory = 0x4000;

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int SystemStat([MarshalAs(UnmanagedType.LPStr)] string path, byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_RealPath", SetLastError = true)]
        private static extern IntPtr SystemRealPath([MarshalAs(UnmanagedType.LPStr)] string path);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Free")]
        private static extern void SystemFree(IntPtr pointer);

        /// <summary>
        /// The path with every symbolic link resolved (realpath(3)), so two names of one file or
        /// folder compare equal; the full path where it cannot be resolved (Windows, .NET Framework,
        /// a dangling link).
        /// </summary>
        public static string RealPath(string path)
        {
            var full = Path.GetFullPath(path);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return full;
            }

            try
            {
                var resolved = SystemRealPath(full);
                if (resolved == IntPtr.Zero)
                {
                    return full;
                }

                try
                {
                    return Marshal.PtrToStringAnsi(resolved) ?? full;
                }
                finally
                {
                    SystemFree(resolved);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                return full;
            }
        }

        /// <summary>
        /// False only when the path is known to be neither a regular file nor a directory (a FIFO,
        /// a socket, a character or block device). Where the runtime cannot tell (Windows, .NET
        /// Framework), true: the byte caps still bound every read.
        /// </summary>
        public static bool IsRegularOrDirectory(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return true;
            }

            try
            {
                var status = new byte[512];
                if (SystemStat(path, status) != 0)
                {
                    return true;
                }

                var type = BitConverter.ToInt32(status, 4) & TypeMask;
                return type is RegularFile or Directory;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                return true;
            }
        }

        /// <summary>
        /// The whole text of a small file (UTF-8, BOM honoured), or <paramref name="tooLarge"/> as
        /// soon as more than <paramref name="maxBytes"/> bytes have been read.
        /// </summary>
        public static string ReadText(string path, long maxBytes, Func<ProfilerException> notAFile, Func<ProfilerException> tooLarge)
        {
            if (!IsRegularOrDirectory(path) || System.IO.Directory.Exists(path))
            {
                throw notAFile();
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var bytes = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (bytes.Length + n > maxBytes)
                {
                    throw tooLarge();
                }

                bytes.Write(buffer, 0, n);
            }

            bytes.Position = 0;
            using var reader = new StreamReader(bytes, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        /// <summary>
        /// True when the file's folder exists but may not be listed: File.Exists then says false
        /// for a file that may well be there, and the honest answer is a denial, not an absence.
        /// </summary>
        public static bool FolderDeniesSearch(string fullPath)
        {
            var dir = Path.GetDirectoryName(fullPath);
            if (dir is null || !System.IO.Directory.Exists(dir))
            {
                return false;
            }

            try
            {
                using var entries = System.IO.Directory.EnumerateFileSystemEntries(dir).GetEnumerator();
                entries.MoveNext();
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>"12 MiB", for messages.</summary>
        public static string Mib(long bytes) => (bytes / (1024 * 1024)).ToString(System.Globalization.CultureInfo.InvariantCulture) + " MiB";
    }
}
