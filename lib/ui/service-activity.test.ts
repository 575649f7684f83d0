import { describe, expect, it } from "vitest";
import { classifyActivity, summarizeServices } from "./service-activity";

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

describe("summarizeServices", () => {
  it("counts services, active services and spans", () => {
    const at = (ms: number) => new Date(ms).toISOString();
    const summary = summarizeServices(
      [
        { name: "a", spanCount: 10, firstSeen: at(NOW - 9e6), lastSeen: at(NOW - 1_000) },
        { name: "b", spanCount: 32, firstSeen: at(NOW - 9e6), lastSeen: at(NOW - 120_000) },
        { name: "c", spanCount: 0, firstSeen: at(NOW - 9e6), lastSeen: at(NOW) },
      ],
      NOW,
    );
    expect(summary).toEqual({ serviceCount: 3, activeCount: 2, spanCount: 42 });
  });

  it("is all zeros for no services", () => {
    expect(summarizeServices([], NOW)).toEqual({ serviceCount: 0, activeCount: 0, spanCount: 0 });
  });
});
