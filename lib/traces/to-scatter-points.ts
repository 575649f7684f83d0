import type { TraceSummaryDto } from "@/lib/query-client/traces-schemas";

export type ScatterPoint = {
  traceId: string;
  /** Trace start, epoch ms. */
  timeMs: number;
  /** Trace duration in ms, floored at LOG_FLOOR_MS so a log axis can place it. */
  durationMs: number;
  label: string;
  hasError: boolean;
};

/** The smallest duration plotted (1 µs): a log axis has no place for 0. */
export const LOG_FLOOR_MS = 0.001;

/** Search results as scatter points, split into ok and error series (drawn in different shapes). */
export function toScatterPoints(traces: readonly TraceSummaryDto[]): { ok: ScatterPoint[]; error: ScatterPoint[] } {
  const ok: ScatterPoint[] = [];
  const error: ScatterPoint[] = [];
  for (const trace of traces) {
    const point: ScatterPoint = {
      traceId: trace.traceId,
      timeMs: trace.startTimeUs / 1_000,
      durationMs: Math.max(LOG_FLOOR_MS, trace.durationUs / 1_000),
      label: `${trace.rootServiceName}: ${trace.rootSpanName}`,
      hasError: trace.errorSpanCount > 0,
    };
    (point.hasError ? error : ok).push(point);
  }
  return { ok, error };
}

/** Powers of ten (in ms) from just below the smallest to just above the largest duration: log-axis ticks. */
export function logDurationTicks(durationsMs: readonly number[]): number[] {
  if (durationsMs.length === 0) return [0.1, 1, 10, 100, 1_000];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const d of durationsMs) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const low = Math.floor(Math.log10(Math.max(LOG_FLOOR_MS, min)));
  let high = Math.ceil(Math.log10(Math.max(LOG_FLOOR_MS, max)));
  if (high === low) high = low + 1;
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) ticks.push(Number((10 ** e).toPrecision(1)));
  return ticks;
}
