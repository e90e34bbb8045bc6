using System.Runtime.CompilerServices;
using System;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// The label being written, one reused buffer per thread: a name with a fresh id misses every
    /// cache, and a builder per name (plus a copy to collapse its spaces) was most of the cost.
    /// </summary>
    internal sealed class LabelText
    {
        /// <summary>A buffer that grew past this for one huge name is not kept for the next.</summary>
        private const int KeptCapacity = 4096;

        private static readonly System.Threading.ThreadLocal<LabelText> PerThread = new(() => new LabelText());

        private char[] _chars = new char[256];

        public int Length { get; private set; }

        /// <summary>This thread's buffer, empty. Not reentrant: one label at a time per thread.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static LabelText ForThread()
        {
            var t = PerThread.Value!;
            if (t._chars.Length > KeptCapacity)
            {
                t._chars = new char[256];
            }

            t.Length = 0;
            return t;
        }

        [MethodImpl(HotPath.Optimised)]
        public void Append(char c)
        {
            if (Length == _chars.Length)
            {
                Grow(1);
            }

            _chars[Length++] = c;
        }

        public void Append(string s) => Append(s.AsSpan());

        [MethodImpl(HotPath.Optimised)]
        public void Append(ReadOnlySpan<char> s)
        {
            if (Length + s.Length > _chars.Length)
            {
                Grow(s.Length);
            }

            s.CopyTo(new Span<char>(_chars, Length, s.Length));
            Length += s.Length;
        }

        /// <summary>
        /// The label: runs of spaces as one, none leading or trailing, cut to <paramref name="max"/>
        /// characters and "..." after a cut; <paramref name="empty"/> when nothing is left.
        /// </summary>
        [MethodImpl(HotPath.Optimised)]
        public string ToLabel(int max, string empty)
        {
            var w = 0;
            var prevSpace = true;
            for (var r = 0; r < Length; r++)
            {
                var c = _chars[r];
                if (c == ' ')
                {
                    if (!prevSpace)
                    {
                        _chars[w++] = c;
                    }

                    prevSpace = true;
                }
                else
                {
                    _chars[w++] = c;
                    prevSpace = false;
                }
            }

            while (w > 0 && _chars[w - 1] == ' ')
            {
                w--;
            }

            if (w == 0)
            {
                return empty;
            }

            if (w > max)
            {
                if (_chars.Length < max + 3)
                {
                    Array.Resize(ref _chars, max + 3);
                }

                _chars[max] = '.';
                _chars[max + 1] = '.';
                _chars[max + 2] = '.';
                w = max + 3;
            }

            return new string(_chars, 0, w);
        }

        private void Grow(int more)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + more));
        }
    }
}
