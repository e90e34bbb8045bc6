using System;
using System.Collections.Generic;
using System.Globalization;

namespace Chartly.TelemetryGen;

internal static class Program
{
    private const string Usage =
        "TelemetryGen: deterministic OTLP/JSON telemetry (OpenTelemetry Collector file-exporter shape)\n" +
        "\n" +
        "  samples     --out <dir>                                      the bundled demo telemetry\n" +
        "  canary      --out <dir>                                      the bundled rollout (two versions side by side)\n" +
        "  bench       --out <dir> --size-mb <N> [--files <K>] [--seed <S>]   a large window of workflow traces\n" +
        "  bench-trace --out <file> --spans <N> [--depth <D>]            one trace of N spans\n" +
        "  openmetrics --in <dir> --out <file>                           OTLP metric points as OpenMetrics (promtool backfill)\n" +
        "  convert     --in <dir> --out <dir> --format <F>               OTLP/JSON files in another file-exporter layout:\n" +
        "              json, json+zstd, proto, proto+zstd, json+zstd-stream, json+zstd-frames, proto+zstd-stream, json.gz\n" +
        "\n" +
        "Flags accept '--flag value' and '--flag=value'. Output depends only on the arguments.\n";

    private static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.Write(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        string verb = args[0];
        Dictionary<string, string> flags;
        try
        {
            flags = ParseFlags(args, 1);
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }

        try
        {
            switch (verb)
            {
                case "samples":
                    Allow(flags, "out");
                    return Samples.Run(Required(flags, "out"));
                case "canary":
                    Allow(flags, "out");
                    return Canary.Run(Required(flags, "out"));
                case "bench":
                {
                    Allow(flags, "out", "size-mb", "files", "seed");
                    double size = ParseDouble(Required(flags, "size-mb"), "size-mb");
                    if (size <= 0) throw new ArgumentException("--size-mb must be > 0");
                    int files = flags.TryGetValue("files", out string? f) ? (int)ParseLong(f, "files") : 4;
                    if (files < 1) throw new ArgumentException("--files must be >= 1");
                    ulong seed = flags.TryGetValue("seed", out string? s) ? (ulong)ParseLong(s, "seed") : 1UL;
                    return Bench.Run(Required(flags, "out"), size, files, seed);
                }
                case "bench-trace":
                {
                    Allow(flags, "out", "spans", "depth");
                    long spans = ParseLong(Required(flags, "spans"), "spans");
                    if (spans < 1) throw new ArgumentException("--spans must be >= 1");
                    long? depth = flags.TryGetValue("depth", out string? d) ? ParseLong(d, "depth") : null;
                    if (depth < 0) throw new ArgumentException("--depth must be >= 0");
                    return BenchTrace.Run(Required(flags, "out"), spans, depth);
                }
                case "convert":
                    Allow(flags, "in", "out", "format");
                    return CollectorFiles.Run(Required(flags, "in"), Required(flags, "out"), Required(flags, "format"));
                case "openmetrics":
                    Allow(flags, "in", "out");
                    return OpenMetrics.Run(Required(flags, "in"), Required(flags, "out"));
                default:
                    return Fail("unknown verb '" + verb + "'");
            }
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("TelemetryGen: " + message);
        Console.Error.Write(Usage);
        return 2;
    }

    private static Dictionary<string, string> ParseFlags(string[] args, int from)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = from; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new ArgumentException("unexpected argument '" + a + "'");
            string name, value;
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = a[2..eq];
                value = a[(eq + 1)..];
            }
            else
            {
                name = a[2..];
                if (i + 1 >= args.Length) throw new ArgumentException("--" + name + " needs a value");
                value = args[++i];
            }
            if (!result.TryAdd(name, value)) throw new ArgumentException("--" + name + " given twice");
        }
        return result;
    }

    private static void Allow(Dictionary<string, string> flags, params string[] names)
    {
        foreach (string k in flags.Keys)
        {
            if (Array.IndexOf(names, k) < 0) throw new ArgumentException("unknown flag --" + k);
        }
    }

    private static string Required(Dictionary<string, string> flags, string name) =>
        flags.TryGetValue(name, out string? v) && v.Length > 0 ? v : throw new ArgumentException("--" + name + " is required");

    private static long ParseLong(string v, string name) =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long r)
            ? r : throw new ArgumentException("--" + name + ": not an integer: '" + v + "'");

    private static double ParseDouble(string v, string name) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && double.IsFinite(r)
            ? r : throw new ArgumentException("--" + name + ": not a number: '" + v + "'");
}
