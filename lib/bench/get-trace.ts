/**
 * Latency of getTraceById over a large partitioned `spans` table.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:trace -- [spans] [hours]
 *
 * Creates a scratch schema, fills `hours` hourly partitions with `spans` spans (10 per trace,
 * 10 services, generated inside PostgreSQL), then times getTraceById for random traces and
 * for unknown ids (every partition probed, nothing found), times a few trace searches,
 * prints p50/p95/p99 and one EXPLAIN ANALYZE, and drops the schema. Defaults: 2,000,000 spans over 48 hours.
 */
import { performance } from "node:perf_hooks";
import { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import { migrate } from "@/lib/db/migrate";
import { ensureSpanPartitions } from "@/lib/db/partitions";
import { closeDb, createPool, quoteIdent } from "@/lib/db/pool";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { getTraceById } from "@/lib/queries/get-trace";
import { searchTraces } from "@/lib/queries/search-traces";

const SPANS_PER_TRACE = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  return `${label}: n=${samples.length} p50=${f(percentile(sorted, 50))} ms p95=${f(percentile(sorted, 95))} ms p99=${f(percentile(sorted, 99))} ms max=${f(sorted[sorted.length - 1])} ms`;
}

async function main(): Promise<void> {
  const serverUrl = getEnv().DATABASE_URL;
  if (!serverUrl) throw new Error("set DATABASE_URL (this benchmark creates and drops its own schema there)");
  const totalSpans = Number(process.argv[2] ?? 2_000_000);
  const hours = Number(process.argv[3] ?? 48);
  const traces = Math.floor(totalSpans / SPANS_PER_TRACE);
  const schema = `bench_get_trace_${process.pid}`;
  const admin = createPool(serverUrl, { max: 1 });
  await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  const url = new URL(serverUrl);
  url.searchParams.set("schema", schema);
  const pool = createPool(url.toString(), { max: 2 });
  try {
    await migrate(pool);
    const baseMs = Date.UTC(2026, 10, 19, 0, 0, 0);
    await ensureSpanPartitions(
      pool,
      Array.from({ length: hours }, (_, h) => baseMs + h * 3_600_000),
    );
    await pool.query(`INSERT INTO resources (id, service_name, attributes)
      SELECT s, 'svc-' || s, jsonb_build_object('service.name', 'svc-' || s, 'host.name', 'host-' || s) FROM generate_series(1, 10) s`);

    // Span attribute keys are stored as dictionary ids, as the writer stores them.
    const keys = new AttributeKeyDictionary();
    await keys.resolve(pool, ["http.route", "http.status_code", "i"]);
    const keyLiteral = (key: string) => `'${keys.storedKey(key)!.replaceAll("'", "''")}'`;

    const started = performance.now();
    const batch = 200_000;
    for (let first = 0; first < traces; first += batch / SPANS_PER_TRACE) {
      const last = Math.min(traces, first + batch / SPANS_PER_TRACE) - 1;
      // Trace t starts at a uniformly spread point of the window; its spans follow 1 ms apart.
      await pool.query(
        `INSERT INTO spans (start_time, duration_ns, resource_id, trace_id, kind, status_code, span_id, parent_span_id,
                            service_name, name, attributes)
         SELECT timestamptz '${new Date(baseMs).toISOString()}'
                  + ((t::bigint * ${hours * 3_600_000_000 - 1_000_000}) / ${traces}) * interval '1 microsecond'
                  + i * interval '1 millisecond',
                1000000 + (t % 1000) * 1000,
                1 + ((t + i) % 10),
                md5('trace' || t)::uuid,
                2, 0,
                decode(substr(md5('span' || t || '-' || i), 1, 16), 'hex'),
                CASE WHEN i = 0 THEN NULL ELSE decode(substr(md5('span' || t || '-' || (i - 1)), 1, 16), 'hex') END,
                'svc-' || (1 + ((t + i) % 10)),
                'GET /item/' || (i % 5),
                jsonb_build_object(${keyLiteral("http.route")}, '/item', ${keyLiteral("http.status_code")}, 200, ${keyLiteral("i")}, i)
           FROM generate_series($1::int, $2::int) t, generate_series(0, ${SPANS_PER_TRACE - 1}) i`,
        [first, last],
      );
    }
    await pool.query("ANALYZE spans");
    const size = await pool.query<{ size: string }>(
      `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS size
         FROM pg_inherits JOIN pg_class c ON c.oid = inhrelid WHERE inhparent = 'spans'::regclass`,
    );
    console.log(
      `loaded ${traces * SPANS_PER_TRACE} spans (${traces} traces) into ${hours} partitions in ${((performance.now() - started) / 1000).toFixed(1)} s, ${size.rows[0].size}`,
    );

    process.env.DATABASE_URL = url.toString();
    resetEnvForTests();
    const hexOf = async (t: number) =>
      (await pool.query<{ id: string }>(`SELECT replace(md5('trace' || $1::text)::uuid::text, '-', '') AS id`, [t])).rows[0].id;

    // Warm-up (connection, plan caches), then timed lookups.
    for (let k = 0; k < 20; k++) await getTraceById(await hexOf(Math.floor(Math.random() * traces)));
    const found: number[] = [];
    for (let k = 0; k < 300; k++) {
      const id = await hexOf(Math.floor(Math.random() * traces));
      const t0 = performance.now();
      const spans = await getTraceById(id);
      found.push(performance.now() - t0);
      if (spans?.length !== SPANS_PER_TRACE)
        throw new Error(`trace ${id}: expected ${SPANS_PER_TRACE} spans, got ${spans?.length}`);
    }
    const missing: number[] = [];
    for (let k = 0; k < 100; k++) {
      const id = (await hexOf(traces + 1 + k)).replace(/^./, "f");
      const t0 = performance.now();
      if ((await getTraceById(id)) !== null) throw new Error("unexpected trace");
      missing.push(performance.now() - t0);
    }
    console.log(summary("getTraceById (found, 10 spans)", found));
    console.log(summary("getTraceById (unknown id)", missing));

    // Trace search over the whole window, newest first (what jaeger-ui's default search does).
    const windowUs = { startUs: BigInt(baseMs) * 1000n, endUs: BigInt(baseMs + hours * 3_600_000) * 1000n };
    const searches: Record<string, Parameters<typeof searchTraces>[0]> = {
      "service, limit 20": { service: "svc-3", ...windowUs, limit: 20 },
      "service + operation + minDuration 1.9ms": {
        service: "svc-3",
        operation: "GET /item/2",
        minDurationNs: 1_900_000n,
        ...windowUs,
      },
      "service + span tag i=9, limit 100": { service: "svc-3", tags: { i: "9" }, ...windowUs, limit: 100 },
    };
    for (const [label, filters] of Object.entries(searches)) {
      const samples: number[] = [];
      for (let k = 0; k < 20; k++) {
        const t0 = performance.now();
        const result = await searchTraces(filters);
        samples.push(performance.now() - t0);
        if (result.length === 0) throw new Error(`${label}: nothing found`);
      }
      console.log(summary(`searchTraces (${label})`, samples));
    }
    const plan = await pool.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM spans s WHERE s.trace_id = md5('trace42')::uuid`,
    );
    const lines = plan.rows.map((row) => row["QUERY PLAN"]);
    console.log([...lines.slice(0, 8), "  …", ...lines.slice(-3)].join("\n"));
  } finally {
    await closeDb();
    await pool.end();
    await admin.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
