/**
 * The query benchmark (issue 4, "Performance targets"): `npm run bench:query [-- options]`.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:query [-- --spans 1000000]
 *
 * In a scratch schema (created here, dropped at the end unless --keep-schema):
 *  1. loads demo-shaped traces (lib/bench/demo-traffic) spread over the last 24 h through the
 *     real ingest path minus the socket: OTLP protobuf bodies → decodeIngestRequest (the fast
 *     encoder, falling back to the general decoder, as both receivers do) → SpanWriter, which
 *     writes the spans and, in the same transactions, the rollups (service_minute_stats,
 *     service_minute_totals, edge_minute_stats; edge pairing in memory). Prints throughput;
 *  2. registers the demo's instances and breakers through recordHeartbeat (the control-plane
 *     function behind POST /api/v1/heartbeats); runs the coarse rollups' maintenance pass
 *     (sealCoarseRollups: the day's 5-minute and quarter-hour rows); VACUUM ANALYZE;
 *  3. times the functions the API routes call (lib/queries, lib/rollups), N times each with
 *     random services and windows inside the loaded day, one call at a time, on the app's
 *     pool (getPool, BREAKWATER_DB_POOL_SIZE): p50/p95/p99 against the issue's targets, and
 *     EXPLAIN ANALYZE of every statement of a case that misses its target;
 *  4. computes the same answers as the rollups from raw spans (percentile_disc), times both
 *     and prints the speed-up, and checks calls and errors are equal and p50/p95/p99 within 2 %.
 *
 * Options: --spans 10000000 (spans to load) --iterations 100 (timed calls per fast case; slow
 *          cases take a fifth) --seed 1 --in-flight 16 (requests handed to the writer at once)
 *          --keep-schema (leave the scratch schema) --reuse-schema NAME (skip the load: time the
 *          queries on a schema an earlier --keep-schema run left, after applying newer migrations
 *          and a coarse rollups pass; it is kept again)
 *          --only TEXT (time only the cases whose label contains TEXT, e.g. "trace search";
 *          skips the raw-vs-rollups comparison)
 * The exit code is non-zero only on errors; missed targets are reported, not failed.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { heartbeatSchema, type HeartbeatInput } from "@/lib/control/contract";
import { recordHeartbeat } from "@/lib/control/record-heartbeat";
import { migrate } from "@/lib/db/migrate";
import { closeDb, createPool, getPool, parseDatabaseUrl, quoteIdent } from "@/lib/db/pool";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { decodeIngestRequest, submitDecodedRequest } from "@/lib/ingest/ingest-trace-request";
import { SpanWriter, getSpanWriterOptions } from "@/lib/ingest/span-writer";
import { SPAN_KIND, STATUS_CODE, type SpanKind } from "@/lib/otlp/model";
import { getOverview } from "@/lib/queries/get-overview";
import { getServiceSeries } from "@/lib/queries/get-service-series";
import { getTopology } from "@/lib/queries/get-topology";
import { getTraceById } from "@/lib/queries/get-trace";
import { searchTraceSummaries } from "@/lib/queries/search-trace-summaries";
import type { SearchTracesFilters } from "@/lib/queries/search-traces";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { flushExpiredEdges } from "@/lib/rollups/flush-expired-edges";
import { COARSE_TABLES } from "@/lib/rollups/rollup-levels";
import { getServicePercentiles } from "@/lib/rollups/get-service-percentiles";
import { HISTOGRAM_MAX_RELATIVE_ERROR } from "@/lib/rollups/log-histogram";
import { sealCoarseRollups } from "@/lib/rollups/seal-coarse-rollups";
import { parseAttributeFilter, type AttributeFilter } from "@/lib/traces/parse-attribute-filter";
import { chooseBucketMs } from "@/lib/ui/time-range";
import {
  DEMO_INSTANCES,
  DEMO_SERVICE_NAMES,
  type DemoInstance,
  buildTemplates,
  createRandom,
  stampRequest,
} from "./demo-traffic";
import { fmt, loadAverage, log, percentile } from "./bench-report";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// --- options -----------------------------------------------------------------------------------

type Options = {
  spans: number;
  iterations: number;
  seed: number;
  inFlight: number;
  keepSchema: boolean;
  reuseSchema: string | undefined;
  only: string | undefined;
};

function parseArgs(argv: string[]): Options {
  const options: Options = {
    spans: 10_000_000,
    iterations: 100,
    seed: 1,
    inFlight: 16,
    keepSchema: false,
    reuseSchema: undefined,
    only: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = () => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a positive whole number`);
      return value;
    };
    if (arg === "--spans") options.spans = count();
    else if (arg === "--iterations") options.iterations = count();
    else if (arg === "--seed") options.seed = count();
    else if (arg === "--in-flight") options.inFlight = count();
    else if (arg === "--keep-schema") options.keepSchema = true;
    else if (arg === "--reuse-schema") {
      const name = argv[++i];
      if (name === undefined || !/^bench_[a-z0-9_]+$/.test(name)) throw new Error("--reuse-schema needs a bench_… schema name");
      options.reuseSchema = name;
    } else if (arg === "--only") {
      const text = argv[++i];
      if (text === undefined || text === "") throw new Error("--only needs part of a case label");
      options.only = text;
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

// --- formatting --------------------------------------------------------------------------------

/** Milliseconds with a sensible number of digits. */
const ms = (n: number) => (n >= 100 ? fmt(n, 0) : n >= 10 ? fmt(n, 1) : fmt(n, 2));

// --- loading -----------------------------------------------------------------------------------

/** Requests of about this many spans (a typical SDK batch). */
const SPANS_PER_REQUEST = 500;
const TEMPLATE_COUNT = 48;

type LoadResult = {
  spans: number;
  requests: number;
  generalPath: number;
  seconds: number;
  dataStartMs: number;
  dataEndMs: number;
};

/**
 * Spans over [dataStartMs, dataEndMs), oldest first as a live stream would bring them, through
 * decodeIngestRequest + submitDecodedRequest (the receivers' shared path) into a SpanWriter
 * with the server's options, `inFlight` requests at a time.
 */
async function loadSpans(pool: pg.Pool, options: Options, dataStartMs: number, dataEndMs: number): Promise<LoadResult> {
  const env = getEnv();
  const templates = buildTemplates(TEMPLATE_COUNT, options.seed, SPANS_PER_REQUEST);
  const spansPerTemplate = templates.reduce((sum, t) => sum + t.spanCount, 0) / templates.length;
  const requests = Math.max(1, Math.round(options.spans / spansPerTemplate));
  const sliceNs = ((dataEndMs - dataStartMs) * 1e6) / requests;
  const errorSpans = templates.reduce((sum, t) => sum + t.errorSpans, 0) / templates.reduce((sum, t) => sum + t.spanCount, 0);
  const errorTraces = templates.reduce((sum, t) => sum + t.errorTraces, 0) / templates.reduce((sum, t) => sum + t.traceCount, 0);
  log(
    `… loading ${fmt(requests)} requests × ~${fmt(spansPerTemplate)} spans (${TEMPLATE_COUNT} request shapes, ` +
      `${fmt(spansPerTemplate / (templates.reduce((sum, t) => sum + t.traceCount, 0) / templates.length), 1)} spans per trace, ` +
      `errors on ${fmt(errorSpans * 100, 1)} % of spans and ${fmt(errorTraces * 100, 1)} % of traces) over ` +
      `${new Date(dataStartMs).toISOString()} … ${new Date(dataEndMs).toISOString()}`,
  );

  const edgePairing = new EdgePairingCache();
  const writer = new SpanWriter(pool, { ...getSpanWriterOptions(env), edgePairing });
  writer.start();
  const random = createRandom(options.seed * 7919);
  const startedAt = performance.now();
  let nextProgress = 0.1;
  let spans = 0;
  let generalPath = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  for (let r = 0; r < requests && failure === undefined; r++) {
    const template = templates[r % templates.length];
    const sliceStartNs = BigInt(dataStartMs) * 1_000_000n + BigInt(Math.floor(r * sliceNs));
    const body = stampRequest(template, r + 1, sliceStartNs, sliceNs, random);
    const decoded = decodeIngestRequest(body, "protobuf", env, writer.attributeKeys);
    if ("spans" in decoded) generalPath++;
    const request: Promise<void> = submitDecodedRequest(decoded, writer).then(
      (result) => {
        if (result.rejectedSpans > 0) failure ??= new Error(`spans rejected: ${result.errorMessage}`);
        spans += result.inserted;
        inFlight.delete(request);
      },
      (error: unknown) => {
        failure ??= error;
        inFlight.delete(request);
      },
    );
    inFlight.add(request);
    if (inFlight.size >= options.inFlight) await Promise.race(inFlight);
    if ((r + 1) / requests >= nextProgress) {
      const seconds = (performance.now() - startedAt) / 1000;
      log(
        `  ${fmt(nextProgress * 100)} %: ${fmt(spans)} spans in ${fmt(seconds, 0)} s (${fmt(spans / seconds)} spans/s), load ${loadAverage()}`,
      );
      nextProgress += 0.1;
    }
  }
  await Promise.all(inFlight);
  await writer.close();
  if (failure !== undefined) throw failure;
  // Clients still waiting for a child (the card network's, which never sends one) become
  // virtual edges at their TTL; the writer's 10 s timer does that in a live server. Done
  // here at once rather than waiting out the TTL.
  await flushExpiredEdges(pool, edgePairing, { nowMs: Date.now() + edgePairing.ttlMs + 1 });
  return { spans, requests, generalPath, seconds: (performance.now() - startedAt) / 1000, dataStartMs, dataEndMs };
}

/** The demo's instances, healthy, with breakers as its callers would report them (one open, one half-open). */
async function registerInstances(pool: pg.Pool): Promise<void> {
  const now = Date.now();
  const breaker = (target: DemoInstance, state: "closed" | "open" | "half_open") => ({
    targetService: target.service,
    targetInstanceId: target.instanceId,
    targetVersion: target.version,
    state,
    stateSince: new Date(now - 10 * MINUTE_MS).toISOString(),
    calls: 100,
    failedCalls: state === "closed" ? 1 : 60,
    slowCalls: 0,
    failureRate: state === "closed" ? 1 : 60,
    slowCallRate: 0,
    notPermittedCalls: state === "open" ? 25 : 0,
    config: {
      failureRateThreshold: 50,
      slowCallDurationMs: 1000,
      slowCallRateThreshold: 100,
      windowMs: 10_000,
      minimumCalls: 5,
      openWaitMs: 5_000,
      halfOpenCalls: 3,
    },
    transitions: [],
  });
  const byId = new Map<string, DemoInstance>(DEMO_INSTANCES.map((instance) => [instance.instanceId, instance]));
  const target = (id: string) => byId.get(id)!;
  const breakers: Record<string, ReturnType<typeof breaker>[]> = {
    "gateway-1": [
      breaker(target("catalog-1"), "closed"),
      breaker(target("orders-v1-1"), "closed"),
      breaker(target("orders-v2-1"), "half_open"),
    ],
    "orders-v1-1": [
      breaker(target("inventory-1"), "closed"),
      breaker(target("payments-1"), "closed"),
      breaker(target("payments-2"), "open"),
    ],
    "orders-v2-1": [
      breaker(target("inventory-1"), "closed"),
      breaker(target("payments-1"), "closed"),
      breaker(target("payments-2"), "closed"),
    ],
  };
  for (const [i, instance] of DEMO_INSTANCES.entries()) {
    const beat: HeartbeatInput = {
      service: instance.service,
      instanceId: instance.instanceId,
      version: instance.version,
      address: `http://127.0.0.1:${instance.port === 0 ? 8199 : instance.port}`,
      status: "healthy",
      sentAt: new Date(now).toISOString(),
      sequence: i + 1,
      ttlMs: 300_000,
      breakers: breakers[instance.instanceId] ?? [],
    };
    await recordHeartbeat(heartbeatSchema.parse(beat), { pool, nowMs: now });
  }
}

// --- timing ------------------------------------------------------------------------------------

type Case = {
  label: string;
  /** p95 target in ms; undefined: measured for information. */
  targetMs?: number;
  samples: number[];
  /** What the calls returned, averaged (rows, traces, …), to show they did real work. */
  detail: string;
  /** Re-runs the slowest call (for EXPLAIN ANALYZE when the target is missed). */
  rerunSlowest: () => Promise<unknown>;
  /** Left out by --only: not timed, not reported. */
  skipped?: boolean;
};

/** --only: the part of a label a case needs to be timed. */
let onlyLabel: string | undefined;

/**
 * Times `iterations` calls of `makeCall(i)`, one at a time, after `warmup` untimed ones.
 * `describe` turns a result into a number averaged into the detail (e.g. rows returned).
 */
async function measure<T>(
  label: string,
  targetMs: number | undefined,
  iterations: number,
  makeCall: (i: number) => () => Promise<T>,
  describe: (result: T) => number,
  unit: string,
): Promise<Case> {
  if (onlyLabel !== undefined && !label.includes(onlyLabel)) {
    return { label, targetMs, samples: [], detail: "", rerunSlowest: makeCall(0), skipped: true };
  }
  for (let i = 0; i < Math.min(3, iterations); i++) await makeCall(iterations + i)();
  const samples: number[] = [];
  let slowest = { ms: -1, call: makeCall(0) };
  let described = 0;
  for (let i = 0; i < iterations; i++) {
    const call = makeCall(i);
    const t0 = performance.now();
    const result = await call();
    const elapsed = performance.now() - t0;
    samples.push(elapsed);
    described += describe(result);
    if (elapsed > slowest.ms) slowest = { ms: elapsed, call };
  }
  const result: Case = {
    label,
    targetMs,
    samples,
    detail: `${fmt(described / iterations, 1)} ${unit}`,
    rerunSlowest: slowest.call,
  };
  log(`  ${caseLine(result)}`);
  return result;
}

function caseLine(c: Case): string {
  const p95 = percentile(c.samples, 95);
  const verdict = c.targetMs === undefined ? "" : p95 <= c.targetMs ? `≤ ${fmt(c.targetMs)} ms ✔` : `≤ ${fmt(c.targetMs)} ms ✘`;
  return (
    `${c.label.padEnd(72)} n=${String(c.samples.length).padStart(3)}  p50 ${ms(percentile(c.samples, 50)).padStart(6)}` +
    `  p95 ${ms(p95).padStart(6)}  p99 ${ms(percentile(c.samples, 99)).padStart(6)} ms  ${verdict.padEnd(14)} ${c.detail}`
  );
}

type Statement = { text: string; values: unknown[] };

/** A query call's text and parameters: query(text, values) or query({ name?, text, values }). */
function statementOf(args: unknown[]): Statement | undefined {
  if (typeof args[0] === "string") return { text: args[0], values: (args[1] as unknown[] | undefined) ?? [] };
  if (typeof args[0] === "object" && args[0] !== null && typeof (args[0] as { text?: unknown }).text === "string") {
    const config = args[0] as { text: string; values?: unknown[] };
    return { text: config.text, values: config.values ?? [] };
  }
  return undefined;
}

/**
 * Runs `run` with every statement recorded (text and parameters, in order), whether sent
 * through pool.query or on a client checked out of the pool (transactions, SET LOCAL): both
 * go through a client that pool.connect hands out (pg-pool's query calls it with a callback).
 */
async function captureStatements(pool: pg.Pool, run: () => Promise<unknown>): Promise<Statement[]> {
  const captured: Statement[] = [];
  const originalConnect = pool.connect;
  const patched = new Map<pg.PoolClient, pg.PoolClient["query"]>();
  const wrap = (client: pg.PoolClient | undefined) => {
    if (client === undefined || patched.has(client)) return;
    const query = client.query;
    patched.set(client, query);
    client.query = function (this: unknown, ...args: unknown[]) {
      const statement = statementOf(args);
      if (statement !== undefined) captured.push(statement);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof client.query;
  };
  type Callback = (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;
  pool.connect = function (this: pg.Pool, callback?: Callback) {
    const connect = originalConnect as (cb?: Callback) => Promise<pg.PoolClient> | undefined;
    if (callback !== undefined) {
      return connect.call(this, (error, client, done) => {
        wrap(client);
        callback(error, client, done);
      });
    }
    return connect.call(this)!.then((client) => {
      wrap(client);
      return client;
    });
  } as typeof pool.connect;
  try {
    await run();
  } finally {
    pool.connect = originalConnect;
    for (const [client, query] of patched) client.query = query;
  }
  return captured;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every SELECT of the slowest call, on one connection; the
 * call's other statements (BEGIN, SET LOCAL, COMMIT) run as they are, so the plans are those
 * the call got.
 */
async function explainMissed(pool: pg.Pool, c: Case): Promise<void> {
  const statements = await captureStatements(pool, c.rerunSlowest);
  log(`\nEXPLAIN ANALYZE of "${c.label}" (its slowest call, re-run; ${statements.length} statements):`);
  const client = await pool.connect();
  try {
    for (const statement of statements) {
      if (!/^\s*(SELECT|WITH)\b/i.test(statement.text)) {
        // Without parameters: a multi-statement string (BEGIN; SET LOCAL …) needs the simple protocol.
        await (statement.values.length === 0 ? client.query(statement.text) : client.query(statement.text, statement.values));
        log(`--- ${statement.text.trim()}`);
        continue;
      }
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
        statement.values,
      );
      // Parameters show up inline (e.g. 100 trace ids): long lines are cut.
      const lines = rows.map((row) => {
        const line = row["QUERY PLAN"];
        return line.length > 240 ? `${line.slice(0, 240)} …` : line;
      });
      const shown = lines.length > 60 ? [...lines.slice(0, 50), `  … ${lines.length - 55} lines …`, ...lines.slice(-5)] : lines;
      log(`--- ${statement.text.trim().split("\n")[0].slice(0, 100)} …`);
      log(shown.join("\n"));
    }
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
  }
}

// --- the cases ---------------------------------------------------------------------------------

type Window = { fromMs: number; toMs: number };

/** Servers of the demo (the loadgen only sends CLIENT spans). */
const SERVING_SERVICES = DEMO_SERVICE_NAMES.filter((name) => name !== "loadgen");
const SERVING_KINDS: SpanKind[] = [SPAN_KIND.SERVER, SPAN_KIND.CONSUMER];

/** A service's requests as the rollup percentiles count them: served spans, or the loadgen's calls. */
const kindsOf = (service: string): SpanKind[] => (service === "loadgen" ? [SPAN_KIND.CLIENT] : SERVING_KINDS);

const OPERATIONS: { service: string; operation: string }[] = [
  { service: "gateway", operation: "GET /api/catalog/products" },
  { service: "gateway", operation: "POST /api/orders" },
  { service: "catalog", operation: "GET /products/:id" },
  { service: "orders", operation: "POST /orders" },
  { service: "inventory", operation: "POST /reserve" },
  { service: "payments", operation: "POST /charge" },
];

function filters(...texts: string[]): AttributeFilter[] {
  return texts.map((text) => {
    const parsed = parseAttributeFilter(text);
    if (!parsed.ok) throw new Error(`attribute filter ${text}: ${parsed.error}`);
    return parsed.filter;
  });
}

/** Trace searches with attribute filters (the Traces page's `attr=` syntax), each over 1 h. */
const ATTRIBUTE_SEARCHES: { label: string; service: string; attributeFilters: AttributeFilter[] }[] = [
  { label: "gateway, breakwater.retry.attempt>=1", service: "gateway", attributeFilters: filters("breakwater.retry.attempt>=1") },
  {
    label: "gateway, breakwater.backend.version=v2",
    service: "gateway",
    attributeFilters: filters("breakwater.backend.version=v2"),
  },
  {
    label: "gateway, breakwater.breaker.state!=closed",
    service: "gateway",
    attributeFilters: filters("breakwater.breaker.state!=closed"),
  },
  {
    label: "gateway, breakwater.rate_limited=true",
    service: "gateway",
    attributeFilters: filters("breakwater.rate_limited=true"),
  },
  { label: "catalog, demo.cache.hit=false", service: "catalog", attributeFilters: filters("demo.cache.hit=false") },
  { label: "payments, demo.card.declined", service: "payments", attributeFilters: filters("demo.card.declined") },
  {
    label: "orders, service.version=v2 (resource) + status_code>=500",
    service: "orders",
    attributeFilters: filters("service.version=v2", "http.response.status_code>=500"),
  },
  {
    label: "gateway, fallback=true + route=orders (matches nothing)",
    service: "gateway",
    attributeFilters: filters("breakwater.fallback=true", "breakwater.route=orders"),
  },
];

/** Windows of `lengthMs` ending at random points of the loaded data (the 24 h window: all of it). */
function windowPicker(dataStartMs: number, dataEndMs: number, random: () => number) {
  return (lengthMs: number): Window => {
    const latestEnd = dataEndMs;
    const earliestEnd = Math.min(latestEnd, dataStartMs + lengthMs);
    const toMs = Math.floor(earliestEnd + random() * (latestEnd - earliestEnd));
    return { fromMs: toMs - lengthMs, toMs };
  };
}

const usOf = (msValue: number) => BigInt(Math.floor(msValue)) * 1000n;

// --- raw spans vs rollups ------------------------------------------------------------------------

type Exact = { calls: number; errors: number; p50Us: number | null; p95Us: number | null; p99Us: number | null };

/** The rollup answer (calls, errors, p50/p95/p99) computed from raw rows: nearest rank, as the rollups. */
async function exactFromSpans(
  pool: pg.Pool,
  service: string,
  kinds: SpanKind[],
  window: Window,
  operation?: string,
): Promise<Exact> {
  const { rows } = await pool.query<{ calls: string; errors: string; q: string[] | null }>(
    `SELECT count(*) AS calls, count(*) FILTER (WHERE status_code = ${STATUS_CODE.ERROR}) AS errors,
            percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ns) AS q
       FROM spans
      WHERE service_name = $1 AND kind = ANY($2::int2[]) AND start_time >= $3 AND start_time < $4
        ${operation === undefined ? "" : "AND name = $5"}`,
    [service, kinds, new Date(window.fromMs), new Date(window.toMs), ...(operation === undefined ? [] : [operation])],
  );
  const q = rows[0].q;
  const us = (value: string | undefined) => (value === undefined || value === null ? null : Number(value) / 1000);
  return {
    calls: Number(rows[0].calls),
    errors: Number(rows[0].errors),
    p50Us: us(q?.[0]),
    p95Us: us(q?.[1]),
    p99Us: us(q?.[2]),
  };
}

type Comparison = { label: string; rawMs: number[]; rollupMs: number[] };

/**
 * A pass of the coarse rollups' maintenance, as the server runs it every 30 s: after a load it
 * computes the 5-minute and quarter-hour rows of the whole day from the minute rows. Returns
 * the 5-minute periods done.
 */
async function sealCoarse(pool: pg.Pool): Promise<number> {
  const started = performance.now();
  const result = await sealCoarseRollups(pool);
  const sealed = result.sealedUntilMs === null ? "nothing" : new Date(result.sealedUntilMs).toISOString();
  log(
    `coarse rollups: ${fmt(result.periods)} 5-minute periods recomputed in ${fmt((performance.now() - started) / 1000, 1)} s, ` +
      `sealed until ${sealed}`,
  );
  return result.periods;
}

// --- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  onlyLabel = options.only;
  const env = getEnv();
  if (env.DATABASE_URL === undefined) {
    throw new Error(
      "set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test): the benchmark creates and drops a schema there",
    );
  }
  const baseUrl = parseDatabaseUrl(env.DATABASE_URL).connectionString;
  const schema = options.reuseSchema ?? `bench_query_${randomBytes(4).toString("hex")}`;
  const scratchUrl = new URL(baseUrl);
  scratchUrl.searchParams.set("schema", schema);
  const admin = createPool(baseUrl, { max: 1, applicationName: "breakwater-bench-admin" });
  if (options.reuseSchema === undefined) await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  const writerPool = createPool(scratchUrl.toString(), {
    max: Math.max(2, env.BREAKWATER_WRITER_CONNECTIONS) + 1,
    applicationName: "breakwater-bench",
  });
  const cases: Case[] = [];
  try {
    const pgVersion = (await writerPool.query<{ server_version: string }>("SHOW server_version")).rows[0].server_version;
    log(
      `bench:query — node ${process.version}, PostgreSQL ${pgVersion}, ${os.cpus().length} cores, schema ${schema}, ` +
        `${new Date().toISOString()}`,
    );
    log(`load average (1/5/15 min) at start: ${loadAverage()} — the machine is shared; figures move with it`);

    let dataStartMs: number;
    let dataEndMs: number;
    if (options.reuseSchema === undefined) {
      await migrate(writerPool);
      // The last 24 h up to a minute ago.
      dataEndMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
      dataStartMs = dataEndMs - DAY_MS;
      const loaded = await loadSpans(writerPool, options, dataStartMs, dataEndMs);
      log(
        `loaded ${fmt(loaded.spans)} spans in ${fmt(loaded.seconds, 1)} s: ${fmt(loaded.spans / loaded.seconds)} spans/s ` +
          `(decode + write + rollups, ${env.BREAKWATER_WRITER_CONNECTIONS} writer connections; ` +
          `${fmt(loaded.generalPath)} of ${fmt(loaded.requests)} requests took the general decoder)`,
      );
      await registerInstances(writerPool);
      await sealCoarse(writerPool);
      const vacuumStarted = performance.now();
      await writerPool.query(
        `VACUUM (ANALYZE) spans, service_minute_stats, service_minute_totals, edge_minute_stats,
                          ${COARSE_TABLES.join(", ")},
                          resources, scopes, services, operations, attribute_keys, instances, breakers`,
      );
      log(`VACUUM ANALYZE: ${fmt((performance.now() - vacuumStarted) / 1000, 1)} s`);
    } else {
      const { rows } = await writerPool.query<{ first: Date; last: Date }>(
        "SELECT min(minute) AS first, max(minute) AS last FROM service_minute_totals",
      );
      if (rows[0].first === null) throw new Error(`schema ${schema} holds no rollups`);
      dataStartMs = rows[0].first.getTime();
      dataEndMs = rows[0].last.getTime() + MINUTE_MS;
      log(`reusing ${schema}: data ${new Date(dataStartMs).toISOString()} … ${new Date(dataEndMs).toISOString()}`);
      // A schema kept by an older version: newer migrations, and the coarse rollups caught up.
      await migrate(writerPool);
      if ((await sealCoarse(writerPool)) > 0) {
        await writerPool.query(`VACUUM (ANALYZE) ${COARSE_TABLES.join(", ")}`);
      }
    }
    const sizes = await writerPool.query<{ spans: string; span_bytes: string; rollup_rows: string; rollup_bytes: string }>(
      `SELECT (SELECT count(*) FROM spans) AS spans,
              (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('spans') WHERE isleaf) AS span_bytes,
              (SELECT count(*) FROM service_minute_stats) + (SELECT count(*) FROM service_minute_totals)
                + (SELECT count(*) FROM edge_minute_stats) AS rollup_rows,
              (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('service_minute_stats') WHERE isleaf)
                + (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('service_minute_totals') WHERE isleaf)
                + (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('edge_minute_stats') WHERE isleaf)
                AS rollup_bytes`,
    );
    const totalSpans = Number(sizes.rows[0].spans);
    log(
      `data: ${fmt(totalSpans)} spans (${fmt(Number(sizes.rows[0].span_bytes) / 2 ** 30, 2)} GiB with indexes), ` +
        `${fmt(Number(sizes.rows[0].rollup_rows))} rollup rows (${fmt(Number(sizes.rows[0].rollup_bytes) / 2 ** 20, 1)} MiB)`,
    );

    // The queries run on the app's own pool, as the API routes do.
    process.env.DATABASE_URL = scratchUrl.toString();
    resetEnvForTests();
    const pool = getPool();
    const random = createRandom(options.seed * 104_729);
    const pickWindow = windowPicker(dataStartMs, dataEndMs, random);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const n = options.iterations;
    const slowN = Math.max(5, Math.round(n / 5));
    /** Windows and services drawn up front, so a re-run of call i sees the same input. */
    const inputs = <T>(count: number, draw: () => T) => {
      const drawn = Array.from({ length: count + 3 }, draw);
      return (i: number) => drawn[i];
    };

    log("\n… dashboards (rollups)");
    {
      const windows = inputs(n, () => pickWindow(HOUR_MS));
      cases.push(
        await measure(
          "topology, 1 h",
          100,
          n,
          (i) => () => getTopology({ ...windows(i), nowMs: windows(i).toMs }, pool),
          (t) => t.nodes.length + t.edges.length,
          "nodes + edges",
        ),
      );
      cases.push(
        await measure(
          "overview of all services, 1 h",
          100,
          n,
          (i) => () => getOverview({ startMs: windows(i).fromMs, endMs: windows(i).toMs, nowMs: windows(i).toMs }, pool),
          (o) => o.services.length,
          "services",
        ),
      );
      const day = inputs(slowN, () => pickWindow(DAY_MS));
      cases.push(
        await measure(
          "topology, 24 h (no target)",
          undefined,
          slowN,
          (i) => () => getTopology({ ...day(i), nowMs: day(i).toMs }, pool),
          (t) => t.nodes.length + t.edges.length,
          "nodes + edges",
        ),
      );
      cases.push(
        await measure(
          "overview of all services, 24 h (no target)",
          undefined,
          slowN,
          (i) => () => getOverview({ startMs: day(i).fromMs, endMs: day(i).toMs, nowMs: day(i).toMs }, pool),
          (o) => o.services.length,
          "services",
        ),
      );
    }
    for (const [name, lengthMs] of [
      ["5 min", 5 * MINUTE_MS],
      ["1 h", HOUR_MS],
      ["6 h", 6 * HOUR_MS],
      ["24 h", DAY_MS],
    ] as const) {
      const drawn = inputs(n, () => ({ window: pickWindow(lengthMs), service: pick(SERVING_SERVICES) }));
      cases.push(
        await measure(
          `service detail series (RED + p50/p95/p99), ${name}`,
          50,
          n,
          (i) => () =>
            getServiceSeries({ service: drawn(i).service, ...drawn(i).window, bucketMs: chooseBucketMs(lengthMs) }, pool),
          (s) => s.buckets.length,
          "buckets",
        ),
      );
    }
    {
      const drawn = inputs(n, () => ({ window: pickWindow(DAY_MS), ...pick(OPERATIONS) }));
      cases.push(
        await measure(
          "service detail series, one operation, 24 h",
          50,
          n,
          (i) => () =>
            getServiceSeries(
              {
                service: drawn(i).service,
                operation: drawn(i).operation,
                // As GET /api/v1/services/{name}/series?operation= without a kind: every kind of that name.
                spanKinds: Object.values(SPAN_KIND),
                ...drawn(i).window,
                bucketMs: chooseBucketMs(DAY_MS),
              },
              pool,
            ),
          (s) => s.buckets.length,
          "buckets",
        ),
      );
    }
    for (const [name, lengthMs] of [
      ["1 h", HOUR_MS],
      ["24 h", DAY_MS],
    ] as const) {
      const drawn = inputs(n, () => ({ window: pickWindow(lengthMs), service: pick(SERVING_SERVICES) }));
      cases.push(
        await measure(
          `service p50/p95/p99 + calls (getServicePercentiles), ${name}`,
          50,
          n,
          (i) => () => getServicePercentiles(pool, { serviceName: drawn(i).service, ...drawn(i).window }),
          (p) => p.calls,
          "calls",
        ),
      );
    }

    log("\n… traces (raw spans)");
    {
      // Random stored traces: a block sample ~20 times larger than needed, shuffled.
      const samplePercent = Math.min(100, Math.max(0.05, (100 * 20 * (2 * n + 3)) / Math.max(1, totalSpans)));
      const { rows } = await pool.query<{ id: string }>(
        `SELECT replace(trace_id::text, '-', '') AS id
           FROM (SELECT DISTINCT trace_id FROM spans TABLESAMPLE SYSTEM (${samplePercent})) AS sampled
          ORDER BY random() LIMIT $1`,
        [2 * n + 3],
      );
      if (rows.length < 4) throw new Error("too few traces stored to time trace by id");
      const ids = rows.map((row) => row.id);
      cases.push(
        await measure(
          "trace by id",
          10,
          Math.min(2 * n, ids.length - 3),
          (i) => () => getTraceById(ids[i]),
          (spans) => spans?.length ?? 0,
          "spans",
        ),
      );
      const unknown = inputs(n, () => randomBytes(16).toString("hex"));
      cases.push(
        await measure(
          "trace by id, unknown id (every partition probed)",
          10,
          n,
          (i) => () => getTraceById(unknown(i)),
          (spans) => spans?.length ?? 0,
          "spans",
        ),
      );
    }
    const search = (filtersOf: () => SearchTracesFilters) => {
      const drawn = inputs(n, filtersOf);
      return (i: number) => () => searchTraceSummaries(drawn(i));
    };
    const inWindow = (lengthMs: number) => {
      const window = pickWindow(lengthMs);
      return { startUs: usOf(window.fromMs), endUs: usOf(window.toMs), limit: 100 };
    };
    // A duration that about 1 span in 20 of the service exceeds (its p95 over the day), from the rollups.
    const p95Us = new Map<string, number>();
    for (const service of SERVING_SERVICES) {
      const p = await getServicePercentiles(pool, { serviceName: service, fromMs: dataStartMs, toMs: dataEndMs });
      p95Us.set(service, p.p95Us ?? 1000);
    }
    const searchCases: [string, number, () => SearchTracesFilters][] = [
      ["trace search: service, 1 h, limit 100", n, () => ({ service: pick(SERVING_SERVICES), ...inWindow(HOUR_MS) })],
      [
        "trace search: service + operation, 1 h",
        n,
        () => {
          const { service, operation } = pick(OPERATIONS);
          return { service, operation, ...inWindow(HOUR_MS) };
        },
      ],
      [
        "trace search: service + minDuration (its p95), 1 h",
        n,
        () => {
          const service = pick(SERVING_SERVICES);
          return { service, minDurationNs: BigInt(Math.round(p95Us.get(service)! * 1000)), ...inWindow(HOUR_MS) };
        },
      ],
      [
        "trace search: service + status error, 1 h",
        n,
        () => ({ service: pick(SERVING_SERVICES), statusCode: STATUS_CODE.ERROR, ...inWindow(HOUR_MS) }),
      ],
      ["trace search: service, 24 h", n, () => ({ service: pick(SERVING_SERVICES), ...inWindow(DAY_MS) })],
      [
        "trace search: service + status error + minDuration, 24 h",
        slowN,
        () => {
          const service = pick(SERVING_SERVICES);
          return {
            service,
            statusCode: STATUS_CODE.ERROR,
            minDurationNs: BigInt(Math.round(p95Us.get(service)! * 1000)),
            ...inWindow(DAY_MS),
          };
        },
      ],
    ];
    for (const [label, iterations, draw] of searchCases) {
      cases.push(await measure(label, 50, iterations, search(draw), (traces) => traces.length, "traces"));
    }
    for (const attributeSearch of ATTRIBUTE_SEARCHES) {
      cases.push(
        await measure(
          `trace search + attributes: ${attributeSearch.label}, 1 h`,
          1000,
          slowN,
          search(() => ({
            service: attributeSearch.service,
            attributeFilters: attributeSearch.attributeFilters,
            ...inWindow(HOUR_MS),
          })),
          (traces) => traces.length,
          "traces",
        ),
      );
    }

    if (options.only === undefined) {
      log("\n… raw spans vs rollups: calls, errors, p50/p95/p99 of one service (or operation) over a window");
      const comparisons: Comparison[] = [];
      let worstError = { relative: 0, what: "" };
      let countMismatches = 0;
      let pairs = 0;
      for (const [name, lengthMs, perService] of [
        ["5 min", 5 * MINUTE_MS, 2],
        ["1 h", HOUR_MS, 2],
        ["6 h", 6 * HOUR_MS, 1],
        ["24 h", DAY_MS, 1],
      ] as const) {
        const comparison: Comparison = { label: name, rawMs: [], rollupMs: [] };
        const targets: { service: string; operation?: string }[] = [
          ...DEMO_SERVICE_NAMES.flatMap((service) => Array.from({ length: perService }, () => ({ service }))),
          ...(lengthMs <= HOUR_MS ? OPERATIONS : []),
        ];
        for (const target of targets) {
          // Whole minutes, the rollups' resolution, so both sides count the same spans.
          const drawn = pickWindow(lengthMs);
          const window = {
            fromMs: Math.floor(drawn.fromMs / MINUTE_MS) * MINUTE_MS,
            toMs: Math.floor(drawn.fromMs / MINUTE_MS) * MINUTE_MS + lengthMs,
          };
          const kinds = kindsOf(target.service);
          let t0 = performance.now();
          const exact = await exactFromSpans(pool, target.service, kinds, window, target.operation);
          comparison.rawMs.push(performance.now() - t0);
          t0 = performance.now();
          const rollup = await getServicePercentiles(pool, {
            serviceName: target.service,
            spanKinds: kinds,
            operation: target.operation,
            ...window,
          });
          comparison.rollupMs.push(performance.now() - t0);
          pairs++;
          const what = `${target.service}${target.operation === undefined ? "" : ` "${target.operation}"`} ${name}`;
          if (exact.calls !== rollup.calls || exact.errors !== rollup.errors) {
            countMismatches++;
            log(`  ✘ ${what}: calls/errors raw ${exact.calls}/${exact.errors}, rollup ${rollup.calls}/${rollup.errors}`);
          }
          for (const [q, exactUs, rollupUs] of [
            ["p50", exact.p50Us, rollup.p50Us],
            ["p95", exact.p95Us, rollup.p95Us],
            ["p99", exact.p99Us, rollup.p99Us],
          ] as const) {
            if (exactUs === null || rollupUs === null) {
              if (exactUs !== rollupUs) log(`  ✘ ${what} ${q}: raw ${exactUs}, rollup ${rollupUs}`);
              continue;
            }
            const relative = Math.abs(rollupUs - exactUs) / exactUs;
            if (relative > worstError.relative) {
              worstError = {
                relative,
                what: `${what} ${q}: exact ${fmt(exactUs / 1000, 3)} ms, rollup ${fmt(rollupUs / 1000, 3)} ms`,
              };
            }
          }
        }
        comparisons.push(comparison);
        log(
          `  ${name.padEnd(6)} ${String(comparison.rawMs.length).padStart(2)} pairs: raw spans p50 ${ms(percentile(comparison.rawMs, 50))} ms ` +
            `(max ${ms(Math.max(...comparison.rawMs))}), rollups p50 ${ms(percentile(comparison.rollupMs, 50))} ms ` +
            `(max ${ms(Math.max(...comparison.rollupMs))}) → speed-up ×${fmt(percentile(comparison.rawMs, 50) / percentile(comparison.rollupMs, 50), 0)}`,
        );
      }
      const errorBound = 0.02;
      log(
        `  percentile error, rollups vs exact (percentile_disc on the raw rows), ${pairs} service/operation × window pairs: ` +
          `max ${fmt(worstError.relative * 100, 2)} % (${worstError.what}); bound of the histogram ${fmt(HISTOGRAM_MAX_RELATIVE_ERROR * 100, 2)} %, ` +
          `target ≤ 2 % ${worstError.relative <= errorBound ? "✔" : "✘"}; calls and errors equal: ${countMismatches === 0 ? "all ✔" : `${countMismatches} differ ✘`}`,
      );
    }

    log(`\nload average at end: ${loadAverage()}`);
    log("\nsummary");
    const timed = cases.filter((c) => c.skipped !== true);
    for (const c of timed) log(`  ${caseLine(c)}`);
    const missed = timed.filter((c) => c.targetMs !== undefined && percentile(c.samples, 95) > c.targetMs);
    log(missed.length === 0 ? "every target met" : `${missed.length} target(s) missed:`);
    for (const c of missed) await explainMissed(pool, c);
  } finally {
    await closeDb();
    await writerPool.end();
    if (options.keepSchema || options.reuseSchema !== undefined) {
      log(`scratch schema ${schema} kept (re-run the queries with --reuse-schema ${schema}); drop it when done`);
    } else {
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch((error: unknown) => {
        console.error(`could not drop scratch schema ${schema}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
