import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAttributeFilter } from "@/lib/traces/parse-attribute-filter";
import { searchTraceSummaries } from "./search-trace-summaries";
import type { SearchTracesFilters } from "./search-traces";
import { type FixtureSpan, insertResource, insertSpans, useTestDatabaseForQueries } from "./test-fixtures";

// 2025-11-21T10:00:00Z
const T0 = 1_763_719_200_000_000n;
const SECOND = 1_000_000n;
const MS_NS = 1_000_000n;

const trace = (n: number) => `${n.toString(16).padStart(2, "0")}${"b".repeat(30)}`;
const spanId = (n: number) => n.toString(16).padStart(16, "0");

// G1: gateway root (retry attempt 1 on its client span, 120 ms) → orders (error) → payments.
// G2: gateway root, first attempt, version v2, status code 503, 30 ms.
// G3: gateway root short-circuited (no upstream call), no retry attribute at all, 2 ms.
// G4: orders only: a trace whose root never arrived (parent id points nowhere).
// prettier-ignore
const spans: FixtureSpan[] = [
  { traceId: trace(1), spanId: spanId(1), name: "GET /checkout", kind: 2, startUs: T0 + 10n * SECOND, durationNs: 120n * MS_NS, service: "gateway", resourceId: "21" },
  { traceId: trace(1), spanId: spanId(2), parentSpanId: spanId(1), name: "orders", kind: 3, startUs: T0 + 10n * SECOND + 1_000n, durationNs: 100n * MS_NS, service: "gateway", resourceId: "21", attributes: { "breakwater.retry.attempt": 1, "breakwater.backend.version": "v1", "http.response.status_code": 500 } },
  { traceId: trace(1), spanId: spanId(3), parentSpanId: spanId(2), name: "POST /orders", kind: 2, startUs: T0 + 10n * SECOND + 2_000n, durationNs: 90n * MS_NS, service: "orders", resourceId: "22", statusCode: 2 },
  { traceId: trace(1), spanId: spanId(4), parentSpanId: spanId(3), name: "charge", kind: 2, startUs: T0 + 10n * SECOND + 3_000n, durationNs: 150n * MS_NS, service: "payments", resourceId: "23" },
  { traceId: trace(2), spanId: spanId(5), name: "GET /checkout", kind: 2, startUs: T0 + 20n * SECOND, durationNs: 30n * MS_NS, service: "gateway", resourceId: "21", statusCode: 1 },
  { traceId: trace(2), spanId: spanId(6), parentSpanId: spanId(5), name: "orders", kind: 3, startUs: T0 + 20n * SECOND + 1_000n, durationNs: 20n * MS_NS, service: "gateway", resourceId: "21", attributes: { "breakwater.retry.attempt": 0, "breakwater.backend.version": "v2", "http.response.status_code": 503 } },
  { traceId: trace(3), spanId: spanId(7), name: "GET /checkout", kind: 2, startUs: T0 + 30n * SECOND, durationNs: 2n * MS_NS, service: "gateway", resourceId: "21", attributes: { "breakwater.short_circuited": true, note: "<img src=x onerror=alert(1)>" } },
  { traceId: trace(4), spanId: spanId(8), parentSpanId: spanId(99), name: "POST /orders", kind: 2, startUs: T0 + 40n * SECOND, durationNs: 7n * MS_NS, service: "orders", resourceId: "22" },
];

// G5: a batch job longer than the search margin (an hour either side of the matching span):
// root at +100 s running 3 h, a "load" step 1 h 45 min later, a "step" 2 h 30 min after the root.
const BATCH_US = T0 + 100n * SECOND;
const MINUTE = 60n * SECOND;
// prettier-ignore
spans.push(
  { traceId: trace(5), spanId: spanId(9), name: "nightly", kind: 2, startUs: BATCH_US, durationNs: 3n * 3_600_000n * MS_NS, service: "batch", resourceId: "24" },
  { traceId: trace(5), spanId: spanId(10), parentSpanId: spanId(9), name: "load", kind: 1, startUs: BATCH_US + 105n * MINUTE, durationNs: 20n * MS_NS, service: "batch", resourceId: "24" },
  { traceId: trace(5), spanId: spanId(11), parentSpanId: spanId(9), name: "step", kind: 1, startUs: BATCH_US + 150n * MINUTE, durationNs: 10n * MS_NS, service: "batch", resourceId: "24" },
);

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "21", "gateway", { "service.name": "gateway", "deployment.environment": "prod" });
  await insertResource(db.pool, "22", "orders", { "service.name": "orders" });
  await insertResource(db.pool, "23", "payments", { "service.name": "payments" });
  await insertResource(db.pool, "24", "batch", { "service.name": "batch" });
  await insertSpans(db.pool, spans);
});

afterAll(async () => {
  await db?.close();
});

const window = { startUs: T0, endUs: T0 + 3_600n * SECOND };

async function ids(filters: Partial<SearchTracesFilters> & { attr?: string[] }): Promise<string[]> {
  const { attr = [], ...rest } = filters;
  const attributeFilters = attr.map((text) => {
    const parsed = parseAttributeFilter(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.filter;
  });
  const found = await searchTraceSummaries({ service: "gateway", ...window, attributeFilters, ...rest });
  return found.map((t) => t.traceId);
}

describe("searchTraceSummaries", () => {
  it("summarizes each trace over all its spans: root, duration to the last end, counts, services", async () => {
    const found = await searchTraceSummaries({ service: "gateway", ...window });
    expect(found.map((t) => t.traceId)).toEqual([trace(3), trace(2), trace(1)]);
    expect(found[2]).toEqual({
      traceId: trace(1),
      rootServiceName: "gateway",
      rootSpanName: "GET /checkout",
      hasRootSpan: true,
      startTimeUs: Number(T0 + 10n * SECOND),
      // payments ends 3 ms + 150 ms after the root started, after the root itself.
      durationUs: 153_000,
      spanCount: 4,
      errorSpanCount: 1,
      serviceNames: ["gateway", "orders", "payments"],
    });
    const orphan = await searchTraceSummaries({ service: "orders", ...window });
    expect(orphan[0]).toMatchObject({ traceId: trace(4), rootSpanName: "POST /orders", hasRootSpan: false, spanCount: 1 });
  });

  it("filters by OR of values, numbers matching their JSON type", async () => {
    expect(await ids({ attr: ["http.response.status_code=500|503"] })).toEqual([trace(2), trace(1)]);
    expect(await ids({ attr: ["http.response.status_code=503"] })).toEqual([trace(2)]);
    expect(await ids({ attr: ["breakwater.backend.version=v2"] })).toEqual([trace(2)]);
    expect(await ids({ attr: ["breakwater.short_circuited=true"] })).toEqual([trace(3)]);
  });

  it("tells key!=v (present, other value) from !key=v (absence included) and negated presence", async () => {
    expect(await ids({ attr: ["breakwater.retry.attempt!=0"] })).toEqual([trace(1)]);
    // Every root span lacks the attribute, so each trace has a span that is "not attempt 0".
    expect(await ids({ attr: ["!breakwater.retry.attempt=0"] })).toEqual([trace(3), trace(2), trace(1)]);
    expect(await ids({ attr: ["!breakwater.retry.attempt=0", "breakwater.backend.version"] })).toEqual([trace(1)]);
    expect(await ids({ attr: ["!breakwater.retry.attempt", "breakwater.backend.version"] })).toEqual([]);
  });

  it("compares numbers and ignores values of other types", async () => {
    expect(await ids({ attr: ["breakwater.retry.attempt>0"] })).toEqual([trace(1)]);
    expect(await ids({ attr: ["breakwater.retry.attempt>=0"] })).toEqual([trace(2), trace(1)]);
    expect(await ids({ attr: ["http.response.status_code<501"] })).toEqual([trace(1)]);
    expect(await ids({ attr: ["breakwater.backend.version>0"] })).toEqual([]);
  });

  it("reads resource attributes and takes hostile values as plain parameters", async () => {
    expect(await ids({ attr: ["deployment.environment=prod"], operation: "GET /checkout" })).toEqual([
      trace(3),
      trace(2),
      trace(1),
    ]);
    expect(await ids({ attr: ["deployment.environment>1"] })).toEqual([]);
    expect(await ids({ attr: ["note=<img src=x onerror=alert(1)>"] })).toEqual([trace(3)]);
    expect(await ids({ attr: ["x'); DROP TABLE spans; --=1"] })).toEqual([]);
    expect(await ids({ attr: ["unknown.key"] })).toEqual([]);
  });

  it("summarizes a trace over its spans within an hour of the matching span (Jaeger's search margin)", async () => {
    // Matching span: "step", 2 h 30 min into the job. The root (2 h 30 min earlier) is out
    // of reach, the "load" step (45 min earlier) is in: the earliest span stands in for the root.
    const [fromStep] = await searchTraceSummaries({
      service: "batch",
      operation: "step",
      startUs: T0 + 2n * 3_600n * SECOND,
      endUs: T0 + 3n * 3_600n * SECOND,
    });
    expect(fromStep).toEqual({
      traceId: trace(5),
      rootServiceName: "batch",
      rootSpanName: "load",
      hasRootSpan: false,
      startTimeUs: Number(BATCH_US + 105n * MINUTE),
      durationUs: Number(45n * MINUTE + 10_000n),
      spanCount: 2,
      errorSpanCount: 0,
      serviceNames: ["batch"],
    });
    // Matching span: the root; both steps start more than an hour after it.
    const [fromRoot] = await searchTraceSummaries({ service: "batch", ...window });
    expect(fromRoot).toMatchObject({ traceId: trace(5), rootSpanName: "nightly", hasRootSpan: true, spanCount: 1 });
    expect(fromRoot.durationUs).toBe(3 * 3_600_000_000);
  });

  it("filters by the matching span's status, duration and limit", async () => {
    expect(await ids({ statusCode: 1 })).toEqual([trace(2)]);
    expect(await ids({ service: "orders", statusCode: 2 })).toEqual([trace(1)]);
    expect(await ids({ minDurationNs: 100n * MS_NS })).toEqual([trace(1)]);
    expect(await ids({ limit: 2 })).toEqual([trace(3), trace(2)]);
  });
});
