import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import { CatalogCache, writeSpanBatch, type SpanBatchRows } from "@/lib/ingest/write-span-batch";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan, type ResourceRecord } from "@/lib/otlp/model";
import type { TestDatabase } from "@/lib/test/db";
import { getTraceById } from "./get-trace";
import { searchTraces } from "./search-traces";
import { useTestDatabaseForQueries } from "./test-fixtures";

// 2026-11-21T10:00:00Z
const T0_NS = 1_795_255_200_000_000_000n;
const T0_US = T0_NS / 1000n;

const resource: ResourceRecord = {
  id: "99",
  serviceName: "shop",
  attributes: { "service.name": "shop", "deployment.environment": "prod" },
  droppedAttributesCount: 0,
};

function span(n: number, overrides: Partial<NormalizedSpan>): NormalizedSpan {
  return {
    traceId: `${n.toString(16).padStart(2, "0")}${"c".repeat(30)}`,
    spanId: n.toString(16).padStart(16, "0"),
    name: "GET /cart",
    kind: SPAN_KIND.SERVER,
    startTimeUnixNano: T0_NS + BigInt(n) * 1_000_000n,
    durationNs: 1_000_000n,
    serviceName: "shop",
    resourceId: resource.id,
    statusCode: STATUS_CODE.UNSET,
    ...overrides,
  };
}

describe("attribute keys through the writer and the readers", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await useTestDatabaseForQueries();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function write(spans: NormalizedSpan[], cache: CatalogCache): Promise<void> {
    const batch: SpanBatchRows = { resources: [resource], scopes: [], spans };
    const client = await db.pool.connect();
    try {
      expect((await writeSpanBatch(client, batch, { cache })).inserted).toBe(spans.length);
    } finally {
      client.release();
    }
  }

  it("returns the original keys of span, event and link attributes", async () => {
    const original = span(1, {
      attributes: { "http.request.method": "GET", "http.response.status_code": 200, "7": "seven", "~odd": true, "é.ü": [1, 2] },
      events: [
        { timeUnixNano: (T0_NS + 5n).toString(), name: "exception", attributes: { "exception.type": "Boom", "7": 7 } },
        { timeUnixNano: (T0_NS + 6n).toString(), name: "plain" },
      ],
      links: [
        {
          traceId: "1".repeat(32),
          spanId: "2".repeat(16),
          attributes: { "opentracing.ref_type": "follows_from", "http.request.method": "POST" },
        },
      ],
    });
    await write([original], new CatalogCache());

    // Stored with ids: no key text in the span row.
    const { rows } = await db.pool.query<{ attributes: Record<string, unknown> }>("SELECT attributes FROM spans");
    expect(Object.keys(rows[0].attributes).every((key) => /^\d+$/.test(key))).toBe(true);

    const trace = await getTraceById(original.traceId);
    expect(trace).toHaveLength(1);
    const [stored] = trace!;
    expect(stored.attributes).toEqual(original.attributes);
    expect(stored.events).toEqual(original.events);
    expect(stored.links).toEqual(original.links);
    expect(stored.resource.attributes).toEqual(resource.attributes);
  });

  it("finds spans by tag key, whether the key has an id or is stored literally", async () => {
    await write([span(2, { attributes: { "cart.items": 3, "user.tier": "gold" } })], new CatalogCache());
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM attribute_keys");
    // A full dictionary: the next new key is stored literally.
    const full = new CatalogCache(undefined, undefined, new AttributeKeyDictionary(rows[0].n));
    await write([span(3, { attributes: { "user.tier": "silver", "user.123.flag": true } })], full);
    const stored = await db.pool.query<{ attributes: Record<string, unknown> }>(
      "SELECT attributes FROM spans WHERE span_id = decode($1, 'hex')",
      [span(3, {}).spanId],
    );
    expect(Object.keys(stored.rows[0].attributes).sort()).toEqual([expect.stringMatching(/^\d+$/), "~user.123.flag"].sort());

    const window = { service: "shop", startUs: T0_US, endUs: T0_US + 60_000_000n };
    const ids = async (tags: Record<string, string>) => (await searchTraces({ ...window, tags })).map((t) => t.traceId).sort();
    expect(await ids({ "cart.items": "3" })).toEqual([span(2, {}).traceId]);
    expect(await ids({ "user.tier": "silver" })).toEqual([span(3, {}).traceId]);
    expect(await ids({ "user.123.flag": "true" })).toEqual([span(3, {}).traceId]);
    expect(await ids({ "deployment.environment": "prod" })).toHaveLength(3);
    expect(await ids({ "no.such.key": "x" })).toEqual([]);

    const literal = await getTraceById(span(3, {}).traceId);
    expect(literal![0].attributes).toEqual({ "user.tier": "silver", "user.123.flag": true });
  });
});
