using System.Text;

namespace Chartly.Profiler
{
    /// <summary>Makes user-supplied text safe to echo in an error message: short, printable, one line.</summary>
    internal static class Sanitize
    {
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

                sb.Append(char.IsControl(c) ? '?' : c);
            }

            return sb.ToString();
        }
    }
}
