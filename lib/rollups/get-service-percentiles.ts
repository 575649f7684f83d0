/**
 * p50/p95/p99, calls and errors of one service (or one of its operations) over a window, from
 * the per-minute rollups (never raw spans): service_minute_totals, or service_minute_stats for
 * one operation. The window is whole minutes: [floor(from), ceil(to)) to the minute.
 * Percentiles are computed in the database (rollup_histogram_quantiles) and are within
 * 1.96 % of the exact nearest-rank values of the spans counted.
 */
import type pg from "pg";
import { z } from "zod";
import { SPAN_KIND, type SpanKind } from "@/lib/otlp/model";

const MINUTE_MS = 60_000;

export const servicePercentilesInputSchema = z.object({
  serviceName: z.string().min(1),
  fromMs: z.number().finite(),
  toMs: z.number().finite(),
  /** Span kinds counted; default the spans that serve requests (SERVER, CONSUMER). */
  spanKinds: z.array(z.number().int().min(0).max(5)).min(1).optional(),
  /** Only this operation (span name). */
  operation: z.string().optional(),
});
export type ServicePercentilesInput = z.input<typeof servicePercentilesInputSchema>;

export type ServicePercentiles = {
  calls: number;
  errors: number;
  durationSumUs: number;
  /** µs; null when there were no calls. */
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
};

export async function getServicePercentiles(
  client: pg.Pool | pg.PoolClient,
  input: ServicePercentilesInput,
): Promise<ServicePercentiles> {
  const { serviceName, fromMs, toMs, spanKinds, operation } = servicePercentilesInputSchema.parse(input);
  const kinds: SpanKind[] = (spanKinds as SpanKind[] | undefined) ?? [SPAN_KIND.SERVER, SPAN_KIND.CONSUMER];
  const from = new Date(Math.floor(fromMs / MINUTE_MS) * MINUTE_MS).toISOString();
  const to = new Date(Math.ceil(toMs / MINUTE_MS) * MINUTE_MS).toISOString();
  // Service-level rows (one per minute and kind) unless one operation is asked for.
  const source =
    operation === undefined
      ? { table: "service_minute_totals", filter: "", params: [] as string[] }
      : { table: "service_minute_stats", filter: "AND operation = $5", params: [operation] };
  const { rows } = await client.query<{
    calls: string;
    errors: string;
    duration_sum_us: string;
    quantiles: (number | null)[] | null;
  }>(
    `WITH window_rows AS (
       SELECT calls, errors, duration_sum_us, bucket_ids, bucket_counts
         FROM ${source.table}
        WHERE service_name = $1 AND minute >= $2 AND minute < $3 AND span_kind = ANY($4::int2[]) ${source.filter}
     ), totals AS (
       SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(errors), 0) AS errors,
              coalesce(sum(duration_sum_us), 0) AS duration_sum_us
         FROM window_rows
     ), merged AS (
       -- Two unnests in the select list (zipped, ProjectSet) run about twice as fast as
       -- unnest(a, b) in FROM; grouping here leaves the function one entry per bucket.
       SELECT b, sum(c)::int8 AS c
         FROM (SELECT unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM window_rows) AS e
        GROUP BY b
     ), buckets AS (
       SELECT array_agg(b) AS ids, array_agg(c) AS counts FROM merged
     )
     SELECT totals.calls, totals.errors, totals.duration_sum_us,
            rollup_histogram_quantiles(buckets.ids, buckets.counts, '{0.5,0.95,0.99}') AS quantiles
       FROM totals, buckets`,
    [serviceName, from, to, kinds, ...source.params],
  );
  const row = rows[0];
  const quantiles = row.quantiles ?? [null, null, null];
  return {
    calls: Number(row.calls),
    errors: Number(row.errors),
    durationSumUs: Number(row.duration_sum_us),
    p50Us: quantiles[0] ?? null,
    p95Us: quantiles[1] ?? null,
    p99Us: quantiles[2] ?? null,
  };
}
