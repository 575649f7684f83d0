import { describe, expect, it } from "vitest";
import {
  formatCompactCount,
  formatCount,
  formatMsNumber,
  formatPercentNumber,
  formatRateNumber,
  formatSignificant,
} from "./format-number";

describe("formatCount", () => {
  it("groups thousands", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(12_345)).toBe("12,345");
    expect(formatCount(9_007_199_254)).toBe("9,007,199,254");
  });
});

describe("formatCompactCount", () => {
  it("abbreviates large numbers to one decimal", () => {
    expect(formatCompactCount(950)).toBe("950");
    expect(formatCompactCount(12_345)).toBe("12.3K");
    expect(formatCompactCount(4_500_000)).toBe("4.5M");
  });
});

describe("measured numbers (one rounding rule on every page)", () => {
  it("rounds to three significant digits from 1, two below, whole and grouped from 100", () => {
    expect([0.04213, 0.5, 1 / 3, 12.345, 99.96, 123.4, 1234.5].map(formatSignificant)).toEqual([
      "0.042",
      "0.5",
      "0.33",
      "12.3",
      "100",
      "123",
      "1,235",
    ]);
  });

  it("writes rates, percentages and milliseconds with their floors and ceilings", () => {
    expect([0, 0.0004, 0.0421, 12.345, 1234.5].map(formatRateNumber)).toEqual(["0", "<0.001", "0.042", "12.3", "1,235"]);
    // 0.05 % reads "<0.1" everywhere (the Overview said so, Topology said "0.05").
    expect([0, 0.05, 0.126, 2.5, 33.333, 99.97, 100].map(formatPercentNumber)).toEqual([
      "0",
      "<0.1",
      "0.13",
      "2.5",
      "33.3",
      ">99.9",
      "100",
    ]);
    expect([0, 0.851, 42.14, 1250.4].map(formatMsNumber)).toEqual(["0", "0.85", "42.1", "1,250"]);
  });
});
