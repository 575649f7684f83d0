/**
 * Upserts rollup rows inside the span transaction: a key seen before adds its calls, errors,
 * duration sum and histogram (rollup_histogram_add) to the stored row. Rows arrive one per key
 * and sorted by primary key (RollupAccumulator.rows), and both tables are always written in
 * the same order (service_minute_stats, service_minute_totals, edge_minute_stats), so concurrent writers lock rows in one order and
 * cannot deadlock. Call it last before COMMIT: the hot rows (this minute's) stay locked from
 * here to COMMIT, and every writer of the same service and minute waits for them.
 */
import type pg from "pg";
import type { EdgeRollupRow, RollupRows, ServiceRollupRow, ServiceTotalRollupRow } from "@/lib/rollups/rollup-rows";

/**
 * Text PostgreSQL accepts: normalized spans carry no NUL, but one slipping through would fail
 * the whole span transaction (as the writer's catalogue upserts, NUL → U+FFFD).
 */
function storable(value: string): string {
  return value.indexOf("\0") === -1 ? value : value.replaceAll("\0", "\uFFFD");
}

/** PostgreSQL array literal of integers, e.g. "{3,5,9}". */
function arrayLiteral(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}

type Columns = {
  minutes: string[];
  calls: number[];
  errors: number[];
  durationSumsUs: number[];
  bucketIds: string[];
  bucketCounts: string[];
};

function measureColumns(rows: readonly (ServiceRollupRow | ServiceTotalRollupRow | EdgeRollupRow)[]): Columns {
  const columns: Columns = { minutes: [], calls: [], errors: [], durationSumsUs: [], bucketIds: [], bucketCounts: [] };
  for (const row of rows) {
    const { bucketIds, bucketCounts } = row.histogram.toArrays();
    columns.minutes.push(new Date(row.minuteMs).toISOString());
    columns.calls.push(row.calls);
    columns.errors.push(row.errors);
    columns.durationSumsUs.push(row.durationSumUs);
    columns.bucketIds.push(arrayLiteral(bucketIds));
    columns.bucketCounts.push(arrayLiteral(bucketCounts));
  }
  return columns;
}

const MERGE_MEASURES = `calls = t.calls + excluded.calls,
       errors = t.errors + excluded.errors,
       duration_sum_us = t.duration_sum_us + excluded.duration_sum_us,
       (bucket_ids, bucket_counts) = (
         SELECT h.bucket_ids, h.bucket_counts
           FROM rollup_histogram_add(t.bucket_ids, t.bucket_counts, excluded.bucket_ids, excluded.bucket_counts) AS h
       )`;

/** Writes the rows of one batch (RollupPlan.rows()); no-op for none. */
export async function writeRollups(client: pg.PoolClient, rows: RollupRows): Promise<void> {
  if (rows.services.length > 0) {
    const c = measureColumns(rows.services);
    // unnest returns the rows in array order, which is the primary key order they were sorted in.
    await client.query(
      `INSERT INTO service_minute_stats AS t
              (minute, calls, errors, duration_sum_us, span_kind, service_name, operation, bucket_ids, bucket_counts)
       SELECT minute, calls, errors, duration_sum_us, span_kind, service_name, operation, bucket_ids::int4[], bucket_counts::int8[]
         FROM unnest($1::timestamptz[], $2::int8[], $3::int8[], $4::int8[], $5::int2[], $6::text[], $7::text[], $8::text[], $9::text[])
           AS u(minute, calls, errors, duration_sum_us, span_kind, service_name, operation, bucket_ids, bucket_counts)
       ON CONFLICT (service_name, minute, operation, span_kind) DO UPDATE SET ${MERGE_MEASURES}`,
      [
        c.minutes,
        c.calls,
        c.errors,
        c.durationSumsUs,
        rows.services.map((r) => r.spanKind),
        rows.services.map((r) => storable(r.serviceName)),
        rows.services.map((r) => storable(r.operation)),
        c.bucketIds,
        c.bucketCounts,
      ],
    );
  }
  if (rows.serviceTotals.length > 0) {
    const c = measureColumns(rows.serviceTotals);
    await client.query(
      `INSERT INTO service_minute_totals AS t
              (minute, calls, errors, duration_sum_us, span_kind, service_name, bucket_ids, bucket_counts)
       SELECT minute, calls, errors, duration_sum_us, span_kind, service_name, bucket_ids::int4[], bucket_counts::int8[]
         FROM unnest($1::timestamptz[], $2::int8[], $3::int8[], $4::int8[], $5::int2[], $6::text[], $7::text[], $8::text[])
           AS u(minute, calls, errors, duration_sum_us, span_kind, service_name, bucket_ids, bucket_counts)
       ON CONFLICT (service_name, minute, span_kind) DO UPDATE SET ${MERGE_MEASURES}`,
      [
        c.minutes,
        c.calls,
        c.errors,
        c.durationSumsUs,
        rows.serviceTotals.map((r) => r.spanKind),
        rows.serviceTotals.map((r) => storable(r.serviceName)),
        c.bucketIds,
        c.bucketCounts,
      ],
    );
  }
  if (rows.edges.length > 0) {
    const c = measureColumns(rows.edges);
    await client.query(
      `INSERT INTO edge_minute_stats AS t
              (minute, calls, errors, duration_sum_us, is_virtual, caller_service, callee, bucket_ids, bucket_counts)
       SELECT minute, calls, errors, duration_sum_us, is_virtual, caller_service, callee, bucket_ids::int4[], bucket_counts::int8[]
         FROM unnest($1::timestamptz[], $2::int8[], $3::int8[], $4::int8[], $5::bool[], $6::text[], $7::text[], $8::text[], $9::text[])
           AS u(minute, calls, errors, duration_sum_us, is_virtual, caller_service, callee, bucket_ids, bucket_counts)
       ON CONFLICT (caller_service, minute, callee, is_virtual) DO UPDATE SET ${MERGE_MEASURES}`,
      [
        c.minutes,
        c.calls,
        c.errors,
        c.durationSumsUs,
        rows.edges.map((r) => r.isVirtual),
        rows.edges.map((r) => storable(r.callerService)),
        rows.edges.map((r) => storable(r.callee)),
        c.bucketIds,
        c.bucketCounts,
      ],
    );
  }
}
