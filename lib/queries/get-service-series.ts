/**
 * A service's RED metrics over time — request rate, error rate and p50/p95/p99 latency per
 * time bucket — from the rollups (never raw spans): service_minute_totals for the whole
 * service (one merged histogram per minute, whatever the number of operations), or
 * service_minute_stats for one operation; and their 5-minute and quarter-hour sums for the
 * sealed periods that fit the bucket (rollup-window-ranges: the same results from a fifth or
 * a fifteenth of the rows). Everything is aggregated in PostgreSQL: the
 * buckets' sums, rates and error percentages, and the percentiles from each bucket's merged
 * histogram (nearest rank, within 1.96 % of the exact value; see histogram-quantile-sql).
 *
 * Buckets are aligned to multiples of `bucketMs` since the epoch (as listBucketStarts in
 * lib/ui/time-range), so they stay put while a live window slides. Only buckets with calls
 * are returned; fillSeriesGaps (lib/service-detail) adds the empty ones.
 */
import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { SPAN_KIND, type SpanKind } from "@/lib/otlp/model";
import { type QuantileColumns, queryRollupWindow, quantileBucketsSql, quantilesFromBuckets } from "./histogram-quantile-sql";
import { SERVICE_STATS, SERVICE_TOTALS } from "@/lib/rollups/rollup-levels";
import { rollupRowsSql, rowsPerBucket } from "./rollup-window-ranges";
import { MIN_RATE_DIVISOR_MS, toServiceWindow } from "@/lib/service-detail/service-window";

/** Span kinds that serve requests: what "the service's traffic" means when no kind is given. */
export const SERVING_SPAN_KINDS: readonly SpanKind[] = [SPAN_KIND.SERVER, SPAN_KIND.CONSUMER];

export type GetServiceSeriesInput = {
  service: string;
  fromMs: number;
  toMs: number;
  /** A whole number of minutes (chooseBucketMs). */
  bucketMs: number;
  /** Only this operation (span name). */
  operation?: string;
  /** Span kinds counted; default SERVING_SPAN_KINDS. */
  spanKinds?: readonly SpanKind[];
};

export type ServiceSeriesBucket = {
  /** Bucket start, epoch ms (a multiple of bucketMs). */
  startMs: number;
  calls: number;
  errors: number;
  /** Calls per second over the part of the bucket inside the window (the live edge included). */
  ratePerS: number;
  /** 100 × errors / calls. */
  errorPct: number;
  /** Latency percentiles, µs. */
  p50Us: number;
  p95Us: number;
  p99Us: number;
};

export type ServiceSeries = {
  service: string;
  operation: string | null;
  spanKinds: SpanKind[];
  /** The window read: the first whole minute, and the window's end (epoch ms). */
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** Buckets with at least one call, oldest first. */
  buckets: ServiceSeriesBucket[];
};

type BucketRow = QuantileColumns & {
  start_ms: string;
  calls: string;
  errors: string;
  rate_per_s: number;
  error_pct: number;
};

const MINUTE_MS = 60_000;

// $1 service, $2 kinds, $3 bucket ms, $4 window start ms, $5 window end ms (rates), $6 minimum
// rate divisor ms, [$7 operation]; then the minute ranges' bounds (rollupRowsSql).
const seriesSql = (rows: string, merge: boolean) => `
  WITH window_rows AS (
    ${rows}
  ), totals AS (
    SELECT start_ms, sum(calls) AS calls, sum(errors) AS errors FROM window_rows GROUP BY start_ms
  ), merged AS (
    -- Two unnests in the select list (zipped) run about twice as fast as unnest(a, b) in FROM.
    ${
      merge
        ? `SELECT start_ms, b, sum(c)::int8 AS c
      FROM (SELECT start_ms, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM window_rows) AS e
     GROUP BY start_ms, b`
        : "SELECT start_ms, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM window_rows"
    }
  ), quantiles AS (
    ${quantileBucketsSql("start_ms")}
  )
  SELECT t.start_ms, t.calls, t.errors,
         (t.calls * 1000.0 / greatest($6::int8, least(t.start_ms + $3::int8, $5::int8) - greatest(t.start_ms, $4::int8)))::float8
           AS rate_per_s,
         (100.0 * t.errors / t.calls)::float8 AS error_pct,
         q.p50_us, q.p95_us, q.p99_us
    FROM totals t JOIN quantiles q USING (start_ms)
   WHERE t.calls > 0
   ORDER BY t.start_ms`;

// int8 arithmetic: extract() is numeric, and numeric division per row was measurably slower.
// A coarse row's "minute" is its period's start, which lies in the same bucket as its minutes.
const ROW_COLUMNS =
  "(extract(epoch FROM minute)::int8 * 1000 / $3::int8) * $3::int8 AS start_ms, calls, errors, bucket_ids, bucket_counts";

export async function getServiceSeries(input: GetServiceSeriesInput, pool: pg.Pool = getPool()): Promise<ServiceSeries> {
  if (!Number.isInteger(input.bucketMs / MINUTE_MS) || input.bucketMs <= 0) {
    throw new Error(`bucketMs must be a positive whole number of minutes, got ${input.bucketMs}`);
  }
  const window = toServiceWindow(input.fromMs, input.toMs);
  const spanKinds = [...(input.spanKinds ?? SERVING_SPAN_KINDS)];
  const operation = input.operation ?? null;
  // The service's own totals unless one operation is asked for (a 24 h window then merges
  // one histogram per minute or period instead of one per operation and minute).
  const { rows } = await queryRollupWindow<BucketRow>(pool, window, input.bucketMs, (parts) => {
    const params: unknown[] = [input.service, spanKinds, input.bucketMs, window.fromMinuteMs, window.toMs, MIN_RATE_DIVISOR_MS];
    let family = SERVICE_TOTALS;
    let where = "service_name = $1 AND span_kind = ANY($2::int2[])";
    if (operation !== null) {
      params.push(operation);
      family = SERVICE_STATS;
      where += ` AND operation = $${params.length}`;
    }
    // Mostly one row per bucket (1-minute buckets from minutes, 5-minute ones from 5-minute
    // rows, 15-minute ones from quarters): no merge step, the quantile pass sorts the rows'
    // buckets as they come (quantileBucketsSql allows repeated bucket ids). Several rows per
    // bucket: merging first leaves the sort and the window pass fewer rows.
    const merge = rowsPerBucket(parts, input.bucketMs) > 1.5;
    return { sql: seriesSql(rollupRowsSql(family, parts, ROW_COLUMNS, where, params), merge), params };
  });
  return {
    service: input.service,
    operation,
    spanKinds,
    fromMs: window.fromMinuteMs,
    toMs: window.toMs,
    bucketMs: input.bucketMs,
    buckets: rows.map((row) => ({
      startMs: Number(row.start_ms),
      calls: Number(row.calls),
      errors: Number(row.errors),
      ratePerS: row.rate_per_s,
      errorPct: row.error_pct,
      ...quantilesFromBuckets(row),
    })),
  };
}
