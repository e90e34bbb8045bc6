using System.Runtime.CompilerServices;

namespace Chartly.Profiler
{
    /// <summary>
    /// Methods every span passes through, compiled straight to optimised code. A one-shot read of
    /// a large window otherwise spends most of itself in unoptimised code: tiered compilation
    /// promotes methods only after a quiet spell with no new methods compiled, which a busy first
    /// pass on a shared two-core machine rarely gives (measured: pass one's CPU halves).
    /// </summary>
    internal static class HotPath
    {
        /// <summary>AggressiveOptimization, not in netstandard2.0's enum.</summary>
        public const MethodImplOptions Optimised = (MethodImplOptions)512;
    }
}
