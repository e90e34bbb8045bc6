using System.Text;

namespace Chartly.Profiler
{
    /// <summary>
    /// The one output sanitiser: text from outside (arguments echoed in errors, saved documents,
    /// telemetry labels) reaches a terminal with every control character, escape sequence, bidi
    /// override, zero-width character and BOM replaced by a visible '?'.
    /// </summary>
    internal static class Sanitize
    {
        /// <summary>
        /// Characters a terminal acts on or draws as nothing: C0/C1 controls (ESC starts an escape
        /// sequence), format characters (bidi overrides and isolates, zero-width spaces and joiners,
        /// BOM, soft hyphen), line and paragraph separators, and lone surrogates.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimised)]
        public static bool IsInvisible(char c) =>
            char.IsControl(c)
            || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;

        /// <summary>Any length, one line: every invisible character (see <see cref="IsInvisible"/>) and lone surrogate a '?'.</summary>
        public static string ForTerminal(string text)
        {
            StringBuilder? sb = null;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
                var bad = IsInvisible(c) || (char.IsSurrogate(c) && !pair);
                if (bad && sb is null)
                {
                    sb = new StringBuilder(text.Length).Append(text, 0, i);
                }

                if (pair)
                {
                    sb?.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }

                sb?.Append(bad ? '?' : c);
            }

            return sb?.ToString() ?? text;
        }

        private const int MaxEcho = 80;

        public static string ForMessage(string? text)
        {
            if (text is null)
            {
                return string.Empty;
            }

            var sb = new StringBuilder(System.Math.Min(text.Length, MaxEcho) + 3);
            foreach (var c in text)
            {
                if (sb.Length >= MaxEcho)
                {
                    sb.Append("...");
                    break;
                }

                sb.Append(IsInvisible(c) || char.IsSurrogate(c) ? '?' : c);
            }

            return sb.ToString();
        }
    }
}
