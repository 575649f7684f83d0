import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanWriter } from "@/lib/ingest/span-writer";
import {
  type Attributes,
  type NormalizedSpan,
  type ResourceRecord,
  SPAN_KIND,
  type SpanKind,
  STATUS_CODE,
} from "@/lib/otlp/model";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { getServicePercentiles } from "@/lib/rollups/get-service-percentiles";
import { bucketIndexOfMicros, bucketRepresentativeMicros, HISTOGRAM_MAX_RELATIVE_ERROR } from "@/lib/rollups/log-histogram";
import type { TestDatabase } from "@/lib/test/db";
import { getServiceAnnotations } from "./get-service-annotations";
import { getServiceEdges } from "./get-service-edges";
import { getServiceInstances } from "./get-service-instances";
import { getServiceOperations } from "./get-service-operations";
import { getServiceSeries } from "./get-service-series";
import { getServiceSummary } from "./get-service-summary";
import {
  insertBreaker,
  insertBreakerTransition,
  insertInstance,
  insertRoute,
  insertRouteChange,
  insertStatusChange,
} from "./service-detail-fixtures";
import { useTestDatabaseForQueries } from "./test-fixtures";

// One service, "orders", with hand-counted traffic around 2026-11-21T10:00Z ingested through
// the span writer (which writes the rollups), its neighbours, instances, breakers and route
// changes; the queries must return exactly what is worked out beside each expectation. Other
// services' rows and rows outside the window must not leak in.

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1_000;
const date = (minutes: number, seconds = 0) => new Date(at(minutes, seconds));
/** The window the tests read: 10:00:30 → 10:07:30 (rollup minutes 10:00 … 10:07). */
const FROM = at(0, 30);
const TO = at(7, 30);

/** What the database reports for a duration: its histogram bucket's value (within 1.96 %). */
function reportedUs(durationMs: number): number {
  const exactUs = durationMs * 1_000;
  const value = bucketRepresentativeMicros(bucketIndexOfMicros(exactUs));
  expect(Math.abs(value - exactUs) / exactUs).toBeLessThanOrEqual(HISTOGRAM_MAX_RELATIVE_ERROR);
  return value;
}

let db: TestDatabase;

type SpanSpec = {
  trace: number;
  span: number;
  parent?: number;
  service: string;
  name: string;
  kind: SpanKind;
  /** Epoch ms. */
  startMs: number;
  durationMs: number;
  isError?: boolean;
  attributes?: Attributes;
};

const hex = (n: number, length: number) => n.toString(16).padStart(length, "0");

function resourceOf(serviceName: string): ResourceRecord {
  const id = String(7_000_000_000 + ([...serviceName].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 1_000_000_000));
  return { id, serviceName, attributes: { "service.name": serviceName }, droppedAttributesCount: 0 };
}

function spanOf(spec: SpanSpec): NormalizedSpan {
  return {
    traceId: hex(spec.trace, 32),
    spanId: hex(spec.span, 16),
    parentSpanId: spec.parent === undefined ? undefined : hex(spec.parent, 16),
    name: spec.name,
    kind: spec.kind,
    startTimeUnixNano: BigInt(spec.startMs) * 1_000_000n,
    durationNs: BigInt(Math.round(spec.durationMs * 1_000_000)),
    serviceName: spec.service,
    resourceId: resourceOf(spec.service).id,
    statusCode: spec.isError === true ? STATUS_CODE.ERROR : STATUS_CODE.OK,
    attributes: spec.attributes ?? {},
  };
}

/** gateway CLIENT → orders SERVER, the server starting 1 ms after its caller. */
function gatewayCall(
  trace: number,
  startMs: number,
  clientMs: number,
  serverMs: number,
  errors: { client?: boolean; server?: boolean } = {},
): SpanSpec[] {
  return [
    {
      trace,
      span: trace * 10 + 1,
      service: "gateway",
      name: "GET /orders",
      kind: SPAN_KIND.CLIENT,
      startMs,
      durationMs: clientMs,
      isError: errors.client,
      attributes: { "server.address": "orders.internal" },
    },
    {
      trace,
      span: trace * 10 + 2,
      parent: trace * 10 + 1,
      service: "orders",
      name: "GET /orders",
      kind: SPAN_KIND.SERVER,
      startMs: startMs + 1,
      durationMs: serverMs,
      isError: errors.server,
    },
  ];
}

/** A root orders SERVER span. */
const ordersServer = (trace: number, name: string, startMs: number, durationMs: number): SpanSpec => ({
  trace,
  span: trace * 10 + 2,
  service: "orders",
  name,
  kind: SPAN_KIND.SERVER,
  startMs,
  durationMs,
});

/** orders' database call inside its server span `parent`: a virtual edge to postgresql. */
const dbCall = (trace: number, startMs: number, durationMs: number): SpanSpec => ({
  trace,
  span: trace * 10 + 3,
  parent: trace * 10 + 2,
  service: "orders",
  name: "SELECT orders",
  kind: SPAN_KIND.CLIENT,
  startMs,
  durationMs,
  attributes: { "db.system": "postgresql" },
});

/**
 * Every span of the scenario, counted by hand in the tests below. orders' SERVER spans in the
 * window: GET 10, 20, 30 (error), 40, 100 (error), 200 ms and POST 50 ms; outside it GET
 * 1 ms (09:55), 5 s (09:59) and 5 s (10:08).
 */
const SPANS: SpanSpec[] = [
  ...gatewayCall(1, at(0, 1), 12, 10),
  dbCall(1, at(0, 2), 1),
  ...gatewayCall(2, at(0, 20), 22, 20),
  dbCall(2, at(0, 21), 2),
  ...gatewayCall(3, at(0, 59), 32, 30, { client: true, server: true }),
  ordersServer(4, "GET /orders", at(1, 5), 40),
  {
    trace: 4,
    span: 44,
    parent: 42,
    service: "orders",
    name: "validate",
    kind: SPAN_KIND.INTERNAL,
    startMs: at(1, 6),
    durationMs: 5,
  },
  {
    trace: 4,
    span: 45,
    parent: 42,
    service: "orders",
    name: "POST /charge",
    kind: SPAN_KIND.CLIENT,
    startMs: at(1, 10),
    durationMs: 80,
    isError: true,
  },
  {
    trace: 4,
    span: 46,
    parent: 45,
    service: "payments",
    name: "POST /charge",
    kind: SPAN_KIND.SERVER,
    startMs: at(1, 10) + 1,
    durationMs: 70,
    isError: true,
  },
  ordersServer(5, "POST /orders", at(2), 50),
  // A client that named orders (peer.service) but never reached it: virtual once its pairing expires.
  {
    trace: 6,
    span: 61,
    service: "loadgen",
    name: "GET /orders",
    kind: SPAN_KIND.CLIENT,
    startMs: at(3),
    durationMs: 3_000,
    isError: true,
    attributes: { "peer.service": "orders" },
  },
  ...gatewayCall(7, at(5), 102, 100, { server: true }),
  ordersServer(8, "GET /orders", at(6, 10), 200),
  ordersServer(9, "GET /orders", at(-1), 5_000),
  ordersServer(10, "GET /orders", at(8), 5_000),
  ...gatewayCall(11, at(-5), 1, 1),
  // Not orders': another service's GET /orders, and gateway → catalog.
  { trace: 12, span: 121, service: "payments", name: "GET /orders", kind: SPAN_KIND.SERVER, startMs: at(0, 3), durationMs: 900 },
  { trace: 13, span: 131, service: "gateway", name: "GET /products", kind: SPAN_KIND.CLIENT, startMs: at(0, 4), durationMs: 7 },
  {
    trace: 13,
    span: 132,
    parent: 131,
    service: "catalog",
    name: "GET /products",
    kind: SPAN_KIND.SERVER,
    startMs: at(0, 4) + 1,
    durationMs: 5,
  },
];

/** Through the real span writer (rollups in the span transaction), one request per service. */
async function ingest(specs: readonly SpanSpec[]): Promise<void> {
  const writer = new SpanWriter(db.pool, {
    connections: 1,
    batchMaxWaitMs: 1,
    // Short, so the loadgen client turns into its virtual edge within the test.
    edgePairing: new EdgePairingCache({ ttlMs: 150 }),
    edgeFlushIntervalMs: 50,
  });
  writer.start();
  try {
    for (const service of new Set(specs.map((s) => s.service))) {
      const spans = specs.filter((s) => s.service === service).map(spanOf);
      await writer.submit({ resources: [resourceOf(service)], scopes: [], spans, rejectedSpans: 0, rejectionReasons: [] });
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await db.pool.query("SELECT 1 FROM edge_minute_stats WHERE caller_service = 'loadgen' AND is_virtual");
      if (rows.length > 0) break;
      if (Date.now() > deadline) throw new Error("the loadgen client's virtual edge was not written in time");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await writer.close();
  }
}

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await ingest(SPANS);
  // catalog's catalogue row pruned (span retention is shorter than rollup retention): its rollups still make it known.
  await db.pool.query("DELETE FROM services WHERE name = 'catalog'");

  await insertInstance(db.pool, {
    instanceId: "orders-1",
    service: "orders",
    version: "v1",
    status: "healthy",
    receivedAgoMs: 5_000,
    firstSeen: date(-60),
  });
  await insertInstance(db.pool, {
    instanceId: "orders-2",
    service: "orders",
    version: "v2",
    status: "unhealthy",
    receivedAgoMs: 90_000,
    firstSeen: date(-30),
  });
  await insertInstance(db.pool, {
    instanceId: "orders-3",
    service: "orders",
    version: "v2",
    status: "healthy",
    receivedAgoMs: 1_000,
    firstSeen: date(4),
  });
  await insertInstance(db.pool, {
    instanceId: "payments-1",
    service: "payments",
    version: "v1",
    status: "healthy",
    receivedAgoMs: 1_000,
    firstSeen: date(-60),
  });
  // A service that sends heartbeats but no spans.
  await insertInstance(db.pool, {
    instanceId: "shipping-1",
    service: "shipping",
    version: "v1",
    status: "healthy",
    receivedAgoMs: 1_000,
    firstSeen: date(-60),
  });
  const change = (
    instanceId: string,
    service: string,
    fromStatus: "healthy" | "unhealthy" | null,
    toStatus: "healthy" | "unhealthy",
    when: Date,
  ) =>
    insertStatusChange(db.pool, {
      instanceId,
      service,
      fromStatus,
      toStatus,
      at: when,
      reason: `${fromStatus ?? "new"} to ${toStatus}`,
    });
  await change("orders-1", "orders", null, "healthy", date(-60));
  await change("orders-2", "orders", null, "healthy", date(-30));
  await change("orders-2", "orders", "healthy", "unhealthy", date(-10));
  await change("orders-2", "orders", "unhealthy", "healthy", date(-5));
  await change("orders-2", "orders", "healthy", "unhealthy", date(3));
  await change("orders-3", "orders", null, "healthy", date(4));
  await change("orders-3", "orders", "healthy", "unhealthy", date(9)); // after the window
  await change("payments-1", "payments", null, "healthy", date(2));

  const breaker = (ownerInstanceId: string, targetInstanceId: string, state: "closed" | "open", since: Date) =>
    insertBreaker(db.pool, {
      ownerInstanceId,
      ownerService: ownerInstanceId.replace(/-\d+$/, ""),
      targetInstanceId,
      targetService: targetInstanceId.replace(/-\d+$/, ""),
      state,
      stateSince: since,
    });
  await breaker("gateway-1", "orders-1", "closed", date(-60));
  await breaker("gateway-1", "orders-2", "open", date(4));
  await breaker("orders-1", "payments-1", "open", date(1, 30));
  await breaker("orders-1", "inventory-1", "closed", date(-60)); // no calls in the window
  await breaker("gateway-1", "catalog-1", "open", date(0)); // not orders'

  const transition = (owner: string, target: string, fromState: "closed" | "open", toState: "closed" | "open", when: Date) =>
    insertBreakerTransition(db.pool, {
      ownerInstanceId: owner,
      ownerService: owner.replace(/-\d+$/, ""),
      targetInstanceId: target,
      targetService: target.replace(/-\d+$/, ""),
      fromState,
      toState,
      at: when,
      reason: "failure rate 100% ≥ 50%",
    });
  await transition("orders-1", "payments-1", "closed", "open", date(1, 30));
  await transition("gateway-1", "orders-2", "closed", "open", date(4));
  await transition("gateway-1", "orders-2", "open", "closed", date(-20)); // before the window
  await transition("gateway-1", "catalog-1", "closed", "open", date(0, 40)); // not orders'

  await insertRoute(db.pool, {
    id: "orders-route",
    service: "orders",
    backends: [
      { version: "v1", weight: 50 },
      { version: "v2", weight: 50 },
    ],
  });
  await insertRoute(db.pool, { id: "catalog-route", service: "catalog", backends: [{ version: "v1", weight: 100 }] });
  await insertRouteChange(db.pool, {
    routeId: "orders-route",
    version: 1,
    oldBackends: null,
    newBackends: [{ version: "v1", weight: 100 }],
    at: date(-60),
  });
  await insertRouteChange(db.pool, {
    routeId: "orders-route",
    version: 2,
    oldBackends: [{ version: "v1", weight: 100 }],
    newBackends: [
      { version: "v1", weight: 50 },
      { version: "v2", weight: 50 },
    ],
    at: date(2, 15),
    reason: "canary v2",
  });
  await insertRouteChange(db.pool, {
    routeId: "catalog-route",
    version: 2,
    oldBackends: null,
    newBackends: [{ version: "v1", weight: 100 }],
    at: date(3),
  });
});

afterAll(async () => {
  await db?.close();
});

describe("getServiceSeries", () => {
  it("sums serving spans per 5-minute bucket, with rates over the covered time and percentiles from the merged histograms", async () => {
    const series = await getServiceSeries({ service: "orders", fromMs: FROM, toMs: TO, bucketMs: 300_000 });
    expect(series).toMatchObject({ fromMs: at(0), toMs: TO, bucketMs: 300_000, operation: null, spanKinds: [2, 5] });
    expect(series.buckets).toEqual([
      {
        // 10:00–10:05: GET 10, 20, 30 (error), 40 ms and POST 50 ms; the CLIENT and INTERNAL spans are not served requests.
        startMs: at(0),
        calls: 5,
        errors: 1,
        ratePerS: 5 / 300,
        errorPct: 20,
        p50Us: reportedUs(30), // rank ceil(0.5 × 5) = 3
        p95Us: reportedUs(50), // rank ceil(0.95 × 5) = 5
        p99Us: reportedUs(50),
      },
      {
        // 10:05–10:10, of which 10:05–10:07:30 has happened: 150 s.
        startMs: at(5),
        calls: 2,
        errors: 1,
        ratePerS: 2 / 150,
        errorPct: 50,
        p50Us: reportedUs(100), // rank 1
        p95Us: reportedUs(200), // rank 2
        p99Us: reportedUs(200),
      },
    ]);
  });

  it("cuts the first bucket at the window's first minute and leaves out empty buckets", async () => {
    const series = await getServiceSeries({ service: "orders", fromMs: at(1, 40), toMs: TO, bucketMs: 120_000 });
    // Minutes 10:01 … 10:07 in 2-minute buckets from 10:00: [10:00, 10:02) holds only 10:01 (60 s read).
    expect(series.buckets.map((b) => [b.startMs, b.calls, b.ratePerS])).toEqual([
      [at(0), 1, 1 / 60],
      [at(2), 1, 1 / 120],
      [at(4), 1, 1 / 120],
      [at(6), 1, 1 / 90], // 10:06–10:07:30
    ]);
  });

  it("reads one operation (every kind unless asked) from the per-operation rows", async () => {
    const get = await getServiceSeries({
      service: "orders",
      fromMs: FROM,
      toMs: TO,
      bucketMs: 300_000,
      operation: "GET /orders",
    });
    expect(get.buckets.map((b) => [b.calls, b.errors, b.p50Us, b.p95Us])).toEqual([
      [4, 1, reportedUs(20), reportedUs(40)], // 10, 20, 30, 40 ms: ranks 2 and 4
      [2, 1, reportedUs(100), reportedUs(200)],
    ]);
    const client = await getServiceSeries({
      service: "orders",
      fromMs: FROM,
      toMs: TO,
      bucketMs: 60_000,
      operation: "SELECT orders",
      spanKinds: [SPAN_KIND.CLIENT],
    });
    expect(client.buckets).toEqual([
      {
        startMs: at(0),
        calls: 2,
        errors: 0,
        ratePerS: 2 / 60,
        errorPct: 0,
        p50Us: reportedUs(1),
        p95Us: reportedUs(2),
        p99Us: reportedUs(2),
      },
    ]);
  });

  it("returns no buckets for an unknown service or operation", async () => {
    expect((await getServiceSeries({ service: "nope", fromMs: FROM, toMs: TO, bucketMs: 60_000 })).buckets).toEqual([]);
    expect(
      (await getServiceSeries({ service: "orders", fromMs: FROM, toMs: TO, bucketMs: 60_000, operation: "nope" })).buckets,
    ).toEqual([]);
  });

  it("reports the same percentiles as rollup_histogram_quantiles (getServicePercentiles) over the same minutes", async () => {
    for (const operation of [undefined, "GET /orders"]) {
      // One day-long bucket holds the whole window.
      const series = await getServiceSeries({ service: "orders", fromMs: FROM, toMs: TO, bucketMs: 1_440 * 60_000, operation });
      const expected = await getServicePercentiles(db.pool, { serviceName: "orders", fromMs: FROM, toMs: TO, operation });
      expect(series.buckets).toHaveLength(1);
      const [bucket] = series.buckets;
      expect(bucket.calls).toBe(expected.calls);
      for (const key of ["p50Us", "p95Us", "p99Us"] as const) {
        expect(Math.abs(bucket[key] - (expected[key] ?? Number.NaN)) / bucket[key]).toBeLessThan(1e-12);
      }
    }
  });

  it("refuses a bucket that is not whole minutes", async () => {
    await expect(getServiceSeries({ service: "orders", fromMs: FROM, toMs: TO, bucketMs: 90_000 })).rejects.toThrow(
      /whole number/,
    );
  });
});

describe("getServiceOperations", () => {
  it("lists every operation and kind, busiest first, with window rates and merged percentiles", async () => {
    const result = await getServiceOperations({ service: "orders", fromMs: FROM, toMs: TO });
    const windowS = 450; // 10:00 → 10:07:30
    expect(result).toMatchObject({ fromMs: at(0), toMs: TO, totalOperations: 5 });
    expect(result.operations).toEqual([
      {
        operation: "GET /orders",
        spanKind: SPAN_KIND.SERVER,
        calls: 6,
        errors: 2,
        ratePerS: 6 / windowS,
        errorPct: (100 * 2) / 6,
        p50Us: reportedUs(30), // 10 20 30 40 100 200: rank 3
        p95Us: reportedUs(200), // rank 6
        p99Us: reportedUs(200),
      },
      {
        operation: "SELECT orders",
        spanKind: SPAN_KIND.CLIENT,
        calls: 2,
        errors: 0,
        ratePerS: 2 / windowS,
        errorPct: 0,
        p50Us: reportedUs(1),
        p95Us: reportedUs(2),
        p99Us: reportedUs(2),
      },
      // One call each: by name in code point order ("POST /c", "POST /o", then "v").
      expect.objectContaining({
        operation: "POST /charge",
        spanKind: SPAN_KIND.CLIENT,
        calls: 1,
        errors: 1,
        p50Us: reportedUs(80),
      }),
      expect.objectContaining({ operation: "POST /orders", spanKind: SPAN_KIND.SERVER, calls: 1, p50Us: reportedUs(50) }),
      expect.objectContaining({ operation: "validate", spanKind: SPAN_KIND.INTERNAL, calls: 1, p99Us: reportedUs(5) }),
    ]);
  });

  it("keeps the busiest `limit` and says how many there were", async () => {
    const result = await getServiceOperations({ service: "orders", fromMs: FROM, toMs: TO, limit: 2 });
    expect(result.operations.map((o) => o.operation)).toEqual(["GET /orders", "SELECT orders"]);
    expect(result.totalOperations).toBe(5);
  });

  it("is empty for a service without spans in the window", async () => {
    expect(await getServiceOperations({ service: "orders", fromMs: at(30), toMs: at(40) })).toMatchObject({
      operations: [],
      totalOperations: 0,
    });
  });
});

describe("getServiceEdges", () => {
  it("lists callers and callees with client-side stats and the breakers on each edge", async () => {
    const edges = await getServiceEdges({ service: "orders", fromMs: FROM, toMs: TO });
    const windowS = 450;
    expect(edges.upstream).toEqual([
      {
        direction: "upstream",
        peer: "gateway",
        isVirtual: false,
        stats: {
          calls: 4,
          errors: 1,
          ratePerS: 4 / windowS,
          errorPct: 25,
          p50Us: reportedUs(22), // 12 22 32 102: rank 2
          p95Us: reportedUs(102),
          p99Us: reportedUs(102),
        },
        breakers: [
          {
            ownerInstanceId: "gateway-1",
            targetInstanceId: "orders-1",
            state: "closed",
            stateSince: date(-60).toISOString(),
            ownerStatus: null,
          },
          {
            ownerInstanceId: "gateway-1",
            targetInstanceId: "orders-2",
            state: "open",
            stateSince: date(4).toISOString(),
            ownerStatus: null,
          },
        ],
      },
      {
        direction: "upstream",
        peer: "loadgen",
        isVirtual: true,
        stats: {
          calls: 1,
          errors: 1,
          ratePerS: 1 / windowS,
          errorPct: 100,
          p50Us: reportedUs(3_000),
          p95Us: reportedUs(3_000),
          p99Us: reportedUs(3_000),
        },
        breakers: [],
      },
    ]);
    expect(edges.downstream).toEqual([
      {
        direction: "downstream",
        peer: "postgresql",
        isVirtual: true,
        stats: {
          calls: 2,
          errors: 0,
          ratePerS: 2 / windowS,
          errorPct: 0,
          p50Us: reportedUs(1),
          p95Us: reportedUs(2),
          p99Us: reportedUs(2),
        },
        breakers: [],
      },
      {
        direction: "downstream",
        peer: "payments",
        isVirtual: false,
        stats: {
          calls: 1,
          errors: 1,
          ratePerS: 1 / windowS,
          errorPct: 100,
          p50Us: reportedUs(80),
          p95Us: reportedUs(80),
          p99Us: reportedUs(80),
        },
        breakers: [
          // The owner orders-1 is registered: its status comes along (stale owners can be told apart).
          {
            ownerInstanceId: "orders-1",
            targetInstanceId: "payments-1",
            state: "open",
            stateSince: date(1, 30).toISOString(),
            ownerStatus: "healthy",
          },
        ],
      },
      {
        // No calls in the window, listed for its breaker.
        direction: "downstream",
        peer: "inventory",
        isVirtual: false,
        stats: null,
        breakers: [
          {
            ownerInstanceId: "orders-1",
            targetInstanceId: "inventory-1",
            state: "closed",
            stateSince: date(-60).toISOString(),
            ownerStatus: "healthy",
          },
        ],
      },
    ]);
  });
});

describe("getServiceInstances", () => {
  it("lists the service's instances with heartbeat ages, the status at the window start and the changes inside it", async () => {
    const result = await getServiceInstances({ service: "orders", from: date(0, 30), to: date(7, 30) });
    expect(result.isTruncated).toBe(false);
    expect(
      result.instances.map((i) => [
        i.instanceId,
        i.version,
        i.status,
        i.statusAtFrom,
        i.changes.map((c) => [c.fromStatus, c.toStatus, c.at]),
      ]),
    ).toEqual([
      ["orders-1", "v1", "healthy", "healthy", []],
      ["orders-2", "v2", "unhealthy", "healthy", [["healthy", "unhealthy", date(3).toISOString()]]],
      // Registered inside the window; its later change is after it.
      ["orders-3", "v2", "healthy", null, [[null, "healthy", date(4).toISOString()]]],
    ]);
    const [first, second] = result.instances;
    // Ages on the database clock: inserted 5 s and 90 s "ago".
    expect(first.heartbeatAgeMs).toBeGreaterThanOrEqual(5_000);
    expect(first.heartbeatAgeMs).toBeLessThan(15_000);
    expect(second.heartbeatAgeMs).toBeGreaterThanOrEqual(90_000);
  });

  it("keeps the most recent changes when there are more than the limit", async () => {
    const result = await getServiceInstances({ service: "orders", from: date(-120), to: date(7, 30), limit: 2 });
    expect(result.isTruncated).toBe(true);
    expect(result.instances.flatMap((i) => i.changes.map((c) => c.at)).sort()).toEqual([
      date(3).toISOString(),
      date(4).toISOString(),
    ]);
  });
});

describe("getServiceAnnotations", () => {
  it("returns the service's route changes and the breaker transitions on its edges inside the window, most recent first", async () => {
    const result = await getServiceAnnotations({ service: "orders", from: date(0, 30), to: date(7, 30) });
    expect(result.isTruncated).toBe(false);
    expect(result.routeChanges).toEqual([
      {
        routeId: "orders-route",
        routeVersion: 2,
        oldBackends: [{ version: "v1", weight: 100 }],
        newBackends: [
          { version: "v1", weight: 50 },
          { version: "v2", weight: 50 },
        ],
        actor: "operator",
        reason: "canary v2",
        at: date(2, 15).toISOString(),
      },
    ]);
    expect(result.breakerTransitions.map((t) => [t.ownerInstanceId, t.targetInstanceId, t.fromState, t.toState, t.at])).toEqual([
      ["gateway-1", "orders-2", "closed", "open", date(4).toISOString()],
      ["orders-1", "payments-1", "closed", "open", date(1, 30).toISOString()],
    ]);
  });

  it("gives the state each of the service's breakers was in when the window opened (its last transition before it)", async () => {
    const whole = await getServiceAnnotations({ service: "orders", from: date(0, 30), to: date(7, 30) });
    expect(whole.breakerPriorStates).toEqual([
      { ownerInstanceId: "gateway-1", targetInstanceId: "orders-2", state: "closed", since: date(-20).toISOString() },
    ]);
    // From minute 2: orders-1 → payments-1 opened at 1:30, before the window, and nothing happened since.
    const later = await getServiceAnnotations({ service: "orders", from: date(2), to: date(7, 30) });
    expect(later.breakerTransitions.map((t) => [t.ownerInstanceId, t.targetInstanceId, t.at])).toEqual([
      ["gateway-1", "orders-2", date(4).toISOString()],
    ]);
    expect(later.breakerPriorStates).toEqual([
      { ownerInstanceId: "gateway-1", targetInstanceId: "orders-2", state: "closed", since: date(-20).toISOString() },
      { ownerInstanceId: "orders-1", targetInstanceId: "payments-1", state: "open", since: date(1, 30).toISOString() },
    ]);
  });

  it("says when a window holds more than the limit", async () => {
    const result = await getServiceAnnotations({ service: "orders", from: date(0, 30), to: date(7, 30), limit: 1 });
    expect(result.isTruncated).toBe(true);
    expect(result.breakerTransitions).toHaveLength(1);
    expect(result.breakerTransitions[0].at).toBe(date(4).toISOString());
  });
});

describe("getServiceSummary", () => {
  it("knows a service from its catalogue row and instances", async () => {
    expect(await getServiceSummary({ service: "orders", fromMs: FROM, toMs: TO })).toEqual({
      name: "orders",
      // The catalogue as the writer keeps it: earliest and latest span start, spans received
      // (10 SERVER, 2 database, 1 payments call, 1 INTERNAL).
      firstSeen: new Date(at(-5) + 1).toISOString(),
      lastSeen: date(8).toISOString(),
      spanCount: 14,
      instanceCount: 3,
      isVirtual: false,
    });
  });

  it("knows a service without a catalogue row from its rollups or its instances, and a virtual node only as a callee in the window", async () => {
    expect(await getServiceSummary({ service: "catalog", fromMs: FROM, toMs: TO })).toEqual({
      name: "catalog",
      firstSeen: null,
      lastSeen: null,
      spanCount: 0,
      instanceCount: 0,
      isVirtual: false,
    });
    expect(await getServiceSummary({ service: "shipping", fromMs: FROM, toMs: TO })).toMatchObject({
      firstSeen: null,
      instanceCount: 1,
      isVirtual: false,
    });
    expect(await getServiceSummary({ service: "postgresql", fromMs: FROM, toMs: TO })).toMatchObject({
      spanCount: 0,
      instanceCount: 0,
      isVirtual: true,
    });
    expect(await getServiceSummary({ service: "postgresql", fromMs: at(30), toMs: at(40) })).toBeNull();
    expect(await getServiceSummary({ service: "nope", fromMs: FROM, toMs: TO })).toBeNull();
  });
});
