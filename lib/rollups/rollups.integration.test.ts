import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSpanPartitions } from "@/lib/db/partitions";
import { SPAN_KIND, STATUS_CODE, type SpanKind } from "@/lib/otlp/model";
import { computeRollups, type RollupPlan } from "@/lib/rollups/compute-rollups";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { ensureRollupPartitions } from "@/lib/rollups/ensure-rollup-partitions";
import { flushExpiredEdges } from "@/lib/rollups/flush-expired-edges";
import { getServicePercentiles } from "@/lib/rollups/get-service-percentiles";
import { LogHistogram } from "@/lib/rollups/log-histogram";
import { RollupAccumulator } from "@/lib/rollups/rollup-rows";
import type { SpanSummary } from "@/lib/rollups/span-summary";
import { writeBatchRollups } from "@/lib/rollups/write-batch-rollups";
import { writeRollups } from "@/lib/rollups/write-rollups";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";

const T0_MS = Date.UTC(2026, 10, 21, 10, 0, 0);
const T0_US = T0_MS * 1000;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ max: 6 });
  await ensureSpanPartitions(db.pool, [T0_MS, T0_MS + 3_600_000]);
  await ensureRollupPartitions(db.pool, [T0_MS]);
});
afterAll(async () => {
  await db?.close();
});

function hex(n: number, length: number): string {
  return n.toString(16).padStart(length, "0");
}

let nextTrace = 1;

function span(input: {
  trace: number;
  span: number;
  parent?: number;
  service: string;
  kind: SpanKind;
  name?: string;
  startUs?: number;
  durationNs?: number;
  isError?: boolean;
}): SpanSummary {
  return {
    traceId: hex(input.trace, 32),
    spanId: hex(input.span, 16),
    parentSpanId: input.parent === undefined ? undefined : hex(input.parent, 16),
    serviceName: input.service,
    name: input.name ?? "GET /",
    kind: input.kind,
    statusCode: input.isError ? STATUS_CODE.ERROR : STATUS_CODE.UNSET,
    startUs: input.startUs ?? T0_US + 1_000_000,
    durationNs: input.durationNs ?? 20_000_000,
    peer: undefined,
  };
}

function clientAndServer(caller: string, callee: string): [SpanSummary, SpanSummary] {
  const trace = nextTrace++;
  return [
    span({ trace, span: 1, service: caller, kind: SPAN_KIND.CLIENT, durationNs: 30_000_000 }),
    span({ trace, span: 2, parent: 1, service: callee, kind: SPAN_KIND.SERVER, durationNs: 25_000_000 }),
  ];
}

/** Raw span rows, as the writer's COPY would store them (only the columns pairing reads). */
async function insertSpans(client: pg.PoolClient | pg.Pool, spans: readonly SpanSummary[]): Promise<void> {
  if (spans.length === 0) return;
  await client.query(
    `INSERT INTO spans (start_time, duration_ns, resource_id, trace_id, kind, status_code, span_id, parent_span_id, service_name, name)
     SELECT 'epoch'::timestamptz + start_us * interval '1 microsecond', duration_ns, 0, trace_id::uuid, kind, status_code,
            decode(span_id, 'hex'), decode(parent_span_id, 'hex'), service_name, name
       FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int2[], $5::int2[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS u(start_us, duration_ns, trace_id, kind, status_code, span_id, parent_span_id, service_name, name)`,
    [
      spans.map((s) => s.startUs),
      spans.map((s) => s.durationNs),
      spans.map((s) => s.traceId),
      spans.map((s) => s.kind),
      spans.map((s) => s.statusCode),
      spans.map((s) => s.spanId),
      spans.map((s) => s.parentSpanId ?? null),
      spans.map((s) => s.serviceName),
      spans.map((s) => s.name),
    ],
  );
}

/** The writer's sequence, split so a test can hold a transaction open between the steps. */
async function beginBatch(cache: EdgePairingCache, spans: SpanSummary[], nowMs: number) {
  const plan = computeRollups(spans, cache, { nowMs });
  await ensureRollupPartitions(db.pool, plan.dayStartsMs, db.pool);
  const client = await db.pool.connect();
  await client.query("BEGIN");
  await insertSpans(client, spans);
  return { plan, client };
}

async function finishBatch({ plan, client }: { plan: RollupPlan; client: pg.PoolClient }): Promise<void> {
  try {
    await writeBatchRollups(client, plan);
    await client.query("COMMIT");
    plan.commit();
  } catch (error) {
    await client.query("ROLLBACK");
    plan.abort();
    throw error;
  } finally {
    client.release();
  }
}

async function ingest(cache: EdgePairingCache, spans: SpanSummary[], nowMs = T0_MS + 10_000): Promise<void> {
  await finishBatch(await beginBatch(cache, spans, nowMs));
}

async function edgeCalls(caller: string): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ callee: string; is_virtual: boolean; calls: string }>(
    "SELECT callee, is_virtual, sum(calls) AS calls FROM edge_minute_stats WHERE caller_service = $1 GROUP BY 1, 2 ORDER BY 1, 2",
    [caller],
  );
  return Object.fromEntries(rows.map((r) => [`${r.callee}${r.is_virtual ? " (virtual)" : ""}`, Number(r.calls)]));
}

describe("writeRollups", () => {
  it("adds calls, errors, durations and histograms when a key is written again", async () => {
    const first = new RollupAccumulator();
    const second = new RollupAccumulator();
    const expected = new LogHistogram();
    for (let i = 0; i < 50; i++) {
      const durationNs = 1_000_000 + i * 137_000;
      const target = i % 2 ? first : second;
      target.addServiceCall("w-orders", "GET /x", SPAN_KIND.SERVER, { startUs: T0_US, durationNs, isError: i % 5 === 0 });
      target.addEdgeCall("w-gateway", "w-orders", false, { startUs: T0_US, durationNs, isError: i % 5 === 0 });
      expected.recordMicros(durationNs / 1000);
    }
    for (const acc of [first, second]) {
      const client = await db.pool.connect();
      try {
        await client.query("BEGIN");
        await writeRollups(client, acc.rows());
        await client.query("COMMIT");
      } finally {
        client.release();
      }
    }
    const { rows } = await db.pool.query(
      `SELECT calls, errors, duration_sum_us, bucket_ids, bucket_counts FROM service_minute_stats WHERE service_name = 'w-orders'
       UNION ALL
       SELECT calls, errors, duration_sum_us, bucket_ids, bucket_counts FROM service_minute_totals WHERE service_name = 'w-orders'
       UNION ALL
       SELECT calls, errors, duration_sum_us, bucket_ids, bucket_counts FROM edge_minute_stats WHERE caller_service = 'w-gateway'`,
    );
    expect(rows).toHaveLength(3);
    const { bucketIds, bucketCounts } = expected.toArrays();
    const durationSumUs = Array.from({ length: 50 }, (_, i) => Math.round((1_000_000 + i * 137_000) / 1000)).reduce(
      (a, b) => a + b,
    );
    for (const row of rows) {
      expect(Number(row.calls)).toBe(50);
      expect(Number(row.errors)).toBe(10);
      expect(Number(row.duration_sum_us)).toBe(durationSumUs);
      expect(row.bucket_ids).toEqual(bucketIds);
      expect((row.bucket_counts as string[]).map(Number)).toEqual(bucketCounts);
    }
  });

  it("stores a name holding NUL (which PostgreSQL text refuses) with U+FFFD instead of failing the batch", async () => {
    const acc = new RollupAccumulator();
    acc.addServiceCall("n-bad\0svc", "op\0x", SPAN_KIND.SERVER, { startUs: T0_US, durationNs: 1000, isError: false });
    acc.addEdgeCall("n-bad\0svc", "db\0", true, { startUs: T0_US, durationNs: 1000, isError: false });
    const client = await db.pool.connect();
    try {
      await writeRollups(client, acc.rows());
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query(
      "SELECT service_name, operation FROM service_minute_stats WHERE service_name LIKE 'n-bad%'",
    );
    expect(rows).toEqual([{ service_name: "n-bad\uFFFDsvc", operation: "op\uFFFDx" }]);
  });

  it("two writers upserting the same keys concurrently neither deadlock nor lose counts", async () => {
    const services = Array.from({ length: 12 }, (_, i) => `c-svc-${i}`);
    const rounds = 15;
    const writer = async (seed: number) => {
      for (let round = 0; round < rounds; round++) {
        const acc = new RollupAccumulator();
        // Every key in every batch, added in a different order per writer and round.
        const order = services.map((s, i) => services[(i * (seed + 5) + round) % services.length]);
        for (const service of order) {
          for (let minute = 0; minute < 3; minute++) {
            const call = { startUs: T0_US + minute * 60_000_000, durationNs: 1_000_000 * (minute + 1), isError: false };
            acc.addServiceCall(service, "op", SPAN_KIND.SERVER, call);
            acc.addEdgeCall(service, "c-db", true, call);
          }
        }
        const client = await db.pool.connect();
        try {
          await client.query("BEGIN");
          await writeRollups(client, acc.rows());
          // Hold the row locks a moment so the two transactions overlap.
          await client.query("SELECT pg_sleep(0.005)");
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        } finally {
          client.release();
        }
      }
    };
    await Promise.all([writer(1), writer(2)]);
    const { rows } = await db.pool.query<{ calls: string; n: string }>(
      `SELECT sum(calls) AS calls, count(*) AS n FROM service_minute_stats WHERE service_name LIKE 'c-svc-%'
       UNION ALL SELECT sum(calls), count(*) FROM service_minute_totals WHERE service_name LIKE 'c-svc-%'
       UNION ALL SELECT sum(calls), count(*) FROM edge_minute_stats WHERE caller_service LIKE 'c-svc-%'`,
    );
    for (const row of rows) {
      expect(Number(row.n)).toBe(services.length * 3);
      expect(Number(row.calls)).toBe(2 * rounds * services.length * 3);
    }
  });
});

describe("edge pairing through the database", () => {
  const flush = (cache: EdgePairingCache, nowMs: number) => flushExpiredEdges(db.pool, cache, { nowMs });

  it("pairs halves written by two processes (two caches), in both orders, exactly once, when the client's TTL runs out", async () => {
    const a = new EdgePairingCache({ ttlMs: 60_000 });
    const b = new EdgePairingCache({ ttlMs: 60_000 });
    // Client first (process A), server later (process B).
    const [c1, s1] = clientAndServer("p-gateway", "p-orders");
    await ingest(a, [c1]);
    await ingest(b, [s1]);
    // Server first (B), client later (A).
    const [c2, s2] = clientAndServer("p-gateway", "p-orders");
    await ingest(b, [s2]);
    await ingest(a, [c2]);
    // Nothing is counted yet, and the span transactions asked the database nothing.
    expect(await edgeCalls("p-gateway")).toEqual({});
    expect(a.pendingCount).toBe(2);
    // B's orphan servers are forgotten; A's expired clients find their children in the database.
    expect(await flush(b, T0_MS + 200_000)).toBe(0);
    expect(await flush(a, T0_MS + 200_000)).toBe(2);
    expect(await edgeCalls("p-gateway")).toEqual({ "p-orders": 2 });
    expect(await flush(a, T0_MS + 400_000)).toBe(0);
    expect(await edgeCalls("p-gateway")).toEqual({ "p-orders": 2 });
    expect(a.pendingCount + b.pendingCount + a.orphanCount + b.orphanCount).toBe(0);
  });

  it("pairs halves whose transactions overlap (neither sees the other at first) exactly once", async () => {
    for (const clientFirst of [true, false]) {
      const a = new EdgePairingCache({ ttlMs: 60_000 });
      const b = new EdgePairingCache({ ttlMs: 60_000 });
      const [client, server] = clientAndServer("o-gateway", "o-orders");
      // Both halves are written and uncommitted at once.
      const first = await beginBatch(clientFirst ? a : b, [clientFirst ? client : server], T0_MS + 10_000);
      const second = await beginBatch(clientFirst ? b : a, [clientFirst ? server : client], T0_MS + 10_000);
      await Promise.all([finishBatch(first), finishBatch(second)]);
      await flush(a, T0_MS + 200_000);
      await flush(b, T0_MS + 200_000);
    }
    expect(await edgeCalls("o-gateway")).toEqual({ "o-orders": 2 });
  });

  it("overlapping batches of one process pair in memory, once, without the database", async () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000, pairsInDatabase: false });
    for (const clientFirst of [true, false]) {
      const [client, server] = clientAndServer("m-gateway", "m-orders");
      const first = await beginBatch(cache, [clientFirst ? client : server], T0_MS + 10_000);
      const second = await beginBatch(cache, [clientFirst ? server : client], T0_MS + 10_000);
      await Promise.all([finishBatch(first), finishBatch(second)]);
    }
    // The first pair was written with the next batch (the second round's), the second waits.
    expect(await edgeCalls("m-gateway")).toEqual({ "m-orders": 1 });
    expect(await flush(cache, T0_MS + 11_000)).toBe(1);
    expect(await flush(cache, T0_MS + 200_000)).toBe(0);
    expect(await edgeCalls("m-gateway")).toEqual({ "m-orders": 2 });
  });

  it("turns a client with no child anywhere into a virtual edge after the TTL, once", async () => {
    const a = new EdgePairingCache({ ttlMs: 60_000 });
    const trace = nextTrace++;
    const client = {
      ...span({ trace, span: 1, service: "v-orders", kind: SPAN_KIND.CLIENT }),
      peer: { serverAddress: "fraud.example" },
    };
    const db1 = { ...span({ trace, span: 2, service: "v-orders", kind: SPAN_KIND.CLIENT }), peer: { dbSystem: "postgresql" } };
    await ingest(a, [client, db1]);
    expect(await edgeCalls("v-orders")).toEqual({ "postgresql (virtual)": 1 });
    await ingest(a, [], T0_MS + 200_000);
    expect(await edgeCalls("v-orders")).toEqual({ "postgresql (virtual)": 1 });
    expect(await flush(a, T0_MS + 200_000)).toBe(1);
    expect(await flush(a, T0_MS + 400_000)).toBe(0);
    expect(await edgeCalls("v-orders")).toEqual({ "fraud.example (virtual)": 1, "postgresql (virtual)": 1 });
  });
});

describe("flushExpiredEdges", () => {
  it("writes the virtual edges of expired clients when no batch comes, once", async () => {
    const a = new EdgePairingCache({ ttlMs: 60_000 });
    const trace = nextTrace++;
    const client = { ...span({ trace, span: 1, service: "f-orders", kind: SPAN_KIND.CLIENT }), peer: { peerService: "fraud" } };
    await ingest(a, [client]);
    expect(await flushExpiredEdges(db.pool, a, { nowMs: T0_MS + 30_000 })).toBe(0);
    expect(await edgeCalls("f-orders")).toEqual({});
    expect(await flushExpiredEdges(db.pool, a, { nowMs: T0_MS + 80_000 })).toBe(1);
    expect(await flushExpiredEdges(db.pool, a, { nowMs: T0_MS + 200_000 })).toBe(0);
    expect(await edgeCalls("f-orders")).toEqual({ "fraud (virtual)": 1 });
  });
});

describe("getServicePercentiles", () => {
  it("matches exact percentiles of the raw spans within 2 %, and counts calls and errors", async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const spans: SpanSummary[] = [];
    for (let i = 0; i < 6000; i++) {
      const u = 1 - rand();
      const gaussian = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      // Bimodal: fast and slow requests, over 20 minutes.
      const ms = i % 4 === 0 ? Math.exp(Math.log(250) + 0.4 * gaussian) : Math.exp(Math.log(12) + 0.6 * gaussian);
      spans.push(
        span({
          trace: 1_000_000 + i,
          span: 1,
          name: `GET /${i % 3}`,
          service: "q-orders",
          kind: SPAN_KIND.SERVER,
          startUs: T0_US + Math.floor(rand() * 20 * 60_000_000),
          durationNs: Math.round(ms * 1_000_000),
          isError: i % 50 === 0,
        }),
      );
    }
    // Spans of other kinds and services stay out of the answer.
    spans.push(span({ trace: 99, span: 9, service: "q-orders", kind: SPAN_KIND.CLIENT, durationNs: 9e12 }));
    const cache = new EdgePairingCache();
    for (let i = 0; i < spans.length; i += 1000) await ingest(cache, spans.slice(i, i + 1000));

    const windows = [
      [T0_MS, T0_MS + 20 * 60_000],
      [T0_MS + 5 * 60_000, T0_MS + 9 * 60_000],
    ];
    for (const [fromMs, toMs] of windows) {
      const fromRollups = await getServicePercentiles(db.pool, { serviceName: "q-orders", fromMs, toMs });
      const { rows } = await db.pool.query(
        `SELECT count(*) AS calls, count(*) FILTER (WHERE status_code = 2) AS errors,
                percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ns / 1000.0) AS exact
           FROM spans WHERE service_name = 'q-orders' AND kind = 2 AND start_time >= $1 AND start_time < $2`,
        [new Date(fromMs), new Date(toMs)],
      );
      const exact = (rows[0].exact as string[]).map(Number);
      expect(fromRollups.calls).toBe(Number(rows[0].calls));
      expect(fromRollups.errors).toBe(Number(rows[0].errors));
      expect(fromRollups.calls).toBeGreaterThan(500);
      const estimates = [fromRollups.p50Us!, fromRollups.p95Us!, fromRollups.p99Us!];
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(estimates[i] - exact[i]) / exact[i], `quantile ${i}: ${estimates[i]} vs ${exact[i]}`).toBeLessThanOrEqual(
          0.02,
        );
      }
    }
    // One operation, from service_minute_stats.
    const fromRollups = await getServicePercentiles(db.pool, {
      serviceName: "q-orders",
      operation: "GET /1",
      fromMs: T0_MS,
      toMs: T0_MS + 20 * 60_000,
    });
    const { rows } = await db.pool.query(
      `SELECT count(*) AS calls, percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ns / 1000.0) AS exact
         FROM spans WHERE service_name = 'q-orders' AND name = 'GET /1' AND kind = 2`,
    );
    expect(fromRollups.calls).toBe(Number(rows[0].calls));
    const exact = (rows[0].exact as string[]).map(Number);
    [fromRollups.p50Us!, fromRollups.p95Us!, fromRollups.p99Us!].forEach((estimate, i) =>
      expect(Math.abs(estimate - exact[i]) / exact[i]).toBeLessThanOrEqual(0.02),
    );
    // The totals table holds the sum of the operation rows.
    const { rows: mismatches } = await db.pool.query(
      `SELECT t.minute FROM service_minute_totals t
         JOIN (SELECT service_name, minute, span_kind, sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum_us) AS duration_sum_us
                 FROM service_minute_stats GROUP BY 1, 2, 3) s USING (service_name, minute, span_kind)
        WHERE t.service_name = 'q-orders' AND (t.calls, t.errors, t.duration_sum_us) IS DISTINCT FROM (s.calls, s.errors, s.duration_sum_us)`,
    );
    expect(mismatches).toEqual([]);

    expect(await getServicePercentiles(db.pool, { serviceName: "nobody", fromMs: T0_MS, toMs: T0_MS + 60_000 })).toEqual({
      calls: 0,
      errors: 0,
      durationSumUs: 0,
      p50Us: null,
      p95Us: null,
      p99Us: null,
    });
  });

  it("rollup_histogram_add merges sorted histograms, empty ones included", async () => {
    const cases: [number[], number[], number[], number[], number[], number[]][] = [
      [
        [1, 3, 5],
        [1, 1, 1],
        [0, 3, 9],
        [2, 2, 2],
        [0, 1, 3, 5, 9],
        [2, 1, 3, 1, 2],
      ],
      [[], [], [0, 3], [2, 5], [0, 3], [2, 5]],
      [[4], [7], [], [], [4], [7]],
      [[], [], [], [], [], []],
      [
        [2, 4, 6],
        [1, 1, 1],
        [1, 2, 3, 4, 7],
        [1, 1, 1, 1, 1],
        [1, 2, 3, 4, 6, 7],
        [1, 2, 1, 2, 1, 1],
      ],
    ];
    for (const [aIds, aCounts, bIds, bCounts, ids, counts] of cases) {
      const { rows } = await db.pool.query<{ bucket_ids: number[]; bucket_counts: string[] }>(
        "SELECT * FROM rollup_histogram_add($1::int4[], $2::int8[], $3::int4[], $4::int8[])",
        [aIds, aCounts, bIds, bCounts],
      );
      expect({ ids: rows[0].bucket_ids, counts: rows[0].bucket_counts.map(Number) }).toEqual({ ids, counts });
    }
  });

  it("rollup_histogram_quantiles reports the same values as LogHistogram", async () => {
    const h = new LogHistogram();
    for (const us of [0.5, 3, 3, 40, 41, 900, 12_345, 12_346, 5e6, 7e9]) h.recordMicros(us);
    const { bucketIds, bucketCounts } = h.toArrays();
    const qs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
    const { rows } = await db.pool.query<{ q: number[] }>("SELECT rollup_histogram_quantiles($1::int4[], $2::int8[], $3) AS q", [
      bucketIds,
      bucketCounts,
      qs,
    ]);
    expect(rows[0].q.map((v) => Number(v.toPrecision(12)))).toEqual(qs.map((q) => Number(h.quantileMicros(q)!.toPrecision(12))));
  });
});
