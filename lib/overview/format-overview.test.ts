import { describe, expect, it } from "vitest";
import { formatLatencyMs, formatPercent, formatRequestRate, withUnit } from "./format-overview";

describe("formatRequestRate", () => {
  it("writes three significant digits below 100 and whole numbers above", () => {
    expect([0, 0.0004, 0.0421, 0.1, 1 / 3, 12.345, 99.96, 1234.5].map((v) => formatRequestRate(v).value)).toEqual([
      "0",
      "<0.001",
      "0.042",
      "0.1",
      "0.33",
      "12.3",
      "100",
      "1,235",
    ]);
    expect(formatRequestRate(2).unit).toBe("req/s");
  });
});

describe("formatPercent", () => {
  it("keeps small error rates visible and never rounds up to 100", () => {
    expect([0, 0.04, 0.126, 2.5, 12.34, 99.97, 100].map((v) => formatPercent(v).value)).toEqual([
      "0",
      "<0.1",
      "0.13",
      "2.5",
      "12.3",
      ">99.9",
      "100",
    ]);
  });
});

describe("formatLatencyMs", () => {
  it("picks the unit that reads best", () => {
    expect(formatLatencyMs(0.85)).toEqual({ value: "850", unit: "µs" });
    expect(formatLatencyMs(12.34)).toEqual({ value: "12.3", unit: "ms" });
    expect(formatLatencyMs(1_250)).toEqual({ value: "1.25", unit: "s" });
    expect(formatLatencyMs(0)).toEqual({ value: "0", unit: "ms" });
  });
});

describe("withUnit", () => {
  it("joins the value and its unit", () => {
    expect(withUnit(formatRequestRate(2))).toBe("2 req/s");
    expect(withUnit(formatPercent(2.5))).toBe("2.5 %");
  });
});
