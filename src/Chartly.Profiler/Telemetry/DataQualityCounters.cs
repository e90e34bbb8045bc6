using System.Threading;

namespace Chartly.Profiler.Telemetry
{
    /// <summary>
    /// Running counts of what the reader and the analysis had to forgive. Thread-safe adds, so
    /// parallel readers can share one instance; the profile takes an immutable snapshot.
    /// </summary>
    public sealed class DataQualityCounters
    {
        private long _filesRead;
        private long _bytesRead;
        private long _recordsRead;
        private long _malformedRecords;
        private long _unsupportedFiles;
        private long _invalidSpans;
        private long _spansRead;
        private long _metricRecords;
        private long _duplicateSpans;
        private long _orphanSpans;
        private long _clippedSpans;
        private long _spansOutsideParent;
        private long _overlapsTolerated;
        private long _nonBlockingSubtrees;
        private long _cycles;
        private long _rootsWithoutEnvironment;
        private long _sourcePartialErrors;

        public long FilesRead => Volatile.Read(ref _filesRead);
        public long BytesRead => Volatile.Read(ref _bytesRead);
        public long RecordsRead => Volatile.Read(ref _recordsRead);
        public long MalformedRecords => Volatile.Read(ref _malformedRecords);
        public long UnsupportedFiles => Volatile.Read(ref _unsupportedFiles);
        public long InvalidSpans => Volatile.Read(ref _invalidSpans);
        public long SpansRead => Volatile.Read(ref _spansRead);
        public long MetricRecords => Volatile.Read(ref _metricRecords);
        public long DuplicateSpans => Volatile.Read(ref _duplicateSpans);
        public long OrphanSpans => Volatile.Read(ref _orphanSpans);
        public long ClippedSpans => Volatile.Read(ref _clippedSpans);
        public long SpansOutsideParent => Volatile.Read(ref _spansOutsideParent);
        public long OverlapsTolerated => Volatile.Read(ref _overlapsTolerated);
        public long NonBlockingSubtrees => Volatile.Read(ref _nonBlockingSubtrees);
        public long Cycles => Volatile.Read(ref _cycles);
        public long RootsWithoutEnvironment => Volatile.Read(ref _rootsWithoutEnvironment);
        public long SourcePartialErrors => Volatile.Read(ref _sourcePartialErrors);

        /// <summary>Adds another set of counts (a file read on another thread) to these.</summary>
        public void Add(DataQualityCounters o)
        {
            Interlocked.Add(ref _filesRead, o.FilesRead);
            Interlocked.Add(ref _bytesRead, o.BytesRead);
            Interlocked.Add(ref _recordsRead, o.RecordsRead);
            Interlocked.Add(ref _malformedRecords, o.MalformedRecords);
            Interlocked.Add(ref _unsupportedFiles, o.UnsupportedFiles);
            Interlocked.Add(ref _invalidSpans, o.InvalidSpans);
            Interlocked.Add(ref _spansRead, o.SpansRead);
            Interlocked.Add(ref _metricRecords, o.MetricRecords);
            Interlocked.Add(ref _duplicateSpans, o.DuplicateSpans);
            Interlocked.Add(ref _orphanSpans, o.OrphanSpans);
            Interlocked.Add(ref _clippedSpans, o.ClippedSpans);
            Interlocked.Add(ref _spansOutsideParent, o.SpansOutsideParent);
            Interlocked.Add(ref _overlapsTolerated, o.OverlapsTolerated);
            Interlocked.Add(ref _nonBlockingSubtrees, o.NonBlockingSubtrees);
            Interlocked.Add(ref _cycles, o.Cycles);
            Interlocked.Add(ref _rootsWithoutEnvironment, o.RootsWithoutEnvironment);
            Interlocked.Add(ref _sourcePartialErrors, o.SourcePartialErrors);
        }

        public void AddFile(long bytes) { Interlocked.Increment(ref _filesRead); Interlocked.Add(ref _bytesRead, bytes); }
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public void AddRecords(long n) => Interlocked.Add(ref _recordsRead, n);
        public void AddMalformedRecord() => Interlocked.Increment(ref _malformedRecords);
        public void AddUnsupportedFile() => Interlocked.Increment(ref _unsupportedFiles);
        public void AddInvalidSpans(long n) => Interlocked.Add(ref _invalidSpans, n);
        public void AddSpansRead(long n) => Interlocked.Add(ref _spansRead, n);
        public void AddMetricRecords(long n) => Interlocked.Add(ref _metricRecords, n);
        public void AddDuplicateSpan() => Interlocked.Increment(ref _duplicateSpans);
        public void AddOrphanSpans(long n) => Interlocked.Add(ref _orphanSpans, n);
        public void AddClippedSpans(long n) => Interlocked.Add(ref _clippedSpans, n);
        public void AddSpansOutsideParent(long n) => Interlocked.Add(ref _spansOutsideParent, n);
        public void AddOverlapsTolerated(long n) => Interlocked.Add(ref _overlapsTolerated, n);
        public void AddNonBlockingSubtrees(long n) => Interlocked.Add(ref _nonBlockingSubtrees, n);
        public void AddCycles(long n) => Interlocked.Add(ref _cycles, n);
        public void AddRootsWithoutEnvironment(long n) => Interlocked.Add(ref _rootsWithoutEnvironment, n);
        public void AddSourcePartialErrors(long n) => Interlocked.Add(ref _sourcePartialErrors, n);
    }
}
