using Google.Protobuf;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>What a binary OTLP record carries.</summary>
    internal enum RecordSignal
    {
        Unknown,
        Traces,
        Metrics,
    }

    /// <summary>
    /// Traces and metrics requests look alike on the wire (field 1, then field 2, then field 2),
    /// and one collector file exporter shared by a traces and a metrics pipeline writes both into
    /// one file. The first span or metric tells which: a span has fixed64 times (fields 7, 8), a
    /// varint kind (6) and fixed32 flags (16); a metric has its data in an embedded message (5, 7,
    /// 9, 10, 11), where 5, 9 and 11 are also a span's name, attributes and events.
    /// </summary>
    internal static class ProtoSignal
    {
        public static RecordSignal Probe(byte[] buffer, int offset, int length) => Level(buffer, offset, length, 0);

        private static RecordSignal Level(byte[] buffer, int offset, int length, int depth)
        {
            var end = offset + length;
            var input = new CodedInputStream(buffer, offset, length);
            var wanted = depth == 0 ? 1 : 2;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != wanted || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    input.SkipLastField();
                    continue;
                }

                var size = input.ReadLength();
                var start = (int)input.Position;
                if (size < 0 || start + size > end)
                {
                    return RecordSignal.Unknown; // the parse proper reports the broken length
                }

                var signal = depth == 2 ? Element(buffer, start, size) : Level(buffer, start, size, depth + 1);
                if (signal != RecordSignal.Unknown)
                {
                    return signal;
                }

                // Undecided (an empty resource or scope): go on after this embedded message.
                input = new CodedInputStream(buffer, start + size, end - start - size);
            }

            return RecordSignal.Unknown;
        }

        private static RecordSignal Element(byte[] buffer, int offset, int length)
        {
            var input = new CodedInputStream(buffer, offset, length);
            var metricLike = false;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = WireFormat.GetTagFieldNumber(tag);
                var type = WireFormat.GetTagWireType(tag);
                switch (type)
                {
                    // Span: start and end times (fixed64), flags (fixed32), kind and the dropped counts (varint).
                    case WireFormat.WireType.Fixed64 when field is 7 or 8:
                    case WireFormat.WireType.Fixed32 when field == 16:
                    case WireFormat.WireType.Varint when field is 6 or 10 or 12 or 14:
                        return RecordSignal.Traces;

                    // Metric: its data (gauge 5, sum 7, histogram 9, exponential 10, summary 11) or metadata (12);
                    // 5, 9 and 11 are also a span's name, attributes and events, so only a metric has no span field.
                    case WireFormat.WireType.LengthDelimited when field is 7 or 10 or 12:
                        return RecordSignal.Metrics;
                    case WireFormat.WireType.LengthDelimited when field is 5 or 9 or 11:
                        metricLike = true;
                        break;
                }

                input.SkipLastField();
            }

            return metricLike ? RecordSignal.Metrics : RecordSignal.Unknown;
        }
    }
}
