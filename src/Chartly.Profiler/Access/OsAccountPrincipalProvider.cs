using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// The operating-system account the profiler runs as: the identity that reads file sources.
    /// Names: the account name (and <c>DOMAIN\name</c> on Windows). Groups: on Unix, the primary
    /// group and the supplementary groups listed in <c>/etc/group</c> (directory groups served by
    /// NSS/SSSD only are not seen: name such principals directly); on Windows, none.
    /// </summary>
    public sealed class OsAccountPrincipalProvider : IPrincipalProvider
    {
        private readonly Func<string> _userName;
        private readonly string _passwdPath;
        private readonly string _groupPath;

        public OsAccountPrincipalProvider()
            : this(() => Environment.UserName, "/etc/passwd", "/etc/group")
        {
        }

        /// <summary>For tests: another account name and other account databases.</summary>
        public OsAccountPrincipalProvider(Func<string> userName, string passwdPath, string groupPath)
        {
            _userName = userName;
            _passwdPath = passwdPath;
            _groupPath = groupPath;
        }

        public string Source => AccessPolicy.IdentityOsAccount;

        public Principal GetPrincipal(CancellationToken cancellation)
        {
            string user;
            try
            {
                user = _userName();
            }
            catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException)
            {
                user = string.Empty;
            }

            if (string.IsNullOrEmpty(user))
            {
                throw ProfilerException.Denied("IdentityUnavailable", "The identity of the operating-system account could not be determined, so the access policy cannot be checked.");
            }

            var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            var names = new List<string> { user };
            if (windows && Environment.UserDomainName is { Length: > 0 } domain)
            {
                names.Add(domain + "\\" + user);
            }

            var groups = windows ? new List<string>() : UnixGroups(user);
            return new Principal(Source, names, groups, Array.Empty<string>(), ignoreCase: windows);
        }

        /// <summary>The primary group (from passwd) and every group of /etc/group that lists the user.</summary>
        private List<string> UnixGroups(string user)
        {
            var groups = new List<string>();
            var groupLines = ReadLines(_groupPath);
            string? primaryGid = null;
            foreach (var line in ReadLines(_passwdPath))
            {
                var f = line.Split(':');
                if (f.Length >= 4 && string.Equals(f[0], user, StringComparison.Ordinal))
                {
                    primaryGid = f[3];
                    break;
                }
            }

            foreach (var line in groupLines)
            {
                var f = line.Split(':');
                if (f.Length < 4 || f[0].Length == 0)
                {
                    continue;
                }

                var members = f[3].Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(m => m.Trim());
                if (string.Equals(f[2], primaryGid, StringComparison.Ordinal) || members.Contains(user, StringComparer.Ordinal))
                {
                    groups.Add(f[0]);
                }
            }

            return groups.Distinct(StringComparer.Ordinal).OrderBy(g => g, StringComparer.Ordinal).ToList();
        }

        private static IEnumerable<string> ReadLines(string path)
        {
            try
            {
                // Account databases are small; read-only and shared like every file the profiler opens.
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var lines = new List<string>();
                string? line;
                while ((line = reader.ReadLine()) is not null && lines.Count < 100_000)
                {
                    if (line.Length > 0 && line[0] != '#')
                    {
                        lines.Add(line);
                    }
                }

                return lines;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No readable account database: the account has its name and no groups.
                return Array.Empty<string>();
            }
        }
    }
}
