import { describe, expect, it } from "vitest";
import { buildTimeTicks } from "./time-ticks";

const MIN = 60_000;

describe("buildTimeTicks", () => {
  it.each([
    [5 * MIN, ["5 min ago", "4 min ago", "3 min ago", "2 min ago", "1 min ago", "now"]],
    [15 * MIN, ["15 min ago", "10 min ago", "5 min ago", "now"]],
    [60 * MIN, ["1 h ago", "45 min ago", "30 min ago", "15 min ago", "now"]],
    [360 * MIN, ["6 h ago", "5 h ago", "4 h ago", "3 h ago", "2 h ago", "1 h ago", "now"]],
    [1_440 * MIN, ["24 h ago", "20 h ago", "16 h ago", "12 h ago", "8 h ago", "4 h ago", "now"]],
  ])("labels a %i ms window back from now", (rangeMs, labels) => {
    const ticks = buildTimeTicks(rangeMs);
    expect(ticks.map((tick) => tick.label)).toEqual(labels);
    expect(ticks[0].offset).toBe(0);
    expect(ticks.at(-1)?.offset).toBe(1);
  });

  it("places ticks back from the right edge when the step does not divide the window", () => {
    const ticks = buildTimeTicks(7 * MIN);
    expect(ticks.map((tick) => tick.label)).toEqual(["5 min ago", "now"]);
    expect(ticks[0].offset).toBeCloseTo(2 / 7);
  });

  it("is empty for an empty window", () => {
    expect(buildTimeTicks(0)).toEqual([]);
  });
});
