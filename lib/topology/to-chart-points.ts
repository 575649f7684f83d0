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

/**
 * Y-axis ticks from 0 to a round maximum at or above `max` (1, 2, 4, 5 or 8 × 10^n) in round
 * steps (a fifth of 1 and 5, a quarter of 2, 4 and 8); at least `floor` high, so an all-zero
 * series still has an axis.
 */
export function valueTicks(max: number, floor = 1): number[] {
  const target = Math.max(floor, Number.isFinite(max) ? max : 0);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const mantissa = [1, 2, 4, 5, 8, 10].find((candidate) => candidate * magnitude >= target - 1e-9) ?? 10;
  const top = mantissa * magnitude;
  const steps = mantissa === 1 || mantissa === 5 || mantissa === 10 ? 5 : 4;
  return Array.from({ length: steps + 1 }, (_, i) => Number(((top * i) / steps).toPrecision(12)));
}
