/**
 * Test data for the read side: plain SQL inserts into the partitioned `spans` table and the
 * catalogues, so query tests do not depend on the ingest path. Used by integration tests only.
 */
import type pg from "pg";
import { AttributeKeyDictionary, encodeAttributeKeys } from "@/lib/db/attribute-keys";
import { ensureSpanPartitions } from "@/lib/db/partitions";
import { closeDb } from "@/lib/db/pool";
import { resetEnvForTests } from "@/lib/env";
import type { Attributes, SpanEvent, SpanLink } from "@/lib/otlp/model";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";

export type FixtureSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  /** µs since the epoch. */
  startUs: bigint;
  durationNs: bigint;
  service: string;
  resourceId: string;
  scopeId?: string;
  statusCode?: number;
  statusMessage?: string;
  traceState?: string;
  flags?: number;
  attributes?: Attributes;
  events?: SpanEvent[];
  links?: SpanLink[];
  droppedAttributesCount?: number;
};

/** Creates the hourly partitions (lib/db/partitions) covering these start times (µs). */
export async function createSpanPartitions(pool: pg.Pool, startTimesUs: Iterable<bigint>): Promise<void> {
  await ensureSpanPartitions(
    pool,
    [...startTimesUs].map((us) => Number(us / 1000n)),
  );
}

export async function insertResource(pool: pg.Pool, id: string, serviceName: string, attributes: Attributes): Promise<void> {
  await pool.query(`INSERT INTO resources (id, service_name, attributes) VALUES ($1, $2, $3)`, [
    id,
    serviceName,
    JSON.stringify(attributes),
  ]);
}

export async function insertScope(pool: pg.Pool, id: string, name: string, version?: string): Promise<void> {
  await pool.query(`INSERT INTO scopes (id, name, version) VALUES ($1, $2, $3)`, [id, name, version ?? null]);
}

const attributeKeyDictionaries = new WeakMap<pg.Pool, AttributeKeyDictionary>();

/**
 * Span attributes as the writer stores them: keys dictionary-encoded through the writer's own
 * dictionary code (lib/db/attribute-keys), one dictionary per pool (= test schema).
 */
export async function encodeSpanAttributes(pool: pg.Pool, attributes: Attributes): Promise<Attributes> {
  let dictionary = attributeKeyDictionaries.get(pool);
  if (dictionary === undefined) {
    dictionary = new AttributeKeyDictionary();
    attributeKeyDictionaries.set(pool, dictionary);
  }
  await dictionary.resolve(pool, Object.keys(attributes));
  const missing = new Set<string>();
  const encoded = encodeAttributeKeys(dictionary, attributes, missing);
  if (missing.size > 0) throw new Error(`attribute keys not resolved: ${[...missing].join(", ")}`);
  return encoded;
}

async function encodeItems<T extends { attributes?: Attributes }>(
  pool: pg.Pool,
  items: T[] | undefined,
): Promise<T[] | undefined> {
  if (items === undefined) return undefined;
  const out: T[] = [];
  for (const item of items) {
    out.push(item.attributes === undefined ? item : { ...item, attributes: await encodeSpanAttributes(pool, item.attributes) });
  }
  return out;
}

/** Inserts spans (creating their partitions first), storing empty JSON as NULL like the writer. */
export async function insertSpans(pool: pg.Pool, spans: readonly FixtureSpan[]): Promise<void> {
  await createSpanPartitions(
    pool,
    spans.map((span) => span.startUs),
  );
  for (const span of spans) {
    const json = (value: object | undefined) =>
      value === undefined || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)
        ? null
        : JSON.stringify(value);
    const attributes = span.attributes === undefined ? undefined : await encodeSpanAttributes(pool, span.attributes);
    const events = await encodeItems(pool, span.events);
    const links = await encodeItems(pool, span.links);
    await pool.query(
      `INSERT INTO spans (start_time, duration_ns, resource_id, scope_id, trace_id, kind, status_code, flags,
                          dropped_attributes_count, span_id, parent_span_id, service_name, name,
                          status_message, trace_state, attributes, events, links)
       VALUES (timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2, $3, $4, $5::uuid, $6, $7, $8,
               $9, decode($10, 'hex'), decode($11, 'hex'), $12, $13, $14, $15, $16, $17, $18)`,
      [
        span.startUs.toString(),
        span.durationNs.toString(),
        span.resourceId,
        span.scopeId ?? null,
        span.traceId,
        span.kind ?? 1,
        span.statusCode ?? 0,
        span.flags ?? null,
        span.droppedAttributesCount ?? null,
        span.spanId,
        span.parentSpanId ?? null,
        span.service,
        span.name,
        span.statusMessage ?? null,
        span.traceState ?? null,
        json(attributes),
        json(events),
        json(links),
      ],
    );
  }
}

export async function insertService(
  pool: pg.Pool,
  name: string,
  spanCount: number,
  firstSeen: string,
  lastSeen: string,
): Promise<void> {
  await pool.query(`INSERT INTO services (name, first_seen, last_seen, span_count) VALUES ($1, $2, $3, $4)`, [
    name,
    firstSeen,
    lastSeen,
    spanCount,
  ]);
}

export async function insertOperation(pool: pg.Pool, service: string, name: string, spanKind: number): Promise<void> {
  await pool.query(`INSERT INTO operations (service_name, name, span_kind, last_seen) VALUES ($1, $2, $3, now())`, [
    service,
    name,
    spanKind,
  ]);
}

/**
 * A migrated test schema that the process-wide getPool()/getPrisma() (which the query
 * functions use) point at: DATABASE_URL is set to the schema's URL before their first use.
 * `close()` closes the process-wide pool and drops the schema.
 */
export async function useTestDatabaseForQueries(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = db.url;
  resetEnvForTests();
  return {
    ...db,
    close: async () => {
      await closeDb();
      await db.close();
    },
  };
}
