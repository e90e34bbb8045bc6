using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using ZstdSharp;

namespace Chartly.TelemetryGen;

/// <summary>The file layouts the collector's file exporter (and log shippers) write.</summary>
public enum CollectorFormat
{
    /// <summary><c>format: json</c>: one request per line (the input, unchanged).</summary>
    Json,

    /// <summary><c>format: json, compression: zstd</c> (legacy): each request one zstd frame, 4-byte big-endian length first.</summary>
    JsonZstd,

    /// <summary><c>format: proto</c>: each request as protobuf, 4-byte big-endian length first.</summary>
    Proto,

    /// <summary><c>format: proto, compression: zstd</c> (legacy): each protobuf request one zstd frame, length first.</summary>
    ProtoZstd,

    /// <summary><c>compression: zstd</c> with native compression, no rotation: one zstd stream of JSON lines.</summary>
    JsonZstdStream,

    /// <summary>Native compression with rotation: one zstd frame per written line, concatenated.</summary>
    JsonZstdFrames,

    /// <summary>Native compression, <c>format: proto</c>: one zstd stream of length-prefixed protobuf requests.</summary>
    ProtoZstdStream,

    /// <summary>A log shipper's <c>.json.gz</c>: the JSON lines gzipped whole.</summary>
    JsonGzip,
}

/// <summary>
/// Rewrites OTLP/JSON files into the other layouts, with the libraries the collector's own
/// output can be read back with: Google.Protobuf's writer (<see cref="OtlpProtoWriter"/>),
/// ZstdSharp for zstd, the BCL's GZipStream. Records are the JSON file's top-level objects (a
/// pretty-printed document is one record), in order.
/// </summary>
public static class CollectorFiles
{
    public static readonly IReadOnlyList<string> Names = new[] { "json", "json+zstd", "proto", "proto+zstd", "json+zstd-stream", "json+zstd-frames", "proto+zstd-stream", "json.gz" };

    public static CollectorFormat Parse(string name) => Array.IndexOf((string[])Names, name) is var i and >= 0
        ? (CollectorFormat)i
        : throw new ArgumentException("--format must be one of " + string.Join(", ", Names));

    /// <summary>The top-level JSON objects of a file, as their raw bytes.</summary>
    public static List<byte[]> Records(byte[] json)
    {
        var records = new List<byte[]>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            records.Add(json.AsSpan(start, (int)reader.BytesConsumed - start).ToArray());
        }

        return records;
    }

    public static byte[] Write(byte[] json, CollectorFormat format)
    {
        using var compressor = new Compressor(3);
        switch (format)
        {
            case CollectorFormat.Json:
                return json;
            case CollectorFormat.JsonGzip:
            {
                using var ms = new MemoryStream();
                using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(json);
                return ms.ToArray();
            }

            case CollectorFormat.JsonZstdStream:
                return compressor.Wrap(json).ToArray();
            case CollectorFormat.ProtoZstdStream:
                return compressor.Wrap(Write(json, CollectorFormat.Proto)).ToArray();
            default:
            {
                using var ms = new MemoryStream();
                var prefix = new byte[4];
                foreach (var record in Records(json))
                {
                    var payload = format is CollectorFormat.Proto or CollectorFormat.ProtoZstd ? OtlpProtoWriter.Convert(record) : record;
                    if (format == CollectorFormat.JsonZstdFrames)
                    {
                        // What the rotating native writer does: each written line its own frame, no prefix.
                        var line = new byte[record.Length + 1];
                        record.CopyTo(line, 0);
                        line[^1] = (byte)'\n';
                        ms.Write(compressor.Wrap(line));
                        continue;
                    }

                    if (format is CollectorFormat.JsonZstd or CollectorFormat.ProtoZstd)
                    {
                        payload = compressor.Wrap(payload).ToArray();
                    }

                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)payload.Length);
                    ms.Write(prefix);
                    ms.Write(payload);
                }

                return ms.ToArray();
            }
        }
    }

    /// <summary>The <c>convert</c> verb: every *.json / *.jsonl under <paramref name="input"/>, same relative names, in <paramref name="format"/>.</summary>
    public static int Run(string input, string output, string format)
    {
        var f = Parse(format);
        var root = Path.GetFullPath(input);
        var files = new List<string>(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
        files.Sort(StringComparer.Ordinal);
        var n = 0;
        foreach (var file in files)
        {
            if (!file.EndsWith(".json", StringComparison.Ordinal) && !file.EndsWith(".jsonl", StringComparison.Ordinal)) continue;
            var target = Path.Combine(output, Path.GetRelativePath(root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, Write(File.ReadAllBytes(file), f));
            n++;
        }

        Console.Out.WriteLine($"converted {n} file(s) to {format} under {output}");
        return 0;
    }
}
