using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Regression;
using Xunit;

namespace Chartly.Profiler.Tests.Comparison
{
    public class MannWhitneyTests
    {
        // Reference values from golang.org/x/perf internal/stats/utest_test.go (benchstat's test; its
        // large-sample values were checked there against R's wilcox.test).
        private static readonly long[] S1 = { 2, 1, 3, 5 };
        private static readonly long[] S2 = { 12, 11, 13, 15 };
        private static readonly long[] S3 = { 0, 4, 6, 7 };
        private static readonly long[] S4 = { 2, 2, 2, 2 };
        private static readonly long[] S5 = { 1, 1, 1, 1, 1 };

        [Theory]
        [InlineData(0, 1, 0.0, 0.028571428571428577)]
        [InlineData(1, 0, 16.0, 0.028571428571428577)]
        [InlineData(0, 2, 5.0, 0.48571428571428577)]
        [InlineData(0, 0, 8.0, 1.0)]
        [InlineData(0, 3, 10.0, 0.7142857142857143)]
        public void SmallSamplesMatchBenchstat(int a, int b, double u, double p)
        {
            var samples = new[] { S1, S2, S3, S4 };
            var r = MannWhitney.Test(samples[a], samples[b]);
            Assert.True(r.Exact);
            Assert.Equal(u, r.U1);
            Assert.Equal(p, r.PValue, 12);
        }

        [Fact]
        public void LargeSamplesUseTheNormalApproximationAndMatchBenchstatAndR()
        {
            var l1 = Enumerable.Range(0, 500).Select(i => (long)i * 2).ToArray();
            var l2 = Enumerable.Range(0, 600).Select(i => (long)i * 2 - 41).ToArray();
            var l3 = l2.ToArray();
            for (var i = 0; i < 30; i++)
            {
                l3[i] = l1[i];
            }

            var r12 = MannWhitney.Test(l1, l2);
            Assert.False(r12.Exact);
            Assert.Equal(135250.0, r12.U1);
            Assert.Equal(0.0049335360814172224, r12.PValue, 12);

            var r11 = MannWhitney.Test(l1, l1);
            Assert.Equal(125000.0, r11.U1);
            Assert.Equal(1.0, r11.PValue, 12);

            var r13 = MannWhitney.Test(l1, l3);
            Assert.Equal(134845.0, r13.U1);
            Assert.Equal(0.0038703814239617884, r13.PValue, 12);
        }

        [Fact]
        public void ScipyDocumentationExampleExactAndAsymptotic()
        {
            // scipy.stats.mannwhitneyu documentation: males vs females, U = 17; method="exact" gives
            // 0.1111111111111111, method="asymptotic" (continuity correction) 0.11134688653314041.
            long[] males = { 19, 22, 16, 29, 24 }, females = { 20, 11, 17, 12 };
            var exact = MannWhitney.Test(males, females);
            Assert.True(exact.Exact);
            Assert.Equal(17.0, exact.U1);
            Assert.Equal(0.1111111111111111, exact.PValue, 14);
            Assert.Equal(1, exact.Direction);

            var normal = MannWhitney.Test(males, females, MannWhitneyMethod.Normal);
            Assert.Equal(0.11134688653314041, normal.PValue, 12);
        }

        [Fact]
        public void RNormalApproximationWithContinuityCorrection()
        {
            // R: wilcox.test(c(1,2,3), c(4,5,6), exact=FALSE) gives W = 0, p-value = 0.08086.
            var r = MannWhitney.Test(new long[] { 1, 2, 3 }, new long[] { 4, 5, 6 }, MannWhitneyMethod.Normal);
            Assert.Equal(0.0, r.U1);
            Assert.Equal(0.0808556, r.PValue, 6);
            Assert.Equal(-1, r.Direction);
        }

        [Fact]
        public void RDocumentationExactExample()
        {
            // R ?wilcox.test (Hollander & Wolfe 1973, p. 69): permeability constants x (scaled by 100 to
            // integers) and y; wilcox.test(x, y, alternative = "g") gives W = 35, p-value = 0.1272, so the
            // two-sided exact p is twice that.
            long[] x = { 80, 83, 189, 104, 145, 138, 191, 164, 73, 146 };
            long[] y = { 115, 88, 90, 74, 121 };
            var r = MannWhitney.Test(x, y);
            Assert.Equal(35.0, r.U1);
            Assert.Equal(2 * 0.1272, r.PValue, 3);
            Assert.Equal(BruteForceP(x, y), r.PValue, 12);
        }

        [Fact]
        public void ExactWithTiesByHand()
        {
            // Pooled 1,2,2,2,3,4 with midranks 1,3,3,3,5,6; x = {1,2,2} has rank sum 7, U = 1. Of the
            // C(6,3) = 20 equally likely subsets, 3 (the 1 and two of the three 2s) have a rank sum <= 7:
            // P(U <= 1) = 3/20, so the two-sided p is 0.3.
            var r = MannWhitney.Test(new long[] { 1, 2, 2 }, new long[] { 2, 3, 4 });
            Assert.True(r.Exact);
            Assert.Equal(1.0, r.U1);
            Assert.Equal(0.3, r.PValue, 14);
        }

        [Fact]
        public void AsymmetricTieDistributionUsesTheSmallerTail()
        {
            // s1 vs s5: U = 17.5. With these ties no subset has U <= 2.5 (the lower tail is empty, which is
            // why benchstat's twice-the-lower-tail reports 0); the upper tail P(U >= 17.5) = 6/126 is
            // benchstat's one-sided 0.0476, and the two-sided p is twice it.
            var r = MannWhitney.Test(S1, S5);
            Assert.Equal(17.5, r.U1);
            Assert.Equal(2 * 6.0 / 126.0, r.PValue, 14);
            Assert.Equal(BruteForceP(S1, S5), r.PValue, 12);
        }

        [Theory]
        [InlineData(new long[] { 1, 1, 2, 3, 3, 3 }, new long[] { 2, 3, 4, 4, 5 })]
        [InlineData(new long[] { 5, 5, 5, 6 }, new long[] { 5, 6, 6, 6, 7, 7 })]
        [InlineData(new long[] { 10, 20, 30, 40, 50, 60, 70 }, new long[] { 15, 25, 35, 45, 55, 65, 75, 85 })]
        [InlineData(new long[] { 100, 100, 100, 200 }, new long[] { 100, 300, 300 })]
        public void ExactDistributionMatchesFullEnumeration(long[] x, long[] y)
        {
            var r = MannWhitney.Test(x, y, MannWhitneyMethod.Exact);
            Assert.Equal(BruteForceP(x, y), r.PValue, 12);
            Assert.Equal(r.PValue, MannWhitney.Test(y, x, MannWhitneyMethod.Exact).PValue, 12);
        }

        [Fact]
        public void SwappingTheSamplesMirrorsU()
        {
            var a = MannWhitney.Test(S1, S3);
            var b = MannWhitney.Test(S3, S1);
            Assert.Equal(16.0, a.U1 + b.U1);
            Assert.Equal(a.PValue, b.PValue, 14);
            Assert.Equal(-a.Direction, b.Direction);
        }

        [Fact]
        public void AllEqualValuesGiveNoEvidence()
        {
            var r = MannWhitney.Test(S4, new long[] { 2, 2, 2 });
            Assert.Equal(1.0, r.PValue);
            Assert.Equal(0, r.Direction);
        }

        [Theory]
        [InlineData(3, 3, 0.1)]
        [InlineData(4, 4, 2.0 / 70)]
        [InlineData(1, 27, 2.0 / 28)]
        [InlineData(1, 1, 1.0)]
        public void SmallestAttainablePValue(int n1, int n2, double expected)
        {
            Assert.Equal(expected, MannWhitney.MinAttainablePValue(n1, n2), 14);
        }

        [Theory]
        [InlineData(3, 3, 4)]
        [InlineData(2, 2, 4)]
        [InlineData(1, 1, 4)]
        [InlineData(1, 3, 4)]
        [InlineData(3, 4, 4)]
        [InlineData(1, 27, 2)]
        [InlineData(4, 4, 0)]
        [InlineData(3, 27, 0)]
        [InlineData(2, 7, 3)]
        [InlineData(2, 8, 0)]
        [InlineData(1, 39, 2)]
        [InlineData(40, 1, 0)]
        public void SamplesNeededAtAlpha005(int n1, int n2, int needed)
        {
            Assert.Equal(needed, MannWhitney.SamplesNeeded(n1, n2, 0.05));
        }

        [Fact]
        public void ExactAndNormalAgreeForModerateSamples()
        {
            var x = Enumerable.Range(0, 20).Select(i => (long)(100 + i * 7)).ToArray();
            var y = Enumerable.Range(0, 20).Select(i => (long)(130 + i * 7)).ToArray();
            var exact = MannWhitney.Test(x, y, MannWhitneyMethod.Exact).PValue;
            var normal = MannWhitney.Test(x, y, MannWhitneyMethod.Normal).PValue;
            Assert.InRange(Math.Abs(exact - normal), 0, 0.005);
        }

        /// <summary>The definition, by enumerating every way to draw |x| of the pooled values.</summary>
        private static double BruteForceP(long[] x, long[] y)
        {
            var pooled = x.Concat(y).OrderBy(v => v).ToArray();
            var n = pooled.Length;
            var ranks = new double[n];
            for (var i = 0; i < n;)
            {
                var j = i;
                while (j < n && pooled[j] == pooled[i])
                {
                    j++;
                }

                for (var k = i; k < j; k++)
                {
                    ranks[k] = (i + 1 + j) / 2.0;
                }

                i = j;
            }

            double Rank(long v) => ranks[Array.IndexOf(pooled, v)];
            var observed = x.Sum(Rank);
            long lower = 0, upper = 0, total = 0;
            foreach (var subset in Subsets(n, x.Length))
            {
                var s = subset.Sum(i => ranks[i]);
                total++;
                if (s <= observed + 1e-9) lower++;
                if (s >= observed - 1e-9) upper++;
            }

            return Math.Min(1.0, 2.0 * Math.Min(lower, upper) / total);
        }

        private static IEnumerable<int[]> Subsets(int n, int k)
        {
            var idx = Enumerable.Range(0, k).ToArray();
            while (true)
            {
                yield return (int[])idx.Clone();
                var i = k - 1;
                while (i >= 0 && idx[i] == n - k + i)
                {
                    i--;
                }

                if (i < 0)
                {
                    yield break;
                }

                idx[i]++;
                for (var j = i + 1; j < k; j++)
                {
                    idx[j] = idx[j - 1] + 1;
                }
            }
        }
    }

    public class DeterministicMathTests
    {
        [Theory]
        [InlineData(0.0, 1.0)]
        [InlineData(0.5, 0.4795001221869535)]
        [InlineData(1.0, 0.15729920705028513)]
        [InlineData(2.0, 0.004677734981047266)]
        [InlineData(3.0, 2.209049699858544e-05)]
        [InlineData(5.0, 1.5374597944280349e-12)]
        [InlineData(-1.0, 1.8427007929497148)]
        public void ErfcMatchesReferenceValues(double x, double expected)
        {
            // Reference values: erfc as printed by scipy.special.erfc / C99 erfc.
            Assert.InRange(Math.Abs(DeterministicMath.Erfc(x) - expected), 0, 1e-15);
            Assert.InRange(Math.Abs(DeterministicMath.Erfc(x) - expected) / expected, 0, 1e-12);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(1.0)]
        [InlineData(-1.0)]
        [InlineData(-0.5)]
        [InlineData(-7.25)]
        [InlineData(-100.0)]
        [InlineData(12.5)]
        public void ExpAgreesWithTheLibraryToTheLastBitsOrSo(double x)
        {
            var mine = DeterministicMath.Exp(x);
            var lib = Math.Exp(x);
            Assert.InRange(Math.Abs(mine - lib) / lib, 0, 4e-16);
        }

        [Fact]
        public void TwoSidedTailAt196IsAboutFivePercent()
        {
            Assert.Equal(0.04999579029644097, DeterministicMath.TwoSidedNormalTail(1.96), 14);
            Assert.Equal(DeterministicMath.TwoSidedNormalTail(1.96), DeterministicMath.TwoSidedNormalTail(-1.96));
        }
    }
}
