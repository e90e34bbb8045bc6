using Chartly.Profiler.Analysis;
using Chartly.Profiler.Targets;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    public class TimeWindowTests
    {
        [Theory]
        [InlineData("2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z")]
        [InlineData("2026-11-24t10:00:00z", "2026-11-24T10:00:00Z")]
        [InlineData("2026-11-24 11:00:00+01:00", "2026-11-24T10:00:00Z")]
        [InlineData("2026-11-24T10:00:00.5Z", "2026-11-24T10:00:00.500Z")]
        [InlineData("2026-11-24T10:00:00.123456789Z", "2026-11-24T10:00:00.123456789Z")]
        [InlineData("2026-11-24T04:30:00-05:30", "2026-11-24T10:00:00Z")]
        public void ParsesRfc3339WithOffsetsAndWritesUtc(string input, string utc) =>
            Assert.Equal(utc, TimeWindow.FormatUtc(TimeWindow.ParseInstant(input, "t")));

        [Theory]
        [InlineData("2026-11-24T10:00:00")]
        [InlineData("2026-11-24")]
        [InlineData("yesterday")]
        [InlineData("2026-13-24T10:00:00Z")]
        [InlineData("1700000000")]
        [InlineData("2026-11-24T10:00:00+0100")]
        public void RejectsAnythingWithoutAnExplicitOffset(string input)
        {
            var e = Run.Fails(() => TimeWindow.ParseInstant(input, "window start"));
            Assert.Equal("InvalidTimestamp", e.ErrorId);
            Assert.Equal(2, e.ExitCode);
        }

        [Fact]
        public void MissingBoundsArePreconditionsAndBackwardsWindowsAreInvalid()
        {
            Assert.Equal(3, Run.Fails(() => TimeWindow.Parse(null, "2026-11-24T10:00:00Z")).ExitCode);
            Assert.Equal(3, Run.Fails(() => TimeWindow.Parse("2026-11-24T10:00:00Z", " ")).ExitCode);
            var e = Run.Fails(() => TimeWindow.Parse("2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z"));
            Assert.Equal("WindowNotIncreasing", e.ErrorId);
            Assert.Equal(2, e.ExitCode);
        }
    }

    public class TargetSpecTests
    {
        [Fact]
        public void ServiceAndConnectorIdsSplitIntoTheirParts()
        {
            var s = TargetSpec.Parse(TargetType.Service, "ns/name");
            Assert.Equal(("ns", "name"), (s.Qualifier, s.Name));
            var c = TargetSpec.Parse(TargetType.Connector, "conn/run");
            Assert.Equal(("conn", "run"), (c.Qualifier, c.Name));
            Assert.Equal(string.Empty, TargetSpec.Parse(TargetType.Connector, "conn").Name);
        }

        [Theory]
        [InlineData("service", "/name")]
        [InlineData("service", "a/b/c")]
        [InlineData("connector", "conn/")]
        public void MalformedCompoundIdsAreInvalidArguments(string type, string id) =>
            Assert.Equal(2, Run.Fails(() => TargetSpec.Parse(TargetTypes.Parse(type), id)).ExitCode);

        [Fact]
        public void UnknownTargetTypeListsTheValidOnes()
        {
            var e = Run.Fails(() => TargetTypes.Parse("pod"));
            Assert.Equal(2, e.ExitCode);
            Assert.Contains("service, workflow, run, operation, connector", e.Message);
        }

        [Fact]
        public void MissingTargetIdIsAPrecondition() => Assert.Equal(3, Run.Fails(() => TargetSpec.Parse(TargetType.Run, "  ")).ExitCode);
    }

    public class LabelNormalizerTests
    {
        [Theory]
        [InlineData("GET /users/12345", "GET /users/{id}")]
        [InlineData("POST /v1/query/4711", "POST /v1/query/{id}")]
        [InlineData("GET /orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items", "GET /orders/{id}/items")]
        [InlineData("notify user@example.com", "notify {email}")]
        [InlineData("GET /search?q=secret&page=2", "GET /search?{query}")]
        [InlineData("SELECT * FROM users WHERE name = 'bob'", "SELECT * FROM users WHERE name = {value}")]
        [InlineData("auth Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", "auth Bearer {value}")]
        [InlineData("call sk_live_abcdefghijklmnop", "call {token}")]
        [InlineData("key=AbCdEf123456GhIjKl789", "key={value}")]
        [InlineData("fetch blob 9f86d081884c7d65", "fetch blob {id}")]
        [InlineData("analytics_query", "analytics_query")]
        [InlineData("order_123", "order_{id}")]
        [InlineData("GET /v1/users/{id}", "GET /v1/users/{id}")]
        [InlineData("", "(unnamed)")]
        public void ReplacesIdentifiersWithPlaceholders(string raw, string expected) =>
            Assert.Equal(expected, new LabelNormalizer().Normalize(raw));

        [Fact]
        public void LongLabelsAreCut() =>
            Assert.True(new LabelNormalizer().Normalize(new string('a', 500)).Length <= LabelNormalizer.MaxLabelLength + 3);
    }

    public class ApportionTests
    {
        [Fact]
        public void RoundsHalfAwayFromZero()
        {
            Assert.Equal(3, Apportion.Round(2_500_000, Apportion.NanosPerMs));
            Assert.Equal(2, Apportion.Round(2_499_999, Apportion.NanosPerMs));
            Assert.Equal(-3, Apportion.Round(-2_500_000, Apportion.NanosPerMs));
        }

        [Fact]
        public void PartsAddUpToTheRoundedWhole()
        {
            // Three parts of 1.4 ms each: naive rounding gives 3, the whole is 4.2 -> 4.
            var units = Apportion.Units(new long[] { 1_400_000, 1_400_000, 1_400_000 }, new[] { "a", "b", "c" }, Apportion.NanosPerMs);
            Assert.Equal(new long[] { 2, 1, 1 }, units);
        }

        [Fact]
        public void PercentagesAddUpToExactlyOneHundred()
        {
            var pct = Apportion.Percentages(new long[] { 1, 1, 1 }, new[] { "a", "b", "c" });
            Assert.Equal(100.0m, pct[0] + pct[1] + pct[2]);
            Assert.Equal(new[] { 33.4m, 33.3m, 33.3m }, pct);
        }
    }
}
