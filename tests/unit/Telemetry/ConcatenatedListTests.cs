using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Telemetry
{
    /// <summary>Lists read as one: every index and the enumeration give the items in order, empty parts included.</summary>
    public class ConcatenatedListTests
    {
        [Fact]
        public void IndexesAndEnumerationGiveThePartsInOrder()
        {
            var parts = new List<IReadOnlyList<int>> { new List<int>(), new List<int> { 1, 2, 3 }, new int[0], new[] { 4 }, new List<int>(), new List<int> { 5, 6 } };
            var list = new ConcatenatedList<int>(parts);
            Assert.Equal(6, list.Count);
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, Enumerable.Range(0, list.Count).Select(i => list[i]));
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, list);
            Assert.Throws<System.ArgumentOutOfRangeException>(() => list[6]);
            Assert.Throws<System.ArgumentOutOfRangeException>(() => list[-1]);
            Assert.Same(parts[1], ConcatenatedList<int>.PartsOf(list)[1]);
            var single = new List<int> { 9 };
            Assert.Same(single, Assert.Single(ConcatenatedList<int>.PartsOf(single)));
        }

        [Fact]
        public void NoPartsIsEmpty()
        {
            var list = new ConcatenatedList<int>(new List<IReadOnlyList<int>>());
            Assert.Empty(list);
            Assert.Throws<System.ArgumentOutOfRangeException>(() => list[0]);
        }
    }
}
