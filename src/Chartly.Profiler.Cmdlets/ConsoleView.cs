using System;
using System.Management.Automation.Host;
using System.Text;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// The default view of a profile in a console: the text report, each line cut to the console's
    /// width with an ellipsis so that nothing wraps mid-word. Only the view: `--format text` and
    /// ConvertTo-ChartlyProfileDocument -Format Text stay at their fixed width (docs/cli.md).
    /// </summary>
    public static class ConsoleView
    {
        public const char Ellipsis = '\u2026';

        /// <summary>The text with every line at most <paramref name="width"/> - 1 columns (the console's last column is left free, as PowerShell's own tables do); 0 or less: unchanged.</summary>
        public static string Fit(string text, int width)
        {
            if (width <= 1 || string.IsNullOrEmpty(text))
            {
                return text;
            }

            var max = width - 1;
            var lines = text.Split('\n');
            var sb = new StringBuilder(text.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.Length > max)
                {
                    line = line.Substring(0, max - 1).TrimEnd() + Ellipsis;
                }

                sb.Append(line);
                if (i < lines.Length - 1)
                {
                    sb.Append('\n');
                }
            }

            return sb.ToString();
        }

        /// <summary>
        /// The width of the console the view is shown in, or 0 when there is none to fit (output
        /// redirected to a file or a pipe, a host without a console): then lines are kept whole.
        /// </summary>
        public static int Width(PSHost? host)
        {
            try
            {
                if (host?.UI?.RawUI is not { } raw || Console.IsOutputRedirected)
                {
                    return 0;
                }

                var w = raw.WindowSize.Width;
                return w > 0 ? w : 0;
            }
            catch (Exception e) when (e is NotImplementedException or NotSupportedException or InvalidOperationException or System.IO.IOException or HostException)
            {
                return 0;
            }
        }
    }
}
