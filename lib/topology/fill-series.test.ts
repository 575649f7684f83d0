import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "@/lib/query-client/topology-schemas";
import { fillSeries } from "./fill-series";

const point = (startMs: number, calls: number): SeriesPoint => ({
  startMs,
  calls,
  errors: 0,
  rps: calls / 60,
  errorRate: 0,
  p50Ms: 10,
  p95Ms: 20,
  p99Ms: 30,
});

describe("fillSeries", () => {
  it("puts zero-call points without latency in the quiet buckets, in order", () => {
    const filled = fillSeries([point(180_000, 6), point(60_000, 3)], [0, 60_000, 120_000, 180_000]);
    expect(filled.map((p) => [p.startMs, p.calls, p.p95Ms])).toEqual([
      [0, 0, null],
      [60_000, 3, 20],
      [120_000, 0, null],
      [180_000, 6, 20],
    ]);
    expect(filled[0]).toEqual({
      startMs: 0,
      calls: 0,
      errors: 0,
      rps: 0,
      errorRate: null,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
    });
  });

  it("drops points outside the buckets", () => {
    expect(fillSeries([point(30_000, 1)], [0])).toEqual([expect.objectContaining({ startMs: 0, calls: 0 })]);
  });
});
