import { describe, expect, it } from "vitest";
import { classifyActivity } from "./service-activity";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

describe("classifyActivity", () => {
  it("is active up to a minute, idle up to an hour, silent after", () => {
    expect(classifyActivity(NOW - 5_000, NOW)).toBe("active");
    expect(classifyActivity(NOW - 60_000, NOW)).toBe("active");
    expect(classifyActivity(NOW - 60_001, NOW)).toBe("idle");
    expect(classifyActivity(NOW - 3_600_000, NOW)).toBe("idle");
    expect(classifyActivity(NOW - 3_600_001, NOW)).toBe("silent");
  });

  it("treats a timestamp from a fast clock as active", () => {
    expect(classifyActivity(NOW + 30_000, NOW)).toBe("active");
  });
});
