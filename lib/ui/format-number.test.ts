import { describe, expect, it } from "vitest";
import { formatCompactCount, formatCount } from "./format-number";

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
