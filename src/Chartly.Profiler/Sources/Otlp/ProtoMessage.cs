using System;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Chartly.Profiler.Sources.Otlp
{
    /// <summary>
    /// Lets <see cref="CodedInputStream.ReadMessage(IMessage)"/> (which enforces the embedded
    /// length, the record's bounds and the recursion limit) hand an embedded message to a method
    /// of the protobuf reader. Read-only: the profiler never writes protobuf.
    /// </summary>
    internal sealed class ProtoMessage : IMessage
    {
        private readonly Action<CodedInputStream> _read;

        public ProtoMessage(Action<CodedInputStream> read) => _read = read;

        public MessageDescriptor Descriptor => throw new NotSupportedException("A reader of selected fields has no descriptor.");

        public void MergeFrom(CodedInputStream input) => _read(input);

        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException("The profiler never writes protobuf.");

        public int CalculateSize() => throw new NotSupportedException("The profiler never writes protobuf.");
    }
}
