/**
 * A service's own series (GET /api/v1/services/{name}/series: rate, error %, percentiles in
 * µs, buckets with calls only) as the topology panel's series: error rate as a fraction,
 * percentiles in ms, every bucket of the window present (quiet ones with zero calls).
 */
import type { SeriesPoint } from "@/lib/query-client/topology-schemas";
import { listBucketStarts } from "@/lib/ui/time-range";
import { fillSeries } from "./fill-series";

/** The fields of that response this reads (structural, so either side can grow). */
export type ServiceSeriesLike = {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  buckets: {
    startMs: number;
    calls: number;
    errors: number;
    ratePerS: number;
    errorPct: number;
    p50Us: number;
    p95Us: number;
    p99Us: number;
  }[];
};

export function fromServiceSeries(series: ServiceSeriesLike): SeriesPoint[] {
  const points: SeriesPoint[] = series.buckets.map((bucket) => ({
    startMs: bucket.startMs,
    calls: bucket.calls,
    errors: bucket.errors,
    rps: bucket.ratePerS,
    errorRate: bucket.calls > 0 ? bucket.errorPct / 100 : null,
    p50Ms: bucket.calls > 0 ? bucket.p50Us / 1000 : null,
    p95Ms: bucket.calls > 0 ? bucket.p95Us / 1000 : null,
    p99Ms: bucket.calls > 0 ? bucket.p99Us / 1000 : null,
  }));
  return fillSeries(points, listBucketStarts(series.fromMs, series.toMs, series.bucketMs));
}
