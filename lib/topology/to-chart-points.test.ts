import { describe, expect, it } from "vitest";
import { timeTicks, toChartPoints, valueTicks } from "./to-chart-points";

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

describe("valueTicks", () => {
  it("rounds the top up to 1, 2, 4, 5 or 8 × 10^n, in round steps", () => {
    expect(valueTicks(29.4)).toEqual([0, 10, 20, 30, 40]);
    expect(valueTicks(16)).toEqual([0, 5, 10, 15, 20]);
    expect(valueTicks(0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(valueTicks(4.1)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(valueTicks(0.031, 0.01)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(valueTicks(160)).toEqual([0, 50, 100, 150, 200]);
  });

  it("keeps an axis for an empty or all-zero series", () => {
    expect(valueTicks(0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(valueTicks(Number.NEGATIVE_INFINITY)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});
