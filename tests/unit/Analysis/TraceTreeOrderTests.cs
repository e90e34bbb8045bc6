using System;
using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>
    /// The tree's order is the contract's (start, span id, end, kind, label; children by end
    /// descending, then start descending, then index) whatever order the spans arrive in, and
    /// however the build gets there (plain-number sorts with ties resolved by the full order,
    /// small and wide fan-outs, input already in order).
    /// </summary>
    public class TraceTreeOrderTests
    {
        private static readonly TraceId Trace = new(7, 7);

        [Theory]
        [InlineData(4, 12, 3)]
        [InlineData(5, 32, 4)]
        [InlineData(1, 40, 3)]
        [InlineData(2, 400, 5)]
        [InlineData(3, 3000, 50)]
        public void SpansAndChildrenAreInTheCanonicalOrderFromAnyInputOrder(int seed, int count, int distinctTimes)
        {
            var random = new Random(seed);
            var spans = new List<SpanRecord> { Span(1, 0, 0, 1_000, SpanKind.Server, "root") };
            for (var i = 2; i <= count; i++)
            {
                // Few distinct times: many equal starts and ends, so every tie-break is exercised;
                // a few parents only, so fan-outs are wide; repeated ids, so duplicates are dropped.
                var start = random.Next(distinctTimes);
                var repeated = random.Next(10) == 0;
                var id = (ulong)(repeated ? random.Next(2, i + 1) : i);
                var parent = (ulong)random.Next(1, Math.Min(i, 6));

                // A repeated id gets a label of its own: two spans equal in every key would have no defined order.
                spans.Add(Span(id, parent, start, start + random.Next(distinctTimes), (SpanKind)random.Next(1, 6), repeated ? "d" + i : "l" + random.Next(3)));
            }

            var expectedSpans = CanonicalSpans(spans);
            foreach (var input in new[] { spans, spans.AsEnumerable().Reverse().ToList(), spans.OrderBy(_ => random.Next()).ToList(), expectedSpans })
            {
                foreach (var tree in new[] { TraceTree.Build(Trace, input), TraceTree.Build(Trace, input, new RootWalkBuffers()) })
                {
                    Assert.Equal(Keys(expectedSpans), Keys(tree.Spans));
                    for (var i = 0; i < tree.Spans.Length; i++)
                    {
                        var children = tree.ChildrenOf(i).ToArray();
                        var expected = children.OrderByDescending(c => tree.Spans[c].EndUnixNano).ThenByDescending(c => tree.Spans[c].StartUnixNano).ThenBy(c => c).ToArray();
                        Assert.Equal(expected, children);
                    }
                }
            }
        }

        /// <summary>The canonical order by its definition, duplicates (same span id) after the first dropped.</summary>
        private static List<SpanRecord> CanonicalSpans(List<SpanRecord> spans)
        {
            var sorted = spans.OrderBy(s => s.StartUnixNano).ThenBy(s => s.SpanId).ThenBy(s => s.EndUnixNano).ThenBy(s => (int)s.Kind).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
            var seen = new HashSet<ulong>();
            return sorted.Where(s => seen.Add(s.SpanId)).ToList();
        }

        private static List<string> Keys(IEnumerable<SpanRecord> spans) =>
            spans.Select(s => $"{s.StartUnixNano}/{s.SpanId}/{s.EndUnixNano}/{s.Kind}/{s.Label}/{s.ParentSpanId}").ToList();

        private static SpanRecord Span(ulong id, ulong parent, long start, long end, SpanKind kind, string label) =>
            new(Trace, id, parent, start, end, kind, 0, ResourceInfo.Empty, label, TargetIdentity.None, 0, 0);
    }
}
