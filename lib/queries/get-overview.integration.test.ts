import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan, type ResourceRecord, type SpanKind } from "@/lib/otlp/model";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { HISTOGRAM_MAX_RELATIVE_ERROR } from "@/lib/rollups/log-histogram";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { getOverview, type OverviewService } from "./get-overview";

/**
 * The overview against hand-computed values. Spans go through the real SpanWriter (which
 * writes the rollups in the span transaction); instances and breakers are rows as the
 * heartbeat path stores them.
 *
 * The window is 10:00–10:10 UTC. In it:
 *   gateway   60 SERVER spans, 6 a minute, span i (1…60) lasting i ms, every 10th an error
 *             (→ 0.1 req/s, 10 %, p50 = 30 ms, p95 = 57 ms, p99 = 60 ms by nearest rank);
 *             also 60 CLIENT and 60 INTERNAL spans, which must not count; SERVER spans at
 *             09:59 and 10:10 (outside)
 *   loadgen   only CLIENT spans (20, 200 ms, 5 errors) under INTERNAL roots → basis client
 *   orders    4 SERVER + 2 CONSUMER spans of 10 ms → 6 requests
 *   batch     only INTERNAL spans (3 of 5 ms) → basis internal
 *   payments  heartbeats only: 2 healthy, 1 degraded, 1 unhealthy, 1 deregistered instance
 *   quiet     7 spans at 09:00, nothing in the window
 */

const T0_MS = Date.UTC(2026, 10, 21, 10, 0, 0);
const MINUTE_MS = 60_000;
const WINDOW = { startMs: T0_MS, endMs: T0_MS + 10 * MINUTE_MS, nowMs: T0_MS + 30 * MINUTE_MS };

let db: TestDatabase;
let nextId = 1;
const hex = (n: number, length: number) => n.toString(16).padStart(length, "0");

function span(service: string, kind: SpanKind, atMs: number, durationMs: number, isError = false): NormalizedSpan {
  const id = nextId++;
  return {
    traceId: hex(id, 32),
    spanId: hex(id, 16),
    parentSpanId: undefined,
    name: `${service} op`,
    kind,
    startTimeUnixNano: BigInt(atMs) * 1_000_000n,
    durationNs: BigInt(durationMs) * 1_000_000n,
    serviceName: service,
    resourceId: resourceOf(service).id,
    statusCode: isError ? STATUS_CODE.ERROR : STATUS_CODE.UNSET,
    attributes: {},
  };
}

function resourceOf(serviceName: string): ResourceRecord {
  const id = String(5_000_000 + [...serviceName].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 1_000_000, 0));
  return { id, serviceName, attributes: { "service.name": serviceName }, droppedAttributesCount: 0 };
}

/** Through the span writer, as OTLP requests are: spans, catalogues and rollups in one transaction. */
async function ingest(spans: NormalizedSpan[]): Promise<void> {
  const writer = new SpanWriter(db.pool, { connections: 1, batchMaxWaitMs: 5, edgePairing: new EdgePairingCache() });
  writer.start();
  try {
    const resources = [...new Set(spans.map((s) => s.serviceName))].map(resourceOf);
    const result = await writer.submit({ resources, scopes: [], spans, rejectedSpans: 0, rejectionReasons: [] });
    expect(result).toEqual({ inserted: spans.length, duplicates: 0 });
  } finally {
    await writer.close();
  }
}

async function insertInstance(instanceId: string, service: string, status: string): Promise<void> {
  const at = new Date(WINDOW.nowMs).toISOString();
  await db.pool.query(
    `INSERT INTO instances (instance_id, service, version, address, status, reported_status, checks, ttl_ms, first_seen,
                            last_heartbeat_at, last_received_at, last_sequence, status_since)
     VALUES ($1, $2, 'v1', 'http://127.0.0.1:1', $3, $4, '[]', 3000, $5, $5, $5, 1, $5)`,
    [instanceId, service, status, status === "deregistered" ? "healthy" : status, at],
  );
}

async function insertBreaker(owner: string, ownerService: string, target: string, targetService: string, state: string) {
  await db.pool.query(
    `INSERT INTO breakers (owner_instance_id, target_instance_id, owner_service, target_service, target_version, state,
                           state_since, calls, failed_calls, slow_calls, failure_rate, slow_call_rate, not_permitted_calls,
                           config, updated_at)
     VALUES ($1, $2, $3, $4, 'v1', $5, $6, 10, 6, 0, 60, 0, 3, '{}', $6)`,
    [owner, target, ownerService, targetService, state, new Date(T0_MS + 5 * MINUTE_MS).toISOString()],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  const spans: NormalizedSpan[] = [];
  for (let i = 1; i <= 60; i++) {
    const atMs = T0_MS + Math.floor((i - 1) / 6) * MINUTE_MS + ((i - 1) % 6) * 9_000 + 500;
    spans.push(span("gateway", SPAN_KIND.SERVER, atMs, i, i % 10 === 0));
    spans.push(span("gateway", SPAN_KIND.CLIENT, atMs, 1_000, true));
    spans.push(span("gateway", SPAN_KIND.INTERNAL, atMs, 2_000));
  }
  spans.push(span("gateway", SPAN_KIND.SERVER, T0_MS - 1, 5_000, true));
  spans.push(span("gateway", SPAN_KIND.SERVER, T0_MS + 10 * MINUTE_MS, 5_000, true));
  for (let i = 0; i < 20; i++) {
    const atMs = T0_MS + 2 * MINUTE_MS + i * 1_000;
    spans.push(span("loadgen", SPAN_KIND.INTERNAL, atMs, 250));
    spans.push(span("loadgen", SPAN_KIND.CLIENT, atMs, 200, i < 5));
  }
  for (let i = 0; i < 6; i++)
    spans.push(span("orders", i < 4 ? SPAN_KIND.SERVER : SPAN_KIND.CONSUMER, T0_MS + 7 * MINUTE_MS, 10));
  for (let i = 0; i < 3; i++) spans.push(span("batch", SPAN_KIND.INTERNAL, T0_MS + 4 * MINUTE_MS, 5));
  for (let i = 0; i < 7; i++) spans.push(span("quiet", SPAN_KIND.SERVER, T0_MS - 60 * MINUTE_MS + i, 1));
  await ingest(spans);

  await insertInstance("gateway-1", "gateway", "healthy");
  await insertInstance("payments-1", "payments", "healthy");
  await insertInstance("payments-2", "payments", "healthy");
  await insertInstance("payments-3", "payments", "degraded");
  await insertInstance("payments-4", "payments", "unhealthy");
  await insertInstance("payments-5", "payments", "deregistered");
  await insertInstance("orders-1", "orders", "healthy");
  await insertInstance("orders-2", "orders", "unhealthy");
  await insertInstance("old-gateway", "gateway", "deregistered");
  // Every instance deregistered, no spans: not a service on the overview (as on Topology).
  await insertInstance("retired-1", "retired", "deregistered");

  await insertBreaker("gateway-1", "gateway", "payments-1", "payments", "open");
  await insertBreaker("gateway-1", "gateway", "orders-1", "orders", "half_open");
  await insertBreaker("gateway-1", "gateway", "payments-2", "payments", "closed");
  // Owner stopped reporting: still listed, marked by its status.
  await insertBreaker("orders-2", "orders", "payments-3", "payments", "forced_open");
  // Owner deregistered: gone from the overview.
  await insertBreaker("old-gateway", "gateway", "payments-4", "payments", "open");
});

afterAll(async () => {
  await db?.close();
});

const byName = (services: OverviewService[]) => new Map(services.map((service) => [service.name, service]));

function expectQuantile(actualMs: number | null, exactMs: number) {
  expect(actualMs).not.toBeNull();
  expect(Math.abs(actualMs! - exactMs) / exactMs).toBeLessThanOrEqual(HISTOGRAM_MAX_RELATIVE_ERROR + 1e-9);
}

describe("getOverview", () => {
  it("lists every service: spans, heartbeats only, catalogue only; not one whose instances are all deregistered", async () => {
    const overview = await getOverview(WINDOW, db.pool);
    expect(overview.services.map((service) => service.name)).toEqual([
      "batch",
      "gateway",
      "loadgen",
      "orders",
      "payments",
      "quiet",
    ]);
    expect(overview).toMatchObject({ windowStartMs: WINDOW.startMs, windowEndMs: WINDOW.endMs, bucketMs: MINUTE_MS });
  });

  it("counts a server's SERVER spans only, with rate, error % and percentiles from the histograms", async () => {
    const gateway = byName((await getOverview(WINDOW, db.pool)).services).get("gateway")!;
    expect(gateway).toMatchObject({
      basis: "server",
      requests: 60,
      errors: 6,
      // From the span catalogue: every span received (60 × 3 + 2), the latest start.
      spanCount: 182,
      lastSpanAt: new Date(T0_MS + 10 * MINUTE_MS).toISOString(),
    });
    expect(gateway.requestRate).toBeCloseTo(60 / 600, 12);
    expect(gateway.errorPercent).toBeCloseTo(10, 12);
    expectQuantile(gateway.p50Ms, 30);
    expectQuantile(gateway.p95Ms, 57);
    expectQuantile(gateway.p99Ms, 60);
    // 6 requests a minute in every minute; the errors (spans 10, 20, …, 60) fall in minutes 1, 3, 4, 6, 8, 9.
    expect(gateway.series.map((point) => point.startMs)).toEqual(Array.from({ length: 10 }, (_, m) => T0_MS + m * MINUTE_MS));
    for (const point of gateway.series) expect(point.requestRate).toBeCloseTo(0.1, 12);
    const errorMinutes = gateway.series.flatMap((point, m) => (point.errorRate > 0 ? [m] : []));
    expect(errorMinutes).toEqual([1, 3, 4, 6, 8, 9]);
    expect(gateway.series[1].errorRate).toBeCloseTo(1 / 60, 12);
    expect(gateway.instances).toEqual({ healthy: 1, degraded: 0, unhealthy: 0, total: 1 });
  });

  it("falls back to CLIENT spans, then INTERNAL ones, for services that serve nothing", async () => {
    const services = byName((await getOverview(WINDOW, db.pool)).services);
    const loadgen = services.get("loadgen")!;
    expect(loadgen).toMatchObject({ basis: "client", requests: 20, errors: 5 });
    expect(loadgen.errorPercent).toBeCloseTo(25, 12);
    expectQuantile(loadgen.p95Ms, 200);
    expect(loadgen.series.filter((point) => point.requestRate > 0).map((point) => point.startMs)).toEqual([
      T0_MS + 2 * MINUTE_MS,
    ]);
    expect(loadgen.series[2].requestRate).toBeCloseTo(20 / 60, 12);

    const batch = services.get("batch")!;
    expect(batch).toMatchObject({ basis: "internal", requests: 3, errors: 0, errorPercent: 0 });
    expectQuantile(batch.p50Ms, 5);

    const orders = services.get("orders")!;
    expect(orders).toMatchObject({ basis: "server", requests: 6, errors: 0 });
    expect(orders.requestRate).toBeCloseTo(6 / 600, 12);
  });

  it("shows a heartbeat-only service with its instances, and a silent one, without numbers", async () => {
    const services = byName((await getOverview(WINDOW, db.pool)).services);
    expect(services.get("payments")).toEqual({
      name: "payments",
      basis: null,
      requests: 0,
      errors: 0,
      requestRate: 0,
      errorPercent: null,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      series: [],
      instances: { healthy: 2, degraded: 1, unhealthy: 1, total: 4 },
      breakers: expect.any(Array) as unknown,
      spanCount: null,
      lastSpanAt: null,
    });
    expect(services.get("quiet")).toMatchObject({
      basis: null,
      requests: 0,
      p95Ms: null,
      series: [],
      instances: { healthy: 0, degraded: 0, unhealthy: 0, total: 0 },
      breakers: [],
      spanCount: 7,
      lastSpanAt: new Date(T0_MS - 60 * MINUTE_MS + 6).toISOString(),
    });
  });

  it("lists breakers that are not closed on both sides, without deregistered owners", async () => {
    const services = byName((await getOverview(WINDOW, db.pool)).services);
    const stateSince = new Date(T0_MS + 5 * MINUTE_MS).toISOString();
    const summary = (service: string) =>
      services
        .get(service)!
        .breakers.map((b) => `${b.direction} ${b.ownerInstanceId}→${b.targetInstanceId} ${b.state} ${b.ownerStatus}`);
    expect(summary("gateway")).toEqual([
      "outbound gateway-1→payments-1 open healthy",
      "outbound gateway-1→orders-1 half_open healthy",
    ]);
    expect(summary("payments")).toEqual([
      "inbound gateway-1→payments-1 open healthy",
      // An owner that stopped reporting comes last.
      "inbound orders-2→payments-3 forced_open unhealthy",
    ]);
    expect(summary("orders")).toEqual([
      "inbound gateway-1→orders-1 half_open healthy",
      "outbound orders-2→payments-3 forced_open unhealthy",
    ]);
    expect(services.get("gateway")!.breakers[0]).toEqual({
      direction: "outbound",
      ownerService: "gateway",
      ownerInstanceId: "gateway-1",
      ownerStatus: "healthy",
      targetService: "payments",
      targetInstanceId: "payments-1",
      state: "open",
      stateSince,
    });
    expect(services.get("orders")!.instances).toEqual({ healthy: 1, degraded: 0, unhealthy: 1, total: 2 });
  });

  it("counts the minute in progress by its elapsed seconds, and charts complete minutes only", async () => {
    // A live 10-minute window at 10:09:30: minutes 09:59:30 → 10:00 … 10:09 (in progress).
    const nowMs = T0_MS + 9 * MINUTE_MS + 30_000;
    const overview = await getOverview({ startMs: nowMs - 10 * MINUTE_MS, endMs: nowMs, nowMs }, db.pool);
    expect(overview).toMatchObject({ windowStartMs: T0_MS - MINUTE_MS, windowEndMs: nowMs });
    const gateway = byName(overview.services).get("gateway")!;
    // 09:59 holds the one span before the window; 10:00–10:09 all 60.
    expect(gateway.requests).toBe(61);
    expect(gateway.requestRate).toBeCloseTo(61 / 630, 12);
    expect(gateway.series.map((point) => point.startMs)).toEqual(
      Array.from({ length: 10 }, (_, m) => T0_MS + (m - 1) * MINUTE_MS),
    );
    expect(gateway.series[0].requestRate).toBeCloseTo(1 / 60, 12);
  });

  it("sums minutes into larger buckets, rating a partly covered bucket by its covered seconds", async () => {
    // 10:01–10:10 in 3-minute buckets aligned to the epoch: 10:00 (2 minutes covered), 10:03, 10:06, 10:09 (1 minute).
    const overview = await getOverview({ ...WINDOW, startMs: T0_MS + MINUTE_MS, bucketMs: 3 * MINUTE_MS }, db.pool);
    const gateway = byName(overview.services).get("gateway")!;
    expect(gateway.series.map((point) => point.startMs)).toEqual([0, 3, 6, 9].map((m) => T0_MS + m * MINUTE_MS));
    expect(gateway.series.map((point) => point.requestRate)).toEqual([0.1, 0.1, 0.1, 0.1].map((v) => expect.closeTo(v, 12)));
    expect(gateway.series[0].errorRate).toBeCloseTo(1 / 120, 12);
    expect(gateway.requests).toBe(54);
    expect(gateway.requestRate).toBeCloseTo(54 / 540, 12);
  });

  it("answers for a window with no rollups at all, and rejects an empty window", async () => {
    const overview = await getOverview({ startMs: T0_MS - 86_400_000, endMs: T0_MS - 86_000_000, nowMs: WINDOW.nowMs }, db.pool);
    expect(byName(overview.services).get("gateway")).toMatchObject({ basis: null, requests: 0, series: [], p50Ms: null });
    await expect(getOverview({ startMs: T0_MS, endMs: T0_MS }, db.pool)).rejects.toThrow(/end after it starts/);
  });
});
