/**
 * The row shape the topology queries select for TrafficStats (get-topology, get-edge-series):
 * counts as int8 text, the rate and error rate as float8, and the histogram buckets holding
 * p50/p95/p99, chosen in SQL by quantileBucketsSql (lib/queries/histogram-quantile-sql: the
 * nearest-rank rule of rollup_histogram_quantiles for many groups in one window pass).
 */
import type { TrafficStats } from "@/lib/query-client/topology-schemas";
import { quantilesFromBuckets, type QuantileColumns } from "./histogram-quantile-sql";

export type TrafficStatsRow = QuantileColumns & {
  calls: string;
  errors: string;
  rps: number;
  error_rate: number | null;
};

export function toTrafficStats(row: TrafficStatsRow): TrafficStats {
  const calls = Number(row.calls);
  const base = { calls, errors: Number(row.errors), rps: row.rps, errorRate: row.error_rate };
  if (calls === 0 || row.p50_us === null) return { ...base, p50Ms: null, p95Ms: null, p99Ms: null };
  const { p50Us, p95Us, p99Us } = quantilesFromBuckets(row);
  return { ...base, p50Ms: p50Us / 1000, p95Ms: p95Us / 1000, p99Ms: p99Us / 1000 };
}
