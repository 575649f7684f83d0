import { describe, expect, it } from "vitest";
import { summarizeEdgeBreakers } from "./summarize-edge-breakers";

describe("summarizeEdgeBreakers", () => {
  it("counts breakers per state and picks the most alarming", () => {
    const summary = summarizeEdgeBreakers([{ state: "closed" }, { state: "half_open" }, { state: "closed" }]);
    expect(summary).toEqual({
      worstState: "half_open",
      countByState: { closed: 2, open: 0, half_open: 1, forced_open: 0, disabled: 0 },
      total: 3,
    });
    expect(summarizeEdgeBreakers([{ state: "forced_open" }, { state: "open" }]).worstState).toBe("open");
    expect(summarizeEdgeBreakers([{ state: "disabled" }, { state: "closed" }]).worstState).toBe("closed");
  });

  it("has no state without breakers", () => {
    expect(summarizeEdgeBreakers([])).toMatchObject({ worstState: null, total: 0 });
  });
});
