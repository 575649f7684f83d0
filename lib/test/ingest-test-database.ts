/**
 * Shared set-up for the span write path's integration tests: one migrated schema per test
 * file, with the span and catalogue tables emptied before each test.
 *
 *   const getDb = setupIngestTestDatabase();
 *   it("…", async () => { const db = getDb(); … expect(await countSpans(db.pool)).toBe(3); });
 */
import type pg from "pg";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";

/** The tables a span write touches, for TRUNCATE. */
export const INGEST_TABLES = "spans, resources, scopes, services, operations";

/** Registers beforeAll/afterAll/beforeEach hooks; call at the top level of a test file. */
export function setupIngestTestDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db!.pool.query(`TRUNCATE ${INGEST_TABLES}`);
  });
  return () => {
    if (db === undefined) throw new Error("the test database is only available inside tests (after beforeAll)");
    return db;
  };
}

export async function countSpans(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM spans");
  return Number(rows[0].n);
}

/** Span ids (hex, sorted) of `spanIds` that are stored. */
export async function storedSpanIds(pool: pg.Pool, spanIds: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    "SELECT encode(span_id, 'hex') AS id FROM spans WHERE span_id = ANY($1::bytea[]) ORDER BY 1",
    [spanIds.map((id) => Buffer.from(id, "hex"))],
  );
  return rows.map((r) => r.id);
}
