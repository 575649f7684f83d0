import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JaegerEnvelope, JaegerTrace } from "@/lib/jaeger/types";
import {
  insertResource,
  insertScope,
  insertSpans,
  type FixtureSpan,
  useTestDatabaseForQueries,
} from "@/lib/queries/test-fixtures";
import { GET as getTrace } from "./[traceId]/route";
import { GET as searchTraces } from "./route";

// 2025-11-21T10:00:00Z
const T0 = 1_763_719_200_000_000n;
const TRACE_A = "0af7651916cd43dd8448eb211c80319c";
const TRACE_B = "1af7651916cd43dd8448eb211c80319c";

const spans: FixtureSpan[] = [
  {
    traceId: TRACE_A,
    spanId: "00f067aa0ba902b7",
    name: "GET /checkout",
    kind: 2,
    startUs: T0 + 123_456n,
    durationNs: 250_000_999n,
    service: "web",
    resourceId: "1",
    scopeId: "9",
    statusCode: 2,
    statusMessage: "boom",
    attributes: { "http.status_code": 500, "http.route": "/checkout" },
    events: [{ timeUnixNano: "1763719200123999000", name: "exception", attributes: { "exception.type": "Error" } }],
  },
  {
    traceId: TRACE_A,
    spanId: "53995c3f42cd8ad8",
    parentSpanId: "00f067aa0ba902b7",
    name: "charge",
    kind: 2,
    startUs: T0 + 200_000n,
    durationNs: 40_000_000n,
    service: "payments",
    resourceId: "2",
  },
  {
    traceId: TRACE_B,
    spanId: "6e0c63257de34c92",
    name: "GET /home",
    kind: 2,
    startUs: T0 + 60_000_000n,
    durationNs: 5_000_000n,
    service: "web",
    resourceId: "1",
    attributes: { "http.status_code": 200 },
  },
];

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "1", "web", { "service.name": "web", "host.name": "web-1" });
  await insertResource(db.pool, "2", "payments", { "service.name": "payments" });
  await insertScope(db.pool, "9", "http", "1.0.0");
  await insertSpans(db.pool, spans);
});

afterAll(async () => {
  await db?.close();
});

const ctx = (traceId: string) => ({ params: Promise.resolve({ traceId }) });

async function body<T>(response: Response): Promise<JaegerEnvelope<T>> {
  expect(response.headers.get("content-type")).toContain("application/json");
  return (await response.json()) as JaegerEnvelope<T>;
}

describe("GET /api/traces/[traceId]", () => {
  it("returns the trace in Jaeger's JSON model", async () => {
    const response = await getTrace(new Request(`http://test/api/traces/${TRACE_A}`), ctx(TRACE_A));
    expect(response.status).toBe(200);
    const { data, total, limit, offset, errors } = await body<JaegerTrace[]>(response);
    expect({ total, limit, offset, errors }).toEqual({ total: 0, limit: 0, offset: 0, errors: null });
    expect(data).toHaveLength(1);
    const [trace] = data;
    expect(trace.traceID).toBe(TRACE_A);
    expect(trace.processes).toEqual({
      p1: { serviceName: "web", tags: [{ key: "host.name", type: "string", value: "web-1" }] },
      p2: { serviceName: "payments", tags: [] },
    });
    expect(trace.spans[0]).toEqual({
      traceID: TRACE_A,
      spanID: "00f067aa0ba902b7",
      operationName: "GET /checkout",
      references: [],
      startTime: 1_763_719_200_123_456,
      duration: 250_000,
      tags: [
        { key: "otel.scope.name", type: "string", value: "http" },
        { key: "otel.scope.version", type: "string", value: "1.0.0" },
        { key: "http.route", type: "string", value: "/checkout" },
        { key: "http.status_code", type: "int64", value: 500 },
        { key: "span.kind", type: "string", value: "server" },
        { key: "otel.status_code", type: "string", value: "ERROR" },
        { key: "error", type: "bool", value: true },
        { key: "otel.status_description", type: "string", value: "boom" },
      ],
      logs: [
        {
          timestamp: 1_763_719_200_123_999,
          fields: [
            { key: "event", type: "string", value: "exception" },
            { key: "exception.type", type: "string", value: "Error" },
          ],
        },
      ],
      processID: "p1",
      warnings: null,
    });
    expect(trace.spans[1]).toMatchObject({
      spanID: "53995c3f42cd8ad8",
      references: [{ refType: "CHILD_OF", traceID: TRACE_A, spanID: "00f067aa0ba902b7" }],
      startTime: 1_763_719_200_200_000,
      duration: 40_000,
      processID: "p2",
    });
  });

  it("accepts upper-case ids", async () => {
    const response = await getTrace(new Request("http://test/"), ctx(TRACE_A.toUpperCase()));
    expect(response.status).toBe(200);
    expect((await body<JaegerTrace[]>(response)).data[0].traceID).toBe(TRACE_A);
  });

  it("answers 404 in Jaeger's envelope for an unknown trace", async () => {
    const response = await getTrace(new Request("http://test/"), ctx("2af7651916cd43dd8448eb211c80319c"));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 404, msg: "trace not found" }],
    });
  });

  it("answers 400 in Jaeger's envelope for a malformed id", async () => {
    const response = await getTrace(new Request("http://test/"), ctx("not-a-trace-id"));
    expect(response.status).toBe(400);
    const { data, errors } = await body<null>(response);
    expect(data).toBeNull();
    expect(errors?.[0].code).toBe(400);
    expect(errors?.[0].msg).toContain("'traceId'");
  });

  it("honours start/end bounds (µs)", async () => {
    const outside = await getTrace(new Request(`http://test/?end=${T0 - 1n}`), ctx(TRACE_A));
    expect(outside.status).toBe(404);
    const bad = await getTrace(new Request("http://test/?start=soon"), ctx(TRACE_A));
    expect(bad.status).toBe(400);
  });
});

describe("GET /api/traces", () => {
  const window = `start=${T0}&end=${T0 + 3_600_000_000n}`;
  const get = (query: string) => searchTraces(new Request(`http://test/api/traces?${query}`));

  it("searches a service's traces, newest first", async () => {
    const response = await get(`service=web&${window}`);
    expect(response.status).toBe(200);
    const { data, errors } = await body<JaegerTrace[]>(response);
    expect(errors).toBeNull();
    expect(data.map((t) => t.traceID)).toEqual([TRACE_B, TRACE_A]);
    expect(data[1].spans).toHaveLength(2);
  });

  it("filters by operation, tags (JSON and tag=k:v), durations and limit", async () => {
    const ids = async (query: string) =>
      (await body<JaegerTrace[]>(await get(`service=web&${window}&${query}`))).data.map((t) => t.traceID);
    expect(await ids("operation=GET%20%2Fhome")).toEqual([TRACE_B]);
    expect(await ids(`tags=${encodeURIComponent('{"http.status_code":"500"}')}`)).toEqual([TRACE_A]);
    expect(await ids("tag=host.name:web-1&tag=http.status_code:200")).toEqual([TRACE_B]);
    expect(await ids("tag=error:true")).toEqual([TRACE_A]);
    expect(await ids("minDuration=100ms")).toEqual([TRACE_A]);
    expect(await ids("maxDuration=5ms")).toEqual([TRACE_B]);
    expect(await ids("limit=1")).toEqual([TRACE_B]);
    expect(await ids("lookback=custom&limit=20")).toEqual([TRACE_B, TRACE_A]);
  });

  it("looks traces up by traceID parameters and reports missing ones in errors", async () => {
    const missing = "3af7651916cd43dd8448eb211c80319c";
    const { data, errors } = await body<JaegerTrace[]>(await get(`traceID=${TRACE_B}&traceID=${missing}`));
    expect(data.map((t) => t.traceID)).toEqual([TRACE_B]);
    expect(errors).toEqual([{ code: 404, msg: "trace not found", traceID: missing }]);
  });

  it("answers 400 with Jaeger's message when service is missing", async () => {
    const response = await get(window);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 400, msg: "parameter 'service' is required" }],
    });
  });

  it("answers 400 naming the bad parameter", async () => {
    for (const [query, param] of [
      ["service=web&minDuration=soon", "minDuration"],
      ["service=web&limit=many", "limit"],
      ["service=web&start=yesterday", "start"],
      ["service=web&tags=%7Bbroken", "tags"],
      ["service=web&tag=nocolon", "tag"],
    ] as const) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      expect((await body<null>(response)).errors?.[0].msg, query).toContain(`'${param}'`);
    }
  });
});
