/**
 * A service's operations (span name + span kind) over a window, from service_minute_stats
 * (and its 5-minute and quarter-hour sums for the sealed periods wholly inside the window;
 * rollup-window-ranges):
 * calls, errors, rate, error percentage and p50/p95/p99 each, all computed in PostgreSQL.
 * Every span kind is included (the table says which), so a client-only service still lists
 * what it does. Only the busiest `limit` operations get their histograms merged: a service
 * that puts ids into span names can have thousands, and the table shows the top ones.
 */
import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { SpanKind } from "@/lib/otlp/model";
import { type QuantileColumns, queryRollupWindow, quantileBucketsSql, quantilesFromBuckets } from "./histogram-quantile-sql";
import { SERVICE_STATS } from "@/lib/rollups/rollup-levels";
import { rollupRowsSql } from "./rollup-window-ranges";
import { toServiceWindow, windowRateDivisorMs } from "@/lib/service-detail/service-window";

export const DEFAULT_OPERATIONS_LIMIT = 200;

export type GetServiceOperationsInput = {
  service: string;
  fromMs: number;
  toMs: number;
  limit?: number;
};

export type ServiceOperation = {
  operation: string;
  spanKind: SpanKind;
  calls: number;
  errors: number;
  /** Calls per second over the window. */
  ratePerS: number;
  /** 100 × errors / calls. */
  errorPct: number;
  /** µs. */
  p50Us: number;
  p95Us: number;
  p99Us: number;
};

export type ServiceOperations = {
  service: string;
  fromMs: number;
  toMs: number;
  /** Busiest first (then by name and kind). */
  operations: ServiceOperation[];
  /** Operations with calls in the window, of which `operations` is the top `limit`. */
  totalOperations: number;
};

type OperationRow = QuantileColumns & {
  operation: string;
  span_kind: SpanKind;
  calls: string;
  errors: string;
  rate_per_s: number;
  error_pct: number;
  total_operations: string;
};

// $1 service, $2 rate divisor ms, $3 limit; then the ranges' bounds (rollupRowsSql).
const operationsSql = (rows: string) => `
  WITH window_rows AS (
    ${rows}
  ), totals AS (
    SELECT operation, span_kind, sum(calls) AS calls, sum(errors) AS errors, count(*) OVER () AS total_operations
      FROM window_rows
     GROUP BY operation, span_kind
    HAVING sum(calls) > 0
     ORDER BY sum(calls) DESC, operation COLLATE "C", span_kind
     LIMIT $3
  ), merged AS (
    SELECT operation, span_kind, b, sum(c)::int8 AS c
      FROM (SELECT w.operation, w.span_kind, unnest(w.bucket_ids) AS b, unnest(w.bucket_counts) AS c
              FROM window_rows w JOIN totals t USING (operation, span_kind)) AS e
     GROUP BY operation, span_kind, b
  ), quantiles AS (
    ${quantileBucketsSql("operation, span_kind")}
  )
  SELECT t.operation, t.span_kind, t.calls, t.errors, t.total_operations,
         (t.calls * 1000.0 / $2::int8)::float8 AS rate_per_s,
         (100.0 * t.errors / t.calls)::float8 AS error_pct,
         q.p50_us, q.p95_us, q.p99_us
    FROM totals t JOIN quantiles q USING (operation, span_kind)
   ORDER BY t.calls DESC, t.operation COLLATE "C", t.span_kind`;

export async function getServiceOperations(
  input: GetServiceOperationsInput,
  pool: pg.Pool = getPool(),
): Promise<ServiceOperations> {
  const window = toServiceWindow(input.fromMs, input.toMs);
  const { rows } = await queryRollupWindow<OperationRow>(pool, window, undefined, (parts) => {
    const params: unknown[] = [input.service, windowRateDivisorMs(window), input.limit ?? DEFAULT_OPERATIONS_LIMIT];
    const windowRows = rollupRowsSql(
      SERVICE_STATS,
      parts,
      "operation, span_kind, calls, errors, bucket_ids, bucket_counts",
      "service_name = $1",
      params,
    );
    return { sql: operationsSql(windowRows), params };
  });
  return {
    service: input.service,
    fromMs: window.fromMinuteMs,
    toMs: window.toMs,
    operations: rows.map((row) => ({
      operation: row.operation,
      spanKind: row.span_kind,
      calls: Number(row.calls),
      errors: Number(row.errors),
      ratePerS: row.rate_per_s,
      errorPct: row.error_pct,
      ...quantilesFromBuckets(row),
    })),
    totalOperations: rows.length === 0 ? 0 : Number(rows[0].total_operations),
  };
}
