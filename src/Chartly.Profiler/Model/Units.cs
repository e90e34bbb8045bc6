using System;
using System.Globalization;

namespace Chartly.Profiler.Model
{
    /// <summary>
    /// The units of the profile's numbers, and the one place that knows how each is rounded in the
    /// document and shown to a reader: the document, the text report and the HTML report all ask
    /// here, so they cannot drift apart.
    /// </summary>
    public static class Units
    {
        public const string Ratio = "ratio";
        public const string Cores = "cores";
        public const string Bytes = "bytes";
        public const string Ms = "ms";
        public const string Count = "count";
        public const string Percent = "percent";
        public const string PValue = "p";
        public const string Replicas = "replicas";

        /// <summary>Decimals a value keeps in the document; null for "an integer when whole, else one decimal".</summary>
        public static int? Decimals(string unit) => unit switch
        {
            Ratio or Cores => 3,
            PValue => 4,
            Bytes or Count or Replicas => null,
            _ => 1,
        };

        /// <summary>
        /// A measured value rounded to its unit's precision in the document, half away from zero;
        /// with whole-second precision, milliseconds are whole seconds.
        /// </summary>
        public static decimal Round(double v, string unit, bool seconds)
        {
            var d = v >= (double)decimal.MaxValue ? decimal.MaxValue : v <= (double)decimal.MinValue ? decimal.MinValue : (decimal)v;
            return unit switch
            {
                Ratio or Cores => RoundTo(d, 3),
                Bytes => RoundTo(d, 0),
                Ms => seconds ? RoundTo(d / 1000m, 0) * 1000m : RoundTo(d, 1),
                _ => RoundTo(d, 1),
            };
        }

        public static decimal RoundTo(decimal v, int digits) => decimal.Round(v, digits, MidpointRounding.AwayFromZero);

        /// <summary>A value as a reader sees it (text and HTML): ratios as percentages, bytes in MiB, milliseconds with "ms".</summary>
        public static string Display(decimal? v, string unit)
        {
            if (v is null)
            {
                return "n/a";
            }

            return unit switch
            {
                Ratio => (v.Value * 100m).ToString("0.0", CultureInfo.InvariantCulture) + "%",
                Percent => v.Value.ToString("0.0", CultureInfo.InvariantCulture) + "%",
                PValue => v.Value.ToString("0.0000", CultureInfo.InvariantCulture),
                Ms => v.Value.ToString("#,0.#", CultureInfo.InvariantCulture) + " ms",
                Bytes => (v.Value / (1024m * 1024m)).ToString("#,0.0", CultureInfo.InvariantCulture) + " MiB",
                Count => v.Value.ToString("#,0.#", CultureInfo.InvariantCulture),
                _ => v.Value.ToString("#,0.###", CultureInfo.InvariantCulture) + " " + unit,
            };
        }
    }
}
