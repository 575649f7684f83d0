import { describe, expect, it } from "vitest";
import { parseDurationNs } from "./parse-duration";

describe("parseDurationNs", () => {
  it("parses Go-style durations exactly, in nanoseconds", () => {
    expect(parseDurationNs("1.2s")).toBe(1_200_000_000n);
    expect(parseDurationNs("100ms")).toBe(100_000_000n);
    expect(parseDurationNs("5us")).toBe(5_000n);
    expect(parseDurationNs("5µs")).toBe(5_000n);
    expect(parseDurationNs("5μs")).toBe(5_000n);
    expect(parseDurationNs("250ns")).toBe(250n);
    expect(parseDurationNs("1h30m")).toBe(5_400_000_000_000n);
    expect(parseDurationNs("2d")).toBe(172_800_000_000_000n);
    expect(parseDurationNs(".5ms")).toBe(500_000n);
    expect(parseDurationNs("0")).toBe(0n);
    // Fractions below a nanosecond are truncated.
    expect(parseDurationNs("1.0000000009s")).toBe(1_000_000_000n);
  });

  it("refuses what Go's time.ParseDuration refuses (and negatives)", () => {
    for (const bad of ["", "100", "1.2", "ms", "1 s", "-1s", "1x", "1s2", "1e3ms", "abc"]) {
      expect(parseDurationNs(bad), bad).toBeUndefined();
    }
  });
});
