import { describe, expect, it } from "vitest";
import { summarizeSplit, sumByVersion } from "./summarize-split";

const window = { fromMs: Date.UTC(2026, 10, 22, 10, 0, 0), toMs: Date.UTC(2026, 10, 22, 10, 1, 0) };

describe("summarizeSplit", () => {
  it("gives shares of the total, configured versions first (even without requests), others sorted after", () => {
    const counts = sumByVersion([
      { version: "v3", requests: 5 },
      { version: "v1", requests: 60 },
      { version: "canary", requests: 15 },
      { version: "v1", requests: 20 },
    ]);
    expect(summarizeSplit(window, counts, ["v1", "v2"])).toEqual({
      from: "2026-11-22T10:00:00.000Z",
      to: "2026-11-22T10:01:00.000Z",
      total: 100,
      backends: [
        { version: "v1", requests: 80, share: 0.8 },
        { version: "v2", requests: 0, share: 0 },
        { version: "canary", requests: 15, share: 0.15 },
        { version: "v3", requests: 5, share: 0.05 },
      ],
    });
  });

  it("says 0 shares, not NaN, when nothing was counted", () => {
    expect(summarizeSplit(window, new Map(), ["v1"]).backends).toEqual([{ version: "v1", requests: 0, share: 0 }]);
  });
});
