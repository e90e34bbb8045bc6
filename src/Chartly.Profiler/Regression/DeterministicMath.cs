using System;

namespace Chartly.Profiler.Regression
{
    /// <summary>
    /// exp and erfc from additions, multiplications and divisions only. Math.Exp comes from the
    /// platform's C library and may differ in the last bit between Windows, Linux and macOS; a p-value
    /// near a rounding edge must not, so the tails of the normal distribution are computed here.
    /// </summary>
    internal static class DeterministicMath
    {
        public const double SqrtPi = 1.7724538509055160273;

        // ln 2 split so that k * Ln2Hi is exact for the k this code meets (Cody and Waite).
        private const double Ln2Hi = 6.93147180369123816490e-01;
        private const double Ln2Lo = 1.90821492927058770002e-10;
        private const double InvLn2 = 1.44269504088896338700e+00;

        /// <summary>e^x for x in [-745, 709]; 0 below (the result would underflow anyway).</summary>
        public static double Exp(double x)
        {
            if (double.IsNaN(x))
            {
                return double.NaN;
            }

            if (x < -745)
            {
                return 0;
            }

            if (x > 709)
            {
                return double.PositiveInfinity;
            }

            // x = k ln2 + r with |r| <= ln2 / 2; Math.Round is exact (it rounds to an integer).
            var k = Math.Round(x * InvLn2, MidpointRounding.AwayFromZero);
            var r = (x - k * Ln2Hi) - k * Ln2Lo;

            // Taylor series of e^r, Horner form: 20 terms leave an error far below one ulp for |r| <= 0.35.
            var sum = 1.0;
            for (var n = 20; n >= 1; n--)
            {
                sum = 1.0 + sum * r / n;
            }

            return Scale(sum, (int)k);
        }

        /// <summary>The complementary error function, accurate to about 1e-15 absolute.</summary>
        public static double Erfc(double x)
        {
            if (double.IsNaN(x))
            {
                return double.NaN;
            }

            if (x < 0)
            {
                return 2.0 - Erfc(-x);
            }

            if (x > 27)
            {
                return 0;
            }

            if (x < 3)
            {
                // erf x = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)) (A&S 7.1.6): every term is
                // positive, so nothing cancels.
                var x2 = x * x;
                var term = x;
                var sum = x;
                for (var n = 1; n < 500; n++)
                {
                    term = term * 2.0 * x2 / (2 * n + 1);
                    sum += term;
                    if (term < sum * 1e-17)
                    {
                        break;
                    }
                }

                return 1.0 - 2.0 / SqrtPi * Exp(-x2) * sum;
            }

            // The continued fraction of A&S 7.1.14, evaluated bottom-up at a fixed depth: for x >= 3 it
            // has converged to full precision long before 80 levels.
            var f = x;
            for (var k = 80; k >= 1; k--)
            {
                f = x + (k / 2.0) / f;
            }

            return Exp(-x * x) / (SqrtPi * f);
        }

        /// <summary>Two-sided tail of the standard normal distribution: P(|Z| &gt;= |z|).</summary>
        public static double TwoSidedNormalTail(double z) => Math.Min(1.0, Erfc(Math.Abs(z) / Math.Sqrt(2.0)));

        private static double Scale(double v, int k)
        {
            // Multiply by 2^k in steps that stay within the normal range of doubles.
            while (k > 1000)
            {
                v *= PowerOfTwo(1000);
                k -= 1000;
            }

            while (k < -1000)
            {
                v *= PowerOfTwo(-1000);
                k += 1000;
            }

            return v * PowerOfTwo(k);
        }

        private static double PowerOfTwo(int k) => BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);
    }
}
