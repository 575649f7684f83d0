import { describe, expect, it } from "vitest";
import { formatDurationUs, niceTicks, pickDurationUnit } from "./format-duration";

describe("formatDurationUs", () => {
  it("writes three significant digits with the unit", () => {
    expect(formatDurationUs(0.5)).toBe("500 ns");
    expect(formatDurationUs(850)).toBe("850 µs");
    expect(formatDurationUs(12_340)).toBe("12.3 ms");
    expect(formatDurationUs(1_250_000)).toBe("1.25 s");
    expect(formatDurationUs(125_000_000)).toBe("2 min 5 s");
    expect(formatDurationUs(7_500_000_000)).toBe("2 h 5 min");
    expect(formatDurationUs(1_000)).toBe("1 ms");
    expect(formatDurationUs(Number.NaN)).toBe("–");
    expect(formatDurationUs(0)).toBe("0");
  });
});

describe("pickDurationUnit", () => {
  it("picks the unit of the largest value", () => {
    expect(pickDurationUnit(999)).toEqual({ unit: "µs", us: 1 });
    expect(pickDurationUnit(5_000)).toEqual({ unit: "ms", us: 1_000 });
    expect(pickDurationUnit(2_000_000)).toEqual({ unit: "s", us: 1_000_000 });
  });
});

describe("niceTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten and covers the span", () => {
    expect(niceTicks(100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(153_000, 6)).toEqual([0, 50_000, 100_000, 150_000]);
    expect(niceTicks(7, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(niceTicks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 5)).toEqual([0]);
  });
});
