import { beforeEach, describe, expect, it } from "vitest";
import { RESILIENCE_ATTRIBUTES } from "@/lib/control/contract";
import { setUpControlTestDatabase } from "@/lib/control/test-fixtures";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { type NormalizedSpan, SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import { SPAN_BUCKET_SEAL_MS, countRouteSpanRequests, countRouteSpanSeries, type VersionCount } from "./count-route-requests";
import { beat, seedOrdersRoute } from "./test-fixtures";

// The split series' span counts keep sealed buckets in memory: a poll re-reads only the tail.
// Shown by a span that lands in a sealed bucket after the first read (too late to be counted).

const db = setUpControlTestDatabase();
const STEP_MS = 10_000;
const resource = {
  id: "9000000001",
  serviceName: "gateway",
  attributes: { "service.name": "gateway" },
  droppedAttributesCount: 0,
};
let spanCounter = 0;

beforeEach(async () => {
  await db.pool.query("TRUNCATE spans, resources, scopes, services, operations");
  await seedOrdersRoute(db.pool);
  // gateway-1 (service "gateway") reports the route applied: its service's spans are read.
  await beat(
    {
      service: "gateway",
      instanceId: "gateway-1",
      version: "v1",
      ttlMs: 60_000,
      appliedConfig: {
        version: "etag-1",
        appliedAt: new Date().toISOString(),
        routes: [{ id: "orders", version: 1 }],
        configAgeMs: 0,
      },
    },
    db.pool,
  );
});

function attempt(startMs: number, backendVersion: string): NormalizedSpan {
  spanCounter++;
  return {
    traceId: spanCounter.toString(16).padStart(32, "0"),
    spanId: spanCounter.toString(16).padStart(16, "0"),
    name: "GET /orders",
    kind: SPAN_KIND.CLIENT,
    startTimeUnixNano: BigInt(startMs) * 1_000_000n,
    durationNs: 5_000_000n,
    serviceName: "gateway",
    resourceId: resource.id,
    statusCode: STATUS_CODE.OK,
    attributes: { [RESILIENCE_ATTRIBUTES.route]: "orders", [RESILIENCE_ATTRIBUTES.backendVersion]: backendVersion },
  };
}

async function ingest(spans: NormalizedSpan[]): Promise<void> {
  const writer = new SpanWriter(db.pool, { connections: 1, batchMaxWaitMs: 1, edgePairing: false });
  writer.start();
  try {
    const result = await writer.submit({ resources: [resource], scopes: [], spans, rejectedSpans: 0, rejectionReasons: [] });
    expect(result.inserted).toBe(spans.length);
  } finally {
    await writer.close();
  }
}

const total = (counts: readonly VersionCount[]) => {
  const byVersion: Record<string, number> = {};
  for (const count of counts) byVersion[count.version] = (byVersion[count.version] ?? 0) + count.requests;
  return byVersion;
};

describe("countRouteSpanSeries", () => {
  it("reads sealed buckets once and re-reads only the unsealed tail on later calls", async () => {
    const nowMs = Date.now();
    const window = { fromMs: Math.floor((nowMs - 10 * 60_000) / STEP_MS) * STEP_MS, toMs: nowMs + 1, stepMs: STEP_MS };
    const sealedMs = nowMs - SPAN_BUCKET_SEAL_MS - 3 * 60_000;
    await ingest([attempt(sealedMs, "v1"), attempt(sealedMs + 1, "v1"), attempt(nowMs - 30_000, "v2")]);

    expect(total(await countRouteSpanSeries(db.pool, "orders", window, nowMs))).toEqual({ v1: 2, v2: 1 });

    // Late into a sealed bucket (not seen by the cached series), and into the tail (seen).
    await ingest([attempt(sealedMs + 2, "v1"), attempt(nowMs - 20_000, "v2")]);
    const again = await countRouteSpanSeries(db.pool, "orders", window, nowMs + 2_000);
    expect(total(again)).toEqual({ v1: 2, v2: 2 });
    expect(again.filter((count) => count.version === "v1").map((count) => count.t)).toEqual([
      Math.floor(sealedMs / STEP_MS) * STEP_MS,
    ]);
    // The uncached count and another bucket size read every span.
    expect(total(await countRouteSpanRequests(db.pool, "orders", window))).toEqual({ v1: 3, v2: 2 });
    expect(total(await countRouteSpanSeries(db.pool, "orders", { ...window, stepMs: 20_000 }, nowMs))).toEqual({ v1: 3, v2: 2 });

    // A window that slid on keeps the cached buckets still inside it.
    const later = { ...window, fromMs: window.fromMs + STEP_MS, toMs: nowMs + 10_001 };
    expect(total(await countRouteSpanSeries(db.pool, "orders", later, nowMs + 10_000))).toEqual({ v1: 2, v2: 2 });
  });

  it("counts nothing when no gateway reported the route", async () => {
    await db.pool.query("TRUNCATE route_applied");
    const nowMs = Date.now();
    await ingest([attempt(nowMs - 1_000, "v1")]);
    const window = { fromMs: Math.floor((nowMs - 60_000) / STEP_MS) * STEP_MS, toMs: nowMs + 1, stepMs: STEP_MS };
    expect(await countRouteSpanSeries(db.pool, "orders", window, nowMs)).toEqual([]);
  });
});
