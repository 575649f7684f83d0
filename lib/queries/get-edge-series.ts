/**
 * One edge's calls over time — per bucket: calls, errors, rate, error rate and p50/p95/p99 —
 * from edge_minute_stats (never raw spans), as the caller's CLIENT spans saw them. Without a
 * caller, every call to the callee (a virtual node's traffic: the database as its callers
 * saw it). Virtual and real rows of a pair are added, as get-topology merges them.
 *
 * Everything is computed in PostgreSQL: sums, rates (calls over the part of the bucket inside
 * the covered window, so the live bucket is not under-counted), error rates and the histogram
 * bucket holding each percentile of every time bucket's merged histogram, in one window pass
 * (quantileBucketsSql: rollup_histogram_quantiles' rule without a function call per time
 * bucket). Buckets are
 * aligned to multiples of `bucketMs` since the epoch (listBucketStarts), so they stay put
 * while a live window slides; empty ones are filled with zero calls (fillSeries).
 */
import type pg from "pg";
import { z } from "zod";
import { getPool } from "@/lib/db/pool";
import type { SeriesResponse } from "@/lib/query-client/topology-schemas";
import { fillSeries } from "@/lib/topology/fill-series";
import { resolveRollupWindow } from "@/lib/topology/rollup-window";
import { listBucketStarts } from "@/lib/ui/time-range";
import { quantileBucketsSql } from "./histogram-quantile-sql";
import { toTrafficStats, type TrafficStatsRow } from "./traffic-stats-row";

const MINUTE_MS = 60_000;
/** A bucket's rate never divides by less than a second (the first instants of a live bucket). */
const MIN_RATE_DIVISOR_MS = 1_000;

export const edgeSeriesInputSchema = z.object({
  /** The caller service; absent: every caller of the callee. */
  caller: z.string().min(1).optional(),
  callee: z.string().min(1),
  fromMs: z.number().finite(),
  toMs: z.number().finite(),
  /** A positive whole number of minutes (chooseBucketMs). */
  bucketMs: z
    .number()
    .int()
    .positive()
    .refine((ms) => ms % MINUTE_MS === 0, "bucketMs must be a whole number of minutes"),
  nowMs: z.number().finite().optional(),
});
export type EdgeSeriesInput = z.input<typeof edgeSeriesInputSchema>;

// $1 callee, $2 caller or NULL, $3/$4 the window's minutes, $5 bucket ms, $6 window start ms,
// $7 covered end ms, $8 minimum rate divisor ms.
const EDGE_SERIES_SQL = `
  WITH window_rows AS (
    SELECT (floor(extract(epoch FROM minute) * 1000 / $5::int8) * $5::int8)::int8 AS start_ms,
           calls, errors, bucket_ids, bucket_counts
      FROM edge_minute_stats
     WHERE callee = $1 AND ($2::text IS NULL OR caller_service = $2) AND minute >= $3 AND minute < $4
  ), t AS (
    SELECT start_ms, sum(calls) AS calls, sum(errors) AS errors FROM window_rows GROUP BY start_ms
  ), merged AS MATERIALIZED (
    -- Hashed before the window pass sorts it (see get-topology).
    SELECT start_ms, b, sum(c)::int8 AS c
      FROM (SELECT start_ms, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM window_rows) AS e
     GROUP BY start_ms, b
  ), q AS (${quantileBucketsSql("start_ms")})
  SELECT t.start_ms, t.calls, t.errors,
         (t.calls * 1000.0 / greatest($8::int8, least(t.start_ms + $5::int8, $7::int8) - greatest(t.start_ms, $6::int8)))::float8
           AS rps,
         CASE WHEN t.calls > 0 THEN t.errors::float8 / t.calls END AS error_rate,
         q.p50_us, q.p95_us, q.p99_us
    FROM t LEFT JOIN q USING (start_ms)
   WHERE t.calls > 0
   ORDER BY t.start_ms`;

export async function getEdgeSeries(input: EdgeSeriesInput, pool: pg.Pool = getPool()): Promise<SeriesResponse> {
  const { caller, callee, fromMs, toMs, bucketMs, nowMs } = edgeSeriesInputSchema.parse(input);
  const window = resolveRollupWindow(fromMs, toMs, nowMs ?? Date.now());
  const { rows } = await pool.query<TrafficStatsRow & { start_ms: string }>(EDGE_SERIES_SQL, [
    callee,
    caller ?? null,
    new Date(window.fromMinuteMs),
    new Date(window.toMinuteMs),
    bucketMs,
    window.fromMinuteMs,
    window.coveredToMs,
    MIN_RATE_DIVISOR_MS,
  ]);
  const points = rows.map((row) => ({ startMs: Number(row.start_ms), ...toTrafficStats(row) }));
  return {
    fromMs: window.fromMinuteMs,
    toMs: window.coveredToMs,
    bucketMs,
    points: fillSeries(points, listBucketStarts(window.fromMinuteMs, window.coveredToMs, bucketMs)),
  };
}
