import { describe, expect, it } from "vitest";
import { formatClock, formatRelativeTime, formatTimestamp, formatTimestampUtc, toLocalDateTimeInput } from "./format-time";

const NOW = Date.UTC(2026, 10, 21, 19, 54, 3);

describe("formatRelativeTime", () => {
  it.each([
    [0, "just now"],
    [999, "just now"],
    [1_000, "1 s ago"],
    [12_400, "12 s ago"],
    [59_999, "59 s ago"],
    [60_000, "1 min ago"],
    [59 * 60_000 + 59_000, "59 min ago"],
    [3_600_000, "1 h ago"],
    [36 * 3_600_000, "36 h ago"],
    [48 * 3_600_000, "2 d ago"],
    [10 * 86_400_000 + 5, "10 d ago"],
  ])("%i ms in the past reads %s", (ageMs, expected) => {
    expect(formatRelativeTime(NOW - ageMs, NOW)).toBe(expected);
  });

  it("describes instants in the future (sender clock skew)", () => {
    expect(formatRelativeTime(NOW + 8_000, NOW)).toBe("in 8 s");
    expect(formatRelativeTime(NOW + 500, NOW)).toBe("just now");
    expect(formatRelativeTime(NOW + 2 * 60_000, NOW)).toBe("in 2 min");
  });
});

describe("formatTimestampUtc", () => {
  it("formats as YYYY-MM-DD HH:mm:ss UTC with zero padding", () => {
    expect(formatTimestampUtc(NOW)).toBe("2026-11-21 19:54:03 UTC");
    expect(formatTimestampUtc(Date.UTC(2027, 0, 2, 3, 4, 5, 678))).toBe("2027-01-02 03:04:05 UTC");
  });
});

describe("formatTimestamp", () => {
  it("uses the same layout in a given time zone", () => {
    expect(formatTimestamp(NOW, "UTC")).toBe("2026-11-21 19:54:03 UTC");
    expect(formatTimestamp(NOW, "Europe/Berlin")).toBe("2026-11-21 20:54:03 GMT+1");
    expect(formatTimestamp(NOW, "Asia/Tokyo")).toBe("2026-11-22 04:54:03 GMT+9");
  });

  it("writes midnight as 00, not 24", () => {
    expect(formatTimestamp(Date.UTC(2026, 0, 1, 0, 0, 0), "UTC")).toBe("2026-01-01 00:00:00 UTC");
  });
});

describe("formatClock and toLocalDateTimeInput", () => {
  it("write the viewer's local clock, 24-hour", () => {
    const ms = new Date(2026, 10, 21, 9, 5, 7).getTime(); // local time
    expect(formatClock(ms)).toBe("09:05");
    expect(formatClock(ms, true)).toBe("09:05:07");
    expect(toLocalDateTimeInput(ms)).toBe("2026-11-21T09:05");
  });
});
