using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Formats;
using Xunit;

namespace Chartly.Profiler.Tests.Sources
{
    /// <summary>
    /// Pass one's cache of repeated names (Utf8Strings) gives exactly the text a fresh decode
    /// gives, one instance per distinct text, and decodes as before past its bounds.
    /// </summary>
    public class Utf8StringsTests
    {
        [Fact]
        public void A_repeated_text_is_one_string_equal_to_a_fresh_decode()
        {
            var cache = new Utf8Strings();
            var bytes = Encoding.UTF8.GetBytes("GET /items/{id} é");
            var first = cache.Get(bytes);
            var again = cache.Get(bytes.ToArray());
            Assert.Equal(OtlpText.Decode(bytes), first);
            Assert.Same(first, again);
            Assert.NotSame(first, cache.Get(Encoding.UTF8.GetBytes("GET /items/{id} e")));
        }

        [Fact]
        public void Invalid_utf8_and_long_texts_read_as_a_fresh_decode_does()
        {
            var cache = new Utf8Strings();
            var invalid = new byte[] { 0x61, 0xC3, 0x28, 0x62 };
            Assert.Equal(OtlpText.Decode(invalid), cache.Get(invalid));
            Assert.Equal(OtlpText.Decode(invalid), cache.Get(invalid));
            var longText = Encoding.UTF8.GetBytes(new string('x', Utf8Strings.MaxBytes + 1));
            Assert.Equal(OtlpText.Decode(longText), cache.Get(longText));
            Assert.NotSame(cache.Get(longText), cache.Get(longText));
        }

        [Fact]
        public void Distinct_texts_past_the_table_are_still_decoded_right()
        {
            var cache = new Utf8Strings();
            for (var i = 0; i < 20_000; i++)
            {
                var text = "span-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(text, cache.Get(Encoding.UTF8.GetBytes(text)));
            }

            Assert.Equal("span-7", cache.Get(Encoding.UTF8.GetBytes("span-7")));
            Assert.Equal("span-19999", cache.Get(Encoding.UTF8.GetBytes("span-19999")));
        }

        [Fact]
        public void An_escaped_json_string_is_unescaped_not_taken_as_its_bytes()
        {
            var cache = new Utf8Strings();
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes("[\"a\\u0062c\",\"abc\"]"));
            reader.Read();
            reader.Read();
            Assert.Equal("abc", cache.Read(ref reader));
            reader.Read();
            Assert.Equal("abc", cache.Read(ref reader));
        }

        [Fact]
        public void Escaped_property_names_read_as_the_plain_ones()
        {
            const string Plain = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"GET /a\",\"kind\":2,\"startTimeUnixNano\":\"1795564800006000000\",\"endTimeUnixNano\":\"1795564800270000000\",\"attributes\":[{\"key\":\"chartly.component\",\"value\":{\"stringValue\":\"api\"}}],\"status\":{\"code\":2}}]}]}]}";
            var escaped = Plain
                .Replace("\"traceId\"", "\"trace\\u0049d\"")
                .Replace("\"name\"", "\"n\\u0061me\"")
                .Replace("\"key\"", "\"k\\u0065y\"")
                .Replace("\"stringValue\"", "\"string\\u0056alue\"")
                .Replace("\"kind\"", "\"kin\\u0064\"");
            Assert.NotEqual(Plain, escaped);
            var plain = Read(Plain);
            var read = Read(escaped);
            Assert.Single(plain);
            Assert.Single(read);
            Assert.Equal((plain[0].TraceId, plain[0].Label, plain[0].Kind, plain[0].StatusCode), (read[0].TraceId, read[0].Label, read[0].Kind, read[0].StatusCode));
            Assert.Equal(SpanKind.Server, read[0].Kind);
            Assert.Equal("api", read[0].Label);
        }

        private static System.Collections.Generic.List<SpanRecord> Read(string record)
        {
            var sink = new SpanCollector();
            new OtlpFileReader().Read(new MemoryStream(Encoding.UTF8.GetBytes(record + "\n")), sink, new DataQualityCounters(), CancellationToken.None);
            return sink.Spans;
        }
    }
}
