// The peer of docs/performance.md "Beside a peer": DuckDB selects the same run's spans out of the
// same OTLP/JSON lines that the profiler reads, with read_json and SQL, in a process of its own.
// Run by tools/bench/Invoke-Bench.ps1 -Peer duckdb under /usr/bin/time (wall, CPU, peak RSS);
// @duckdb/node-api is installed by that script into a folder the bench owns (.bench/duckdb).
//
//   node tools/bench/peer-duckdb.mjs --duckdb .bench/duckdb --window .bench/w10 \
//     --run-id bench-run-target --environment prod \
//     --window-start 2026-11-25T00:00:00Z --window-end 2026-11-25T00:05:25Z
//
// Prints one JSON line: the spans and traces selected (compared by the harness with the
// profile's data_quality.spans_selected and traces_selected) and the query's own milliseconds.
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function fail(message) {
    process.stderr.write(`peer-duckdb: ${message}\n`);
    process.exit(2);
}

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) fail(`expected --name value pairs, got '${argv[i]}'`);
    args[argv[i].slice(2)] = argv[i + 1];
}
for (const name of ['duckdb', 'window', 'run-id', 'environment', 'window-start', 'window-end']) {
    if (!(name in args)) fail(`--${name} is required`);
}

// RFC 3339 to Unix nanoseconds, exactly (the fraction keeps all nine digits, as the profiler's).
function unixNanos(text) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
    if (!m) fail(`'${text}' is not an RFC 3339 time with an explicit offset`);
    const seconds = BigInt(Date.parse(m[1] + m[3])) / 1000n;
    return seconds * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
const start = unixNanos(args['window-start']);
const end = unixNanos(args['window-end']);

const windowDir = resolve(args.window);
const files = readdirSync(windowDir).filter((f) => f.endsWith('.json')).sort().map((f) => join(windowDir, f));
if (files.length === 0) fail(`no .json files in ${windowDir}`);
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

const requireFromBench = createRequire(join(resolve(args.duckdb), 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(requireFromBench.resolve('@duckdb/node-api')).href);

// What a user of DuckDB would write: unnest the OTLP request, find the run's root spans (the
// identity attribute on the span, else its resource; the environment of the resource, kept when
// absent; the root starting in the window), then take every span of those traces. The generated
// windows hold one run per trace, so that is the profile's selection (docs/targets.md).
const sql = `
WITH resource_spans AS (
    SELECT unnest(resourceSpans) AS rs
    FROM read_json([${files.map(quote).join(', ')}], format = 'newline_delimited', maximum_object_size = 268435456)
), scope_spans AS (
    SELECT rs.resource.attributes AS resource_attributes, unnest(rs.scopeSpans) AS ss FROM resource_spans
), spans AS (
    SELECT resource_attributes, unnest(ss.spans) AS s FROM scope_spans
), roots AS (
    SELECT DISTINCT s.traceId AS trace_id
    FROM spans
    WHERE coalesce(
              list_filter(s.attributes, a -> a.key = 'chartly.run.id')[1].value.stringValue,
              list_filter(resource_attributes, a -> a.key = 'chartly.run.id')[1].value.stringValue) = $run_id
      AND coalesce(
              list_filter(resource_attributes, a -> a.key = 'deployment.environment.name')[1].value.stringValue,
              list_filter(resource_attributes, a -> a.key = 'deployment.environment')[1].value.stringValue,
              $environment) = $environment
      AND CAST(s.startTimeUnixNano AS HUGEINT) >= CAST($start AS HUGEINT)
      AND CAST(s.startTimeUnixNano AS HUGEINT) < CAST($end AS HUGEINT)
)
SELECT count(*) AS spans, count(DISTINCT s.traceId) AS traces
FROM spans
WHERE s.traceId IN (SELECT trace_id FROM roots)`;

const threads = args.threads ?? String(availableParallelism());
const instance = await DuckDBInstance.create(':memory:', { threads });
const connection = await instance.connect();
const t0 = process.hrtime.bigint();
const reader = await connection.runAndReadAll(sql, {
    run_id: args['run-id'],
    environment: args.environment,
    start: start.toString(),
    end: end.toString(),
});
const ms = Number((process.hrtime.bigint() - t0) / 1_000_000n);
const row = reader.getRowObjectsJson()[0];
process.stdout.write(JSON.stringify({
    spans: Number(row.spans),
    traces: Number(row.traces),
    query_ms: ms,
    threads: Number(threads),
    files: files.length,
}) + '\n');
