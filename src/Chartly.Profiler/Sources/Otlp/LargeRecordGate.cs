using System;
using System.Buffers;
using System.Threading;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// How many readers of one parallel read may hold a buffer for a large record at once. Records
    /// are normally kilobytes; a file of single lines of hundreds of megabytes, read on every core,
    /// would otherwise need one such buffer per core (memory growing with the core count, not with
    /// the data). A reader that needs a large buffer waits for a slot and keeps it until its file is
    /// done; large buffers are not pooled, so the memory goes back when the file does.
    /// </summary>
    internal sealed class LargeRecordGate : IDisposable
    {
        /// <summary>Buffers up to this size come from the shared pool and need no slot.</summary>
        public const int PooledLimit = 8 * 1024 * 1024;

        /// <summary>Slots of a parallel read: two large records in memory at most, whatever the core count.</summary>
        public const int DefaultSlots = 2;

        private readonly SemaphoreSlim _slots;

        public LargeRecordGate(int slots = DefaultSlots) => _slots = new SemaphoreSlim(slots, slots);

        public void Enter(CancellationToken cancellation) => _slots.Wait(cancellation);

        public void Exit() => _slots.Release();

        public void Dispose() => _slots.Dispose();
    }

    /// <summary>One reader's record buffer: pooled while small, its own (behind the gate) when large.</summary>
    internal struct RecordBuffer
    {
        private readonly LargeRecordGate? _gate;
        private bool _holding;

        public RecordBuffer(LargeRecordGate? gate, int initial)
        {
            _gate = gate;
            _holding = false;
            Array = ArrayPool<byte>.Shared.Rent(initial);
        }

        public byte[] Array { get; private set; }

        /// <summary>A buffer of at least <paramref name="size"/> bytes holding the first <paramref name="keep"/> bytes of the current one.</summary>
        public void Grow(int size, int keep, CancellationToken cancellation)
        {
            byte[] bigger;
            if (size > LargeRecordGate.PooledLimit)
            {
                if (!_holding && _gate is not null)
                {
                    _gate.Enter(cancellation);
                    _holding = true;
                }

                bigger = new byte[size];
            }
            else
            {
                bigger = ArrayPool<byte>.Shared.Rent(size);
            }

            Buffer.BlockCopy(Array, 0, bigger, 0, keep);
            Release(Array);
            Array = bigger;
        }

        /// <summary>At the end of a file: the buffer back to the pool (if it came from there) and the slot to the gate.</summary>
        public void Dispose()
        {
            Release(Array);
            Array = System.Array.Empty<byte>();
            if (_holding)
            {
                _gate!.Exit();
                _holding = false;
            }
        }

        private static void Release(byte[] buffer)
        {
            if (buffer.Length > 0 && buffer.Length <= LargeRecordGate.PooledLimit)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
