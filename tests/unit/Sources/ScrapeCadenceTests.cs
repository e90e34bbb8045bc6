using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Sources.Prometheus;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>The scrape interval and instant read from raw samples.</summary>
    public sealed class ScrapeCadenceTests
    {
        private static PromSeries Series(params long[] ms) =>
            new(new List<KeyValuePair<string, string>>(), ms.Select(t => new PromPoint(t, 1)).ToList());

        [Fact]
        public void The_most_common_gap_is_the_interval_and_the_most_common_offset_the_instant()
        {
            // Scraped every 15 s at 7.002 s past the multiples, one scrape missed, one 3 ms late.
            var c = ScrapeCadence.From(new[] { Series(7_002, 22_002, 37_005, 67_002, 82_002), Series(7_002, 22_002) })!;
            Assert.Equal(15, c.StepSeconds);
            Assert.Equal(7_002, c.PhaseMs);
            Assert.Equal(30, c.RateRangeSeconds);
            Assert.Equal(1000, c.DelayMs);
        }

        [Fact]
        public void A_tie_goes_to_the_shorter_interval_and_a_second_is_the_least()
        {
            Assert.Equal(1, ScrapeCadence.From(new[] { Series(0, 1_000, 3_000) })!.StepSeconds);
            Assert.Equal(1, ScrapeCadence.From(new[] { Series(0, 200, 400) })!.StepSeconds);
            Assert.Equal(250, ScrapeCadence.From(new[] { Series(0, 200, 400) })!.DelayMs);
        }

        [Fact]
        public void Without_two_samples_in_a_series_there_is_no_interval()
        {
            Assert.Null(ScrapeCadence.From(new[] { Series(1_000), Series(50_000) }));
            Assert.Null(ScrapeCadence.From(new PromSeries[0]));
        }
    }
}
