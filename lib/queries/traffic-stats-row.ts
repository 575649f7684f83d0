/**
 * The row shape the topology queries select for TrafficStats (get-topology, get-edge-series):
 * counts as int8 text, the rate and error rate as float8, and p50/p95/p99 in ms from
 * rollup_histogram_quantiles (µs / 1000, in SQL).
 */
import type { TrafficStats } from "@/lib/query-client/topology-schemas";

export type TrafficStatsRow = {
  calls: string;
  errors: string;
  rps: number;
  error_rate: number | null;
  quantiles_ms: (number | null)[] | null;
};

/** SQL: the three percentiles in ms from a µs quantile array expression. */
export const quantilesMsSql = (quantilesUs: string) =>
  `(SELECT array_agg(v / 1000.0 ORDER BY o) FROM unnest(${quantilesUs}) WITH ORDINALITY AS x(v, o))::float8[]`;

export function toTrafficStats(row: TrafficStatsRow): TrafficStats {
  const calls = Number(row.calls);
  const [p50Ms = null, p95Ms = null, p99Ms = null] = calls > 0 ? (row.quantiles_ms ?? []) : [];
  return { calls, errors: Number(row.errors), rps: row.rps, errorRate: row.error_rate, p50Ms, p95Ms, p99Ms };
}
