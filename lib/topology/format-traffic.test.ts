import { describe, expect, it } from "vitest";
import { formatCalls, formatErrorRate, formatMs, formatRps } from "./format-traffic";

describe("topology number formats", () => {
  it("writes rates with their unit", () => {
    expect(formatRps(0)).toBe("0 req/s");
    expect(formatRps(0.0004)).toBe("<0.001 req/s");
    expect(formatRps(20 / 300)).toBe("0.067 req/s");
    expect(formatRps(12.345)).toBe("12.3 req/s");
    expect(formatRps(1234.4)).toBe("1,234 req/s");
  });

  it("writes error rates as percentages", () => {
    expect(formatErrorRate(null)).toBe("–");
    expect(formatErrorRate(0)).toBe("0 %");
    expect(formatErrorRate(0.0005)).toBe("<0.1 %"); // as on the Overview and a service page
    expect(formatErrorRate(0.0053)).toBe("0.53 %");
    expect(formatErrorRate(0.125)).toBe("12.5 %");
    expect(formatErrorRate(1)).toBe("100 %");
  });

  it("writes latencies in ms", () => {
    expect(formatMs(null)).toBe("–");
    expect(formatMs(0.85)).toBe("0.85 ms");
    expect(formatMs(42.14)).toBe("42.1 ms");
    expect(formatMs(1250.4)).toBe("1,250 ms");
    expect(formatCalls(1)).toBe("1 call");
    expect(formatCalls(12345)).toBe("12,345 calls");
  });
});
