using Chartly.Profiler.Analysis;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>The dominant share's margin of a sampled breakdown: the ratio estimator's 95% interval (docs/sources.md).</summary>
    public sealed class SampleMarginTests
    {
        [Fact]
        public void The_margin_is_the_ratio_estimators_interval_with_the_finite_population_correction()
        {
            // R = 220/400 = 0.55; residuals -5, 40, -35; s^2 = 2850/2; mean x = 400/3; f = 3/6:
            // 1.96 * sqrt(0.5 / (3 * (400/3)^2) * 1425) * 100 = 22.6542... points (computed by hand).
            var roots = new (long, long)[] { (100, 50), (200, 150), (100, 20) };
            Assert.Equal(22.654221460910982, SampleMargin.MarginPoints(roots, 6)!.Value, 12);

            // A census has no sampling error; fewer than two roots, or no time at all, give no margin.
            Assert.Equal(0, SampleMargin.MarginPoints(roots, 3)!.Value);
            Assert.Null(SampleMargin.MarginPoints(new (long, long)[] { (100, 50) }, 10));
            Assert.Null(SampleMargin.MarginPoints(new (long, long)[] { (0, 0), (0, 0) }, 10));

            // Roots that all share the component alike leave no doubt about the share.
            Assert.Equal(0, SampleMargin.MarginPoints(new (long, long)[] { (100, 60), (200, 120), (50, 30) }, 1000)!.Value, 12);
        }
    }
}
