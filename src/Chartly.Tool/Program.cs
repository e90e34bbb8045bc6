using System;
using System.IO;
using System.Text;

namespace Chartly.Tool
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            // The bytes profiler.ps1 writes: UTF-8 without BOM, LF, whatever the console's encoding.
            var utf8 = new UTF8Encoding(false);
            var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { NewLine = "\n", AutoFlush = false };
            var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { NewLine = "\n", AutoFlush = true };
            var code = ToolApp.Run(args, stdout, stderr);
            try
            {
                stdout.Flush();
            }
            catch (IOException)
            {
                // The reader went away (`| head`): nothing left to tell it, and no stack trace either.
            }

            return code;
        }
    }
}
