using System;
using System.Collections.Generic;
using System.IO;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// Where a long read stands: files (or queries) done of the total, and bytes where a source
    /// knows them. Carries names of what is read, never what it holds. Raised on the thread that
    /// runs the profile, so a cmdlet may turn it straight into Write-Progress.
    /// </summary>
    public sealed record ProfileProgress(
        string Source,
        string Activity,
        string Unit,
        int Completed,
        int Total,
        long BytesCompleted,
        long BytesTotal,
        string? Current,
        bool WithinFile = false)
    {
        /// <summary>0 to 100, by bytes when known (a big file weighs more than a small one), else by items.</summary>
        public int PercentComplete
        {
            get
            {
                if (BytesTotal > 0)
                {
                    return (int)Math.Min(100, BytesCompleted * 100 / BytesTotal);
                }

                return Total > 0 ? Math.Min(100, Completed * 100 / Total) : 0;
            }
        }

        public bool IsComplete => Completed >= Total;
    }

    /// <summary>A source that can say how far its reads have come; the engine hands it its callback.</summary>
    public interface IProgressSource
    {
        Action<ProfileProgress>? Progress { get; set; }
    }

    /// <summary>
    /// Counts a file source's files and bytes as they are read. Sizes are looked up once per pass,
    /// so a file a collector is still writing counts with the size it had then.
    /// </summary>
    internal sealed class FileProgressCounter
    {
        private readonly Action<ProfileProgress> _report;
        private readonly string _source;
        private readonly string _activity;
        private readonly IReadOnlyList<string> _files;
        private readonly long[] _sizes;
        private readonly long _total;
        private int _index = -1;
        private long _done;

        public FileProgressCounter(Action<ProfileProgress> report, string source, string activity, IReadOnlyList<string> files)
        {
            _report = report;
            _source = source;
            _activity = activity;
            _files = files;
            _sizes = new long[files.Count];
            for (var i = 0; i < files.Count; i++)
            {
                try
                {
                    _sizes[i] = new FileInfo(files[i]).Length;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _sizes[i] = 0; // the read itself reports the problem, with its own error id
                }

                _total += _sizes[i];
            }
        }

        /// <summary>Before reading <paramref name="file"/>: everything before it is done.</summary>
        public void Next(string file)
        {
            if (_index >= 0)
            {
                _done += _sizes[_index];
            }

            _index++;
            _report(new ProfileProgress(_source, _activity, "files", _index, _files.Count, _done, _total, file));
        }

        /// <summary>While <paramref name="file"/> (announced already) is read: <paramref name="bytes"/> of it done.</summary>
        public void Within(int index, long bytes)
        {
            long before = 0;
            for (var i = 0; i < index; i++)
            {
                before += _sizes[i];
            }

            _report(new ProfileProgress(_source, _activity, "files", index, _files.Count, before + Math.Min(bytes, _sizes[index]), _total, _files[index], WithinFile: true));
        }

        public void Done() => _report(new ProfileProgress(_source, _activity, "files", _files.Count, _files.Count, _total, _total, null));
    }
}
