using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Chartly.Tool.Completion
{
    /// <summary>
    /// Keeps the [suggest] answers that start with the word under the cursor. System.CommandLine also
    /// offers every option whose name merely contains the word (<c>r</c> lists <c>--dry-run</c>), which a
    /// shell would then offer in place of what was typed. The short help aliases (-h, -?, /h, /?) are
    /// left out too: --help is offered, four spellings of it are noise in a completion list.
    /// </summary>
    internal static class SuggestFilter
    {
        private static readonly HashSet<string> HelpAliases = new(StringComparer.Ordinal) { "-h", "-?", "/h", "/?" };

        public static void Write(string answers, IReadOnlyList<string> args, TextWriter stdout)
        {
            var word = WordUnderCursor(args);
            using var reader = new StringReader(answers);
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                if (line.Length > 0 && line.StartsWith(word, StringComparison.Ordinal) && !HelpAliases.Contains(line))
                {
                    stdout.Write(line + "\n");
                }
            }
        }

        /// <summary>
        /// The shells pass <c>[suggest:N]</c> and the whole line: the word is what stands between the
        /// last blank before N and N. Any other use (words given one by one) completes the last one.
        /// </summary>
        public static string WordUnderCursor(IReadOnlyList<string> args)
        {
            if (args.Count == 0)
            {
                return string.Empty;
            }

            var line = args[args.Count - 1];
            if (args.Count == 2)
            {
                var directive = args[0];
                var colon = directive.IndexOf(':');
                if (colon > 0
                    && int.TryParse(directive.Substring(colon + 1).TrimEnd(']'), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                    && position <= line.Length)
                {
                    line = line.Substring(0, position);
                }

                var blank = line.LastIndexOfAny(new[] { ' ', '\t' });
                return line.Substring(blank + 1);
            }

            return line;
        }
    }
}
