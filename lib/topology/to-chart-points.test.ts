import { describe, expect, it } from "vitest";
import { timeTicks, toChartPoints } from "./to-chart-points";

describe("toChartPoints", () => {
  it("converts units and keeps gaps as null", () => {
    expect(
      toChartPoints([
        { startMs: 0, calls: 10, errors: 1, rps: 0.5, errorRate: 0.1, p50Ms: 1, p95Ms: 2, p99Ms: 3 },
        { startMs: 60_000, calls: 0, errors: 0, rps: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
      ]),
    ).toEqual([
      { timeMs: 0, rps: 0.5, errorPercent: 10, p50Ms: 1, p95Ms: 2, p99Ms: 3 },
      { timeMs: 60_000, rps: 0, errorPercent: null, p50Ms: null, p95Ms: null, p99Ms: null },
    ]);
  });
});

describe("timeTicks", () => {
  it("spaces ticks evenly, ends included", () => {
    expect(timeTicks(0, 400)).toEqual([0, 100, 200, 300, 400]);
    expect(timeTicks(0, 0)).toEqual([0]);
  });
});
