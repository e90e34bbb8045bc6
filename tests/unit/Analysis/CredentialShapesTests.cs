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
    /// The redaction's pre-checks skip a rule's regex only where it cannot match: on every name
    /// the result must be the regexes' own, byte for byte (labels are part of every profile).
    /// </summary>
    public class CredentialShapesTests
    {
        [Theory]
        [MemberData(nameof(Shapes))]
        public void TheFastPathGivesWhatTheRegexesGive(string name) =>
            Assert.Equal(CredentialShapes.RedactByRegexes(name), CredentialShapes.Redact(name));

        [Fact]
        public void GeneratedNamesNearEveryShapeRedactAsTheRegexesDo()
        {
            // Fragments each rule looks for, cut and joined at random (fixed seed): near misses
            // ("hoo", one colon short, 39 characters of key) as much as matches.
            var fragments = new[]
            {
                "://", ":/", "@", "hook", "HOOK", "hoo\u212Ak", "hooks.slack.com/", "discord.com/api/webhooks/", "webhook.office.com/webhookb2/",
                "/services/", "T0123456/B0123456/", "abcdefghijklmnop", "/reset/", "/RESET-password/", "/tokens/", "/one_time-login/", "/re\u017Fet/",
                "/invit", "/confirm", "::", ":", "fe80", "1:2:3:4:5:6:7:8", "c3ZjOkNvcnJlY3RIb3JzZUJhdHRlcnk=", "dXNlcjpwYXNz", "==", "=", ".", "-", "_",
                "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMIK7MDENG", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", " ", "/", "?", "12345", "GET /api/items/", "\u00e9",
            };
            var random = new Random(1604);
            for (var n = 0; n < 20_000; n++)
            {
                var sb = new StringBuilder();
                var parts = random.Next(1, 8);
                for (var p = 0; p < parts; p++)
                {
                    var f = fragments[random.Next(fragments.Length)];
                    sb.Append(random.Next(4) == 0 ? f.Substring(0, random.Next(f.Length + 1)) : f);
                }

                var name = sb.ToString();
                Assert.True(CredentialShapes.RedactByRegexes(name) == CredentialShapes.Redact(name), "differs for '" + name + "'");
            }
        }

        public static IEnumerable<object[]> Shapes => HostileCorpus.HostileSpanNames.Concat(new[]
        {
            "POST /api/items/96403",
            "redis://:pw@cache:6379",
            "https://admin:s3cret@example.com/x",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://HOOKS.SLACK.COM/abc",
            "https://hoo\u212As.slack.com/abc",
            "GET /password-reset/abcdef123",
            "GET /re\u017Fet/abcdef123",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "connect fe80::1ff:fe23:4567:890a",
            "connect 2001:db8:0:0:0:0:2:1",
            "Authorization c3ZjOkNvcnJlY3RIb3JzZUJhdHRlcnk=",
            "x dXNlcjpwYXNz= y",
            "x dXNlcjpwYXNz=== y",
            "x.dXNlcjpwYXNz y",
            "dXNlcjpwYXNz_",
            new string('A', 1030) + " dXNlcjpwYXNz",
            string.Empty,
        }).Select(n => new object[] { n });
    }
}
