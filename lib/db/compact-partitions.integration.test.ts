import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSED_FILLFACTOR, COMPACTED_MARK, compactClosedPartitions } from "@/lib/db/compact-partitions";
import { PARTITION_LOCK_KEY, RETENTION_DROP_MARK, ensureSpanPartitions } from "@/lib/db/partitions";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 21, 19, 25, 0); // 2026-11-21T19:25Z

/**
 * `count` spans spread over the hour starting at `hourMs`, in time order (as they arrive),
 * with random trace ids (random places in the primary key) across 20 services, every tenth
 * with status ERROR (so the partial index of error spans has entries too), a few thousand per
 * statement so the indexes grow by ordinary inserts.
 */
async function insertSpans(db: TestDatabase, hourMs: number, count: number): Promise<void> {
  const perStatement = 2000;
  for (let first = 0; first < count; first += perStatement) {
    await db.pool.query(
      `INSERT INTO spans (start_time, duration_ns, resource_id, trace_id, kind, status_code, span_id, service_name, name)
       SELECT to_timestamp($1::float8 / 1000) + (g * ($3::float8 / $4) * interval '1 ms'), 1000 + g, 1, gen_random_uuid(), 2,
              CASE WHEN g % 10 = 0 THEN 2 ELSE 0 END,
              int8send(g), 'svc-' || (g % 20), 'op-' || (g % 7)
         FROM generate_series($2::int, $2::int + $5::int - 1) g`,
      [hourMs, first, HOUR - 1000, count, Math.min(perStatement, count - first)],
    );
  }
}

async function comment(db: TestDatabase, table: string): Promise<string | null> {
  const { rows } = await db.pool.query<{ comment: string | null }>(
    "SELECT obj_description(to_regclass($1), 'pg_class') AS comment",
    [table],
  );
  return rows[0].comment;
}

async function indexesOf(db: TestDatabase, table: string) {
  const { rows } = await db.pool.query<{
    name: string;
    valid: boolean;
    attached: boolean;
    bytes: string;
    options: string[] | null;
  }>(
    `SELECT ic.relname AS name, x.indisvalid AS valid, pg_relation_size(ic.oid) AS bytes, ic.reloptions AS options,
            EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = ic.oid) AS attached
       FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
      WHERE x.indrelid = to_regclass($1) ORDER BY ic.relname`,
    [table],
  );
  return rows.map((row) => ({ ...row, bytes: Number(row.bytes) }));
}

/** Query results that must not change: counts, a checksum of every row, index-driven reads. */
async function snapshot(db: TestDatabase) {
  const { rows: totals } = await db.pool.query(
    `SELECT tableoid::regclass::text AS partition, count(*)::int AS n,
            md5(string_agg(trace_id::text || encode(span_id, 'hex') || start_time::text || service_name, ',' ORDER BY trace_id, span_id)) AS digest
       FROM spans GROUP BY 1 ORDER BY 1`,
  );
  const client = await db.pool.connect();
  try {
    // Force the indexes (not a sequential scan) to answer, so a broken index would show.
    await client.query("SET enable_seqscan = off");
    const { rows: latest } = await client.query(
      `SELECT trace_id, encode(span_id, 'hex') AS span_id FROM spans
        WHERE service_name = 'svc-3' AND start_time >= '2026-11-21 17:00Z' AND start_time < '2026-11-21 18:00Z'
        ORDER BY start_time DESC LIMIT 50`,
    );
    const { rows: trace } = await client.query(
      "SELECT service_name, name FROM spans WHERE trace_id = $1 AND start_time >= '2026-11-21 17:00Z' AND start_time < '2026-11-21 18:00Z'",
      [latest[0]?.trace_id],
    );
    await client.query("RESET enable_seqscan");
    return { totals, latest, trace };
  } finally {
    client.release();
  }
}

describe("compactClosedPartitions", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.close()));
  });
  async function freshDb(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  }

  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDb();
    // 17h (2 h ago), 18h (the last hour), 19h (current), 20h (next).
    await ensureSpanPartitions(db.pool, [NOW - 2 * HOUR, NOW - HOUR, NOW, NOW + HOUR]);
    await insertSpans(db, Date.UTC(2026, 10, 21, 17), 20_000);
    await insertSpans(db, Date.UTC(2026, 10, 21, 18), 500);
    await insertSpans(db, Date.UTC(2026, 10, 21, 19), 500);
    await db.pool.query("VACUUM ANALYZE spans");
  });

  it("rebuilds the indexes of closed partitions only, newest first, shrinking them, and marks them", async () => {
    const before = await snapshot(db);
    const indexesBefore = await indexesOf(db, "spans_p2026112117");
    const log: string[] = [];

    // At 19:10 the 18h partition closed only 10 minutes ago: only 17h qualifies.
    const early = await compactClosedPartitions(db.pool, {
      nowMs: Date.UTC(2026, 10, 21, 19, 10),
      max: 5,
      log: (msg) => log.push(msg),
    });
    expect(early.compacted.map((p) => p.name)).toEqual(["spans_p2026112117"]);
    expect(early.droppedInvalidIndexes).toEqual([]);
    expect(log).toEqual([expect.stringMatching(/^compacted spans_p2026112117: indexes \d+ → \d+ bytes in \d+ ms$/)]);

    const indexesAfter = await indexesOf(db, "spans_p2026112117");
    // Same three indexes (renamed back by the swap), valid, still attached to the parent's,
    // now packed full.
    expect(indexesBefore.map((i) => i.options)).toEqual([null, null, null]);
    expect(indexesAfter.map(({ name, valid, attached, options }) => ({ name, valid, attached, options }))).toEqual(
      indexesBefore.map(({ name }) => ({ name, valid: true, attached: true, options: [`fillfactor=${CLOSED_FILLFACTOR}`] })),
    );
    for (const [i, index] of indexesAfter.entries()) {
      // Each index really shrank (random-insert pkey ~70 % full, service/time index ~50 %).
      expect(index.bytes, index.name).toBeLessThanOrEqual(indexesBefore[i].bytes * 0.8);
    }
    const { indexBytesBefore, indexBytesAfter } = early.compacted[0];
    expect(indexBytesBefore).toBe(indexesBefore.reduce((sum, i) => sum + i.bytes, 0));
    expect(indexBytesAfter).toBe(indexesAfter.reduce((sum, i) => sum + i.bytes, 0));
    expect(await comment(db, "spans_p2026112117")).toBe(COMPACTED_MARK);

    // At 19:25 (closed more than 15 min ago) the 18h partition follows; the current hour
    // (19h) and the next one never qualify.
    const later = await compactClosedPartitions(db.pool, { nowMs: NOW });
    expect(later.compacted.map((p) => p.name)).toEqual(["spans_p2026112118"]);
    expect(await comment(db, "spans_p2026112118")).toBe(COMPACTED_MARK);
    expect(await comment(db, "spans_p2026112119")).toBeNull();
    expect(await comment(db, "spans_p2026112120")).toBeNull();

    // Nothing left to do: a second pass changes nothing.
    expect(await compactClosedPartitions(db.pool, { nowMs: NOW })).toEqual({ compacted: [], droppedInvalidIndexes: [] });
    expect((await indexesOf(db, "spans_p2026112117")).map((i) => i.bytes)).toEqual(indexesAfter.map((i) => i.bytes));

    // Rows and query results are unchanged, and the partition still takes writes.
    const after = await snapshot(db);
    expect(after).toEqual(before);
    expect(before.latest).toHaveLength(50);
    expect(before.trace.length).toBeGreaterThan(0);
    await expect(
      db.pool.query(
        "INSERT INTO spans SELECT * FROM spans WHERE start_time >= '2026-11-21 17:00Z' AND start_time < '2026-11-21 18:00Z' LIMIT 1",
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
  });

  it("newest closed partitions first, at most `max` per call", async () => {
    const other = await freshDb();
    await ensureSpanPartitions(other.pool, [NOW - 5 * HOUR, NOW - 4 * HOUR, NOW - 3 * HOUR, NOW]);
    const first = await compactClosedPartitions(other.pool, { nowMs: NOW, max: 2 });
    expect(first.compacted.map((p) => p.name)).toEqual(["spans_p2026112116", "spans_p2026112115"]);
    const second = await compactClosedPartitions(other.pool, { nowMs: NOW, max: 2 });
    expect(second.compacted.map((p) => p.name)).toEqual(["spans_p2026112114"]);
  });

  it("drops invalid indexes left by an interrupted rebuild before retrying, and skips partitions retention is dropping", async () => {
    const other = await freshDb();
    await ensureSpanPartitions(other.pool, [NOW - 3 * HOUR, NOW - 2 * HOUR]);
    await insertSpans(other, Date.UTC(2026, 10, 21, 17), 1000);
    // A concurrent build that fails (duplicate keys) leaves an invalid index behind, as an
    // interrupted REINDEX CONCURRENTLY leaves its `_ccnew` one.
    await expect(
      other.pool.query("CREATE UNIQUE INDEX CONCURRENTLY spans_p2026112117_pkey_ccnew ON spans_p2026112117 (service_name)"),
    ).rejects.toThrow(/could not create unique index/);
    expect((await indexesOf(other, "spans_p2026112117")).map(({ name, valid }) => ({ name, valid }))).toEqual([
      { name: "spans_p2026112117_pkey", valid: true },
      { name: "spans_p2026112117_pkey_ccnew", valid: false },
      { name: "spans_p2026112117_service_name_start_time_idx", valid: true },
      { name: "spans_p2026112117_service_name_start_time_trace_id_duration_idx", valid: true },
    ]);
    // Retention marked 16h for dropping (its DETACH has not happened yet).
    await other.pool.query(`COMMENT ON TABLE spans_p2026112116 IS '${RETENTION_DROP_MARK}'`);

    const result = await compactClosedPartitions(other.pool, { nowMs: NOW + 30 * MINUTE });
    expect(result).toEqual({
      compacted: [expect.objectContaining({ name: "spans_p2026112117" })],
      droppedInvalidIndexes: ["spans_p2026112117_pkey_ccnew"],
    });
    expect((await indexesOf(other, "spans_p2026112117")).map(({ name, valid, attached }) => ({ name, valid, attached }))).toEqual(
      [
        { name: "spans_p2026112117_pkey", valid: true, attached: true },
        { name: "spans_p2026112117_service_name_start_time_idx", valid: true, attached: true },
        { name: "spans_p2026112117_service_name_start_time_trace_id_duration_idx", valid: true, attached: true },
      ],
    );
    expect(await comment(other, "spans_p2026112116")).toBe(RETENTION_DROP_MARK);
    const { rows } = await other.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans");
    expect(rows[0].n).toBe(1000);
  });

  it("does nothing while another process holds the compaction lock", async () => {
    const other = await freshDb();
    await ensureSpanPartitions(other.pool, [NOW - 2 * HOUR]);
    const holder = await other.pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1, hashtext($2))", [PARTITION_LOCK_KEY, `compact:${other.schema}.spans`]);
      expect(await compactClosedPartitions(other.pool, { nowMs: NOW })).toEqual({ compacted: [], droppedInvalidIndexes: [] });
    } finally {
      await holder.query("SELECT pg_advisory_unlock_all()");
      holder.release();
    }
    expect((await compactClosedPartitions(other.pool, { nowMs: NOW })).compacted.map((p) => p.name)).toEqual([
      "spans_p2026112117",
    ]);
  });
});
