using System.Collections.Generic;

namespace Chartly.Profiler.Tests.Support
{
    internal static class ByteLines
    {
        /// <summary>The parts of <paramref name="bytes"/> between separators.</summary>
        public static IEnumerable<byte[]> Split(this byte[] bytes, byte separator)
        {
            var from = 0;
            for (var i = 0; i <= bytes.Length; i++)
            {
                if (i == bytes.Length || bytes[i] == separator)
                {
                    yield return bytes[from..i];
                    from = i + 1;
                }
            }
        }
    }
}
