using System.Collections.Generic;
using System.Linq;
using Chartly.Profiler.Telemetry;
using Xunit;

namespace Chartly.Profiler.Tests.Telemetry
{
    public class TraceIdTableTests
    {
        [Fact]
        public void Numbers_each_distinct_id_by_its_first_position_and_answers_minus_one_for_others()
        {
            var a = new TraceId(1, 2);
            var b = new TraceId(0, 0); // the empty id is an id like any other here
            var c = new TraceId(ulong.MaxValue, 7);
            var table = new TraceIdTable(new[] { a, b, a, c, b });

            Assert.Equal(3, table.Count);
            Assert.Equal(0, table.SlotOf(a));
            Assert.Equal(1, table.SlotOf(b));
            Assert.Equal(2, table.SlotOf(c));
            Assert.Equal(-1, table.SlotOf(new TraceId(2, 1)));
            Assert.False(table.Contains(new TraceId(7, ulong.MaxValue)));
            Assert.Equal(new[] { a, b, c }, table.Ids());
        }

        [Fact]
        public void Finds_every_id_of_a_large_set_whose_hashes_collide_and_none_other()
        {
            // Ids that differ only in the high half, or share the low half: many land on the same
            // entries of the table, so every lookup walks the probe sequence.
            var ids = new List<TraceId>();
            for (ulong i = 0; i < 20_000; i++)
            {
                ids.Add(new TraceId(i * 0x10000, 42));
                ids.Add(new TraceId(42, i << 20));
            }

            var table = new TraceIdTable(ids);
            var expected = ids.Distinct().ToList();
            Assert.Equal(expected.Count, table.Count);
            for (var k = 0; k < expected.Count; k++)
            {
                Assert.Equal(k, table.SlotOf(expected[k]));
            }

            for (ulong i = 0; i < 2_000; i++)
            {
                Assert.Equal(-1, table.SlotOf(new TraceId((i * 0x10000) + 1, 42)));
                Assert.Equal(-1, table.SlotOf(new TraceId(43, i << 20)));
            }
        }

        [Fact]
        public void An_empty_table_holds_nothing()
        {
            var table = new TraceIdTable(new TraceId[0]);
            Assert.Equal(0, table.Count);
            Assert.Equal(-1, table.SlotOf(default));
            Assert.Empty(table.Ids());
        }
    }
}
