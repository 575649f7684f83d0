import { describe, expect, it } from "vitest";
import { fromServiceSeries } from "./from-service-series";

describe("fromServiceSeries", () => {
  it("converts units and fills the quiet buckets of the window", () => {
    const points = fromServiceSeries({
      fromMs: 0,
      toMs: 180_000,
      bucketMs: 60_000,
      buckets: [
        { startMs: 60_000, calls: 30, errors: 3, ratePerS: 0.5, errorPct: 10, p50Us: 1_500, p95Us: 20_000, p99Us: 45_000 },
      ],
    });
    expect(points).toEqual([
      { startMs: 0, calls: 0, errors: 0, rps: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
      { startMs: 60_000, calls: 30, errors: 3, rps: 0.5, errorRate: 0.1, p50Ms: 1.5, p95Ms: 20, p99Ms: 45 },
      { startMs: 120_000, calls: 0, errors: 0, rps: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
    ]);
  });
});
