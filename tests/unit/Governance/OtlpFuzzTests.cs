using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Sources.Otlp;
using Chartly.Profiler.Telemetry;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// A small, seeded fuzz of the OTLP/JSON reader (OtlpFileReader + OtlpRecordParser): real sample
    /// records mutated by bit flips, truncations, splices, duplicated and dropped brackets, inserted
    /// bytes and swapped lines. A bounded number of iterations, the same inputs on every run. No
    /// exception may escape, and the counts must stay consistent with each other and with the input.
    /// </summary>
    public class OtlpFuzzTests
    {
        internal const int Iterations = 3000;

        private sealed class CountingSink : ISpanSink
        {
            public int Accepted { get; private set; }

            public List<(ulong Span, long Start, long End)> Seen { get; } = new();

            public SpanInterest Interest(TraceId traceId) => SpanInterest.Full;

            public void Accept(SpanDraft d)
            {
                // What the parser promises for every span it hands over.
                Assert.False(d.Invalid);
                Assert.NotEqual(0UL, d.SpanId);
                Assert.True(d.EndUnixNano >= d.StartUnixNano);
                Assert.True(d.Name is null || d.Name.Length <= 1024);
                Accepted++;
                Seen.Add((d.SpanId, d.StartUnixNano, d.EndUnixNano));
            }
        }

        /// <summary>Seed records: lines of every sample file (traces, metrics, mixed) and the pretty document whole.</summary>
        internal static List<byte[]> Seeds()
        {
            var dir = Path.Combine(Repo.Root, "samples", "telemetry");
            var seeds = new List<byte[]>();
            foreach (var f in new[] { "traces.json", "mixed.json", "metrics.json", "traces-2026-11-24T10-30-00.000.json" })
            {
                seeds.AddRange(File.ReadLines(Path.Combine(dir, f)).Where(l => l.Length > 0).Take(6).Select(Encoding.UTF8.GetBytes));
            }

            seeds.Add(File.ReadAllBytes(Path.Combine(dir, "pretty", "operation.json")));
            return seeds;
        }

        internal static byte[] Mutate(Random rng, List<byte[]> seeds)
        {
            var input = new List<byte>();
            var records = 1 + rng.Next(3);
            for (var r = 0; r < records; r++)
            {
                var b = seeds[rng.Next(seeds.Count)].ToList();
                var mutations = 1 + rng.Next(4);
                for (var m = 0; m < mutations && b.Count > 0; m++)
                {
                    var at = rng.Next(b.Count);
                    switch (rng.Next(9))
                    {
                        case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;                                     // bit flip
                        case 1: b.RemoveRange(at, b.Count - at); break;                                        // truncation
                        case 2: var other = seeds[rng.Next(seeds.Count)]; var from = rng.Next(other.Length); b.InsertRange(at, other.Skip(from).Take(rng.Next(1, 400))); break; // splice
                        case 3: b.InsertRange(at, Enumerable.Repeat((byte)"{[]}"[rng.Next(4)], 1 + rng.Next(80))); break; // duplicated brackets
                        case 4: b.RemoveAt(at); break;                                                         // dropped byte (often a bracket or quote)
                        case 5: b.Insert(at, (byte)rng.Next(256)); break;                                      // random byte, invalid UTF-8 included
                        case 6: b.InsertRange(at, Encoding.UTF8.GetBytes(new[] { "\"NaN\"", "-1", "1e999", "\"\"", "null", "\\u0000", "\n", "\r\n", "\"18446744073709551616\"" }[rng.Next(9)])); break;
                        case 7: var q = b.IndexOf((byte)'"', at); if (q >= 0) b.RemoveAt(q); break;            // unbalanced quote
                        default: b.InsertRange(at, Encoding.UTF8.GetBytes("\n")); break;                      // a line break inside a record
                    }
                }

                input.AddRange(b);
                input.Add((byte)'\n');
            }

            return input.ToArray();
        }

        private static (DataQualityCounters Quality, CountingSink Sink) Read(byte[] input)
        {
            var sink = new CountingSink();
            var quality = new DataQualityCounters();
            new OtlpFileReader().Read(new MemoryStream(input, writable: false), sink, quality, CancellationToken.None);
            return (quality, sink);
        }

        [Fact]
        public void MutatedRecordsNeverThrowAndCountsStayConsistent()
        {
            var seeds = Seeds();
            var rng = new Random(20261124);
            long accepted = 0, malformed = 0, unsupported = 0;
            for (var i = 0; i < Iterations; i++)
            {
                var input = Mutate(rng, seeds);
                DataQualityCounters q;
                CountingSink sink;
                try
                {
                    (q, sink) = Read(input);
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    File.WriteAllBytes(Path.Combine(Path.GetTempPath(), $"chartly-fuzz-{i}.json"), input);
                    throw new Xunit.Sdk.XunitException($"iteration {i}: {e.GetType().Name} escaped the reader (input saved as chartly-fuzz-{i}.json)");
                }

                var lines = input.Count(b => b == (byte)'\n') + 1;
                Assert.Equal(1, q.FilesRead);
                // An unsupported file is sniffed and skipped: its bytes are not counted as read.
                Assert.Equal(q.UnsupportedFiles > 0 ? 0 : input.LongLength, q.BytesRead);
                Assert.True(q.RecordsRead + q.MalformedRecords <= lines, $"iteration {i}: {q.RecordsRead} records + {q.MalformedRecords} malformed > {lines} lines");
                Assert.Equal(q.SpansRead, sink.Accepted + q.InvalidSpans);
                if (q.UnsupportedFiles > 0)
                {
                    Assert.Equal(0, q.RecordsRead + q.MalformedRecords + q.SpansRead);
                }

                // Deterministic: the same bytes read again give the same counts and spans.
                var (q2, sink2) = Read(input);
                Assert.Equal((q.RecordsRead, q.MalformedRecords, q.SpansRead, q.InvalidSpans, q.MetricRecords), (q2.RecordsRead, q2.MalformedRecords, q2.SpansRead, q2.InvalidSpans, q2.MetricRecords));
                Assert.Equal(sink.Seen, sink2.Seen);

                accepted += sink.Accepted;
                malformed += q.MalformedRecords;
                unsupported += q.UnsupportedFiles;
            }

            // The fuzz reached both sides: records that still parsed and records that did not.
            Assert.True(accepted > 1000, "accepted spans: " + accepted);
            Assert.True(malformed > 500, "malformed records: " + malformed);
        }

        [Fact]
        public void MutatedRecordsReadTheSameWithAndWithoutTheNeedlePreFilter()
        {
            // Pass one as the engine runs it (pre-filter on) against pass one without it, on the same
            // mutated bytes: counts, the trace ids noted for the index and the candidates agree.
            // Span records only: metric records are never skimmed.
            var seeds = Seeds().Where(s => s.AsSpan().StartsWith("{\"resourceSpans\""u8)).ToList();
            var rng = new Random(16);
            var targets = new[] { ("run", "run-1004"), ("run", "run-absent"), ("workflow", "wf-daily-report"), ("service", "analytics-blue/chartly-analytics"), ("connector", "conn-salesforce") };
            long skimmed = 0;
            for (var i = 0; i < Iterations; i++)
            {
                var input = Mutate(rng, seeds);
                // Mostly a value no seed holds, so most records that still parse are skimmed.
                var (type, id) = i % 2 == 0 ? ("run", "run-absent") : targets[i / 2 % targets.Length];
                skimmed += FilterComparison.AssertSame(input, type, id, $"iteration {i}");
            }

            // Both sides were reached: records skimmed, and (the rest) records parsed whole.
            Assert.True(skimmed > 400, "records skimmed: " + skimmed);
        }

        [Fact]
        public void MutatedFilesThroughTheWholeEngineGiveAProfileOrAProfilerException()
        {
            // Fewer, heavier iterations: the whole pipeline (both passes, metrics, signals, findings) over mutated copies of the samples.
            var samples = Path.Combine(Repo.Root, "samples", "telemetry");
            var files = Directory.GetFiles(samples, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
            var rng = new Random(424242);
            var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < 40; i++)
            {
                using var t = new TempTelemetry();
                foreach (var f in files)
                {
                    var lines = File.ReadAllLines(f).ToList();
                    for (var m = rng.Next(1, 6); m > 0 && lines.Count > 0; m--)
                    {
                        var at = rng.Next(lines.Count);
                        var b = Encoding.UTF8.GetBytes(lines[at]).ToList();
                        var pos = rng.Next(Math.Max(1, b.Count));
                        switch (rng.Next(4))
                        {
                            case 0: if (b.Count > 0) b[pos] ^= (byte)(1 << rng.Next(8)); break;
                            case 1: b.RemoveRange(pos, b.Count - pos); break;
                            case 2: b.InsertRange(pos, Encoding.UTF8.GetBytes("\"NaN\"")); break;
                            default: lines.Insert(at, lines[rng.Next(lines.Count)]); break;
                        }

                        lines[at] = Encoding.UTF8.GetString(b.ToArray());
                    }

                    var to = Path.Combine(t.TelemetryDir, Path.GetRelativePath(samples, f));
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.WriteAllLines(to, lines);
                }

                var (type, id) = new[] { ("run", "run-1004"), ("workflow", "wf-daily-report"), ("service", "analytics-blue/chartly-analytics"), ("operation", "op-7f3a"), ("connector", "conn-salesforce") }[i % 5];
                string outcome;
                try
                {
                    var p = new ProfileEngine().Run(Run.Request(type, id), ConfigLoader.Load(t.ConfigPath));
                    Assert.Equal(p.Summary.TotalDurationMs, p.Breakdown.Sum(b => b.DurationMs));
                    foreach (var format in new[] { Chartly.Profiler.Output.DocumentFormat.Json, Chartly.Profiler.Output.DocumentFormat.Yaml, Chartly.Profiler.Output.DocumentFormat.Text })
                    {
                        Assert.NotEmpty(Chartly.Profiler.Output.ProfileDocument.Write(p, format));
                    }

                    outcome = "profile";
                }
                catch (ProfilerException e)
                {
                    Assert.InRange(e.ExitCode, 2, 5);
                    outcome = e.ErrorId;
                }

                outcomes[outcome] = outcomes.TryGetValue(outcome, out var n) ? n + 1 : 1;
            }

            Assert.True(outcomes.TryGetValue("profile", out var profiles) && profiles > 10, string.Join(", ", outcomes.Select(kv => kv.Key + " " + kv.Value)));
        }
    }
}
