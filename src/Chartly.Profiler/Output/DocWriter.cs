using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Chartly.Profiler.Output
{
    /// <summary>Writes a <see cref="DocNode"/> tree as JSON or YAML: LF line endings, two-space indent, a final newline.</summary>
    public static class DocWriter
    {
        public static string ToJson(DocNode node)
        {
            using var ms = new MemoryStream();
            var options = new JsonWriterOptions
            {
                Indented = true,
                NewLine = "\n",
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
            using (var w = new Utf8JsonWriter(ms, options))
            {
                WriteJson(w, node);
            }

            return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
        }

        private static void WriteJson(Utf8JsonWriter w, DocNode node)
        {
            switch (node)
            {
                case DocMap map:
                    w.WriteStartObject();
                    foreach (var e in map.Entries)
                    {
                        w.WritePropertyName(e.Key);
                        WriteJson(w, e.Value);
                    }

                    w.WriteEndObject();
                    break;
                case DocList list:
                    w.WriteStartArray();
                    foreach (var item in list.Items)
                    {
                        WriteJson(w, item);
                    }

                    w.WriteEndArray();
                    break;
                case DocScalar s:
                    switch (s.Kind)
                    {
                        case ScalarKind.Null: w.WriteNullValue(); break;
                        case ScalarKind.Text: w.WriteStringValue(s.Raw); break;
                        case ScalarKind.Boolean: w.WriteBooleanValue(s.Raw == "true"); break;
                        case ScalarKind.Integer: w.WriteNumberValue(long.Parse(s.Raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture)); break;

                        // decimal keeps its scale ("60.0"), so the writer prints exactly the digits the document chose.
                        default: w.WriteNumberValue(decimal.Parse(s.Raw, System.Globalization.NumberStyles.Number | System.Globalization.NumberStyles.AllowExponent, System.Globalization.CultureInfo.InvariantCulture)); break;
                    }

                    break;
            }
        }

        public static string ToYaml(DocNode node)
        {
            var sb = new StringBuilder();
            WriteYamlBlock(sb, node, 0);
            return sb.ToString();
        }

        private static void WriteYamlBlock(StringBuilder sb, DocNode node, int indent)
        {
            switch (node)
            {
                case DocMap map:
                    foreach (var e in map.Entries)
                    {
                        sb.Append(' ', indent).Append(e.Key).Append(':');
                        WriteYamlValue(sb, e.Value, indent);
                    }

                    break;
                case DocList list:
                    foreach (var item in list.Items)
                    {
                        sb.Append(' ', indent).Append('-');
                        if (item is DocMap m && m.Entries.Count > 0)
                        {
                            // The first key shares the dash's line; the rest align under it.
                            var inner = new StringBuilder();
                            WriteYamlBlock(inner, item, indent + 2);
                            sb.Append(' ').Append(inner.ToString(indent + 2, inner.Length - indent - 2));
                        }
                        else
                        {
                            WriteYamlValue(sb, item, indent);
                        }
                    }

                    break;
                default:
                    WriteYamlValue(sb, node, indent);
                    break;
            }
        }

        private static void WriteYamlValue(StringBuilder sb, DocNode value, int indent)
        {
            switch (value)
            {
                case DocMap m when m.Entries.Count == 0:
                    sb.Append(" {}\n");
                    break;
                case DocMap m:
                    sb.Append('\n');
                    WriteYamlBlock(sb, m, indent + 2);
                    break;
                case DocList l when l.Items.Count == 0:
                    sb.Append(" []\n");
                    break;
                case DocList l:
                    sb.Append('\n');
                    WriteYamlBlock(sb, l, indent + 2);
                    break;
                case DocScalar s:
                    sb.Append(' ').Append(s.Kind == ScalarKind.Text ? Quote(s.Raw) : s.Raw).Append('\n');
                    break;
            }
        }

        /// <summary>Double-quoted with JSON escapes: valid YAML for any string, and never re-typed by a YAML reader.</summary>
        private static string Quote(string s)
        {
            var sb = new StringBuilder(s.Length + 2);
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }
    }
}
