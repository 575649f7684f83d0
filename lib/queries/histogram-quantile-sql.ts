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
import { bucketRepresentativeMicros } from "@/lib/rollups/log-histogram";

/**
 * SQL (a CTE body) giving `keys…, b50, b95, b99` (bucket ids) per group from a CTE named
 * `merged` with columns `keys…, b, c`: one row per group and histogram bucket (bucket ids
 * unique within a group, counts > 0). `keys` is a column list such as "start_ms".
 */
export function quantileBucketsSql(keys: string): string {
  return `SELECT ${keys},
           min(b) FILTER (WHERE running >= greatest(1, ceil(0.5 * total))) AS b50,
           min(b) FILTER (WHERE running >= greatest(1, ceil(0.95 * total))) AS b95,
           min(b) FILTER (WHERE running >= greatest(1, ceil(0.99 * total))) AS b99
      FROM (SELECT ${keys}, b,
                   sum(c) OVER (PARTITION BY ${keys} ORDER BY b) AS running,
                   sum(c) OVER (PARTITION BY ${keys}) AS total
              FROM merged) AS cumulative
     GROUP BY ${keys}`;
}

export type QuantileBucketColumns = { b50: number | null; b95: number | null; b99: number | null };

/** µs values of the chosen buckets (0 for a group without histogram entries, which a group with calls never is). */
export function quantilesFromBuckets(row: QuantileBucketColumns): { p50Us: number; p95Us: number; p99Us: number } {
  const value = (bucket: number | null) => (bucket === null ? 0 : bucketRepresentativeMicros(bucket));
  return { p50Us: value(row.b50), p95Us: value(row.b95), p99Us: value(row.b99) };
}
