using System;
using System.IO;
using System.Text.Json;

namespace Chartly.Profiler.Sources.Kusto
{
    /// <summary>
    /// How an answer of a Kusto-language store (Log Analytics, Data Explorer) is opened: one depth
    /// bound and one message for a body that is not JSON, whatever the answer's shape.
    /// </summary>
    internal static class KustoJson
    {
        /// <summary>Answers nest tables, rows and dynamic cells; deeper than this is not an answer.</summary>
        public static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

        /// <summary>The body as a document; <see cref="FormatException"/> when it is not JSON.</summary>
        public static JsonDocument Open(Stream body)
        {
            try
            {
                return JsonDocument.Parse(body, Options);
            }
            catch (JsonException)
            {
                throw new FormatException("the body is not JSON");
            }
        }
    }
}
