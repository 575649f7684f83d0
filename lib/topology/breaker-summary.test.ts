import { describe, expect, it } from "vitest";
import { summarizeEdgeBreakers } from "./breaker-summary";

describe("summarizeEdgeBreakers", () => {
  it("is null without breakers", () => {
    expect(summarizeEdgeBreakers([])).toBeNull();
    expect(summarizeEdgeBreakers([{ state: "open", count: 0 }])).toBeNull();
  });

  it("lets the most urgent state win and counts it against the total", () => {
    expect(
      summarizeEdgeBreakers([
        { state: "closed", count: 3 },
        { state: "open", count: 1 },
      ]),
    ).toEqual({ state: "open", count: 1, total: 4, label: "open 1/4", isRefusing: true });
  });

  it("ranks half-open above forced open, closed and disabled", () => {
    expect(
      summarizeEdgeBreakers([
        { state: "disabled", count: 1 },
        { state: "forced_open", count: 1 },
        { state: "half_open", count: 2 },
        { state: "closed", count: 1 },
      ]),
    ).toEqual({ state: "half_open", count: 2, total: 5, label: "half-open 2/5", isRefusing: true });
  });

  it("adds repeated entries of one state", () => {
    expect(
      summarizeEdgeBreakers([
        { state: "closed", count: 1 },
        { state: "closed", count: 1 },
      ]),
    ).toEqual({ state: "closed", count: 2, total: 2, label: "closed 2/2", isRefusing: false });
  });
});
