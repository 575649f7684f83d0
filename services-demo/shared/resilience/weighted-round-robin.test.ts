import { describe, expect, it } from "vitest";
import { createSmoothWeightedRoundRobin } from "./weighted-round-robin";

const pickMany = (
  rr: { pick(isEligible?: (key: string) => boolean): string | undefined },
  n: number,
  isEligible?: (key: string) => boolean,
) => Array.from({ length: n }, () => rr.pick(isEligible));

const tally = (keys: (string | undefined)[]) => {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[String(key)] = (counts[String(key)] ?? 0) + 1;
  return counts;
};

describe("createSmoothWeightedRoundRobin", () => {
  it("picks a,a,b,a,c,a,a for weights {a:5,b:1,c:1}, like nginx", () => {
    const rr = createSmoothWeightedRoundRobin([
      { key: "a", weight: 5 },
      { key: "b", weight: 1 },
      { key: "c", weight: 1 },
    ]);
    expect(pickMany(rr, 7)).toEqual(["a", "a", "b", "a", "c", "a", "a"]);
    // The cycle repeats exactly.
    expect(pickMany(rr, 7)).toEqual(["a", "a", "b", "a", "c", "a", "a"]);
  });

  it("splits 7000 picks exactly 5000/1000/1000", () => {
    const rr = createSmoothWeightedRoundRobin([
      { key: "a", weight: 5 },
      { key: "b", weight: 1 },
      { key: "c", weight: 1 },
    ]);
    expect(tally(pickMany(rr, 7000))).toEqual({ a: 5000, b: 1000, c: 1000 });
  });

  it("breaks ties by list order and alternates equal weights", () => {
    const rr = createSmoothWeightedRoundRobin([
      { key: "x", weight: 1 },
      { key: "y", weight: 1 },
      { key: "z", weight: 1 },
    ]);
    expect(pickMany(rr, 6)).toEqual(["x", "y", "z", "x", "y", "z"]);
  });

  it("never picks an item of weight 0 and returns undefined when nothing can be picked", () => {
    const rr = createSmoothWeightedRoundRobin([
      { key: "a", weight: 0 },
      { key: "b", weight: 3 },
    ]);
    expect(new Set(pickMany(rr, 50))).toEqual(new Set(["b"]));
    rr.setItems([{ key: "a", weight: 0 }]);
    expect(rr.pick()).toBeUndefined();
    expect(createSmoothWeightedRoundRobin().pick()).toBeUndefined();
  });

  it("renormalizes over the eligible items when one is filtered out", () => {
    const rr = createSmoothWeightedRoundRobin([
      { key: "v1", weight: 90 },
      { key: "v2", weight: 10 },
      { key: "v3", weight: 0 },
    ]);
    expect(tally(pickMany(rr, 100))).toEqual({ v1: 90, v2: 10 });
    // v1 has no instance: all traffic goes to v2, never to v3 (weight 0).
    expect(tally(pickMany(rr, 100, (key) => key !== "v1"))).toEqual({ v2: 100 });
    expect(rr.pick((key) => key === "v3")).toBeUndefined();
  });

  it("keeps the current weights of items that stay when the set is replaced", () => {
    const items = [
      { key: "a", weight: 5 },
      { key: "b", weight: 1 },
      { key: "c", weight: 1 },
    ];
    const refreshed = createSmoothWeightedRoundRobin(items);
    const untouched = createSmoothWeightedRoundRobin(items);
    expect(pickMany(refreshed, 3)).toEqual(pickMany(untouched, 3));
    // Same weights, new objects (a config refresh): the rotation continues where it was.
    refreshed.setItems(items.map((item) => ({ ...item })));
    expect(pickMany(refreshed, 11)).toEqual(pickMany(untouched, 11));
  });

  it("drops removed items and starts new ones at zero", () => {
    const rr = createSmoothWeightedRoundRobin<string>([
      { key: "a", weight: 1 },
      { key: "b", weight: 1 },
    ]);
    expect(rr.pick()).toBe("a"); // a: -1, b: 1
    rr.setItems([
      { key: "b", weight: 1 },
      { key: "c", weight: 1 },
    ]);
    // b keeps +1 → b first, then c, then alternate.
    expect(pickMany(rr, 4)).toEqual(["b", "c", "b", "c"]);
    expect(rr.items()).toEqual([
      { key: "b", weight: 1 },
      { key: "c", weight: 1 },
    ]);
  });

  it("refuses negative weights and duplicate keys", () => {
    expect(() => createSmoothWeightedRoundRobin([{ key: "a", weight: -1 }])).toThrow(/≥ 0/);
    expect(() =>
      createSmoothWeightedRoundRobin([
        { key: "a", weight: 1 },
        { key: "a", weight: 2 },
      ]),
    ).toThrow(/duplicate/);
  });
});
