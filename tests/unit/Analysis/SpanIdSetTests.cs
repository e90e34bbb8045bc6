using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>Each trace's candidate span ids: found by scan when few, by halves when many, and only in their own trace.</summary>
    public class SpanIdSetTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(8)]
        [InlineData(9)]
        [InlineData(300)]
        public void EachTraceHoldsExactlyItsCandidates(int perTrace)
        {
            var traces = new[] { new TraceId(1, 9), new TraceId(2, 8), new TraceId(3, 7) };
            var table = new TraceIdTable(traces);
            var candidates = new List<SpanRecord>();
            for (var i = 0; i < perTrace; i++)
            {
                // Interleaved, in no order, a repeat among them: the set sorts its stretch.
                candidates.Add(Span(traces[0], (ulong)(1_000 + (i * 7919 % 1_000))));
                candidates.Add(Span(traces[2], (ulong)(5_000 - i)));
            }

            candidates.Add(Span(traces[0], 1_000));
            var sets = SpanIdSet.ByTrace(candidates, table);
            var first = sets[table.SlotOf(traces[0])];
            var third = sets[table.SlotOf(traces[2])];
            Assert.Equal(0, sets[table.SlotOf(traces[1])].Count);
            Assert.False(sets[table.SlotOf(traces[1])].Contains(1_000));
            foreach (var c in candidates)
            {
                Assert.True(sets[table.SlotOf(c.TraceId)].Contains(c.SpanId));
            }

            var inFirst = candidates.Where(c => c.TraceId.Equals(traces[0])).Select(c => c.SpanId).ToHashSet();
            var inThird = candidates.Where(c => c.TraceId.Equals(traces[2])).Select(c => c.SpanId).ToHashSet();
            for (ulong id = 0; id < 6_000; id++)
            {
                Assert.Equal(inFirst.Contains(id), first.Contains(id));
                Assert.Equal(inThird.Contains(id), third.Contains(id));
            }
        }

        [Fact]
        public void TheDefaultSetIsEmpty() => Assert.False(default(SpanIdSet).Contains(0));

        private static SpanRecord Span(TraceId trace, ulong id) =>
            new(trace, id, 0, 0, 1, SpanKind.Server, 0, ResourceInfo.Empty, "root", TargetIdentity.None, 0, 0);
    }
}
