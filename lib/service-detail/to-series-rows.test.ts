import { describe, expect, it } from "vitest";
import { toSeriesRows, valueAxisTicks } from "./to-series-rows";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 21, 10, 0);

const bucket = (startMs: number, calls: number, extra: Partial<{ errors: number; p50Us: number }> = {}) => ({
  startMs,
  calls,
  errors: extra.errors ?? 0,
  ratePerS: calls / 60,
  errorPct: calls === 0 ? 0 : (100 * (extra.errors ?? 0)) / calls,
  p50Us: extra.p50Us ?? 10_000,
  p95Us: 20_000,
  p99Us: 30_000,
});

describe("toSeriesRows", () => {
  it("lists every bucket of the window, filling empty ones with a zero rate and null latency and error rate", () => {
    const rows = toSeriesRows({
      fromMs: T0,
      toMs: T0 + 4 * MIN + 30_000,
      bucketMs: MIN,
      buckets: [bucket(T0 + MIN, 6, { errors: 3, p50Us: 12_500 }), bucket(T0 + 3 * MIN, 2)],
    });
    expect(rows.map((row) => row.startMs)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * MIN));
    expect(rows[0]).toEqual({
      startMs: T0,
      endMs: T0 + MIN,
      calls: 0,
      errors: 0,
      ratePerS: 0,
      errorPct: null,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      isPartial: false,
      isIsolated: false,
    });
    expect(rows[1]).toMatchObject({ calls: 6, errors: 3, ratePerS: 0.1, errorPct: 50, p50Ms: 12.5, p95Ms: 20, p99Ms: 30 });
    // The live minute (10:04–10:05, window ends 10:04:30) is partial.
    expect(rows.map((row) => row.isPartial)).toEqual([false, false, false, false, true]);
  });

  it("marks buckets with calls between two empty ones as isolated (the line cannot show them)", () => {
    const rows = toSeriesRows({
      fromMs: T0,
      toMs: T0 + 6 * MIN,
      bucketMs: MIN,
      buckets: [bucket(T0, 1), bucket(T0 + 2 * MIN, 1), bucket(T0 + 3 * MIN, 1), bucket(T0 + 5 * MIN, 1)],
    });
    expect(rows.map((row) => row.isIsolated)).toEqual([true, false, false, false, false, true]);
  });

  it("starts at the bucket holding the window start (buckets are aligned to the epoch, not the window)", () => {
    const rows = toSeriesRows({ fromMs: T0 + 7 * MIN, toMs: T0 + 40 * MIN, bucketMs: 15 * MIN, buckets: [] });
    expect(rows.map((row) => (row.startMs - T0) / MIN)).toEqual([0, 15, 30]);
    expect(rows.every((row) => row.ratePerS === 0 && row.p99Ms === null)).toBe(true);
  });

  it("ignores buckets outside the window and is empty for an empty window", () => {
    expect(toSeriesRows({ fromMs: T0, toMs: T0, bucketMs: MIN, buckets: [bucket(T0, 1)] })).toEqual([]);
    const rows = toSeriesRows({ fromMs: T0, toMs: T0 + MIN, bucketMs: MIN, buckets: [bucket(T0 - MIN, 5), bucket(T0, 1)] });
    expect(rows.map((row) => row.calls)).toEqual([1]);
  });
});

describe("valueAxisTicks", () => {
  const rows = toSeriesRows({
    fromMs: T0,
    toMs: T0 + 2 * MIN,
    bucketMs: MIN,
    buckets: [{ ...bucket(T0, 6), errorPct: 25, p99Us: 142_000 }],
  });

  it("steps by 1, 2, 2.5 or 5 × 10^n from 0 to at least the largest value", () => {
    expect(valueAxisTicks(rows, ["errorPct"], 1)).toEqual([0, 10, 20, 30]);
    expect(valueAxisTicks(rows, ["p50Ms", "p95Ms", "p99Ms"], 1)).toEqual([0, 50, 100, 150]);
    expect(valueAxisTicks(rows, ["ratePerS"], 0.01)).toEqual([0, 0.025, 0.05, 0.075, 0.1]);
  });

  it("reaches the minimum top when the values are all zero or missing", () => {
    expect(valueAxisTicks(rows.slice(1), ["errorPct"], 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(valueAxisTicks([], ["ratePerS"], 0.1)).toEqual([0, 0.025, 0.05, 0.075, 0.1]);
  });
});
