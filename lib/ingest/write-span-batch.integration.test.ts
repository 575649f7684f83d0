import { describe, expect, it } from "vitest";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan, type ResourceRecord, type ScopeRecord } from "@/lib/otlp/model";
import { countSpans, setupIngestTestDatabase } from "@/lib/test/ingest-test-database";
import { decodeAttributeKeys } from "@/lib/db/attribute-keys";
import { partitionName } from "@/lib/db/partitions";
import { CatalogCache, prepareSpanBatch, writeSpanBatch, type SpanBatchRows } from "./write-span-batch";

// 2026-11-21T10:00:00Z in nanoseconds.
const T0_NS = 1_795_255_200_000_000_000n;

const resource: ResourceRecord = {
  id: "7234567890123456789",
  serviceName: "checkout",
  attributes: { "service.name": "checkout", "service.version": "1.4.2", "host.name": "node-7" },
  droppedAttributesCount: 0,
  schemaUrl: "https://opentelemetry.io/schemas/1.24.0",
};
const scope: ScopeRecord = { id: "42", name: "@opentelemetry/instrumentation-http", version: "0.301.0" };

function hex(n: number, length: number): string {
  return n.toString(16).padStart(length, "0");
}

function makeSpan(i: number, overrides: Partial<NormalizedSpan> = {}): NormalizedSpan {
  return {
    traceId: `${hex(0xabc, 16)}${hex(i + 1, 16)}`,
    spanId: hex(i + 1, 16),
    name: `GET /api/items/${i % 7}`,
    kind: SPAN_KIND.SERVER,
    startTimeUnixNano: T0_NS + BigInt(i) * 1_000_000n,
    durationNs: 5_000_000n + BigInt(i),
    serviceName: "checkout",
    resourceId: resource.id,
    scopeId: scope.id,
    statusCode: STATUS_CODE.UNSET,
    attributes: { "http.request.method": "GET", "http.response.status_code": 200 },
    ...overrides,
  };
}

function batchOf(spans: NormalizedSpan[]): SpanBatchRows {
  return { resources: [resource], scopes: [scope], spans };
}

const db = setupIngestTestDatabase();

/** id → key of the test schema's attribute key dictionary. */
async function attributeKeyNames(): Promise<Map<number, string>> {
  const { rows } = await db().pool.query<{ id: number; key: string }>("SELECT id, key FROM attribute_keys");
  return new Map(rows.map((row) => [row.id, row.key]));
}

async function write(batch: SpanBatchRows, cache = new CatalogCache()) {
  const client = await db().pool.connect();
  try {
    return await writeSpanBatch(client, batch, { cache });
  } finally {
    client.release();
  }
}

describe("writeSpanBatch", () => {
  it("stores every column exactly, including nasty strings", async () => {
    const span: NormalizedSpan = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: "00f067aa0ba902b7",
      traceState: "vendor=a\\b",
      flags: 1,
      name: 'SELECT "x"\tFROM\nt\r\\',
      kind: SPAN_KIND.CLIENT,
      startTimeUnixNano: T0_NS + 123_456_789n, // .123456789 → stored .123456
      durationNs: 9_007_199_254_740_993n, // beyond 2^53: must stay exact
      serviceName: "checkout",
      resourceId: resource.id,
      scopeId: scope.id,
      statusCode: STATUS_CODE.ERROR,
      statusMessage: 'boom: "quoted"\nline 2 ünïcödé 🚀',
      attributes: {
        "db.statement": "SELECT '\\\\' AS \"bs\"\tFROM t\n",
        "unicode.value": "日本語 🚀 \u2028",
        "int.big": "9007199254740993",
        n: 42.5,
        ok: true,
        nothing: null,
        list: [1, "two", { three: 3 }],
      },
      events: [
        { timeUnixNano: "1795255200123456999", name: "exception", attributes: { "exception.message": "a\tb\nc\\d" } },
        { timeUnixNano: "1795255200200000000", name: "retry", droppedAttributesCount: 2 },
      ],
      links: [{ traceId: "11111111111111111111111111111111", spanId: "2222222222222222", traceState: "k=v", flags: 1 }],
      droppedAttributesCount: 3,
      droppedEventsCount: 4,
      droppedLinksCount: 5,
    };
    const result = await write(batchOf([span]));
    expect(result).toEqual({ inserted: 1, duplicates: 0, duplicateIndexes: [] });

    const { rows } = await db().pool.query(`
      SELECT to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS start_time,
             duration_ns::text AS duration_ns, resource_id::text AS resource_id, scope_id::text AS scope_id,
             replace(trace_id::text, '-', '') AS trace_id, kind, status_code, flags,
             dropped_attributes_count, dropped_events_count, dropped_links_count,
             encode(span_id, 'hex') AS span_id, encode(parent_span_id, 'hex') AS parent_span_id,
             service_name, name, status_message, trace_state, attributes, events, links
        FROM spans`);
    expect(rows).toEqual([
      {
        start_time: "2026-11-21T10:00:00.123456",
        duration_ns: "9007199254740993",
        resource_id: resource.id,
        scope_id: "42",
        trace_id: span.traceId,
        kind: SPAN_KIND.CLIENT,
        status_code: STATUS_CODE.ERROR,
        flags: 1,
        dropped_attributes_count: 3,
        dropped_events_count: 4,
        dropped_links_count: 5,
        span_id: span.spanId,
        parent_span_id: span.parentSpanId,
        service_name: "checkout",
        name: span.name,
        status_message: span.statusMessage,
        trace_state: span.traceState,
        attributes: expect.any(Object),
        events: expect.any(Array),
        links: expect.any(Array),
      },
    ]);
    // Attribute keys of the span and its events are stored as dictionary ids.
    const stored = rows[0] as { attributes: Record<string, unknown>; events: { attributes?: Record<string, unknown> }[] };
    expect(Object.keys(stored.attributes).every((key) => /^\d+$/.test(key))).toBe(true);
    expect(Object.keys(stored.events[0].attributes ?? {})).toEqual([expect.stringMatching(/^\d+$/)]);
    const names = await attributeKeyNames();
    expect(decodeAttributeKeys(rows[0].attributes, names)).toEqual(span.attributes);
    expect(
      (rows[0].events as typeof span.events)!.map((e) =>
        e.attributes === undefined ? e : { ...e, attributes: decodeAttributeKeys(e.attributes, names) },
      ),
    ).toEqual(span.events);
    expect(rows[0].links).toEqual(span.links);

    const resources = await db().pool.query("SELECT id::text AS id, service_name, attributes, schema_url FROM resources");
    expect(resources.rows).toEqual([
      { id: resource.id, service_name: "checkout", attributes: resource.attributes, schema_url: resource.schemaUrl },
    ]);
    const scopes = await db().pool.query("SELECT id::text AS id, name, version, attributes FROM scopes");
    expect(scopes.rows).toEqual([{ id: "42", name: scope.name, version: "0.301.0", attributes: null }]);
  });

  it("stores NULL for absent optional fields", async () => {
    const span = makeSpan(0, { scopeId: undefined, attributes: undefined });
    await write({ resources: [resource], scopes: [], spans: [span] });
    const { rows } = await db().pool.query(
      "SELECT scope_id, flags, parent_span_id, status_message, trace_state, attributes, events, links, dropped_attributes_count FROM spans",
    );
    expect(rows).toEqual([
      {
        scope_id: null,
        flags: null,
        parent_span_id: null,
        status_message: null,
        trace_state: null,
        attributes: null,
        events: null,
        links: null,
        dropped_attributes_count: null,
      },
    ]);
  });

  it("stores a resource once for 1000 spans, across hour partitions", async () => {
    const spans = Array.from({ length: 1000 }, (_, i) =>
      // Spread over three hours so several partitions are involved.
      makeSpan(i, { startTimeUnixNano: T0_NS + BigInt(i) * 10_000_000_000n }),
    );
    const result = await write(batchOf(spans));
    expect(result.inserted).toBe(1000);
    expect(await countSpans(db().pool)).toBe(1000);
    const { rows } = await db().pool.query<{ n: string; distinct_resources: string }>(
      "SELECT (SELECT count(*) FROM resources) AS n, (SELECT count(DISTINCT resource_id) FROM spans) AS distinct_resources",
    );
    expect(rows[0]).toEqual({ n: "1", distinct_resources: "1" });
    const partitions = await db().pool.query<{ n: string }>("SELECT count(DISTINCT tableoid) AS n FROM spans");
    expect(Number(partitions.rows[0].n)).toBe(3);
  });

  it("adds no rows for a duplicate delivery and reports the duplicates", async () => {
    const spans = Array.from({ length: 50 }, (_, i) => makeSpan(i));
    const cache = new CatalogCache();
    expect((await write(batchOf(spans), cache)).inserted).toBe(50);
    const again = await write(batchOf(spans), cache);
    expect(again.inserted).toBe(0);
    expect(again.duplicates).toBe(50);
    expect(again.duplicateIndexes).toEqual(spans.map((_, i) => i));
    expect(await countSpans(db().pool)).toBe(50);
    const { rows } = await db().pool.query("SELECT name, span_count::int AS span_count FROM services");
    expect(rows).toEqual([{ name: "checkout", span_count: 50 }]);
  });

  it("inserts only the new half of a half-duplicate batch", async () => {
    const spans = Array.from({ length: 40 }, (_, i) => makeSpan(i));
    await write(batchOf(spans.slice(0, 20)));
    // Interleave old and new so the result must map rows back to positions.
    const mixed = spans.filter((_, i) => i % 2 === 0).concat(spans.filter((_, i) => i % 2 === 1));
    const result = await write(batchOf(mixed));
    expect(result.inserted).toBe(20);
    expect(result.duplicates).toBe(20);
    const expectedDuplicates = mixed.flatMap((span, i) => (Number.parseInt(span.spanId, 16) <= 20 ? [i] : []));
    expect(result.duplicateIndexes).toEqual(expectedDuplicates);
    expect(await countSpans(db().pool)).toBe(40);
    const { rows } = await db().pool.query("SELECT span_count::int AS span_count FROM services");
    expect(rows).toEqual([{ span_count: 40 }]);
  });

  it("counts a span repeated within one batch once", async () => {
    const span = makeSpan(1);
    const result = await write(batchOf([span, makeSpan(2), span]));
    expect(result).toEqual({ inserted: 2, duplicates: 1, duplicateIndexes: [2] });
    expect(await countSpans(db().pool)).toBe(2);
  });

  it("keeps resources written in the same transaction when it falls back to the slow path", async () => {
    const first = makeSpan(1);
    await write({ resources: [resource], scopes: [], spans: [first] });
    const other: ResourceRecord = { ...resource, id: "99", serviceName: "payments", attributes: { "service.name": "payments" } };
    const result = await write({
      resources: [other],
      scopes: [],
      spans: [first, makeSpan(2, { resourceId: "99", serviceName: "payments" })],
    });
    expect(result.inserted).toBe(1);
    const { rows } = await db().pool.query("SELECT id::text AS id FROM resources ORDER BY resources.id");
    expect(rows).toEqual([{ id: "99" }, { id: resource.id }]);
  });

  it("keeps the service and operation catalogues exact", async () => {
    const spans = [
      makeSpan(0, { serviceName: "cart", name: "GET /cart", kind: SPAN_KIND.SERVER, startTimeUnixNano: T0_NS }),
      makeSpan(1, { serviceName: "cart", name: "GET /cart", kind: SPAN_KIND.SERVER, startTimeUnixNano: T0_NS + 5_000_000_000n }),
      makeSpan(2, { serviceName: "cart", name: "redis GET", kind: SPAN_KIND.CLIENT, startTimeUnixNano: T0_NS + 1_000n }),
      makeSpan(3, { serviceName: "web\tfront", name: "GET /", kind: SPAN_KIND.SERVER, startTimeUnixNano: T0_NS + 2_000_000n }),
    ];
    await write(batchOf(spans));
    // An older duplicate and an older new span must not move last_seen backwards.
    await write(
      batchOf([spans[1], makeSpan(4, { serviceName: "cart", name: "GET /cart", startTimeUnixNano: T0_NS - 60_000_000_000n })]),
    );

    const services = await db().pool.query(`
      SELECT name, span_count::int AS span_count,
             to_char(first_seen AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS first_seen,
             to_char(last_seen AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS last_seen
        FROM services ORDER BY name`);
    expect(services.rows).toEqual([
      { name: "cart", span_count: 4, first_seen: "09:59:00.000000", last_seen: "10:00:05.000000" },
      { name: "web\tfront", span_count: 1, first_seen: "10:00:00.002000", last_seen: "10:00:00.002000" },
    ]);
    const operations = await db().pool.query(`
      SELECT service_name, name, span_kind, to_char(last_seen AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS last_seen
        FROM operations ORDER BY service_name, name, span_kind`);
    expect(operations.rows).toEqual([
      { service_name: "cart", name: "GET /cart", span_kind: SPAN_KIND.SERVER, last_seen: "10:00:05.000000" },
      { service_name: "cart", name: "redis GET", span_kind: SPAN_KIND.CLIENT, last_seen: "10:00:00.000001" },
      { service_name: "web\tfront", name: "GET /", span_kind: SPAN_KIND.SERVER, last_seen: "10:00:00.002000" },
    ]);
  });

  it("skips known resources through the cache, and rewrites them for a fresh cache", async () => {
    const cache = new CatalogCache();
    await write(batchOf([makeSpan(1)]), cache);
    await db().pool.query("DELETE FROM resources");
    await write(batchOf([makeSpan(2)]), cache);
    expect((await db().pool.query("SELECT 1 FROM resources")).rowCount).toBe(0);
    await write(batchOf([makeSpan(3)]), new CatalogCache());
    expect((await db().pool.query("SELECT 1 FROM resources")).rowCount).toBe(1);
  });

  it("rolls back everything when a span is refused by the database", async () => {
    // A trace id that is not a uuid gets past the encoder and fails inside COPY.
    const bad = makeSpan(2, { traceId: "not-a-uuid-not-a-uuid-not-a-uuid" });
    const other: ResourceRecord = { ...resource, id: "5" };
    await expect(write({ resources: [other], scopes: [], spans: [makeSpan(1), bad] })).rejects.toMatchObject({
      code: "22P02",
    });
    expect(await countSpans(db().pool)).toBe(0);
    expect((await db().pool.query("SELECT 1 FROM resources")).rowCount).toBe(0);
    expect((await db().pool.query("SELECT 1 FROM services")).rowCount).toBe(0);
  });

  it("recovers when a partition it has cached was dropped behind its back (23514), retrying once", async () => {
    // One connection throughout: the partition cache is per connection object.
    const client = await db().pool.connect();
    try {
      const cache = new CatalogCache();
      expect((await writeSpanBatch(client, batchOf([makeSpan(1)]), { cache })).inserted).toBe(1);
      // Another process's retention drops the hour (this connection still believes it exists).
      const partition = partitionName("spans", "hour", Number(T0_NS / 1_000_000n));
      await db().pool.query(`DROP TABLE ${partition}`);
      const later = makeSpan(2);
      const result = await writeSpanBatch(client, batchOf([later]), { cache });
      expect(result).toEqual({ inserted: 1, duplicates: 0, duplicateIndexes: [] });
    } finally {
      client.release();
    }
    const { rows } = await db().pool.query<{ span_id: string; partition: string }>(
      "SELECT encode(span_id, 'hex') AS span_id, tableoid::regclass::text AS partition FROM spans",
    );
    expect(rows).toEqual([
      { span_id: makeSpan(2).spanId, partition: partitionName("spans", "hour", Number(T0_NS / 1_000_000n)) },
    ]);
    const services = await db().pool.query("SELECT span_count::int AS span_count FROM services");
    // The first span went with the dropped partition; the catalogue counted both writes.
    expect(services.rows).toEqual([{ span_count: 2 }]);
  });

  it("never moves last_seen into the future, for spans that start ahead of the clock", async () => {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const ahead = nowNs + 2n * 3_600_000_000_000n; // 2 h of clock skew (up to 24 h is accepted)
    const before = Date.now();
    await write(
      batchOf([
        makeSpan(1, { startTimeUnixNano: ahead, name: "GET /ahead" }),
        makeSpan(2, { startTimeUnixNano: ahead + 1_000n, name: "GET /ahead", kind: SPAN_KIND.CLIENT }),
      ]),
    );
    const after = Date.now();
    const services = await db().pool.query<{ first_seen: Date; last_seen: Date }>("SELECT first_seen, last_seen FROM services");
    const operations = await db().pool.query<{ last_seen: Date }>("SELECT last_seen FROM operations");
    expect(operations.rows).toHaveLength(2);
    for (const seen of [services.rows[0].first_seen, services.rows[0].last_seen, ...operations.rows.map((r) => r.last_seen)]) {
      expect(seen.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      expect(seen.getTime()).toBeLessThanOrEqual(after);
    }
    // A later batch in the past keeps last_seen where it is (it never moves backwards either).
    await write(batchOf([makeSpan(3, { startTimeUnixNano: nowNs - 60_000_000_000n })]));
    const again = await db().pool.query<{ last_seen: Date }>("SELECT last_seen FROM services");
    expect(again.rows[0].last_seen.getTime()).toBe(services.rows[0].last_seen.getTime());
  });

  it("bounds each statement with statementTimeoutMs (57014), and a prepared batch can be written again", async () => {
    const prepared = prepareSpanBatch(batchOf([makeSpan(1), makeSpan(2)]));
    const locker = await db().pool.connect();
    try {
      await write(batchOf([makeSpan(0)])); // partitions and catalogue rows exist
      await locker.query("BEGIN; LOCK TABLE services IN EXCLUSIVE MODE");
      const client = await db().pool.connect();
      try {
        const started = performance.now();
        await expect(writeSpanBatch(client, prepared, { statementTimeoutMs: 200 })).rejects.toMatchObject({ code: "57014" });
        expect(performance.now() - started).toBeLessThan(5_000);
      } finally {
        client.release();
      }
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
    expect(await countSpans(db().pool)).toBe(1);
    expect((await write(prepared.rows)).inserted).toBe(2);
    expect(await countSpans(db().pool)).toBe(3);
  });
});
