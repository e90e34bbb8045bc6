using System;
using System.Collections.Generic;
using System.Linq;

// The namespace (and folder) is Regression, not Comparison: a namespace named Comparison would hide
// the Model.Comparison record from every other namespace under Chartly.Profiler.
namespace Chartly.Profiler.Regression
{
    public enum MannWhitneyMethod
    {
        /// <summary>Exact below the size limits (as Go's benchstat), the normal approximation above.</summary>
        Auto,
        Exact,
        Normal,
    }

    /// <summary>
    /// The outcome of a two-sided Mann-Whitney U test. <see cref="U1"/> is the statistic of the first
    /// sample (the number of pairs in which it is the larger, ties counting a half);
    /// <see cref="Direction"/> is +1 when the first sample tends to be larger, -1 when smaller, 0 when
    /// neither.
    /// </summary>
    public sealed record MannWhitneyResult(int N1, int N2, double U1, double PValue, bool Exact, int Direction);

    /// <summary>
    /// The two-sided Mann-Whitney U (Wilcoxon rank-sum) test on integer samples, deterministic: ranks
    /// are midranks of exactly equal values; the exact null distribution (ties included) is counted
    /// by dynamic programming over the groups of tied values; the normal approximation carries the
    /// tie and continuity corrections. The limits and formulas follow golang.org/x/perf's
    /// internal/stats (benchstat); the two-sided exact p-value is twice the smaller tail, which for
    /// samples with ties can differ from benchstat's twice-the-lower-tail (see docs/regression.md).
    /// </summary>
    public static class MannWhitney
    {
        /// <summary>Largest sample size (each side) for the exact distribution without ties.</summary>
        public const int ExactLimit = 50;

        /// <summary>Largest sample size (each side) for the exact distribution with ties.</summary>
        public const int TiesExactLimit = 25;

        public static MannWhitneyResult Test(IReadOnlyList<long> x1, IReadOnlyList<long> x2, MannWhitneyMethod method = MannWhitneyMethod.Auto)
        {
            int n1 = x1.Count, n2 = x2.Count;
            if (n1 == 0 || n2 == 0)
            {
                throw new ArgumentException("both samples need at least one value");
            }

            var groups = Groups(x1, x2);
            var hasTies = groups.Count < n1 + n2;

            // Twice the rank sum of sample 1: midranks are halves, their doubles integers.
            long twiceR1 = 0;
            foreach (var g in groups)
            {
                twiceR1 += (long)g.InFirst * g.TwiceMidrank;
            }

            var twiceU1 = twiceR1 - (long)n1 * (n1 + 1);
            var u1 = twiceU1 / 2.0;
            var twiceMean = (long)n1 * n2;
            var direction = Math.Sign(twiceU1 - twiceMean);

            var exact = method switch
            {
                MannWhitneyMethod.Exact => true,
                MannWhitneyMethod.Normal => false,
                _ => hasTies ? n1 <= TiesExactLimit && n2 <= TiesExactLimit : n1 <= ExactLimit && n2 <= ExactLimit,
            };

            if (groups.Count == 1)
            {
                // Every value equal: no evidence of any difference.
                return new MannWhitneyResult(n1, n2, u1, 1.0, exact, 0);
            }

            var p = exact ? ExactP(groups, n1, twiceR1) : NormalP(groups, n1, n2, u1);
            return new MannWhitneyResult(n1, n2, u1, p, exact, direction);
        }

        /// <summary>The smallest two-sided p-value samples of these sizes can reach (no ties): 2 / C(n1+n2, n1).</summary>
        public static double MinAttainablePValue(int n1, int n2) => Math.Min(1.0, 2.0 / Binomial(n1 + n2, Math.Min(n1, n2)));

        /// <summary>
        /// How many values the smaller sample needs (the larger keeping its size, and at least as many)
        /// before p &lt; alpha is attainable at all; 0 when it already is. With 3 a side it is 4, as
        /// benchstat warns.
        /// </summary>
        public static int SamplesNeeded(int n1, int n2, double alpha)
        {
            if (MinAttainablePValue(n1, n2) < alpha)
            {
                return 0;
            }

            var small = Math.Min(n1, n2);
            var large = Math.Max(n1, n2);
            for (var m = Math.Max(1, small + 1); m < 1_000_000; m++)
            {
                if (MinAttainablePValue(m, Math.Max(large, m)) < alpha)
                {
                    return m;
                }
            }

            return int.MaxValue;
        }

        private readonly struct Group
        {
            public Group(int size, int inFirst, long twiceMidrank)
            {
                Size = size;
                InFirst = inFirst;
                TwiceMidrank = twiceMidrank;
            }

            public int Size { get; }

            public int InFirst { get; }

            public long TwiceMidrank { get; }
        }

        /// <summary>The distinct values in ascending order, each with its count, how many come from sample 1, and twice its midrank.</summary>
        private static List<Group> Groups(IReadOnlyList<long> x1, IReadOnlyList<long> x2)
        {
            var merged = new List<(long Value, bool First)>(x1.Count + x2.Count);
            merged.AddRange(x1.Select(v => (v, true)));
            merged.AddRange(x2.Select(v => (v, false)));
            merged.Sort((a, b) => a.Value.CompareTo(b.Value));

            var groups = new List<Group>();
            var i = 0;
            while (i < merged.Count)
            {
                var start = i;
                var inFirst = 0;
                var v = merged[i].Value;
                while (i < merged.Count && merged[i].Value == v)
                {
                    if (merged[i].First)
                    {
                        inFirst++;
                    }

                    i++;
                }

                // Ranks start+1 .. i; twice their mean is start+1+i.
                groups.Add(new Group(i - start, inFirst, start + 1L + i));
            }

            return groups;
        }

        /// <summary>
        /// Counts, for every subset of n1 of the pooled values, its doubled rank sum (a tie group of size t
        /// offers C(t, a) ways to take a of its members), then reads both tails at the observed sum.
        /// Counts are doubles: exact up to 2^53, and every operation is a plain + or *, so the result is
        /// the same on every machine.
        /// </summary>
        private static double ExactP(List<Group> groups, int n1, long observedTwiceR1)
        {
            var n = groups.Sum(g => g.Size);
            var maxSum = 2L * n1 * n;
            var width = (int)maxSum + 1;
            var cur = new double[(n1 + 1) * width];
            var next = new double[(n1 + 1) * width];
            cur[0] = 1.0;
            var reach = 0L;
            var taken = 0;
            foreach (var g in groups)
            {
                Array.Clear(next, 0, next.Length);
                var maxK = Math.Min(n1, taken);
                for (var k = 0; k <= maxK; k++)
                {
                    var row = k * width;
                    for (var s = 0; s <= reach; s++)
                    {
                        var ways = cur[row + s];
                        if (ways == 0)
                        {
                            continue;
                        }

                        var choose = 1.0;
                        for (var a = 0; a <= g.Size && k + a <= n1; a++)
                        {
                            if (a > 0)
                            {
                                choose = choose * (g.Size - a + 1) / a;
                            }

                            next[(k + a) * width + s + (int)(a * g.TwiceMidrank)] += ways * choose;
                        }
                    }
                }

                taken += g.Size;
                reach = Math.Min(maxSum, reach + (long)Math.Min(g.Size, n1) * g.TwiceMidrank);
                (cur, next) = (next, cur);
            }

            double total = 0, lower = 0, upper = 0;
            var last = n1 * width;
            for (var s = 0; s <= reach; s++)
            {
                var ways = cur[last + s];
                if (ways == 0)
                {
                    continue;
                }

                total += ways;
                if (s <= observedTwiceR1)
                {
                    lower += ways;
                }

                if (s >= observedTwiceR1)
                {
                    upper += ways;
                }
            }

            return Math.Min(1.0, 2.0 * Math.Min(lower, upper) / total);
        }

        private static double NormalP(List<Group> groups, int n1, int n2, double u1)
        {
            double tieSum = 0;
            foreach (var g in groups)
            {
                double t = g.Size;
                tieSum += t * t * t - t;
            }

            double n = n1 + n2;
            var mean = (double)n1 * n2 / 2.0;
            var variance = (double)n1 * n2 / 12.0 * ((n + 1) - tieSum / (n * (n - 1)));
            if (variance <= 0)
            {
                return 1.0;
            }

            var numerator = u1 - mean;

            // Continuity correction: the discrete U moves half a step towards the mean.
            numerator -= Math.Sign(numerator) * 0.5;
            return DeterministicMath.TwoSidedNormalTail(numerator / Math.Sqrt(variance));
        }

        private static double Binomial(int n, int k)
        {
            var r = 1.0;
            for (var i = 1; i <= k; i++)
            {
                r = r * (n - k + i) / i;
            }

            return r;
        }
    }
}
