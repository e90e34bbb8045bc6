using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Chartly.Profiler.Tests.Governance
{
    /// <summary>
    /// A secret planted in the hostile corpus: what it is, the text planted, and the fragments of
    /// it that must never appear in any output (a fragment is what a partial leak would show).
    /// </summary>
    public sealed record PlantedSecret(string Kind, string Text, IReadOnlyList<string> Needles);

    /// <summary>
    /// Generates OTLP/JSON telemetry that leaks secrets everywhere real systems leak them: span
    /// names, component attributes, span and resource attributes, events (exception messages and
    /// stack traces), status messages, links, scope attributes, metric names' labels and data
    /// point attributes. Every target type has a target in it (ids below), so profiles of each
    /// type run over the corpus. Deterministic: the same bytes on every run.
    /// </summary>
    public static class HostileCorpus
    {
        public const string WindowStart = "2026-11-24T10:00:00Z";
        public const string WindowEnd = "2026-11-24T11:00:00Z";

        /// <summary>Targets present in the corpus, one per target type.</summary>
        public static IReadOnlyList<(string Type, string Id)> Targets { get; } = new[]
        {
            ("run", "run-h1"),
            ("workflow", "wf-hostile"),
            ("service", "shop/checkout"),
            ("operation", "op-h1"),
            ("connector", "conn-h/cr-h1"),
            ("connector", "conn-h"),
        };

        private const long BaseNanos = 1_795_514_400_000_000_000L; // 2026-11-24T10:00:00Z

        public static readonly PlantedSecret Jwt = new("jwt",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqYW5lLmRvZSIsInRpZCI6ImFjbWUifQ.Zm9vYmFyU2VjcmV0U2lnbmF0dXJlWHl6MTIz",
            new[] { "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJzdWIiOiJqYW5lLmRvZSIsInRpZCI6ImFjbWUifQ", "Zm9vYmFyU2VjcmV0U2lnbmF0dXJlWHl6MTIz" });

        public static readonly PlantedSecret Bearer = new("bearer", "Bearer Qm9iU2VjcmV0VG9rZW4xMjM0NTY3ODkw", new[] { "Qm9iU2VjcmV0VG9rZW4xMjM0NTY3ODkw" });

        public static readonly PlantedSecret OpaqueBearer = new("bearer-opaque", "Bearer ya29.a0AfH6SMBx-opaque_Token-9f8e7d6c", new[] { "a0AfH6SMBx", "9f8e7d6c" });

        public static readonly PlantedSecret Basic = new("basic", "Basic c3ZjOkNvcnJlY3RIb3JzZUJhdHRlcnk=", new[] { "c3ZjOkNvcnJlY3RIb3JzZUJhdHRlcnk" });

        public static readonly PlantedSecret StripeKey = new("api-key", "sk_live_51HxQsecretKEY9876543210abcXYZ", new[] { "51HxQsecretKEY9876543210abcXYZ", "sk_live_51Hx" });

        public static readonly PlantedSecret AwsKey = new("api-key", "AKIAQSECRETEXAMPLE7Z", new[] { "AKIAQSECRETEXAMPLE7Z" });

        public static readonly PlantedSecret GitHubToken = new("api-key", "ghp_R4nd0mS3cr3tT0k3nV4lu3Abcdef012345", new[] { "R4nd0mS3cr3tT0k3nV4lu3" });

        public static readonly PlantedSecret ApiKeyHeader = new("api-key", "x-api-key: 7Hq2LmZx9PwT4vKc8RnB3sYd", new[] { "7Hq2LmZx9PwT4vKc8RnB3sYd" });

        public static readonly PlantedSecret ConnectionString = new("connection-string",
            "Server=tcp:payroll-db-7731.database.internal,1433;Initial Catalog=Payroll;User ID=svc_payroll_admin;Password=Hunter2!Sekret;",
            new[] { "payroll-db-7731", "database.internal", "svc_payroll_admin", "Hunter2", "Sekret" });

        public static readonly PlantedSecret StorageConnection = new("connection-string",
            "DefaultEndpointsProtocol=https;AccountName=acmeprodstore;AccountKey=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQyNDI=;EndpointSuffix=core.windows.net",
            new[] { "acmeprodstore", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy" });

        public static readonly PlantedSecret Email = new("email", "jane.doe@customer-corp.example", new[] { "jane.doe", "customer-corp" });

        public static readonly PlantedSecret UserId = new("user-id", "48213977", new[] { "48213977" });

        public static readonly PlantedSecret UserGuid = new("user-id", "9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f", new[] { "9c1f2e3d", "0a1b2c3d4e5f" });

        public static readonly PlantedSecret TenantId = new("tenant-id", "3f2b9c4e-1d2a-4b5c-9e8f-7a6b5c4d3e2f", new[] { "3f2b9c4e", "7a6b5c4d3e2f" });

        public static readonly PlantedSecret TenantName = new("tenant-id", "tenant-globex-holdings", new[] { "globex" });

        public static readonly PlantedSecret SqlLiteral = new("sql", "SELECT * FROM patients WHERE ssn = '078-05-1120' AND name = 'Zebulon Quimby'", new[] { "078-05-1120", "Zebulon", "Quimby" });

        public static readonly PlantedSecret RequestBody = new("payload", "{\"password\":\"Tr0ub4dor&3\",\"card\":\"4929123456781234\",\"cvv\":\"987\"}", new[] { "Tr0ub4dor", "4929123456781234", "cvv" });

        public static readonly PlantedSecret Phone = new("user-id", "+1-202-555-0147", new[] { "555-0147" });

        public static readonly PlantedSecret StackTrace = new("stack-trace",
            "System.InvalidOperationException: boom\n   at Acme.Billing.ChargeCard(String pan) in /src/Acme.Billing/Charge.cs:line 42",
            new[] { "Acme.Billing", "ChargeCard", "Charge.cs" });

        public static readonly PlantedSecret CommandLine = new("payload", "java -jar app.jar --spring.datasource.password=Pl4intextPassw0rd", new[] { "Pl4intextPassw0rd", "spring.datasource" });

        // Issue 18's shapes: each one a credential that crosses the tokenizer's separators or lacks the ':' of a header.
        public static readonly PlantedSecret AuthorizationAssignment = new("bearer", "Authorization=Bearer Zk9vQmFyU2VjcmV0VG9rZW5WYWx1ZQ", new[] { "Zk9vQmFyU2VjcmV0VG9rZW5WYWx1ZQ" });

        public static readonly PlantedSecret PostgresUri = new("uri-userinfo", "postgres://svc:Sup3rS3cretPw@pgdb:5432/app", new[] { "Sup3rS3cretPw" });

        public static readonly PlantedSecret HttpsUserInfo = new("uri-userinfo", "https://admin:adm1nPassWord@intranet.example/x", new[] { "adm1nPassWord" });

        public static readonly PlantedSecret RedisPassword = new("uri-userinfo", "redis://:r3disPassw0rd@cache:6379", new[] { "r3disPassw0rd" });

        public static readonly PlantedSecret AwsSecretKey = new("api-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", new[] { "wJalrXUtnFEMI", "bPxRfiCYEXAMPLEKEY" });

        public static readonly PlantedSecret SlackWebhook = new("webhook", "https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/aBcDeFgHiJkLmNoPqRsTuVwX", new[] { "T0ABCDEFG", "B0HIJKLMN", "aBcDeFgHiJkLmNoPqRsTuVwX" });

        public static readonly PlantedSecret NpmToken = new("api-key", "npm_Abc123Def456Ghi789Jkl012Mno345Pqr678", new[] { "Abc123Def456" });

        public static readonly PlantedSecret ApiTokenWords = new("api-key", "api token s3cr3tApiValue", new[] { "s3cr3tApiValue" });

        public static readonly PlantedSecret ResetLink = new("one-time-link", "/account/reset-password/qzxwvutsrponmlkj", new[] { "qzxwvutsrponmlkj" });

        public static readonly PlantedSecret BareBasic = new("basic", "dXNlcjpodW50ZXIy", new[] { "dXNlcjpodW50ZXIy" });

        public static readonly PlantedSecret PasswordWords = new("password", "password hunter2isme", new[] { "hunter2isme" });

        public static readonly PlantedSecret UserAtHost = new("user-id", "deploy@buildhost", new[] { "deploy@" });

        public static readonly PlantedSecret Ipv6 = new("address", "2001:db8:85a3::8a2e:370:7334", new[] { "2001:db8", "85a3", "8a2e:370" });

        public static IReadOnlyList<PlantedSecret> All { get; } = new[]
        {
            Jwt, Bearer, OpaqueBearer, Basic, StripeKey, AwsKey, GitHubToken, ApiKeyHeader, ConnectionString, StorageConnection,
            Email, UserId, UserGuid, TenantId, TenantName, SqlLiteral, RequestBody, Phone, StackTrace, CommandLine,
            AuthorizationAssignment, PostgresUri, HttpsUserInfo, RedisPassword, AwsSecretKey, SlackWebhook, NpmToken, ApiTokenWords,
            ResetLink, BareBasic, PasswordWords, UserAtHost, Ipv6,
        };

        /// <summary>Span names as careless instrumentation writes them: every secret inside a name.</summary>
        public static IReadOnlyList<string> HostileSpanNames { get; } = new[]
        {
            "GET /users/" + UserId.Text + "/orders?access_token=" + Jwt.Text + "&email=" + Email.Text,
            "POST /api/session Authorization: " + Bearer.Text,
            "POST /oauth " + OpaqueBearer.Text,
            "GET /export Authorization: " + Basic.Text,
            SqlLiteral.Text,
            "connect " + ConnectionString.Text,
            "open " + StorageConnection.Text,
            "charge " + StripeKey.Text,
            "s3 put " + AwsKey.Text,
            "clone with " + GitHubToken.Text,
            "GET /catalog " + ApiKeyHeader.Text,
            "notify " + Email.Text,
            "tenant " + TenantId.Text + " user " + UserGuid.Text + " sync",
            "POST /checkout body " + RequestBody.Text,
            "sms " + Phone.Text,
            "token " + Jwt.Text,
            "/tenants/" + TenantId.Text + "/users/" + Email.Text + "/avatar.png",
            "call " + AuthorizationAssignment.Text + ";retry=1",
            "connect " + PostgresUri.Text,
            "GET " + HttpsUserInfo.Text,
            "cache " + RedisPassword.Text + " get",
            "s3 sign " + AwsSecretKey.Text,
            "POST " + SlackWebhook.Text,
            "publish " + NpmToken.Text,
            "call with " + ApiTokenWords.Text,
            "GET " + ResetLink.Text,
            "auth " + BareBasic.Text,
            "login " + PasswordWords.Text,
            "ssh " + UserAtHost.Text,
            "connect [" + Ipv6.Text + "]:443",
        };

        /// <summary>Attributes that are never part of a profile, with a secret in each value.</summary>
        private static IEnumerable<(string Key, string Value)> HostileAttributes(int i) => new[]
        {
            ("http.request.header.authorization", i % 2 == 0 ? Bearer.Text : Basic.Text),
            ("http.request.header.x-api-key", ApiKeyHeader.Text),
            ("url.full", "https://api.example/v1/users/" + UserId.Text + "?sig=" + StorageConnection.Text),
            ("db.statement", SqlLiteral.Text),
            ("db.query.text", SqlLiteral.Text),
            ("db.connection_string", ConnectionString.Text),
            ("enduser.id", UserGuid.Text),
            ("user.email", Email.Text),
            ("tenant.id", TenantId.Text),
            ("tenant.name", TenantName.Text),
            ("http.request.body", RequestBody.Text),
            ("messaging.message.body", RequestBody.Text),
            ("api.key", StripeKey.Text),
            ("aws.access_key", AwsKey.Text),
            ("github.token", GitHubToken.Text),
            ("user.phone", Phone.Text),
            ("session.jwt", Jwt.Text),
            ("error.stack", StackTrace.Text),
        };

        /// <summary>Writes the corpus into <paramref name="dir"/>: traces.jsonl and metrics.jsonl.</summary>
        public static void Write(string dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "traces.jsonl"), string.Join("\n", TraceLines()) + "\n", new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(dir, "metrics.jsonl"), string.Join("\n", MetricLines()) + "\n", new UTF8Encoding(false));
        }

        private static IEnumerable<string> TraceLines()
        {
            // A workflow run (run-h1) whose steps are named with secrets, calling checkout (a SERVER span of shop/checkout).
            yield return Line(Resource("workflow-engine", "core", "wf-engine-0"), WorkflowRun(1, "run-h1", 60_000));
            yield return Line(Resource("checkout", "shop", "checkout-0"), CheckoutCalls(1, 60_000));

            // A second run of the workflow, so the workflow target has two roots.
            yield return Line(Resource("workflow-engine", "core", "wf-engine-0"), WorkflowRun(2, "run-h2", 900_000));
            yield return Line(Resource("checkout", "shop", "checkout-0"), CheckoutCalls(2, 900_000));

            // A long-running operation and a connector run, each with hostile children.
            yield return Line(Resource("workflow-engine", "core", "wf-engine-0"), Operation(3, 1_500_000));
            yield return Line(Resource("connectors", "integrations", "connectors-0"), ConnectorRun(4, 2_100_000));

            // A trace of another workflow whose identity attributes themselves are secrets: never the target.
            yield return Line(Resource("workflow-engine", "core", "wf-engine-0"), new[]
            {
                Span(5, 1, 0, Jwt.Text, 2, 2_400_000, 2_401_000, new[] { ("chartly.workflow.id", TenantName.Text), ("chartly.workflow.name", Email.Text), ("chartly.run.id", Jwt.Text) }, 0),
            });
        }

        private static IEnumerable<SpanJson> WorkflowRun(int trace, string runId, long startMs)
        {
            var spans = new List<SpanJson>
            {
                Span(trace, 1, 0, "workflow hostile " + Email.Text, 2, startMs, startMs + 9_000,
                    new[] { ("chartly.workflow.id", "wf-hostile"), ("chartly.workflow.name", "hostile"), ("chartly.run.id", runId) }, 0),
            };

            // Sequential steps, one per hostile name; odd steps carry the name in chartly.component instead.
            var t = startMs + 10;
            var id = 2;
            foreach (var (name, i) in HostileSpanNames.Select((n, i) => (n, i)))
            {
                var attrs = i % 2 == 1 ? new[] { ("chartly.component", name) } : Array.Empty<(string, string)>();
                spans.Add(Span(trace, id++, 1, i % 2 == 1 ? "step " + i.ToString(CultureInfo.InvariantCulture) : name, i % 3 == 0 ? 3 : 1, t, t + 200, attrs, i));
                t += 210;
            }

            // The call into checkout (its SERVER span is written under the checkout resource).
            spans.Add(Span(trace, 90, 1, "POST /checkout/" + UserId.Text, 3, t, t + 3_000, Array.Empty<(string, string)>(), 1));
            return spans;
        }

        private static IEnumerable<SpanJson> CheckoutCalls(int trace, long startMs)
        {
            var t = startMs + 10 + (HostileSpanNames.Count * 210);
            return new[]
            {
                Span(trace, 91, 90, "POST /checkout/" + UserId.Text + " " + Bearer.Text, 2, t + 5, t + 2_990, Array.Empty<(string, string)>(), 2),
                Span(trace, 92, 91, SqlLiteral.Text, 3, t + 10, t + 1_500, new[] { ("chartly.component", "payments " + StripeKey.Text) }, 3),
                Span(trace, 93, 91, "render receipt for " + Email.Text, 1, t + 1_510, t + 2_900, Array.Empty<(string, string)>(), 4),
            };
        }

        private static IEnumerable<SpanJson> Operation(int trace, long startMs) => new[]
        {
            Span(trace, 1, 0, "operation export " + TenantId.Text, 1, startMs, startMs + 20_000, new[] { ("chartly.operation.id", "op-h1") }, 5),
            Span(trace, 2, 1, "copy blob " + StorageConnection.Text, 3, startMs + 100, startMs + 12_000, Array.Empty<(string, string)>(), 6),
            Span(trace, 3, 1, "encrypt with " + AwsKey.Text, 1, startMs + 12_100, startMs + 19_900, new[] { ("chartly.component", "kms " + GitHubToken.Text) }, 7),
        };

        private static IEnumerable<SpanJson> ConnectorRun(int trace, long startMs) => new[]
        {
            Span(trace, 1, 0, "connector-run tenant=" + TenantName.Text, 2, startMs, startMs + 8_000, new[] { ("chartly.connector.id", "conn-h"), ("chartly.connector.run.id", "cr-h1") }, 8),
            Span(trace, 2, 1, "GET /accounts?apikey=" + StripeKey.Text, 3, startMs + 100, startMs + 4_000, Array.Empty<(string, string)>(), 9),
            Span(trace, 3, 1, "upsert " + RequestBody.Text, 3, startMs + 4_100, startMs + 7_900, new[] { ("chartly.component", "sink " + ConnectionString.Text) }, 10),
        };

        private static Dictionary<string, string> Resource(string service, string ns, string pod) => new()
        {
            ["service.name"] = service,
            ["k8s.namespace.name"] = ns,
            ["deployment.environment.name"] = "dev",
            ["service.version"] = "1.0.0",
            ["k8s.pod.name"] = pod,
            ["k8s.container.name"] = "app",
            ["process.command_line"] = CommandLine.Text,
            ["cloud.account.id"] = TenantId.Text,
            ["service.owner.email"] = Email.Text,
            ["deployment.token"] = Jwt.Text,
        };

        /// <summary>One span, already JSON: ids from small numbers, times in ms after 10:00.</summary>
        public sealed record SpanJson(string Json);

        private static SpanJson Span(int trace, int span, int parent, string name, int kind, long startMs, long endMs, IEnumerable<(string Key, string Value)> attrs, int variant)
        {
            var w = new JsonBuilder();
            w.Object(o =>
            {
                o.Str("traceId", trace.ToString("x32", CultureInfo.InvariantCulture));
                o.Str("spanId", span.ToString("x16", CultureInfo.InvariantCulture));
                if (parent != 0)
                {
                    o.Str("parentSpanId", parent.ToString("x16", CultureInfo.InvariantCulture));
                }

                // traceState and flags can carry vendor secrets too.
                o.Str("traceState", "vendor=" + OpaqueBearer.Text.Replace(' ', '_'));
                o.Str("name", name);
                o.Num("kind", kind);
                o.Str("startTimeUnixNano", At(startMs));
                o.Str("endTimeUnixNano", At(endMs));
                o.Array("attributes", a =>
                {
                    foreach (var (k, v) in attrs.Concat(HostileAttributes(variant)))
                    {
                        a.Object(x => Attr(x, k, v));
                    }

                    // A hostile attribute key, and values of other types.
                    a.Object(x => Attr(x, "secret." + Email.Text, Jwt.Text));
                    a.Object(x => { x.Str("key", "payload.array"); x.Object("value", v => v.Object("arrayValue", av => av.Array("values", vs => vs.Object(e => e.Str("stringValue", RequestBody.Text))))); });
                    a.Object(x => { x.Str("key", "payload.kv"); x.Object("value", v => v.Object("kvlistValue", kv => kv.Array("values", vs => vs.Object(e => Attr(e, "password", ConnectionString.Text))))); });
                    a.Object(x => { x.Str("key", "payload.bytes"); x.Object("value", v => v.Str("bytesValue", Convert.ToBase64String(Encoding.UTF8.GetBytes(Jwt.Text)))); });
                });
                o.Array("events", a =>
                {
                    a.Object(e =>
                    {
                        e.Str("timeUnixNano", At(startMs + 1));
                        e.Str("name", "exception " + Email.Text);
                        e.Array("attributes", ea =>
                        {
                            ea.Object(x => Attr(x, "exception.type", "System.InvalidOperationException"));
                            ea.Object(x => Attr(x, "exception.message", "card declined for " + Email.Text + " token " + Jwt.Text));
                            ea.Object(x => Attr(x, "exception.stacktrace", StackTrace.Text));
                        });
                    });
                    a.Object(e =>
                    {
                        e.Str("timeUnixNano", At(startMs + 2));
                        e.Str("name", "log");
                        e.Array("attributes", ea => ea.Object(x => Attr(x, "log.message", "request body " + RequestBody.Text + " with " + CommandLine.Text)));
                    });
                });
                o.Array("links", a => a.Object(l =>
                {
                    l.Str("traceId", "ffffffffffffffffffffffffffffffff");
                    l.Str("spanId", "ffffffffffffffff");
                    l.Array("attributes", la => la.Object(x => Attr(x, "link.reason", "retry of " + UserGuid.Text + " " + Phone.Text)));
                }));
                o.Object("status", s =>
                {
                    s.Num("code", variant % 2 == 0 ? 2 : 1);
                    s.Str("message", "Unauthorized: " + Bearer.Text + " for " + Email.Text + " tenant " + TenantName.Text + "\n" + StackTrace.Text);
                });
            });
            return new SpanJson(w.ToString());
        }

        private static string Line(Dictionary<string, string> resource, IEnumerable<SpanJson> spans)
        {
            var w = new JsonBuilder();
            w.Object(o => o.Array("resourceSpans", rs => rs.Object(r =>
            {
                r.Object("resource", res => res.Array("attributes", a =>
                {
                    foreach (var kv in resource.OrderBy(k => k.Key, StringComparer.Ordinal))
                    {
                        a.Object(x => Attr(x, kv.Key, kv.Value));
                    }
                }));
                r.Array("scopeSpans", ss => ss.Object(s =>
                {
                    s.Object("scope", sc =>
                    {
                        sc.Str("name", "acme.instrumentation " + ApiKeyHeader.Text);
                        sc.Array("attributes", a => a.Object(x => Attr(x, "scope.secret", StripeKey.Text)));
                    });
                    s.Raw("spans", "[" + string.Join(",", spans.Select(x => x.Json)) + "]");
                }));
                r.Str("schemaUrl", "https://opentelemetry.io/schemas/1.26.0?key=" + StripeKey.Text);
            })));
            return w.ToString();
        }

        /// <summary>CPU and memory gauges of the pods the targets ran on, with secrets in every point's attributes.</summary>
        private static IEnumerable<string> MetricLines()
        {
            foreach (var (service, ns, pod) in new[] { ("checkout", "shop", "checkout-0"), ("workflow-engine", "core", "wf-engine-0"), ("connectors", "integrations", "connectors-0") })
            {
                for (var minute = 0; minute < 60; minute += 1)
                {
                    var w = new JsonBuilder();
                    var m = minute;
                    w.Object(o => o.Array("resourceMetrics", rm => rm.Object(r =>
                    {
                        r.Object("resource", res => res.Array("attributes", a =>
                        {
                            foreach (var kv in Resource(service, ns, pod).OrderBy(k => k.Key, StringComparer.Ordinal))
                            {
                                a.Object(x => Attr(x, kv.Key, kv.Value));
                            }
                        }));
                        r.Array("scopeMetrics", sm => sm.Object(s =>
                        {
                            s.Object("scope", sc => sc.Str("name", "kubeletstats " + Jwt.Text));
                            s.Array("metrics", ms =>
                            {
                                Gauge(ms, "k8s.container.cpu_limit_utilization", "Secret: " + Bearer.Text, m, 0.4 + ((m % 7) * 0.05));
                                Gauge(ms, "k8s.container.memory_limit_utilization", "desc " + Email.Text, m, 0.5 + ((m % 5) * 0.03));
                                Gauge(ms, "db.client.connection.wait_time " + Jwt.Text, "a metric name that is itself a secret", m, 0.01);
                            });
                        }));
                    })));
                    yield return w.ToString();
                }
            }
        }

        private static void Gauge(JsonBuilder ms, string name, string description, int minute, double value)
        {
            ms.Object(mo =>
            {
                mo.Str("name", name);
                mo.Str("description", description);
                mo.Str("unit", "1 " + StripeKey.Text);
                mo.Object("gauge", g => g.Array("dataPoints", dp => dp.Object(p =>
                {
                    p.Str("timeUnixNano", At(minute * 60_000L));
                    p.Raw("asDouble", value.ToString("0.###", CultureInfo.InvariantCulture));
                    p.Array("attributes", a =>
                    {
                        a.Object(x => Attr(x, "user_id", UserGuid.Text));
                        a.Object(x => Attr(x, "tenant", TenantName.Text));
                        a.Object(x => Attr(x, "authorization", Bearer.Text));
                        a.Object(x => Attr(x, "route", "/users/" + Email.Text + "?token=" + Jwt.Text));
                        a.Object(x => Attr(x, "db.statement", SqlLiteral.Text));
                    });
                })));
            });
        }

        private static void Attr(JsonBuilder o, string key, string value)
        {
            o.Str("key", key);
            o.Object("value", v => v.Str("stringValue", value));
        }

        private static string At(long ms) => (BaseNanos + (ms * 1_000_000L)).ToString(CultureInfo.InvariantCulture);

        /// <summary>A minimal writer over Utf8JsonWriter: correct escaping of whatever the secrets hold.</summary>
        private sealed class JsonBuilder
        {
            private readonly MemoryStream _ms = new();
            private readonly Utf8JsonWriter _w;

            public JsonBuilder() => _w = new Utf8JsonWriter(_ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

            public void Object(Action<JsonBuilder> body)
            {
                _w.WriteStartObject();
                body(this);
                _w.WriteEndObject();
            }

            public void Object(string name, Action<JsonBuilder> body)
            {
                _w.WritePropertyName(name);
                Object(body);
            }

            public void Array(string name, Action<JsonBuilder> body)
            {
                _w.WritePropertyName(name);
                _w.WriteStartArray();
                body(this);
                _w.WriteEndArray();
            }

            public void Str(string name, string value) => _w.WriteString(name, value);

            public void Num(string name, long value) => _w.WriteNumber(name, value);

            public void Raw(string name, string json)
            {
                _w.WritePropertyName(name);
                _w.WriteRawValue(json, skipInputValidation: true);
            }

            public override string ToString()
            {
                _w.Flush();
                return Encoding.UTF8.GetString(_ms.ToArray());
            }
        }
    }
}
