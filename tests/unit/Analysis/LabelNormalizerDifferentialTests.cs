using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Chartly.Profiler.Analysis;
using Chartly.Profiler.Tests.Governance;
using Xunit;

namespace Chartly.Profiler.Tests.Analysis
{
    /// <summary>
    /// The fast label normaliser must give the original's label, character for character, on
    /// every name (labels are part of every profile's bytes): the original is kept as the oracle
    /// (<see cref="LabelNormalizerOracle"/>) and both run over every name the other tests use and
    /// a large generated corpus built from the fragments each rule reacts to.
    /// </summary>
    public class LabelNormalizerDifferentialTests
    {
        [Theory]
        [MemberData(nameof(KnownNames))]
        public void EveryNameTheTestsUseGivesTheOriginalsLabel(string name) =>
            Assert.Equal(LabelNormalizerOracle.Normalize(name), LabelNormalizer.NormalizeUncached(name));

        [Fact]
        public void GeneratedNamesGiveTheOriginalsLabel()
        {
            var differ = Corpus(60_000, 1616).Where(n => LabelNormalizerOracle.Normalize(n) != LabelNormalizer.NormalizeUncached(n)).Take(5).ToList();
            Assert.True(differ.Count == 0, "differs for: " + string.Join(" | ", differ.Select(Show)));
        }

        [Fact]
        public void TheCachedNormaliserGivesTheSameLabels()
        {
            // Three times through one normaliser, the same string objects each time: the second pass
            // reads the cache by text (and fills the by-reference slots), the third the slots, which
            // 5,000 names share and overwrite.
            var names = Corpus(5_000, 7).ToList();
            var normalizer = new LabelNormalizer();
            foreach (var pass in new[] { 1, 2, 3 })
            {
                foreach (var n in names)
                {
                    Assert.Equal(n.Length == 0 ? LabelNormalizer.Unnamed : LabelNormalizerOracle.Normalize(n), normalizer.Normalize(n));
                }
            }
        }

        /// <summary>The generator reaches every rule: a corpus with none of a rule's triggers would prove nothing about it.</summary>
        [Fact]
        public void TheCorpusReachesEveryPlaceholder()
        {
            var labels = Corpus(60_000, 1616).Select(LabelNormalizerOracle.Normalize).ToList();
            foreach (var mark in new[] { "{id}", "{token}", "{value}", "{email}", "{user}", "?{query}", "{userinfo}", "{ip}", "...", LabelNormalizer.Unnamed, "?", "==" })
            {
                Assert.Contains(labels, l => l.Contains(mark, StringComparison.Ordinal));
            }
        }

        public static IEnumerable<object[]> KnownNames => HostileCorpus.HostileSpanNames
            .Concat(CredentialShapesTests.Shapes.Select(o => (string)o[0]))
            .Concat(new[]
            {
                "GET /users/12345", "POST /v1/query/4711", "GET /orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items", "notify user@example.com",
                "GET /search?q=secret&page=2", "SELECT * FROM users WHERE name = 'bob'", "auth Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
                "call sk_live_abcdefghijklmnop", "key=AbCdEf123456GhIjKl789", "fetch blob 9f86d081884c7d65", "analytics_query", "order_123",
                "GET /v1/users/{id}", string.Empty, new string('a', 500), "\u001b]0;PWNED\u0007\u001b[2J", "a\u202Eb\u200Bc\uFEFFd\u2066e\u00ADf",
            })

            // The writing loop stops once 240 characters are written; spaces then collapse, so what
            // follows a long run of them is visible or not depending on exactly where it stops.
            .Concat(Enumerable.Range(236, 10).SelectMany(k => new[] { new string(' ', k) + "tail/12345", new string('/', k) + " x", "a" + new string(' ', k) + "?q=1" }))
            .Distinct(StringComparer.Ordinal)
            .Select(n => new object[] { n });

        /// <summary>Names joined from fragments each rule looks for, cut at random (fixed seed): near misses as much as matches.</summary>
        internal static IEnumerable<string> Corpus(int count, int seed)
        {
            var fragments = new[]
            {
                // separators, quotes, queries, assignments
                " ", "  ", "\t", "/", "&", "=", "==", ",", ";", ":", "(", ")", "[", "]", "{", "}", "|", "?", "'", "\"", "`", "\u0007", "\n", "\u200B", "\u2028", "\u00AD", "\u3000",
                // schemes and credential names, in every case, with what follows them
                "Bearer", "bearer ", "BASIC ", "Digest", "negotiate", "NTLM", "SharedAccessSignature", "AWS4-HMAC-SHA256", "Authorization", "authorization: ", "Proxy-Authorization :",
                "x-api-key", "API_KEY", "apikey", "token", "TOKEN ", "access_token", "password", "Passwd", "pwd", "secret", "client_secret", "Cookie", "set-cookie",
                "signature", "ocp-apim-subscription-key", "x-functions-key", "auth-token", "x-auth-token", "private_key", "id_token", "refresh_token", "x-amz-security-token",
                " refresh", " RESET", " hunter2", " {id}", " 'quoted'", " check", " client", "  s3cr3t",
                // dotless and dotted i, Kelvin sign, long s: case folding at the edges of ASCII
                "\u0131", "\u0130", "\u212A", "\u017F", "authorızation", "pa\u017F\u017Fword", "to\u212Aen", "\u00e9",
                // ids, numbers, hex, GUIDs, tokens, e-mail and user@host
                "12345", "96403", "1.2.3", "3-4_5+6", "0", "9f86d081884c7d65", "abcd", "ab12", "DEADBEEF", "dead", "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}", "x3f2504e0-4f89-11d3-9a0c-0305e82c3301y", "sk_live_abcdefghijklmnop", "ghp_0123456789abcdef", "SG.abcdefghij",
                "AKIAIOSFODNN7EXAMPLE", "eyJhbGciOiJIUzI1NiJ9", "AbCdEf123456GhIjKl789", "user@example.com", "admin@host", "@", ".", "-", "_", "order_", "item-", "v1.",
                "analytics", "GET", "POST", "/api/items/", "SELECT * FROM t WHERE a = ", "\u0661\u0662",
                // what the credential shapes look for
                "://", "https://admin:pw@host/", "redis://:pw@cache", "hooks.slack.com/", "/services/T0123456/B0123456/abcdefghijklmnopq", "/reset/", "/verify-email/",
                "fe80::1", "1:2:3:4:5:6:7:8", "c3ZjOkNvcnJlY3RIb3JzZUJhdHRlcnk=", "dXNlcjpwYXNz", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                // length: the 240-character loop bound and the 120-character cut
                new string('a', 130), new string(' ', 40), string.Concat(Enumerable.Repeat("ab/", 50)), string.Concat(Enumerable.Repeat("12 ", 45)),
            };
            var random = new Random(seed);
            for (var n = 0; n < count; n++)
            {
                var sb = new StringBuilder();
                var parts = random.Next(1, 10);
                for (var p = 0; p < parts; p++)
                {
                    var f = fragments[random.Next(fragments.Length)];
                    sb.Append(random.Next(5) == 0 ? f.Substring(0, random.Next(f.Length + 1)) : f);
                }

                yield return sb.ToString();
            }
        }

        private static string Show(string name) => string.Concat(name.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
