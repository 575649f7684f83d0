import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchTraces, type SearchTracesFilters } from "./search-traces";
import { insertResource, insertSpans, type FixtureSpan, useTestDatabaseForQueries } from "./test-fixtures";

// 2025-11-21T10:00:00Z
const T0 = 1_763_719_200_000_000n;
const SECOND = 1_000_000n;
const MS_NS = 1_000_000n;

const trace = (n: number) => `${n.toString(16).padStart(2, "0")}${"a".repeat(30)}`;
const spanId = (n: number) => n.toString(16).padStart(16, "0");

// Resources: web in eu (11) and in us (12), payments (13), fan-out service (14).
// One span per line, read as a table: keep Prettier from exploding it.
// prettier-ignore
const spans: FixtureSpan[] = [
  // T1: web server GET /a (200, 100 ms) → web client POST /charge (80 ms) → payments charge.
  { traceId: trace(1), spanId: spanId(1), name: "GET /a", kind: 2, startUs: T0 + 10n * SECOND, durationNs: 100n * MS_NS, service: "web", resourceId: "11", attributes: { "http.status_code": 200 } },
  { traceId: trace(1), spanId: spanId(2), parentSpanId: spanId(1), name: "POST /charge", kind: 3, startUs: T0 + 10n * SECOND + 1n, durationNs: 80n * MS_NS, service: "web", resourceId: "11" },
  { traceId: trace(1), spanId: spanId(3), parentSpanId: spanId(2), name: "charge", kind: 2, startUs: T0 + 10n * SECOND + 2n, durationNs: 70n * MS_NS, service: "payments", resourceId: "13" },
  // T2: web GET /b, 2 s, status ERROR, http.status_code 500, in us.
  { traceId: trace(2), spanId: spanId(4), name: "GET /b", kind: 2, startUs: T0 + 20n * SECOND, durationNs: 2_000n * MS_NS, service: "web", resourceId: "12", statusCode: 2, attributes: { "http.status_code": 500, "http.route": "/b" } },
  // T3: web GET /a, 50 ms, boolean and string attributes.
  { traceId: trace(3), spanId: spanId(5), name: "GET /a", kind: 2, startUs: T0 + 30n * SECOND, durationNs: 50n * MS_NS, service: "web", resourceId: "11", attributes: { "cache.hit": true, "user.id": "42", ratio: 0.25 } },
  // T4: payments only.
  { traceId: trace(4), spanId: spanId(6), name: "charge", kind: 2, startUs: T0 + 40n * SECOND, durationNs: 5n * MS_NS, service: "payments", resourceId: "13" },
  // T5: web GET /a two hours later (another partition), 10 ms.
  { traceId: trace(5), spanId: spanId(7), name: "GET /a", kind: 2, startUs: T0 + 7_200n * SECOND, durationNs: 10n * MS_NS, service: "web", resourceId: "11" },
];

// Fan-out: F1 has 250 spans starting in the same microsecond, F2 one span at that same
// microsecond, F3 one span earlier. More ties than one index chunk holds.
const BURST_US = T0 + 50n * SECOND;
for (let i = 0; i < 250; i++) {
  spans.push({
    traceId: trace(0xf1),
    spanId: spanId(1000 + i),
    name: "burst",
    startUs: BURST_US,
    durationNs: 1n,
    service: "fanout",
    resourceId: "14",
  });
}
spans.push({
  traceId: trace(0xf2),
  spanId: spanId(2000),
  name: "burst",
  startUs: BURST_US,
  durationNs: 1n,
  service: "fanout",
  resourceId: "14",
});
spans.push({
  traceId: trace(0xf3),
  spanId: spanId(2001),
  name: "burst",
  startUs: BURST_US - SECOND,
  durationNs: 1n,
  service: "fanout",
  resourceId: "14",
});

// Chatty: 8 traces of 30 spans each, 1 ms apart (trace 0x30 oldest): many rows per trace, so
// the walk needs more than its first chunk (two rows per trace wanted) to find 5 traces.
const CHATTY_US = T0 + 600n * SECOND;
for (let t = 0; t < 8; t++) {
  for (let i = 0; i < 30; i++) {
    spans.push({
      traceId: trace(0x30 + t),
      spanId: spanId(3000 + t * 30 + i),
      name: "query",
      startUs: CHATTY_US + BigInt(t * 30 + i) * 1000n,
      durationNs: 1n,
      service: "chatty",
      resourceId: "14",
    });
  }
}

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "11", "web", { "service.name": "web", region: "eu" });
  await insertResource(db.pool, "12", "web", { "service.name": "web", region: "us", "deployment.replicas": 3 });
  await insertResource(db.pool, "13", "payments", { "service.name": "payments", region: "eu" });
  await insertResource(db.pool, "14", "fanout", { "service.name": "fanout" });
  await insertSpans(db.pool, spans);
});

afterAll(async () => {
  await db?.close();
});

const window = { startUs: T0, endUs: T0 + 3n * 3_600n * SECOND };

async function ids(filters: Partial<SearchTracesFilters>): Promise<string[]> {
  const found = await searchTraces({ service: "web", ...window, ...filters });
  return found.map((t) => t.traceId);
}

describe("searchTraces", () => {
  it("finds a service's traces newest first and loads all their spans, other services included", async () => {
    const found = await searchTraces({ service: "web", ...window });
    expect(found.map((t) => t.traceId)).toEqual([trace(5), trace(3), trace(2), trace(1)]);
    const t1 = found[3];
    expect(t1.spans.map((s) => [s.spanId, s.serviceName])).toEqual([
      [spanId(1), "web"],
      [spanId(2), "web"],
      [spanId(3), "payments"],
    ]);
    expect(await ids({ service: "payments" })).toEqual([trace(4), trace(1)]);
    expect(await ids({ service: "nobody" })).toEqual([]);
  });

  it("filters by operation", async () => {
    expect(await ids({ operation: "GET /a" })).toEqual([trace(5), trace(3), trace(1)]);
    expect(await ids({ operation: "POST /charge" })).toEqual([trace(1)]);
  });

  it("matches tags on span attributes, comparing numbers, booleans and strings sensibly", async () => {
    expect(await ids({ tags: { "http.status_code": "500" } })).toEqual([trace(2)]);
    expect(await ids({ tags: { "http.status_code": "200" } })).toEqual([trace(1)]);
    expect(await ids({ tags: { "cache.hit": "true" } })).toEqual([trace(3)]);
    expect(await ids({ tags: { "user.id": "42" } })).toEqual([trace(3)]);
    expect(await ids({ tags: { ratio: "0.25" } })).toEqual([trace(3)]);
    expect(await ids({ tags: { "cache.hit": "false" } })).toEqual([]);
  });

  it("matches tags on resource attributes", async () => {
    expect(await ids({ tags: { region: "us" } })).toEqual([trace(2)]);
    expect(await ids({ tags: { region: "eu" } })).toEqual([trace(5), trace(3), trace(1)]);
    expect(await ids({ tags: { "deployment.replicas": "3" } })).toEqual([trace(2)]);
  });

  it("requires every tag to match the same span (span and resource attributes together)", async () => {
    expect(await ids({ tags: { region: "eu", "cache.hit": "true" } })).toEqual([trace(3)]);
    expect(await ids({ tags: { region: "us", "cache.hit": "true" } })).toEqual([]);
  });

  it("matches the tags Jaeger derives from span fields: error, span.kind, otel.status_code", async () => {
    expect(await ids({ tags: { error: "true" } })).toEqual([trace(2)]);
    expect(await ids({ tags: { "otel.status_code": "ERROR" } })).toEqual([trace(2)]);
    expect(await ids({ tags: { "span.kind": "client" } })).toEqual([trace(1)]);
  });

  it("filters by min and max duration", async () => {
    expect(await ids({ minDurationNs: 1_000n * MS_NS })).toEqual([trace(2)]);
    expect(await ids({ maxDurationNs: 60n * MS_NS })).toEqual([trace(5), trace(3)]);
    expect(await ids({ minDurationNs: 80n * MS_NS, maxDurationNs: 80n * MS_NS })).toEqual([trace(1)]);
  });

  it("filters by the matching span's status", async () => {
    expect(await ids({ statusCode: 2 })).toEqual([trace(2)]);
    expect(await ids({ statusCode: 0 })).toEqual([trace(5), trace(3), trace(1)]);
    expect(await ids({ statusCode: 1 })).toEqual([]);
    expect(await ids({ statusCode: 2, minDurationNs: 2_000n * MS_NS })).toEqual([trace(2)]);
    expect(await ids({ statusCode: 2, minDurationNs: 2_001n * MS_NS })).toEqual([]);
  });

  it("keeps reading past its first chunk when traces have many matching spans", async () => {
    const found = await ids({ service: "chatty", limit: 5 });
    expect(found).toEqual([0x37, 0x36, 0x35, 0x34, 0x33].map(trace));
  });

  it("has the partial index of error spans (key, INCLUDE and predicate) on spans and every partition", async () => {
    // schema-drift compares index names and key columns only; the rest is checked here.
    const { rows } = await db.pool.query<{ table: string; definition: string }>(
      `SELECT c.relname AS table, pg_get_indexdef(x.indexrelid) AS definition
         FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND pg_get_indexdef(x.indexrelid) LIKE '%WHERE%'
        ORDER BY 1`,
    );
    const partitions = await db.pool.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'spans'::regclass",
    );
    expect(partitions.rows.length).toBeGreaterThan(1);
    expect(rows.map((row) => row.table).sort()).toEqual(["spans", ...partitions.rows.map((p) => p.name)].sort());
    for (const { definition } of rows) {
      expect(definition).toMatch(
        /USING btree \(service_name, start_time DESC\) INCLUDE \(trace_id, duration_ns\) WHERE \(status_code = 2\)$/,
      );
    }
  });

  it("filters by start-time window (inclusive bounds)", async () => {
    expect(await ids({ startUs: T0, endUs: T0 + 3_600n * SECOND })).toEqual([trace(3), trace(2), trace(1)]);
    expect(await ids({ startUs: T0 + 2n * 3_600n * SECOND, endUs: T0 + 3n * 3_600n * SECOND })).toEqual([trace(5)]);
    expect(await ids({ startUs: T0 + 20n * SECOND, endUs: T0 + 20n * SECOND })).toEqual([trace(2)]);
  });

  it("returns at most `limit` traces, the newest", async () => {
    expect(await ids({ limit: 2 })).toEqual([trace(5), trace(3)]);
    expect(await ids({ limit: 1, operation: "GET /a", startUs: T0, endUs: T0 + 3_600n * SECOND })).toEqual([trace(3)]);
  });

  it("does not skip traces that share a start time with more spans than one index chunk", async () => {
    const found = await searchTraces({ service: "fanout", ...window, limit: 3 });
    expect(found.map((t) => t.traceId).sort()).toEqual([trace(0xf1), trace(0xf2), trace(0xf3)].sort());
    expect(found[2].traceId).toBe(trace(0xf3));
    expect(found.find((t) => t.traceId === trace(0xf1))?.spans).toHaveLength(250);
  });

  it("validates its filters", async () => {
    await expect(searchTraces({ service: "", ...window })).rejects.toThrow();
    await expect(searchTraces({ service: "web", startUs: 10n, endUs: 5n })).rejects.toThrow(/startUs/);
    await expect(searchTraces({ service: "web", ...window, limit: 1501 })).rejects.toThrow();
    await expect(searchTraces({ service: "web", ...window, minDurationNs: 5n, maxDurationNs: 1n })).rejects.toThrow(
      /maxDuration/,
    );
  });
});
