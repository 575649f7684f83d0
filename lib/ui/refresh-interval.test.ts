import { describe, expect, it } from "vitest";
import { DEFAULT_REFRESH_INTERVAL_MS, formatRefreshInterval, parseRefreshParam, serializeRefreshParam } from "./refresh-interval";

describe("parseRefreshParam", () => {
  it("is live at the default interval when the parameter is absent or unreadable", () => {
    expect(parseRefreshParam(null)).toBe(DEFAULT_REFRESH_INTERVAL_MS);
    expect(parseRefreshParam(undefined)).toBe(DEFAULT_REFRESH_INTERVAL_MS);
    expect(parseRefreshParam("")).toBe(DEFAULT_REFRESH_INTERVAL_MS);
    expect(parseRefreshParam("fast")).toBe(DEFAULT_REFRESH_INTERVAL_MS);
    expect(parseRefreshParam("-5s")).toBe(DEFAULT_REFRESH_INTERVAL_MS);
  });

  it("pauses on off", () => {
    expect(parseRefreshParam("off")).toBe(false);
  });

  it("reads durations and clamps them to at least one second", () => {
    expect(parseRefreshParam("5s")).toBe(5_000);
    expect(parseRefreshParam("1m")).toBe(60_000);
    expect(parseRefreshParam("1500ms")).toBe(1_500);
    expect(parseRefreshParam("10ms")).toBe(1_000);
    expect(parseRefreshParam("0s")).toBe(1_000);
  });
});

describe("serializeRefreshParam", () => {
  it("round-trips through parseRefreshParam", () => {
    for (const interval of [false, 5_000, 60_000, 1_500, 120_000] as const) {
      const value = serializeRefreshParam(interval);
      expect(parseRefreshParam(value)).toBe(interval);
    }
  });

  it("leaves the default out of the URL", () => {
    expect(serializeRefreshParam(DEFAULT_REFRESH_INTERVAL_MS)).toBeNull();
    expect(serializeRefreshParam(false)).toBe("off");
  });
});

describe("formatRefreshInterval", () => {
  it("prints short durations", () => {
    expect(formatRefreshInterval(2_000)).toBe("2s");
    expect(formatRefreshInterval(30_000)).toBe("30s");
    expect(formatRefreshInterval(60_000)).toBe("1m");
  });
});
