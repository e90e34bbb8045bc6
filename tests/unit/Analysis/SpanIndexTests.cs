using System.Collections.Generic;
using Chartly.Profiler.Analysis;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>The tree build's span-id index: each tree sees only its own spans, repeats are refused, and it grows for a large trace.</summary>
    public class SpanIndexTests
    {
        [Fact]
        public void EachTreeSeesOnlyItsOwnSpans()
        {
            var index = new SpanIndex();
            index.Reset(3);
            Assert.True(index.TryAdd(10, 0));
            Assert.True(index.TryAdd(20, 1));
            Assert.False(index.TryAdd(10, 5));
            Assert.True(index.TryGet(10, out var p) && p == 0);
            Assert.False(index.TryGet(30, out p));
            Assert.Equal(-1, p);

            index.Reset(2);
            Assert.False(index.TryGet(10, out _));
            Assert.True(index.TryAdd(10, 1));
            Assert.True(index.TryGet(10, out p) && p == 1);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(31)]
        [InlineData(33)]
        [InlineData(5_000)]
        public void SequentialAndRandomIdsAreAllFound(int count)
        {
            var index = new SpanIndex();
            var random = new System.Random(count);
            for (var round = 0; round < 3; round++)
            {
                index.Reset(count);
                var ids = new List<ulong>();
                for (var i = 0; i < count; i++)
                {
                    // Sequential ids in the first round (test traces), random 64-bit ones after.
                    var id = round == 0 ? (ulong)(i + 1) : ((ulong)random.Next() << 33) ^ (ulong)random.Next() ^ ((ulong)i << 1);
                    ids.Add(id);
                    Assert.True(index.TryAdd(id, i));
                }

                for (var i = 0; i < count; i++)
                {
                    Assert.True(index.TryGet(ids[i], out var p));
                    Assert.Equal(i, p);
                    Assert.False(index.TryAdd(ids[i], -1));
                }

                Assert.False(index.TryGet(0, out _));
            }
        }
    }
}
