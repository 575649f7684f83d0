/**
 * Compaction of closed span partitions: once an hour is over, its partition gets (almost) no
 * more inserts, so rebuilding its indexes packs them for good — to fillfactor 100, set on the
 * partition's indexes first: the default 90 % leaves room for inserts that will not come
 * (a late span splits a full page, which costs one page, not the hour's 10 %).
 * While the hour is live, the primary key (trace_id, span_id, start_time) takes random inserts
 * and settles near 70 % page fill, and (service_name, start_time DESC) near 50 % (new entries
 * go to the start of each service's key range, so every split leaves a half-empty page).
 *
 * `REINDEX TABLE CONCURRENTLY` builds new indexes beside the old ones and swaps them, taking
 * only SHARE UPDATE EXCLUSIVE on the partition: reads and writes go on. It cannot run in a
 * transaction block (one dedicated connection, autocommit). If it fails half way it leaves
 * invalid indexes (`…_ccnew`, or `…_ccold` after the swap) that cost space and slow inserts;
 * they are dropped before the partition is tried again.
 *
 * A compacted partition is marked with a table comment (COMPACTED_MARK), which survives
 * restarts and is visible to every process. Retention overwrites it with its own mark when it
 * drops the partition, and such partitions (and detach-pending ones) are never compacted.
 */
import type pg from "pg";
import { PARTITION_LOCK_KEY, RETENTION_DROP_MARK, parsePartitionName } from "@/lib/db/partitions";
import { quoteIdent } from "@/lib/db/pool";

/** Comment put on a span partition whose indexes were rebuilt after its hour closed. */
export const COMPACTED_MARK = "breakwater: compacted";

const HOUR_MS = 3_600_000;

/** btree fillfactor of a closed partition's indexes (packed full: no more inserts expected). */
export const CLOSED_FILLFACTOR = 100;

export type CompactOptions = {
  nowMs?: number;
  /** A partition is closed once its range ended this long ago (late spans still trickle in before). */
  closedAfterMs?: number;
  /** At most this many partitions per call (each rebuild reads the whole partition). */
  max?: number;
  log?: (msg: string) => void;
};

export type CompactedPartition = { name: string; indexBytesBefore: number; indexBytesAfter: number };

export type CompactResult = {
  compacted: CompactedPartition[];
  /** Invalid indexes left by an interrupted rebuild, dropped before retrying. */
  droppedInvalidIndexes: string[];
};

/**
 * Rebuilds the indexes of up to `max` closed, not yet compacted span partitions and marks them.
 * Newest closed hour first: the storage cap and retention drop the oldest partitions first, so
 * work spent on them is the first to be thrown away, while a newly closed hour keeps its saving
 * for the whole retention; and after a first deploy with a backlog, each new hour is compacted
 * as soon as it closes instead of waiting behind the backlog. If another process is compacting
 * the same schema's spans, this call does nothing.
 */
export async function compactClosedPartitions(pool: pg.Pool, opts: CompactOptions = {}): Promise<CompactResult> {
  const nowMs = opts.nowMs ?? Date.now();
  const closedAfterMs = opts.closedAfterMs ?? 15 * 60_000;
  const max = opts.max ?? 2;
  const result: CompactResult = { compacted: [], droppedInvalidIndexes: [] };
  if (max <= 0) return result;

  const client = await pool.connect();
  let failed: Error | undefined;
  let lockKey: string | undefined;
  try {
    const { rows: parents } = await client.query<{ oid: string; schema: string }>(
      `SELECT c.oid::int8 AS oid, n.nspname AS schema
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = to_regclass('spans') AND c.relkind = 'p'`,
    );
    if (parents.length === 0) return result;
    const parent = { oid: Number(parents[0].oid), schema: parents[0].schema };

    const key = `compact:${parent.schema}.spans`;
    const { rows: locked } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [
      PARTITION_LOCK_KEY,
      key,
    ]);
    if (!locked[0].locked) return result;
    lockKey = key;

    // A rebuild waits for every transaction that uses the partition (and for old snapshots);
    // bound it so a stuck session cannot hold maintenance forever, but not so tightly that a
    // long dashboard query makes every pass fail (an interrupted rebuild is cleaned up next time).
    await client.query("SET lock_timeout = '1min'; SET statement_timeout = '30min'");

    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::oid AND NOT i.inhdetachpending
          AND obj_description(c.oid, 'pg_class') IS DISTINCT FROM $2
          AND obj_description(c.oid, 'pg_class') IS DISTINCT FROM $3`,
      [parent.oid, COMPACTED_MARK, RETENTION_DROP_MARK],
    );
    const candidates = rows
      .map((row) => ({ name: row.name, startMs: parsePartitionName("spans", "hour", row.name) }))
      .filter(
        (p): p is { name: string; startMs: number } => p.startMs !== undefined && p.startMs + HOUR_MS <= nowMs - closedAfterMs,
      )
      .sort((a, b) => b.startMs - a.startMs)
      .slice(0, max);

    for (const { name } of candidates) {
      const qualified = `${quoteIdent(parent.schema)}.${quoteIdent(name)}`;
      // Retention (maybe in another process) may have marked or detached it since the listing.
      if (!(await isStillCandidate(client, parent.oid, qualified))) continue;
      result.droppedInvalidIndexes.push(...(await dropInvalidIndexes(client, parent.schema, name)));
      const indexBytesBefore = await indexBytes(client, qualified);
      // SHARE UPDATE EXCLUSIVE on the index only; REINDEX CONCURRENTLY keeps the option.
      for (const index of await listIndexes(client, parent.schema, name)) {
        await client.query(
          `ALTER INDEX ${quoteIdent(parent.schema)}.${quoteIdent(index)} SET (fillfactor = ${CLOSED_FILLFACTOR})`,
        );
      }
      const started = performance.now();
      await client.query(`REINDEX TABLE CONCURRENTLY ${qualified}`);
      // Only after a complete rebuild; COMMENT takes SHARE UPDATE EXCLUSIVE (reads and writes go on).
      await client.query(`COMMENT ON TABLE ${qualified} IS '${COMPACTED_MARK}'`);
      const indexBytesAfter = await indexBytes(client, qualified);
      result.compacted.push({ name, indexBytesBefore, indexBytesAfter });
      opts.log?.(
        `compacted ${name}: indexes ${indexBytesBefore} → ${indexBytesAfter} bytes in ${Math.round(performance.now() - started)} ms`,
      );
    }
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    if (!failed) {
      await client
        .query("RESET lock_timeout; RESET statement_timeout")
        .then(() =>
          lockKey === undefined
            ? undefined
            : client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [PARTITION_LOCK_KEY, lockKey]),
        )
        .catch((error: Error) => (failed = error));
    }
    // A connection released with an error is destroyed, which also ends its advisory lock.
    client.release(failed);
  }
  return result;
}

async function isStillCandidate(client: pg.PoolClient, parentOid: number, qualified: string): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_inherits i
      WHERE i.inhrelid = to_regclass($1) AND i.inhparent = $2::oid AND NOT i.inhdetachpending
        AND obj_description(i.inhrelid, 'pg_class') IS DISTINCT FROM $3
        AND obj_description(i.inhrelid, 'pg_class') IS DISTINCT FROM $4`,
    [qualified, parentOid, COMPACTED_MARK, RETENTION_DROP_MARK],
  );
  return rows.length > 0;
}

async function indexBytes(client: pg.PoolClient, qualified: string): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>("SELECT pg_indexes_size($1::regclass) AS bytes", [qualified]);
  return Number(rows[0].bytes);
}

async function listIndexes(client: pg.PoolClient, schema: string, partition: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT ic.relname AS name
       FROM pg_index x
       JOIN pg_class ic ON ic.oid = x.indexrelid
       JOIN pg_class tc ON tc.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = tc.relnamespace
      WHERE n.nspname = $1 AND tc.relname = $2
      ORDER BY ic.relname`,
    [schema, partition],
  );
  return rows.map((row) => row.name);
}

/** Drops the invalid indexes of a partition (leftovers of an interrupted concurrent rebuild). */
async function dropInvalidIndexes(client: pg.PoolClient, schema: string, partition: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT ic.relname AS name
       FROM pg_index x
       JOIN pg_class ic ON ic.oid = x.indexrelid
       JOIN pg_class tc ON tc.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = tc.relnamespace
      WHERE n.nspname = $1 AND tc.relname = $2 AND NOT x.indisvalid
      ORDER BY ic.relname`,
    [schema, partition],
  );
  for (const { name } of rows) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(schema)}.${quoteIdent(name)}`);
  return rows.map((row) => row.name);
}
