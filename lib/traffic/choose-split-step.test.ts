import { describe, expect, it } from "vitest";
import { chooseSplitStepMs, SPLIT_MAX_POINTS } from "./get-route-split-series";

describe("chooseSplitStepMs", () => {
  it.each([
    [5 * 60_000, 10_000],
    [15 * 60_000, 10_000],
    [30 * 60_000, 10_000],
    [60 * 60_000, 20_000],
    [6 * 3_600_000, 120_000],
    [24 * 3_600_000, 600_000],
  ])("a %i ms window gets %i ms buckets", (windowMs, stepMs) => {
    expect(chooseSplitStepMs(windowMs)).toBe(stepMs);
    expect(windowMs / stepMs).toBeLessThanOrEqual(SPLIT_MAX_POINTS);
  });

  it("keeps to the coarsest step for very long windows", () => {
    expect(chooseSplitStepMs(30 * 24 * 3_600_000)).toBe(3_600_000);
  });
});
