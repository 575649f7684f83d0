/**
 * Test data for the read side: plain SQL inserts into the partitioned `spans` table and the
 * catalogues, so query tests do not depend on the ingest path. Used by integration tests only.
 */
import type pg from "pg";
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

const HOUR_US = 3_600_000_000n;

function partitionName(hourStartUs: bigint): string {
  const iso = new Date(Number(hourStartUs / 1000n)).toISOString(); // 2026-11-21T10:00:00.000Z
  return `spans_p${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}`;
}

/** Creates the hourly partitions (spans_pYYYYMMDDHH, [hour, hour+1h)) covering these start times. */
export async function createSpanPartitions(pool: pg.Pool, startTimesUs: Iterable<bigint>): Promise<void> {
  const hours = new Set<bigint>();
  for (const us of startTimesUs) hours.add(us - (((us % HOUR_US) + HOUR_US) % HOUR_US));
  for (const hour of [...hours].sort()) {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${partitionName(hour)} PARTITION OF spans
         FOR VALUES FROM ('${new Date(Number(hour / 1000n)).toISOString()}') TO ('${new Date(Number((hour + HOUR_US) / 1000n)).toISOString()}')`,
    );
  }
}

export async function insertResource(pool: pg.Pool, id: string, serviceName: string, attributes: Attributes): Promise<void> {
  await pool.query(`INSERT INTO resources (id, service_name, attributes) VALUES ($1, $2, $3)`, [id, serviceName, JSON.stringify(attributes)]);
}

export async function insertScope(pool: pg.Pool, id: string, name: string, version?: string): Promise<void> {
  await pool.query(`INSERT INTO scopes (id, name, version) VALUES ($1, $2, $3)`, [id, name, version ?? null]);
}

/** Inserts spans (creating their partitions first), storing empty JSON as NULL like the writer. */
export async function insertSpans(pool: pg.Pool, spans: readonly FixtureSpan[]): Promise<void> {
  await createSpanPartitions(
    pool,
    spans.map((span) => span.startUs),
  );
  for (const span of spans) {
    const json = (value: object | undefined) =>
      value === undefined || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) ? null : JSON.stringify(value);
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
        json(span.attributes),
        json(span.events),
        json(span.links),
      ],
    );
  }
}

export async function insertService(pool: pg.Pool, name: string, spanCount: number, firstSeen: string, lastSeen: string): Promise<void> {
  await pool.query(`INSERT INTO services (name, first_seen, last_seen, span_count) VALUES ($1, $2, $3, $4)`, [
    name,
    firstSeen,
    lastSeen,
    spanCount,
  ]);
}

export async function insertOperation(pool: pg.Pool, service: string, name: string, spanKind: number): Promise<void> {
  await pool.query(`INSERT INTO operations (service_name, name, span_kind, last_seen) VALUES ($1, $2, $3, now())`, [service, name, spanKind]);
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
