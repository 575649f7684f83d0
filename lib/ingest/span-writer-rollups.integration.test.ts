import { afterEach, describe, expect, it } from "vitest";
import {
  SPAN_KIND,
  STATUS_CODE,
  type Attributes,
  type NormalizedSpan,
  type ResourceRecord,
  type SpanBatch,
  type SpanKind,
} from "@/lib/otlp/model";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { countSpans, setupIngestTestDatabase } from "@/lib/test/ingest-test-database";
import { SpanWriter } from "./span-writer";

// Rollups through the real SpanWriter: gateway CLIENT → orders SERVER (a real edge, its two
// halves in two writes), orders CLIENT with db.system(.name) → a virtual "postgresql" node.
// The expected rows are worked out by hand below; a second delivery must not change them.

const T0_NS = 1_795_255_200_000_000_000n; // 2026-11-21T10:00:00Z, the start of a minute
const MS = 1_000_000n;

const db = setupIngestTestDatabase();
let writer: SpanWriter | undefined;

afterEach(async () => {
  await writer?.close();
  writer = undefined;
});

function resourceOf(serviceName: string): ResourceRecord {
  // Any decimal id unique to the service will do.
  const id = String(7_000_000_000 + ([...serviceName].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 1_000_000_000));
  return { id, serviceName, attributes: { "service.name": serviceName }, droppedAttributesCount: 0 };
}

type SpanSpec = {
  trace: number;
  span: number;
  parent?: number;
  service: string;
  name: string;
  kind: SpanKind;
  startMs: number;
  durationMs: number;
  error?: boolean;
  attributes?: Attributes;
};

function spanOf(spec: SpanSpec): NormalizedSpan {
  return {
    traceId: spec.trace.toString(16).padStart(32, "0"),
    spanId: spec.span.toString(16).padStart(16, "0"),
    parentSpanId: spec.parent === undefined ? undefined : spec.parent.toString(16).padStart(16, "0"),
    name: spec.name,
    kind: spec.kind,
    startTimeUnixNano: T0_NS + BigInt(spec.startMs) * MS,
    durationNs: BigInt(spec.durationMs) * MS,
    serviceName: spec.service,
    resourceId: resourceOf(spec.service).id,
    statusCode: spec.error === true ? STATUS_CODE.ERROR : STATUS_CODE.OK,
    attributes: spec.attributes ?? {},
  };
}

function requestOf(specs: readonly SpanSpec[]): SpanBatch {
  const spans = specs.map(spanOf);
  const resources = [...new Set(specs.map((s) => s.service))].map(resourceOf);
  return { resources, scopes: [], spans, rejectedSpans: 0, rejectionReasons: [] };
}

/** The three spans of one checkout: gateway → orders → the database. */
function checkout(
  prefix: string,
  trace: number,
  ms: { gateway: number; orders: number; database: number },
  errors: { gateway?: boolean; database?: boolean },
  dbKey: "db.system" | "db.system.name",
) {
  const gateway: SpanSpec = {
    trace,
    span: trace * 10 + 1,
    service: `${prefix}-gateway`,
    name: "GET /orders",
    kind: SPAN_KIND.CLIENT,
    startMs: 1,
    durationMs: ms.gateway,
    error: errors.gateway,
    attributes: { "server.address": "orders.internal", "http.request.method": "GET" },
  };
  const orders: SpanSpec = {
    trace,
    span: trace * 10 + 2,
    parent: gateway.span,
    service: `${prefix}-orders`,
    name: "GET /orders",
    kind: SPAN_KIND.SERVER,
    startMs: 2,
    durationMs: ms.orders,
  };
  const database: SpanSpec = {
    trace,
    span: trace * 10 + 3,
    parent: orders.span,
    service: `${prefix}-orders`,
    name: "SELECT orders",
    kind: SPAN_KIND.CLIENT,
    startMs: 3,
    durationMs: ms.database,
    error: errors.database,
    attributes: { [dbKey]: "postgresql" },
  };
  return { gateway, orders, database };
}

type RollupRow = { key: string; calls: number; errors: number; durationSumUs: number; histogramCount: number };

async function rollups(prefix: string): Promise<{ totals: RollupRow[]; edges: RollupRow[] }> {
  const pool = db().pool;
  const toRow = (row: Record<string, unknown>): RollupRow => ({
    key: String(row.key),
    calls: Number(row.calls),
    errors: Number(row.errors),
    durationSumUs: Number(row.duration_sum_us),
    histogramCount: (row.bucket_counts as string[]).reduce((sum, c) => sum + Number(c), 0),
  });
  const totals = await pool.query(
    `SELECT service_name || '/' || span_kind || '@' || to_char(minute AT TIME ZONE 'UTC', 'HH24:MI') AS key,
            calls, errors, duration_sum_us, bucket_counts
       FROM service_minute_totals WHERE service_name LIKE $1 ORDER BY 1`,
    [`${prefix}-%`],
  );
  const edges = await pool.query(
    `SELECT caller_service || ' -> ' || callee || CASE WHEN is_virtual THEN ' (virtual)' ELSE '' END
              || '@' || to_char(minute AT TIME ZONE 'UTC', 'HH24:MI') AS key,
            calls, errors, duration_sum_us, bucket_counts
       FROM edge_minute_stats WHERE caller_service LIKE $1 ORDER BY 1`,
    [`${prefix}-%`],
  );
  return { totals: totals.rows.map(toRow), edges: edges.rows.map(toRow) };
}

describe("SpanWriter rollups", () => {
  it("writes service totals and edges of pairs split across two writes, and a second delivery adds nothing", async () => {
    writer = new SpanWriter(db().pool, { connections: 2, batchMaxWaitMs: 5, edgePairing: new EdgePairingCache() });
    writer.start();
    const a = checkout("r", 1, { gateway: 10, orders: 8, database: 3 }, { database: true }, "db.system.name");
    const b = checkout("r", 2, { gateway: 20, orders: 15, database: 5 }, { gateway: true }, "db.system");

    // First write: the callers only; second: the callees (whose parents are in the first).
    const first = requestOf([a.gateway, b.gateway]);
    const second = requestOf([a.orders, a.database, b.orders, b.database]);
    expect(await writer.submit(first)).toEqual({ inserted: 2, duplicates: 0 });
    expect(await writer.submit(second)).toEqual({ inserted: 4, duplicates: 0 });

    // By hand: gateway CLIENT 10 + 20 ms, one error; orders SERVER 8 + 15 ms; orders CLIENT
    // 3 + 5 ms, one error. The edge gateway → orders carries the client's measure (10 + 20
    // ms, B's error); orders → postgresql is virtual, with the db clients' (3 + 5 ms, A's error).
    const expected = {
      totals: [
        { key: "r-gateway/3@10:00", calls: 2, errors: 1, durationSumUs: 30_000, histogramCount: 2 },
        { key: "r-orders/2@10:00", calls: 2, errors: 0, durationSumUs: 23_000, histogramCount: 2 },
        { key: "r-orders/3@10:00", calls: 2, errors: 1, durationSumUs: 8_000, histogramCount: 2 },
      ],
      edges: [
        { key: "r-gateway -> r-orders@10:00", calls: 2, errors: 1, durationSumUs: 30_000, histogramCount: 2 },
        { key: "r-orders -> postgresql (virtual)@10:00", calls: 2, errors: 1, durationSumUs: 8_000, histogramCount: 2 },
      ],
    };
    expect(await rollups("r")).toEqual(expected);

    // The same requests again: every span a duplicate, the rollups unchanged.
    expect(await writer.submit(second)).toEqual({ inserted: 0, duplicates: 4 });
    expect(await writer.submit(first)).toEqual({ inserted: 0, duplicates: 2 });
    expect(await rollups("r")).toEqual(expected);
    expect(await countSpans(db().pool)).toBe(6);
  });

  it("counts only the new spans of a request that repeats others (the plan is made again without them)", async () => {
    writer = new SpanWriter(db().pool, { connections: 1, batchMaxWaitMs: 5, edgePairing: new EdgePairingCache() });
    writer.start();
    const a = checkout("d", 3, { gateway: 10, orders: 8, database: 3 }, {}, "db.system");
    const c = checkout("d", 4, { gateway: 40, orders: 30, database: 7 }, { gateway: true }, "db.system");
    expect(await writer.submit(requestOf([a.gateway, a.orders, a.database]))).toEqual({ inserted: 3, duplicates: 0 });

    // A's three spans again (duplicates, which would pair with each other) with C's new ones:
    // C's server half in this request, its client half in the next.
    const mixed = requestOf([a.gateway, a.orders, a.database, c.orders, c.database]);
    expect(await writer.submit(mixed)).toEqual({ inserted: 2, duplicates: 3 });
    expect(await writer.submit(requestOf([c.gateway]))).toEqual({ inserted: 1, duplicates: 0 });

    expect(await rollups("d")).toEqual({
      totals: [
        { key: "d-gateway/3@10:00", calls: 2, errors: 1, durationSumUs: 50_000, histogramCount: 2 },
        { key: "d-orders/2@10:00", calls: 2, errors: 0, durationSumUs: 38_000, histogramCount: 2 },
        { key: "d-orders/3@10:00", calls: 2, errors: 0, durationSumUs: 10_000, histogramCount: 2 },
      ],
      edges: [
        { key: "d-gateway -> d-orders@10:00", calls: 2, errors: 1, durationSumUs: 50_000, histogramCount: 2 },
        { key: "d-orders -> postgresql (virtual)@10:00", calls: 2, errors: 0, durationSumUs: 10_000, histogramCount: 2 },
      ],
    });
  });

  it("writes the virtual edge of a client whose child never comes from its timer, with no batch arriving", async () => {
    writer = new SpanWriter(db().pool, {
      connections: 1,
      batchMaxWaitMs: 5,
      edgePairing: new EdgePairingCache({ ttlMs: 200 }),
      edgeFlushIntervalMs: 100,
    });
    writer.start();
    const payments: SpanSpec = {
      trace: 6,
      span: 61,
      service: "t-gateway",
      name: "POST /pay",
      kind: SPAN_KIND.CLIENT,
      startMs: 5,
      durationMs: 12,
      attributes: { "peer.service": "payments" },
    };
    expect(await writer.submit(requestOf([payments]))).toEqual({ inserted: 1, duplicates: 0 });
    const deadline = Date.now() + 10_000;
    let edges = (await rollups("t")).edges;
    while (edges.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      edges = (await rollups("t")).edges;
    }
    expect(edges).toEqual([
      { key: "t-gateway -> payments (virtual)@10:00", calls: 1, errors: 0, durationSumUs: 12_000, histogramCount: 1 },
    ]);
    // Flushed once: later ticks add nothing.
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await rollups("t")).edges).toEqual(edges);
  });

  it("writes the edges of clients still waiting when it closes, instead of losing them", async () => {
    writer = new SpanWriter(db().pool, {
      connections: 1,
      batchMaxWaitMs: 5,
      edgePairing: new EdgePairingCache({ ttlMs: 600_000 }),
    });
    writer.start();
    const external: SpanSpec = {
      trace: 8,
      span: 81,
      service: "c-gateway",
      name: "POST /fraud-check",
      kind: SPAN_KIND.CLIENT,
      startMs: 7,
      durationMs: 9,
      error: true,
      attributes: { "server.address": "fraud.example" },
    };
    expect(await writer.submit(requestOf([external]))).toEqual({ inserted: 1, duplicates: 0 });
    expect((await rollups("c")).edges).toEqual([]);
    await writer.close();
    writer = undefined;
    expect((await rollups("c")).edges).toEqual([
      { key: "c-gateway -> fraud.example (virtual)@10:00", calls: 1, errors: 1, durationSumUs: 9_000, histogramCount: 1 },
    ]);
  });

  it("writes no rollups with edgePairing: false", async () => {
    writer = new SpanWriter(db().pool, { connections: 1, batchMaxWaitMs: 5, edgePairing: false });
    writer.start();
    const a = checkout("n", 5, { gateway: 10, orders: 8, database: 3 }, {}, "db.system");
    expect(await writer.submit(requestOf([a.gateway, a.orders, a.database]))).toEqual({ inserted: 3, duplicates: 0 });
    expect(await rollups("n")).toEqual({ totals: [], edges: [] });
  });
});
