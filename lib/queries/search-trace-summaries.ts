import { getPool } from "@/lib/db/pool";
import { STATUS_CODE } from "@/lib/otlp/model";
import { findTraceMatches, type SearchTracesFilters, TRACE_SPAN_MARGIN_US } from "./search-traces";

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

// Aggregated in PostgreSQL: a summary needs a few columns per span, never the JSONB. Each
// trace is read through the primary key of the partitions within TRACE_SPAN_MARGIN_US of its
// matching span only (run-time pruning on the lateral's bounds): 2–3 partitions per trace
// rather than every partition kept, whatever the search window.
const SUMMARY_SQL = `
  SELECT m.trace_id::text AS trace_id, t.*
    FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS m(trace_id, matched_us, ord)
   CROSS JOIN LATERAL (
         SELECT (array_agg(s.service_name ORDER BY s.parent_span_id IS NOT NULL, s.start_time, s.span_id))[1] AS root_service,
                (array_agg(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_time, s.span_id))[1] AS root_name,
                bool_or(s.parent_span_id IS NULL) AS has_root,
                min((extract(epoch FROM s.start_time) * 1000000)::bigint) AS start_us,
                max((extract(epoch FROM s.start_time) * 1000000)::bigint + s.duration_ns / 1000) AS end_us,
                count(*) AS span_count,
                count(*) FILTER (WHERE s.status_code = ${STATUS_CODE.ERROR}) AS error_count,
                array_agg(DISTINCT s.service_name ORDER BY s.service_name) AS services
           FROM spans s
          WHERE s.trace_id = m.trace_id
            AND s.start_time >= timestamptz 'epoch' + (m.matched_us - $3::bigint) * interval '1 microsecond'
            AND s.start_time <= timestamptz 'epoch' + (m.matched_us + $3::bigint) * interval '1 microsecond'
         HAVING count(*) > 0
        ) t
   ORDER BY m.ord`;

/**
 * The traces matching the filters (see searchTraces: one span of the service must match them
 * all), newest match first, each summarized over its spans that start within
 * TRACE_SPAN_MARGIN_US (an hour) of its matching span — all of them but for traces longer
 * than that.
 */
export async function searchTraceSummaries(filters: SearchTracesFilters): Promise<TraceSummary[]> {
  const matches = await findTraceMatches(filters);
  if (matches.length === 0) return [];
  // Named: the plan (every partition, pruned per trace at run time) is built once per connection.
  const { rows } = await getPool().query<SummaryRow>({
    name: "search-trace-summaries",
    text: SUMMARY_SQL,
    values: [matches.map((m) => m.traceId), matches.map((m) => m.matchedStartUs.toString()), TRACE_SPAN_MARGIN_US.toString()],
  });
  return rows.map((row) => {
    const startUs = Number(row.start_us);
    return {
      traceId: row.trace_id.replaceAll("-", ""),
      rootServiceName: row.root_service,
      rootSpanName: row.root_name,
      hasRootSpan: row.has_root,
      startTimeUs: startUs,
      durationUs: Math.max(0, Number(row.end_us) - startUs),
      spanCount: Number(row.span_count),
      errorSpanCount: Number(row.error_count),
      serviceNames: row.services,
    };
  });
}
