/**
 * A series with a point for every bucket of the window: the database returns only buckets
 * with calls, and a chart must show the quiet ones as zero calls (and no latency), not
 * draw a line across them.
 */
import type { SeriesPoint } from "@/lib/query-client/topology-schemas";
import { ZERO_TRAFFIC } from "./assemble-topology";

/** `bucketStarts` ascending (listBucketStarts); points at other instants are dropped. */
export function fillSeries(points: readonly SeriesPoint[], bucketStarts: readonly number[]): SeriesPoint[] {
  const byStart = new Map(points.map((point) => [point.startMs, point]));
  return bucketStarts.map((startMs) => byStart.get(startMs) ?? { startMs, ...ZERO_TRAFFIC });
}
