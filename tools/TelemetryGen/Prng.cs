using System;

namespace Chartly.TelemetryGen;

/// <summary>
/// SplitMix64: a tiny, fully specified PRNG. Unlike System.Random its sequence is fixed
/// by this source file alone, so the output is identical on every .NET version and OS.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>The SplitMix64 finaliser: a bijection on 64-bit values.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [lo, hi] (both inclusive).</summary>
    public long Range(long lo, long hi)
    {
        if (hi <= lo) return lo;
        return lo + (long)(Next() % (ulong)(hi - lo + 1));
    }

    public int Range(int lo, int hi) => (int)Range((long)lo, (long)hi);

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, n).</summary>
    public int Below(int n) => n <= 1 ? 0 : (int)(Next() % (ulong)n);

    /// <summary>FNV-1a 64 over the UTF-16 code units of a string, then mixed.</summary>
    public static ulong Hash(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in s)
        {
            h ^= c;
            h *= 0x100000001B3UL;
        }
        return Mix(h);
    }

    public static SplitMix64 For(string label) => new SplitMix64(Hash(label));
}
