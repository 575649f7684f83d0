/**
 * p50/p95/p99 of many rollup histograms at once, one set per group (time bucket, operation,
 * edge, node), for the service detail and topology queries.
 *
 * The rule is rollup_histogram_quantiles' (migration 20261121140000_rollups): nearest rank,
 * as percentile_disc — the bucket holding rank max(1, ceil(q × n)) — reported as that
 * bucket's representative value. Calling that function once per group costs a fresh
 * executor run each (≈ 0.35 ms here): a 24 h chart of 96 buckets spent 60 % of its time
 * there. Here one sort and one running sum over every group's merged buckets finds all the
 * quantile buckets in a single pass (24 h: ≈ 42 ms → 68 ms with the function per bucket, on
 * the same loaded machine), and reports each chosen bucket's value (µs) with the function's
 * own expression, so percentiles leave the database as values. get-service-detail.integration
 * .test checks the two give the same values.
 */
import type pg from "pg";
import { type RollupPart, SEALED_UNTIL_SQL, mayUseCoarseRows, splitRollupWindow } from "./rollup-window-ranges";

/**
 * SQL (a CTE body) giving `keys…, p50_us, p95_us, p99_us` per group from a CTE named
 * `merged` with columns `keys…, b, c`: histogram buckets and counts (> 0) of each group —
 * merged (one row per group and bucket id) or not (a bucket id may repeat: the rows of
 * several histograms). `keys` is a column list such as "start_ms".
 *
 * The running sums are float8 (exact for counts below 2^53) rather than numeric, and the frame
 * is ROWS: comparing numerics on every row of a 24 h merge cost about a fifth of the
 * statement. With repeated bucket ids the ROWS running sum grows within a bucket id and
 * reaches the merged running sum at its last row, so the first row reaching a rank still
 * holds the right bucket: min(b) is the same as over merged rows.
 */
export function quantileBucketsSql(keys: string): string {
  // The chosen bucket's representative value, 2γ^b/(γ+1) µs with γ = 1.04, exactly as
  // rollup_histogram_quantiles reports it: the percentile leaves the database as a value.
  const value = (q: number) => `2 * power(1.04::float8, min(b) FILTER (WHERE running >= greatest(1, ceil(${q} * total)))) / 2.04`;
  return `SELECT ${keys},
           ${value(0.5)} AS p50_us,
           ${value(0.95)} AS p95_us,
           ${value(0.99)} AS p99_us
      FROM (SELECT ${keys}, b,
                   sum(c::float8) OVER (PARTITION BY ${keys} ORDER BY b ROWS UNBOUNDED PRECEDING) AS running,
                   sum(c::float8) OVER (PARTITION BY ${keys}) AS total
              FROM merged) AS cumulative
     GROUP BY ${keys}`;
}

/** The percentile columns quantileBucketsSql adds (µs; null for a group without histogram entries). */
export type QuantileColumns = { p50_us: number | null; p95_us: number | null; p99_us: number | null };

/** The percentiles of a row (0 for a group without histogram entries, which a group with calls never is). */
export function quantilesFromBuckets(row: QuantileColumns): { p50Us: number; p95Us: number; p99Us: number } {
  return { p50Us: row.p50_us ?? 0, p95Us: row.p95_us ?? 0, p99Us: row.p99_us ?? 0 };
}

/**
 * Planner and executor settings for these reads, local to their transaction. The merge step
 * unnests every minute histogram of the window (~100k rows for a service over 24 h); when
 * PostgreSQL underestimates how many minute rows match (it guessed 7 for one operation in
 * bench:query), it sorts those rows instead of hashing them, and at the default 4 MB the sort
 * spilled to disk. 16 MB keeps a 24 h merge in memory.
 */
const ROLLUP_READ_SETTINGS = "SET LOCAL work_mem = '16MB'";

/** Runs one rollup read in a read-only transaction with ROLLUP_READ_SETTINGS. */
export async function queryRollups<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return inRollupReadTransaction(pool, false, (client) => client.query<R>(sql, params));
}

/**
 * Runs one rollup read of a window of whole minutes, built by `build` from the window's
 * split between minute and coarse rows (rollup-window-ranges), in a read-only transaction
 * with ROLLUP_READ_SETTINGS. When coarse rows could serve part of the window,
 * rollup_progress.sealed_until is read in the same round trip as BEGIN. Reading it before
 * the rows is safe: it only moves forward, and the coarse rows of a sealed period are only
 * ever replaced by a recomputation from the minute rows.
 */
export async function queryRollupWindow<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  window: { fromMinuteMs: number; toMinuteMs: number },
  bucketMs: number | undefined,
  build: (parts: RollupPart[]) => { sql: string; params: unknown[] },
): Promise<pg.QueryResult<R>> {
  const mayUseCoarse = mayUseCoarseRows(window.fromMinuteMs, window.toMinuteMs, bucketMs);
  return inRollupReadTransaction(pool, mayUseCoarse, async (client, sealedUntilMs) => {
    const { sql, params } = build(splitRollupWindow(window.fromMinuteMs, window.toMinuteMs, sealedUntilMs, bucketMs));
    return client.query<R>(sql, params);
  });
}

async function inRollupReadTransaction<T>(
  pool: pg.Pool,
  readSealedUntil: boolean,
  run: (client: pg.PoolClient, sealedUntilMs: number | null) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const begin = `BEGIN READ ONLY; ${ROLLUP_READ_SETTINGS}`;
    try {
      let sealedUntilMs: number | null = null;
      if (readSealedUntil) {
        // Several statements in one simple query: pg answers with one result per statement.
        const results = (await client.query(`${begin}; ${SEALED_UNTIL_SQL}`)) as unknown as pg.QueryResult<{
          sealed_until_ms: string;
        }>[];
        const row = results[results.length - 1].rows[0];
        sealedUntilMs = row === undefined ? null : Number(row.sealed_until_ms);
      } else {
        await client.query(begin);
      }
      const result = await run(client, sealedUntilMs);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    // A connection that could not roll back is destroyed rather than reused mid-transaction.
    client.release(broken);
  }
}
