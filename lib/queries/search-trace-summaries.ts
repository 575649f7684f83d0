import { getPool } from "@/lib/db/pool";
import { STATUS_CODE } from "@/lib/otlp/model";
import { findTraceIds, type SearchTracesFilters } from "./search-traces";

/** One search result as the Traces page lists and plots it. */
export type TraceSummary = {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** The earliest root span (no parent); the earliest span when no root arrived. */
  rootServiceName: string;
  rootSpanName: string;
  /** Whether the row above is a real root span, or a stand-in because the root is missing. */
  hasRootSpan: boolean;
  /** First span start, µs since the epoch. */
  startTimeUs: number;
  /** Last span end − first span start, in µs. */
  durationUs: number;
  spanCount: number;
  errorSpanCount: number;
  /** Distinct services, sorted by name. */
  serviceNames: string[];
};

type SummaryRow = {
  trace_id: string;
  root_service: string;
  root_name: string;
  has_root: boolean;
  start_us: string;
  end_us: string;
  span_count: string;
  error_count: string;
  services: string[];
};

// Aggregated in PostgreSQL: a summary needs a few columns per span, never the JSONB, so a
// result page costs one grouped primary-key probe rather than loading every span's attributes.
const SUMMARY_SQL = `
  SELECT s.trace_id::text AS trace_id,
         (array_agg(s.service_name ORDER BY s.parent_span_id IS NOT NULL, s.start_time, s.span_id))[1] AS root_service,
         (array_agg(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_time, s.span_id))[1] AS root_name,
         bool_or(s.parent_span_id IS NULL) AS has_root,
         min((extract(epoch FROM s.start_time) * 1000000)::bigint) AS start_us,
         max((extract(epoch FROM s.start_time) * 1000000)::bigint + s.duration_ns / 1000) AS end_us,
         count(*) AS span_count,
         count(*) FILTER (WHERE s.status_code = ${STATUS_CODE.ERROR}) AS error_count,
         array_agg(DISTINCT s.service_name ORDER BY s.service_name) AS services
    FROM spans s
   WHERE s.trace_id = ANY($1::uuid[])
   GROUP BY s.trace_id`;

/**
 * The traces matching the filters (see searchTraces: one span of the service must match them
 * all), newest match first, each summarized over all of its spans.
 */
export async function searchTraceSummaries(filters: SearchTracesFilters): Promise<TraceSummary[]> {
  const traceIds = await findTraceIds(filters);
  if (traceIds.length === 0) return [];
  const { rows } = await getPool().query<SummaryRow>(SUMMARY_SQL, [traceIds]);
  const byId = new Map(rows.map((row) => [row.trace_id.replaceAll("-", ""), row]));
  const summaries: TraceSummary[] = [];
  for (const traceId of traceIds) {
    const row = byId.get(traceId);
    if (row === undefined) continue;
    const startUs = Number(row.start_us);
    summaries.push({
      traceId,
      rootServiceName: row.root_service,
      rootSpanName: row.root_name,
      hasRootSpan: row.has_root,
      startTimeUs: startUs,
      durationUs: Math.max(0, Number(row.end_us) - startUs),
      spanCount: Number(row.span_count),
      errorSpanCount: Number(row.error_count),
      serviceNames: row.services,
    });
  }
  return summaries;
}
