import { listBucketStarts } from "@/lib/ui/time-range";

/** A bucket as the series API returns it (buckets with calls only). */
export type SeriesBucketInput = {
  startMs: number;
  calls: number;
  errors: number;
  ratePerS: number;
  errorPct: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
};

export type SeriesInput = {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  buckets: readonly SeriesBucketInput[];
};

/** One chart row: x is `startMs`; nulls leave a gap in a line (no calls, so no latency or error rate). */
export type SeriesRow = {
  startMs: number;
  endMs: number;
  calls: number;
  errors: number;
  /** 0 for a bucket without calls: no requests is a rate, and a true one. */
  ratePerS: number;
  errorPct: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** The bucket reaches past the window's end (the live edge): its rate covers only part of it. */
  isPartial: boolean;
  /**
   * Has calls while both neighbours have none: a line through nulls draws nothing there, so
   * the chart marks it with a dot.
   */
  isIsolated: boolean;
};

const usToMs = (us: number) => us / 1_000;

/**
 * Series → chart rows: every bucket of the window (aligned as the database aligned them),
 * the empty ones filled with zero calls, a zero rate and null latency and error rate, and
 * latency in ms for the axis.
 */
export function toSeriesRows(series: SeriesInput): SeriesRow[] {
  const byStart = new Map(series.buckets.map((bucket) => [bucket.startMs, bucket]));
  const rows: SeriesRow[] = listBucketStarts(series.fromMs, series.toMs, series.bucketMs).map((startMs) => {
    const bucket = byStart.get(startMs);
    const endMs = startMs + series.bucketMs;
    const isPartial = endMs > series.toMs;
    if (bucket === undefined || bucket.calls === 0) {
      return {
        startMs,
        endMs,
        calls: 0,
        errors: 0,
        ratePerS: 0,
        errorPct: null,
        p50Ms: null,
        p95Ms: null,
        p99Ms: null,
        isPartial,
        isIsolated: false,
      };
    }
    return {
      startMs,
      endMs,
      calls: bucket.calls,
      errors: bucket.errors,
      ratePerS: bucket.ratePerS,
      errorPct: bucket.errorPct,
      p50Ms: usToMs(bucket.p50Us),
      p95Ms: usToMs(bucket.p95Us),
      p99Ms: usToMs(bucket.p99Us),
      isPartial,
      isIsolated: false,
    };
  });
  for (let i = 0; i < rows.length; i++) {
    const hasCalls = (row: SeriesRow | undefined) => row !== undefined && row.calls > 0;
    rows[i].isIsolated = hasCalls(rows[i]) && !hasCalls(rows[i - 1]) && !hasCalls(rows[i + 1]);
  }
  return rows;
}

export type SeriesValueKey = "ratePerS" | "errorPct" | "p50Ms" | "p95Ms" | "p99Ms";

/**
 * Round ticks from 0 for a value axis (1, 2 or 5 × 10^n steps, about four of them) reaching
 * at least the largest value of `keys` in the rows, and at least `minTop` (an all-zero or
 * empty series still gets a readable axis). The last tick is the axis top.
 */
export function valueAxisTicks(rows: readonly SeriesRow[], keys: readonly SeriesValueKey[], minTop: number): number[] {
  let max = minTop;
  for (const row of rows) {
    for (const key of keys) {
      const value = row[key];
      if (value !== null && value > max) max = value;
    }
  }
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  // The tolerance keeps a top that is already a whole step (e.g. 0.3 / 0.1) from growing one more.
  const steps = Math.ceil(max / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}
