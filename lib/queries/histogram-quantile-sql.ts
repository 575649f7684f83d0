/**
 * p50/p95/p99 of many rollup histograms at once, one set per group (time bucket, operation,
 * edge), for the service detail queries.
 *
 * The rule is rollup_histogram_quantiles' (migration 20261121140000_rollups): nearest rank,
 * as percentile_disc — the bucket holding rank max(1, ceil(q × n)) — reported as that
 * bucket's representative value. Calling that function once per group costs a fresh
 * executor run each (≈ 0.35 ms here): a 24 h chart of 96 buckets spent 60 % of its time
 * there. Here one sort and one running sum over every group's merged buckets finds all the
 * quantile buckets in a single pass (24 h: ≈ 42 ms → 68 ms with the function per bucket, on
 * the same loaded machine), and bucketRepresentativeMicros turns the chosen bucket id into
 * µs from the same γ the writer bins with. get-service-detail.integration.test checks the
 * two give the same values.
 */
import type pg from "pg";
import { bucketRepresentativeMicros } from "@/lib/rollups/log-histogram";

/**
 * SQL (a CTE body) giving `keys…, b50, b95, b99` (bucket ids) per group from a CTE named
 * `merged` with columns `keys…, b, c`: one row per group and histogram bucket (bucket ids
 * unique within a group, counts > 0). `keys` is a column list such as "start_ms".
 *
 * The running sums are float8 (exact for counts below 2^53) rather than numeric, and the frame
 * is ROWS (bucket ids are unique in a group, so it equals the default RANGE frame): comparing
 * numerics on every row of a 24 h merge cost about a fifth of the statement.
 */
export function quantileBucketsSql(keys: string): string {
  return `SELECT ${keys},
           min(b) FILTER (WHERE running >= greatest(1, ceil(0.5 * total))) AS b50,
           min(b) FILTER (WHERE running >= greatest(1, ceil(0.95 * total))) AS b95,
           min(b) FILTER (WHERE running >= greatest(1, ceil(0.99 * total))) AS b99
      FROM (SELECT ${keys}, b,
                   sum(c::float8) OVER (PARTITION BY ${keys} ORDER BY b ROWS UNBOUNDED PRECEDING) AS running,
                   sum(c::float8) OVER (PARTITION BY ${keys}) AS total
              FROM merged) AS cumulative
     GROUP BY ${keys}`;
}

export type QuantileBucketColumns = { b50: number | null; b95: number | null; b99: number | null };

/** µs values of the chosen buckets (0 for a group without histogram entries, which a group with calls never is). */
export function quantilesFromBuckets(row: QuantileBucketColumns): { p50Us: number; p95Us: number; p99Us: number } {
  const value = (bucket: number | null) => (bucket === null ? 0 : bucketRepresentativeMicros(bucket));
  return { p50Us: value(row.b50), p95Us: value(row.b95), p99Us: value(row.b99) };
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
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN READ ONLY; ${ROLLUP_READ_SETTINGS}`);
    try {
      const result = await client.query<R>(sql, params);
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
