using System;

namespace Chartly.Profiler.Output
{
    public enum DocumentFormat
    {
        Json,
        Yaml,
        Text,
    }

    public static class DocumentFormats
    {
        public static DocumentFormat Parse(string? text)
        {
            if (string.IsNullOrEmpty(text) || string.Equals(text, "json", StringComparison.OrdinalIgnoreCase))
            {
                return DocumentFormat.Json;
            }

            if (string.Equals(text, "yaml", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "yml", StringComparison.OrdinalIgnoreCase))
            {
                return DocumentFormat.Yaml;
            }

            if (string.Equals(text, "text", StringComparison.OrdinalIgnoreCase))
            {
                return DocumentFormat.Text;
            }

            throw ProfilerException.Invalid("InvalidFormat", $"Unknown format '{Sanitize.ForMessage(text)}'. Valid formats: json, yaml, text.");
        }
    }
}
