/**
 * A service's RED metrics over time — request rate, error rate and p50/p95/p99 latency per
 * time bucket — from the per-minute rollups (never raw spans): service_minute_totals for the
 * whole service (one merged histogram per minute, whatever the number of operations), or
 * service_minute_stats for one operation. Everything is aggregated in PostgreSQL: the
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
import { type QuantileBucketColumns, queryRollups, quantileBucketsSql, quantilesFromBuckets } from "./histogram-quantile-sql";
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

type BucketRow = QuantileBucketColumns & {
  start_ms: string;
  calls: string;
  errors: string;
  rate_per_s: number;
  error_pct: number;
};

const MINUTE_MS = 60_000;

// $1 service, $2/$3 the window's whole minutes, $4 kinds, $5 bucket ms, $6 window start ms,
// $7 window end ms (rates), $8 minimum rate divisor ms, [$9 operation].
const seriesSql = (table: string, operationFilter: string) => `
  WITH window_rows AS (
    -- int8 arithmetic: extract() is numeric, and numeric division per row was measurably slower.
    SELECT (extract(epoch FROM minute)::int8 * 1000 / $5::int8) * $5::int8 AS start_ms,
           calls, errors, bucket_ids, bucket_counts
      FROM ${table}
     WHERE service_name = $1 AND minute >= $2 AND minute < $3 AND span_kind = ANY($4::int2[]) ${operationFilter}
  ), totals AS (
    SELECT start_ms, sum(calls) AS calls, sum(errors) AS errors FROM window_rows GROUP BY start_ms
  ), merged AS (
    -- Two unnests in the select list (zipped) run about twice as fast as unnest(a, b) in FROM.
    SELECT start_ms, b, sum(c)::int8 AS c
      FROM (SELECT start_ms, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM window_rows) AS e
     GROUP BY start_ms, b
  ), quantiles AS (
    ${quantileBucketsSql("start_ms")}
  )
  SELECT t.start_ms, t.calls, t.errors,
         (t.calls * 1000.0 / greatest($8::int8, least(t.start_ms + $5::int8, $7::int8) - greatest(t.start_ms, $6::int8)))::float8
           AS rate_per_s,
         (100.0 * t.errors / t.calls)::float8 AS error_pct,
         q.b50, q.b95, q.b99
    FROM totals t JOIN quantiles q USING (start_ms)
   WHERE t.calls > 0
   ORDER BY t.start_ms`;

export async function getServiceSeries(input: GetServiceSeriesInput, pool: pg.Pool = getPool()): Promise<ServiceSeries> {
  if (!Number.isInteger(input.bucketMs / MINUTE_MS) || input.bucketMs <= 0) {
    throw new Error(`bucketMs must be a positive whole number of minutes, got ${input.bucketMs}`);
  }
  const window = toServiceWindow(input.fromMs, input.toMs);
  const spanKinds = [...(input.spanKinds ?? SERVING_SPAN_KINDS)];
  const operation = input.operation ?? null;
  const params: unknown[] = [
    input.service,
    new Date(window.fromMinuteMs).toISOString(),
    new Date(window.toMinuteMs).toISOString(),
    spanKinds,
    input.bucketMs,
    window.fromMinuteMs,
    window.toMs,
    MIN_RATE_DIVISOR_MS,
  ];
  // The service's own totals unless one operation is asked for (a 24 h window then merges
  // 1,440 histograms instead of one per operation and minute).
  const sql =
    operation === null ? seriesSql("service_minute_totals", "") : seriesSql("service_minute_stats", "AND operation = $9");
  if (operation !== null) params.push(operation);
  const { rows } = await queryRollups<BucketRow>(pool, sql, params);
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
