import { describe, expect, it } from "vitest";
import { formatDurationMs, formatElapsed, formatPercent } from "./format-breaker";

describe("formatElapsed", () => {
  it.each([
    [-5, "0 s"],
    [999, "0 s"],
    [45_000, "45 s"],
    [60_000, "1 min"],
    [200_000, "3 min 20 s"],
    [3_600_000, "1 h"],
    [7_500_000, "2 h 5 min"],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, "3 d 4 h"],
  ])("%i ms reads %s", (ms, expected) => {
    expect(formatElapsed(ms)).toBe(expected);
  });
});

describe("formatDurationMs / formatPercent", () => {
  it("picks the unit that reads best", () => {
    expect(formatDurationMs(800)).toBe("800 ms");
    expect(formatDurationMs(1_500)).toBe("1.5 s");
    expect(formatDurationMs(10_000)).toBe("10 s");
    expect(formatDurationMs(120_000)).toBe("2 min");
    expect(formatDurationMs(90_000)).toBe("1.5 min");
  });

  it("keeps one decimal at most", () => {
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(12.345)).toBe("12.3 %");
    expect(formatPercent(100)).toBe("100 %");
  });
});
