using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Chartly.Profiler.Configuration;
using Chartly.Profiler.Output;
using Chartly.Profiler.Tests.Support;
using Xunit;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// A small, seeded fuzz of the readers of YAML and saved documents (the configuration loader and
    /// the profile document reader): the sample configuration, a remote-source configuration and a
    /// saved profile in YAML and JSON, mutated by bit flips, truncations, splices, bracket runs,
    /// anchors and aliases, indentation changes and special values. The same inputs on every run.
    /// Each input must give a result or a <see cref="ProfilerException"/> (exit 2 to 5); nothing
    /// else may escape, and no input may take long.
    /// </summary>
    public class YamlFuzzTests
    {
        private const int Iterations = 1500;

        private static readonly string[] Inserts =
        {
            "&a ", "*a", "*nowhere", "<<: *a\n", "? [x]\n: 1\n", "!!binary ", "!!python/object ", "%YAML 1.1\n", "---\n", "...\n",
            "\t", "  ", "\n  - ", ": ", "- ", "{", "}", "[", "]", "\"", "'", "|\n", ">-\n", "~", "null", "1e999", "-0", "0x1F", ".nan",
            "\u001b[2J", "\u202E", "\uFEFF", "\0",
        };

        private static List<string> ConfigSeeds() => new()
        {
            File.ReadAllText(Repo.SampleConfig),
            "environments:\n  dev:\n    sources:\n      - type: prometheus\n        url: http://127.0.0.1:9090\n        timeout: 30s\n        deadline: 2m\n" +
            "      - type: azure-monitor-logs\n        workspace-id: 5f2b7a3c-1d4e-4f60-9a8b-7c6d5e4f3a2b\n        endpoint: http://127.0.0.1:1\n" +
            "    access:\n      principals: [alice, 'group:sre']\n      permissions: [profile]\n",
        };

        private static List<string> DocumentSeeds()
        {
            var p = Run.Sample("run", "run-1004");
            return new List<string> { ProfileDocument.Write(p, DocumentFormat.Yaml), ProfileDocument.Write(p, DocumentFormat.Json) };
        }

        private static string Mutate(Random rng, List<string> seeds)
        {
            var b = new StringBuilder(seeds[rng.Next(seeds.Count)]);
            var mutations = 1 + rng.Next(5);
            for (var m = 0; m < mutations && b.Length > 0; m++)
            {
                var at = rng.Next(b.Length);
                switch (rng.Next(8))
                {
                    case 0: b[at] = (char)(b[at] ^ (1 << rng.Next(7))); break;                                   // bit flip
                    case 1: b.Length = at; break;                                                                  // truncation
                    case 2: var other = seeds[rng.Next(seeds.Count)]; var from = rng.Next(other.Length); b.Insert(at, other.Substring(from, Math.Min(other.Length - from, rng.Next(1, 300)))); break; // splice
                    case 3: b.Insert(at, new string("[{"[rng.Next(2)], 1 + rng.Next(rng.Next(2) == 0 ? 40 : 5000))); break; // bracket runs, deep ones included
                    case 4: b.Insert(at, Inserts[rng.Next(Inserts.Length)]); break;                                // YAML syntax and special values
                    case 5: b.Remove(at, Math.Min(b.Length - at, 1 + rng.Next(20))); break;                        // dropped bytes
                    case 6: b.Insert(at, (char)rng.Next(0x20, 0x2FFF)); break;                                      // any character
                    default: var nl = b.ToString().IndexOf('\n', at); if (nl >= 0) b.Insert(nl + 1, new string(' ', rng.Next(1, 6))); break; // indentation shift
                }
            }

            return b.ToString();
        }

        private static void Survives(Action read, string input)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                read();
            }
            catch (ProfilerException e)
            {
                Assert.InRange(e.ExitCode, 2, 5);
                Assert.DoesNotContain('\n', e.Message);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException("an input escaped as " + e + "\n--- input (first 400 chars) ---\n" + input.Substring(0, Math.Min(400, input.Length)));
            }

            // A bound, not a benchmark: each input ends in far less than this on any machine.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "an input took " + clock.Elapsed);
        }

        [Fact]
        public void The_configuration_loader_gives_a_config_or_a_clear_error_for_every_mutation()
        {
            var rng = new Random(18_001);
            var seeds = ConfigSeeds();
            var path = Path.Combine(Path.GetTempPath(), "fuzz", "chartly-profiler.yaml");
            for (var i = 0; i < Iterations; i++)
            {
                var input = Mutate(rng, seeds);
                Survives(() => ConfigLoader.Parse(input, path), input);
            }
        }

        [Fact]
        public void The_document_reader_gives_a_profile_or_a_clear_error_for_every_mutation()
        {
            var rng = new Random(18_002);
            var seeds = DocumentSeeds();
            var parsed = 0;
            for (var i = 0; i < Iterations; i++)
            {
                var input = Mutate(rng, seeds);
                Survives(() => { ProfileDocumentReader.Read(input); parsed++; }, input);
            }

            // Guards the test: some mutations (a changed digit, an extra space) still read.
            Assert.True(parsed > 0, "no mutated document was ever read");
        }
    }
}
