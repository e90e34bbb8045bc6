using System;
using System.IO;
using System.Text.Json;
using Chartly.Profiler.Sources.Kusto;

namespace Chartly.Profiler.Sources.AzureDataExplorer
{
    /// <summary>
    /// A parsed answer of <c>POST /v2/rest/query</c>: a JSON array of frames, a
    /// <c>DataSetHeader</c>, <c>DataTable</c> frames (<c>TableKind</c>, <c>Columns</c> of
    /// <c>ColumnName</c>/<c>ColumnType</c>, <c>Rows</c>) and a closing <c>DataSetCompletion</c>
    /// (<c>HasErrors</c>, <c>Cancelled</c>, <c>OneApiErrors</c>). The rows used are those of the first table of kind
    /// <c>PrimaryResult</c>. An answer whose completion reports errors, or whose rows carry an
    /// inline error object, is partial: its rows are used and the error is counted, unless the
    /// error says the result was cut at the query limits (then it is truncated). An answer
    /// without its completion frame was cut short and is malformed.
    /// </summary>
    internal sealed class AdxResponse
    {
        private AdxResponse(KustoTable? primary, bool partial, bool truncated)
        {
            Primary = primary;
            Partial = partial;
            Truncated = truncated;
        }

        public KustoTable? Primary { get; }

        public bool Partial { get; }

        /// <summary>An error of the answer says the result set was cut at the query limits (E_QUERY_RESULT_SET_TOO_LARGE).</summary>
        public bool Truncated { get; }

        /// <summary>Parses a 200 answer; throws <see cref="FormatException"/> with a short reason when its shape is wrong.</summary>
        public static AdxResponse Parse(Stream body)
        {
            using (var doc = KustoJson.Open(body))
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("the body is not a JSON array of frames (a v2 query answer)");
                }

                KustoTable? primary = null;
                bool partial = false, truncated = false, header = false, completed = false;
                foreach (var frame in root.EnumerateArray())
                {
                    if (frame.ValueKind != JsonValueKind.Object)
                    {
                        throw new FormatException("a frame is not an object");
                    }

                    switch (Text(frame, "FrameType"))
                    {
                        case "DataSetHeader":
                            header = true;
                            break;
                        case "DataTable":
                            if (Text(frame, "TableKind") == "PrimaryResult" && primary is null)
                            {
                                primary = KustoTableShape.DataExplorer.Read(frame, out var errorRows, out var cut);
                                truncated |= cut;

                                // An error raised while the rows streamed: what came before it is real, what follows is missing.
                                partial |= errorRows > 0;
                            }

                            break;
                        case "DataSetCompletion":
                            completed = true;
                            // An error object without the flag still says something is missing: counted, not trusted away.
                            var hasErrors = frame.TryGetProperty("OneApiErrors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0;
                            partial |= Flag(frame, "HasErrors") || Flag(frame, "Cancelled") || hasErrors;
                            truncated |= hasErrors && KustoAnswer.SaysTruncated(errors.GetRawText());
                            break;
                        case null:
                            throw new FormatException("a frame has no FrameType");
                        default:
                            // TableHeader/TableFragment/TableProgress/TableCompletion belong to progressive answers, which are never asked for.
                            break;
                    }
                }

                if (!header)
                {
                    throw new FormatException("it has no DataSetHeader frame");
                }

                if (!completed)
                {
                    throw new FormatException("it has no DataSetCompletion frame (the answer was cut short)");
                }

                return new AdxResponse(primary, partial, truncated);
            }
        }

        /// <summary>The OneApiErrors object of a failed answer (any status): its code and the most specific message, or null when the body holds none.</summary>
        public static (string? Code, string? Message)? ParseError(Stream? body)
        {
            if (body is null)
            {
                return null;
            }

            try
            {
                using var doc = JsonDocument.Parse(body, KustoJson.Options);
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var e) || e.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                // "@message" says what failed (the semantic error); "message" is the generic summary.
                return (Text(e, "code"), Text(e, "@message") ?? Text(e, "message"));
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static bool Flag(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
    }
}
