import { describe, expect, it } from "vitest";
import { STATES_BY_URGENCY, summarizeEdgeBreakers, toBreakerCounts } from "./summarize-edge-breakers";

const live = (state: Parameters<typeof summarizeEdgeBreakers>[0][number]["state"], count = 1) => ({
  state,
  isStale: false,
  count,
});
const stale = (state: Parameters<typeof summarizeEdgeBreakers>[0][number]["state"], count = 1) => ({
  state,
  isStale: true,
  count,
});

describe("summarizeEdgeBreakers", () => {
  it("is null without breakers", () => {
    expect(summarizeEdgeBreakers([])).toBeNull();
    expect(summarizeEdgeBreakers([live("open", 0)])).toBeNull();
  });

  it("lets the most urgent live state win and counts it against the live breakers", () => {
    expect(summarizeEdgeBreakers([live("closed", 3), live("open")])).toMatchObject({
      state: "open",
      count: 1,
      liveCount: 4,
      refusingCount: 1,
      isRefusing: true,
      staleCount: 0,
      total: 4,
      label: "open 1/4",
    });
  });

  it("ranks as the Breakers page does: open, half-open, forced open, closed, disabled", () => {
    expect(STATES_BY_URGENCY).toEqual(["open", "half_open", "forced_open", "closed", "disabled"]);
    const summary = summarizeEdgeBreakers([live("disabled"), live("forced_open"), live("half_open", 2), live("closed")]);
    expect(summary).toMatchObject({ state: "half_open", count: 2, label: "half-open 2/5" });
    expect(summarizeEdgeBreakers([live("forced_open"), live("closed")])?.state).toBe("forced_open");
  });

  it("counts the refusing breakers (open and forced open), not the worst state's", () => {
    const summary = summarizeEdgeBreakers([live("open"), live("forced_open", 2), live("closed", 3)]);
    expect(summary).toMatchObject({ state: "open", count: 1, refusingCount: 3, liveCount: 6, label: "open 1/6" });
    // Half-open wins over forced open, yet calls are refused on the forced-open pair.
    expect(summarizeEdgeBreakers([live("half_open"), live("forced_open")])).toMatchObject({
      state: "half_open",
      refusingCount: 1,
      isRefusing: true,
    });
  });

  it("keeps breakers of owners that stopped reporting apart: they neither set the state nor refuse", () => {
    expect(summarizeEdgeBreakers([stale("open", 2), live("closed", 2)])).toMatchObject({
      state: "closed",
      count: 2,
      liveCount: 2,
      refusingCount: 0,
      isRefusing: false,
      staleCount: 2,
      total: 4,
      label: "closed 2/2 · 2 stale",
    });
    expect(summarizeEdgeBreakers([stale("open")])).toMatchObject({ state: null, count: 0, liveCount: 0, label: "1 stale" });
  });

  it("adds repeated entries of one state", () => {
    expect(summarizeEdgeBreakers([live("closed"), live("closed")])).toMatchObject({
      state: "closed",
      count: 2,
      label: "closed 2/2",
    });
  });
});

describe("toBreakerCounts", () => {
  it("counts an owner as live while healthy or degraded, stale when unhealthy, deregistered or gone", () => {
    expect(
      toBreakerCounts([
        { state: "open", ownerStatus: "healthy" },
        { state: "open", ownerStatus: "degraded" },
        { state: "open", ownerStatus: "unhealthy" },
        { state: "open", ownerStatus: "deregistered" },
        { state: "open", ownerStatus: null },
      ]).map((entry) => entry.isStale),
    ).toEqual([false, false, true, true, true]);
  });
});
