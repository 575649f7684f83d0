import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertResource, insertSpans, type FixtureSpan, useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { traceDetailResponseSchema, traceSearchResponseSchema } from "@/lib/query-client/traces-schemas";
import { GET as getTrace } from "./[traceId]/route";
import { GET as searchTraces } from "./route";

// Recent spans, so the default window (the last hour) covers them.
const NOW_US = BigInt(Date.now()) * 1000n;
const TRACE = "0af7651916cd43dd8448eb211c80319c";
const OTHER = "1af7651916cd43dd8448eb211c80319c";

const spans: FixtureSpan[] = [
  {
    traceId: TRACE,
    spanId: "00f067aa0ba902b7",
    name: "GET /checkout",
    kind: 2,
    startUs: NOW_US - 60_000_000n,
    durationNs: 250_000_999n,
    service: "gateway",
    resourceId: "1",
    statusCode: 2,
    statusMessage: "boom",
    attributes: { "breakwater.retry.attempt": 1, note: "<img src=x onerror=alert(1)>" },
    events: [{ timeUnixNano: `${NOW_US - 59_000_000n}123`, name: "retry", attributes: { attempt: 1 } }],
    links: [{ traceId: OTHER, spanId: "6e0c63257de34c92", attributes: { why: "javascript:alert(1)" } }],
  },
  {
    traceId: TRACE,
    spanId: "53995c3f42cd8ad8",
    parentSpanId: "00f067aa0ba902b7",
    name: "charge",
    kind: 2,
    startUs: NOW_US - 59_900_000n,
    durationNs: 40_000_000n,
    service: "payments",
    resourceId: "2",
  },
  {
    traceId: OTHER,
    spanId: "6e0c63257de34c92",
    name: "GET /home",
    kind: 2,
    startUs: NOW_US - 30_000_000n,
    durationNs: 5_000_000n,
    service: "gateway",
    resourceId: "1",
    attributes: { "breakwater.retry.attempt": 0 },
  },
];

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "1", "gateway", { "service.name": "gateway" });
  await insertResource(db.pool, "2", "payments", { "service.name": "payments" });
  await insertSpans(db.pool, spans);
});

afterAll(async () => {
  await db?.close();
});

const search = (query: string) => searchTraces(new Request(`http://x/api/v1/traces?${query}`));

describe("GET /api/v1/traces", () => {
  it("returns summaries for the service in the window, newest first", async () => {
    const response = await search("service=gateway&range=15m");
    expect(response.status).toBe(200);
    const body = traceSearchResponseSchema.parse(await response.json());
    expect(body.traces.map((t) => t.traceId)).toEqual([OTHER, TRACE]);
    expect(body.traces[1]).toMatchObject({ spanCount: 2, errorSpanCount: 1, serviceNames: ["gateway", "payments"] });
    expect(body.endMs - body.startMs).toBe(15 * 60_000);
    expect(body.limit).toBe(100);
  });

  it("applies attribute filters and status", async () => {
    const ids = async (query: string) =>
      traceSearchResponseSchema.parse(await (await search(`service=gateway&${query}`)).json()).traces.map((t) => t.traceId);
    expect(await ids("attr=breakwater.retry.attempt%3E0")).toEqual([TRACE]);
    expect(await ids("attr=!breakwater.retry.attempt%3D1")).toEqual([OTHER]);
    expect(await ids("status=error")).toEqual([TRACE]);
    expect(await ids("range=5m&minDuration=1s")).toEqual([]);
  });

  it("answers 400 problem+json for a missing service or an unreadable filter", async () => {
    const missing = await search("range=1h");
    expect(missing.status).toBe(400);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect((await missing.json()).detail).toMatch(/service/);
    const bad = await search("service=gateway&attr=k%3Eabc");
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/^attr: /);
  });
});

describe("GET /api/v1/traces/{traceId}", () => {
  const get = (id: string) => getTrace(new Request(`http://x/api/v1/traces/${id}`), { params: Promise.resolve({ traceId: id }) });

  it("returns every span with attributes, events, links and resource as data", async () => {
    const response = await get(TRACE);
    expect(response.status).toBe(200);
    const body = traceDetailResponseSchema.parse(await response.json());
    expect(body.spans.map((s) => s.spanId)).toEqual(["00f067aa0ba902b7", "53995c3f42cd8ad8"]);
    const root = body.spans[0];
    expect(root).toMatchObject({
      serviceName: "gateway",
      statusCode: 2,
      statusMessage: "boom",
      durationNs: 250_000_999,
      startTimeUs: Number(NOW_US - 60_000_000n),
      attributes: { "breakwater.retry.attempt": 1, note: "<img src=x onerror=alert(1)>" },
      resourceAttributes: { "service.name": "gateway" },
    });
    expect(root.events).toEqual([{ timeUs: Number(NOW_US - 59_000_000n) + 0.123, name: "retry", attributes: { attempt: 1 } }]);
    expect(root.links).toEqual([{ traceId: OTHER, spanId: "6e0c63257de34c92", attributes: { why: "javascript:alert(1)" } }]);
    expect(body.spans[1].parentSpanId).toBe("00f067aa0ba902b7");
  });

  it("answers 404 for an unknown trace and 400 for a malformed id", async () => {
    expect((await get("ffffffffffffffffffffffffffffffff")).status).toBe(404);
    expect((await get("not-hex")).status).toBe(400);
  });
});
