using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Keys compared by identity (netstandard2.0 has no ReferenceEqualityComparer): objects told
    /// apart by who they are (a trace's spans, metric samples), or a cache in front of a lookup by
    /// value for objects the readers intern (resources, labels), where a hot loop pays a pointer
    /// hash instead of hashing a record of strings; there two equal objects are two keys.
    /// </summary>
    internal sealed class SameObject<T> : IEqualityComparer<T>
        where T : class
    {
        public static SameObject<T> Instance { get; } = new();

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
