import { describe, expect, it } from "vitest";
import type { RouteSplitSeries } from "./contract";
import { sharePercent, splitChangeMarkers, splitKey, toSplitChartRows } from "./split-chart-rows";

const series: Pick<RouteSplitSeries, "versions" | "points"> = {
  versions: ["v1", "v2"],
  points: [
    { t: 1_000, configured: { v1: 90, v2: 10 }, lb: { v1: 45, v2: 5 }, spans: { v1: 9, v2: 1 } },
    { t: 11_000, configured: { v1: 80, v2: 20 }, lb: { v1: 40 }, spans: {} },
    { t: 21_000, configured: {}, lb: {}, spans: {} },
  ],
};

describe("toSplitChartRows", () => {
  it("gives configured % and observed shares in % per version and source", () => {
    const [first] = toSplitChartRows(series);
    expect(first.t).toBe(1_000);
    expect(first[splitKey("configured", "v1")]).toBe(90);
    expect(first[splitKey("configured", "v2")]).toBe(10);
    expect(first[splitKey("lb", "v1")]).toBe(90);
    expect(first[splitKey("lb", "v2")]).toBe(10);
    expect(first[splitKey("spans", "v2")]).toBeCloseTo(10);
    expect(first.lbTotal).toBe(50);
    expect(first.spansTotal).toBe(10);
  });

  it("counts a version missing from a source's bucket as 0 %, and a source without requests as a gap", () => {
    const second = toSplitChartRows(series)[1];
    expect(second[splitKey("lb", "v1")]).toBe(100);
    expect(second[splitKey("lb", "v2")]).toBe(0);
    expect(second[splitKey("spans", "v1")]).toBeNull();
    expect(second.spansTotal).toBe(0);
  });

  it("leaves configured null where no weights were in effect (before the route existed)", () => {
    const third = toSplitChartRows(series)[2];
    expect(third[splitKey("configured", "v1")]).toBeNull();
    expect(third[splitKey("lb", "v1")]).toBeNull();
  });
});

describe("splitChangeMarkers", () => {
  it("numbers the changes inside the window in time order", () => {
    const changes = [
      { id: 7, at: new Date(30_000).toISOString(), routeVersion: 3, actor: "user:ann", reason: null },
      { id: 6, at: new Date(12_000).toISOString(), routeVersion: 2, actor: "user:ann", reason: "canary" },
      { id: 1, at: new Date(0).toISOString(), routeVersion: 1, actor: "gateway:gw-1", reason: null },
    ];
    expect(splitChangeMarkers(changes, 1_000, 31_000)).toEqual([
      { number: 1, atMs: 12_000, label: "version 2 by user:ann: canary" },
      { number: 2, atMs: 30_000, label: "version 3 by user:ann" },
    ]);
  });
});

describe("sharePercent", () => {
  const split = {
    from: "",
    to: "",
    total: 100,
    backends: [
      { version: "v1", requests: 79, share: 0.79 },
      { version: "v2", requests: 21, share: 0.21 },
    ],
  };
  it("reads a version's share in percent, 0 for one without requests, null for an empty window", () => {
    expect(sharePercent(split, "v1")).toBeCloseTo(79);
    expect(sharePercent(split, "v3")).toBe(0);
    expect(sharePercent({ ...split, total: 0, backends: [] }, "v1")).toBeNull();
  });
});
