/**
 * Series points as the panel charts plot them: time in epoch ms, rate in req/s, error rate in
 * percent, latency in ms. Buckets without calls keep null latency and error rate (the lines
 * break there instead of dropping to zero); their rate is a real 0.
 */
import type { SeriesPoint } from "@/lib/query-client/topology-schemas";

export type ChartPoint = {
  timeMs: number;
  rps: number;
  errorPercent: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
};

export function toChartPoints(points: readonly SeriesPoint[]): ChartPoint[] {
  return points.map((point) => ({
    timeMs: point.startMs,
    rps: point.rps,
    errorPercent: point.errorRate === null ? null : point.errorRate * 100,
    p50Ms: point.p50Ms,
    p95Ms: point.p95Ms,
    p99Ms: point.p99Ms,
  }));
}

/** Up to `count` evenly spaced instants across [startMs, endMs], both ends included. */
export function timeTicks(startMs: number, endMs: number, count = 5): number[] {
  if (!(endMs > startMs) || count < 2) return [startMs];
  return Array.from({ length: count }, (_, i) => Math.round(startMs + ((endMs - startMs) * i) / (count - 1)));
}
