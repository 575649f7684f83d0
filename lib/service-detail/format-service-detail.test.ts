import { describe, expect, it } from "vitest";
import { buildTimeTicks, formatAge, formatLatencyUs, formatMs, formatPercent, formatRate } from "./format-service-detail";

const MIN = 60_000;

describe("service detail formatting", () => {
  it("writes every number with its unit", () => {
    expect([0, 0.0004, 0.0421, 12.34, 1234.5].map(formatRate)).toEqual([
      "0 req/s",
      "<0.001 req/s",
      "0.042 req/s",
      "12.3 req/s",
      "1,235 req/s",
    ]);
    expect([0, 0.05, 2.5, 33.333, 99.97, 100].map(formatPercent)).toEqual([
      "0 %",
      "<0.1 %",
      "2.5 %",
      "33.3 %",
      ">99.9 %",
      "100 %",
    ]);
    expect([0, 0.851, 12.34, 1250.4].map(formatMs)).toEqual(["0 ms", "0.85 ms", "12.3 ms", "1,250 ms"]);
    expect([850, 12_345, 1_250_000].map(formatLatencyUs)).toEqual(["850 µs", "12.3 ms", "1.25 s"]);
    expect([4_000, 185_000, 7_200_000, 7_260_000, 200_000_000].map(formatAge)).toEqual([
      "4 s",
      "3 min 5 s",
      "2 h",
      "2 h 1 min",
      "2 d 7 h",
    ]);
  });
});

describe("buildTimeTicks", () => {
  const T0 = Date.UTC(2026, 10, 21, 10, 0);
  it("picks round steps on the viewer's clock", () => {
    expect(buildTimeTicks(T0 + 7 * MIN, T0 + 67 * MIN).map((t) => (t - T0) / MIN)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(buildTimeTicks(T0, T0 + 5 * MIN).map((t) => (t - T0) / MIN)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(buildTimeTicks(T0, T0 + 1_440 * MIN).length).toBeLessThanOrEqual(7);
    // India (UTC+5:30): whole local hours are at :30 UTC.
    expect(buildTimeTicks(T0, T0 + 360 * MIN, 7, 330 * MIN).map((t) => (t - T0) / MIN)).toEqual([30, 90, 150, 210, 270, 330]);
    expect(buildTimeTicks(T0, T0)).toEqual([]);
  });
});
