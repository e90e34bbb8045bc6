using System;
using System.Collections.Generic;

namespace Chartly.Profiler.Analysis
{
    /// <summary>
    /// Rounding the contract can rely on: half away from zero for single values, and the
    /// largest-remainder method for parts of a whole, so rounded parts still add up exactly to the
    /// rounded whole (ties go to the ordinally smaller name).
    /// </summary>
    public static class Apportion
    {
        public const long NanosPerMs = 1_000_000;
        public const long NanosPerSecond = 1_000_000_000;

        /// <summary>Nanoseconds to whole units of <paramref name="unitNanos"/>, half away from zero.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static long Round(long nanos, long unitNanos)
        {
            var q = nanos / unitNanos;
            var r = nanos % unitNanos;
            if (Math.Abs(r) * 2 >= unitNanos)
            {
                q += nanos >= 0 ? 1 : -1;
            }

            return q;
        }

        /// <summary>Nanoseconds to integer milliseconds at the requested precision (seconds still reported in ms).</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static long ToMs(long nanos, bool seconds) => seconds ? Round(nanos, NanosPerSecond) * 1000 : Round(nanos, NanosPerMs);

        /// <summary>Splits round(total / unit) units over the parts in proportion to their nanoseconds.</summary>
        public static long[] Units(IReadOnlyList<long> partNanos, IReadOnlyList<string> names, long unitNanos)
        {
            var n = partNanos.Count;
            var result = new long[n];
            long total = 0;
            for (var i = 0; i < n; i++)
            {
                total += partNanos[i];
            }

            var target = Round(total, unitNanos);
            long assigned = 0;
            var remainders = new long[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = partNanos[i] / unitNanos;
                remainders[i] = partNanos[i] % unitNanos;
                assigned += result[i];
            }

            Distribute(result, remainders, names, target - assigned);
            return result;
        }

        /// <summary>Percentages with one decimal that add up to exactly 100.0 (when the total is not zero).</summary>
        public static decimal[] Percentages(IReadOnlyList<long> partNanos, IReadOnlyList<string> names)
        {
            var n = partNanos.Count;
            var tenths = new long[n];
            var result = new decimal[n];
            decimal total = 0;
            foreach (var p in partNanos)
            {
                total += p;
            }

            if (total <= 0)
            {
                return result;
            }

            var remainders = new long[n];
            long assigned = 0;
            for (var i = 0; i < n; i++)
            {
                var exact = partNanos[i] * 1000m / total;
                var floor = decimal.Floor(exact);
                tenths[i] = (long)floor;
                // Remainders compared as integers: scale the fraction to 18 digits.
                remainders[i] = (long)decimal.Floor((exact - floor) * 1_000_000_000_000_000_000m);
                assigned += tenths[i];
            }

            Distribute(tenths, remainders, names, 1000 - assigned);
            for (var i = 0; i < n; i++)
            {
                result[i] = tenths[i] / 10m;
            }

            return result;
        }

        /// <summary>One value as a percentage with one decimal, half away from zero.</summary>
        public static decimal Percent(decimal part, decimal whole)
        {
            if (whole == 0)
            {
                return 0.0m;
            }

            return OneDecimal(decimal.Round(part * 100m / whole, 1, MidpointRounding.AwayFromZero));
        }

        public static decimal OneDecimal(decimal d) => decimal.Round(d, 1, MidpointRounding.AwayFromZero);

        private static void Distribute(long[] values, long[] remainders, IReadOnlyList<string> names, long extra)
        {
            if (extra <= 0)
            {
                return;
            }

            var order = new int[values.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) =>
            {
                var c = remainders[b].CompareTo(remainders[a]);
                return c != 0 ? c : string.CompareOrdinal(names[a], names[b]);
            });
            for (var k = 0; k < extra && k < order.Length; k++)
            {
                values[order[k]]++;
            }
        }
    }
}
