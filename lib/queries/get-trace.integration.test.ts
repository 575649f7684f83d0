import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTraceById } from "./get-trace";
import { insertResource, insertScope, insertSpans, type FixtureSpan, useTestDatabaseForQueries } from "./test-fixtures";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
// 2025-11-21T09:59:59.999999Z: the root starts in the 09:00 partition, its children in 10:00.
const ROOT_START_US = 1_763_719_199_999_999n;

const spans: FixtureSpan[] = [
  {
    traceId: TRACE,
    spanId: "00f067aa0ba902b7",
    name: "GET /checkout",
    kind: 2,
    startUs: ROOT_START_US,
    durationNs: 1_234_567_891n,
    service: "web",
    resourceId: "101",
    scopeId: "201",
    statusCode: 2,
    statusMessage: "upstream failed",
    traceState: "vendor=abc",
    flags: 1,
    attributes: { "http.route": "/checkout", "http.status_code": 502, ratio: 0.5, retried: true, tags: ["a", "b"] },
    events: [{ timeUnixNano: "1763719200000123456", name: "retry", attributes: { attempt: 2 } }],
    droppedAttributesCount: 3,
  },
  {
    traceId: TRACE,
    spanId: "53995c3f42cd8ad8",
    parentSpanId: "00f067aa0ba902b7",
    name: "POST /charge",
    kind: 3,
    startUs: ROOT_START_US + 1_000n,
    durationNs: 999n,
    service: "web",
    resourceId: "101",
    links: [{ traceId: "ffffffffffffffffffffffffffffffff", spanId: "1111111111111111", attributes: { why: "batch" } }],
  },
  {
    traceId: TRACE,
    spanId: "6e0c63257de34c92",
    parentSpanId: "53995c3f42cd8ad8",
    name: "charge",
    kind: 2,
    startUs: ROOT_START_US + 2_000n,
    durationNs: 500_000n,
    service: "payments",
    resourceId: "102",
  },
  // Another trace in the same partitions, which must not leak into the result.
  {
    traceId: "1af7651916cd43dd8448eb211c80319c",
    spanId: "00f067aa0ba902b7",
    name: "other",
    startUs: ROOT_START_US,
    durationNs: 1n,
    service: "web",
    resourceId: "101",
  },
];

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "101", "web", { "service.name": "web", "host.name": "web-1" });
  await insertResource(db.pool, "102", "payments", { "service.name": "payments" });
  await insertScope(db.pool, "201", "@opentelemetry/instrumentation-http", "0.301.0");
  await insertSpans(db.pool, spans);
});

afterAll(async () => {
  await db?.close();
});

describe("getTraceById", () => {
  it("returns every span of the trace across partitions with exact µs times and all fields", async () => {
    const trace = await getTraceById(TRACE);
    expect(trace).not.toBeNull();
    expect(trace?.map((span) => span.spanId)).toEqual(["00f067aa0ba902b7", "53995c3f42cd8ad8", "6e0c63257de34c92"]);
    const [root, client, server] = trace ?? [];
    expect(root).toEqual({
      traceId: TRACE,
      spanId: "00f067aa0ba902b7",
      name: "GET /checkout",
      kind: 2,
      startTimeUs: 1_763_719_199_999_999n,
      durationNs: 1_234_567_891n,
      serviceName: "web",
      statusCode: 2,
      statusMessage: "upstream failed",
      traceState: "vendor=abc",
      flags: 1,
      attributes: { "http.route": "/checkout", "http.status_code": 502, ratio: 0.5, retried: true, tags: ["a", "b"] },
      events: [{ timeUnixNano: "1763719200000123456", name: "retry", attributes: { attempt: 2 } }],
      links: [],
      droppedAttributesCount: 3,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      resource: {
        id: "101",
        serviceName: "web",
        attributes: { "service.name": "web", "host.name": "web-1" },
        droppedAttributesCount: 0,
      },
      scope: { id: "201", name: "@opentelemetry/instrumentation-http", version: "0.301.0" },
    });
    expect(client.parentSpanId).toBe("00f067aa0ba902b7");
    expect(client.startTimeUs).toBe(1_763_719_200_000_999n);
    expect(client.durationNs).toBe(999n);
    expect(client.links).toEqual([
      { traceId: "ffffffffffffffffffffffffffffffff", spanId: "1111111111111111", attributes: { why: "batch" } },
    ]);
    expect(client.scope).toBeUndefined();
    expect(client.attributes).toEqual({});
    expect(server.serviceName).toBe("payments");
    expect(server.resource.attributes).toEqual({ "service.name": "payments" });
  });

  it("returns null for an unknown trace", async () => {
    expect(await getTraceById("2af7651916cd43dd8448eb211c80319c")).toBeNull();
  });

  it("narrows to start-time bounds when given", async () => {
    const later = await getTraceById(TRACE, { startUs: ROOT_START_US + 1n });
    expect(later?.map((span) => span.spanId)).toEqual(["53995c3f42cd8ad8", "6e0c63257de34c92"]);
    expect(await getTraceById(TRACE, { endUs: ROOT_START_US - 1n })).toBeNull();
  });

  it("refuses a malformed id", async () => {
    await expect(getTraceById("not-a-trace")).rejects.toThrow();
  });

  it("finds the trace through the primary-key index of each partition", async () => {
    const { rows } = await db.pool.query<{ "QUERY PLAN": string }>(`EXPLAIN SELECT * FROM spans WHERE trace_id = $1::uuid`, [
      TRACE,
    ]);
    const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
    expect(plan).toMatch(/Index Scan|Bitmap Index Scan|Index Only Scan/);
    expect(plan).toContain("_pkey");
  });
});
