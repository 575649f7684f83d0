import { describe, expect, it } from "vitest";
import {
  describeDiff,
  diffBackends,
  draftFromRoute,
  isSameBackends,
  parseWeightInput,
  resetToStable,
  setBackendWeight,
  setInstanceWeight,
  setInstanceWeightsEnabled,
  sumWeights,
  validateWeights,
} from "./weights-form";

const orders = {
  version: 3,
  backends: [
    { version: "v1", weight: 90 },
    { version: "v2", weight: 10 },
  ],
};

describe("setBackendWeight", () => {
  it("moves the other backend of a two-way split with it (80 → 20)", () => {
    const draft = setBackendWeight(draftFromRoute(orders), 0, 80);
    expect(draft.backends.map((b) => b.weight)).toEqual([80, 20]);
    expect(draft.baseVersion).toBe(3);
  });

  it("works from either side", () => {
    expect(setBackendWeight(draftFromRoute(orders), 1, 35).backends.map((b) => b.weight)).toEqual([65, 35]);
  });

  it("clamps to an integer 0..100", () => {
    expect(setBackendWeight(draftFromRoute(orders), 0, 140).backends.map((b) => b.weight)).toEqual([100, 0]);
    expect(setBackendWeight(draftFromRoute(orders), 0, -5).backends.map((b) => b.weight)).toEqual([0, 100]);
    expect(setBackendWeight(draftFromRoute(orders), 0, 33.6).backends.map((b) => b.weight)).toEqual([34, 66]);
  });

  it("leaves the other alone when unlinked (the sum then shows)", () => {
    const draft = setBackendWeight(draftFromRoute(orders), 1, 30, false);
    expect(draft.backends.map((b) => b.weight)).toEqual([90, 30]);
    expect(validateWeights(draft.backends).formErrors).toEqual(["weights must sum to 100, got 120"]);
  });

  it("leaves the others alone with three backends (the sum then shows)", () => {
    const three = {
      version: 1,
      backends: [...orders.backends.map((b) => ({ ...b, weight: 40 })), { version: "v3", weight: 20 }],
    };
    const draft = setBackendWeight(draftFromRoute(three), 0, 50);
    expect(draft.backends.map((b) => b.weight)).toEqual([50, 40, 20]);
    expect(sumWeights(draft.backends)).toBe(110);
    expect(validateWeights(draft.backends).formErrors).toEqual(["weights must sum to 100, got 110"]);
  });

  it("never mutates the draft it was given", () => {
    const draft = draftFromRoute(orders);
    setBackendWeight(draft, 0, 50);
    expect(draft.backends.map((b) => b.weight)).toEqual([90, 10]);
  });

  it("ignores NaN and unknown indexes", () => {
    const draft = draftFromRoute(orders);
    expect(setBackendWeight(draft, 0, Number.NaN)).toBe(draft);
    expect(setBackendWeight(draft, 5, 10)).toBe(draft);
  });
});

describe("parseWeightInput", () => {
  it.each([
    ["80", 80],
    [" 0 ", 0],
    ["100", 100],
    ["101", null],
    ["", null],
    ["1.5", null],
    ["-3", null],
    ["abc", null],
    ["1e2", null],
  ])("%j → %j", (text, expected) => {
    expect(parseWeightInput(text)).toBe(expected);
  });
});

describe("resetToStable", () => {
  it("gives 100 to the first backend and 0 to the rest", () => {
    expect(resetToStable(draftFromRoute(orders)).backends).toEqual([
      { version: "v1", weight: 100 },
      { version: "v2", weight: 0 },
    ]);
  });
});

describe("validateWeights (the server's rules)", () => {
  it("accepts 80/20", () => {
    expect(validateWeights(setBackendWeight(draftFromRoute(orders), 0, 80).backends)).toEqual({
      isValid: true,
      formErrors: [],
      backendErrors: new Map(),
    });
  });

  it("says when nothing is above zero", () => {
    const result = validateWeights([
      { version: "v1", weight: 0 },
      { version: "v2", weight: 0 },
    ]);
    expect(result.isValid).toBe(false);
    expect(result.formErrors).toEqual(["at least one weight must be above zero"]);
  });

  it("says the sum when it is not 100", () => {
    expect(
      validateWeights([
        { version: "v1", weight: 50 },
        { version: "v2", weight: 45 },
      ]).formErrors,
    ).toEqual(["weights must sum to 100, got 95"]);
  });

  it("puts a backend's own problem on that backend", () => {
    const result = validateWeights([
      { version: "v1", weight: 50 },
      { version: "v1", weight: 50 },
    ]);
    expect(result.backendErrors.get(1)).toMatch(/listed twice/);
  });
});

describe("instance weights", () => {
  it("are off until enabled, then every instance starts at 100 and can be changed", () => {
    let draft = setInstanceWeightsEnabled(draftFromRoute(orders), 0, ["orders-1", "orders-2"]);
    expect(draft.backends[0].instances).toEqual([
      { instanceId: "orders-1", weight: 100 },
      { instanceId: "orders-2", weight: 100 },
    ]);
    draft = setInstanceWeight(draft, 0, "orders-2", 25);
    expect(draft.backends[0].instances?.[1]).toEqual({ instanceId: "orders-2", weight: 25 });
    expect(draft.backends[1].instances).toBeUndefined();
    // Moving the version's weight keeps its instances.
    expect(setBackendWeight(draft, 0, 70).backends[0].instances).toHaveLength(2);
    expect(setInstanceWeightsEnabled(draft, 0, null).backends[0]).toEqual({ version: "v1", weight: 90 });
  });
});

describe("isSameBackends", () => {
  it("compares versions, weights and instances", () => {
    const draft = draftFromRoute(orders);
    expect(isSameBackends(draft.backends, orders.backends)).toBe(true);
    expect(isSameBackends(setBackendWeight(draft, 0, 80).backends, orders.backends)).toBe(false);
    expect(isSameBackends(setInstanceWeightsEnabled(draft, 0, ["orders-1"]).backends, orders.backends)).toBe(false);
  });
});

describe("diffBackends / describeDiff", () => {
  it("lists old → new per version, new and removed versions included", () => {
    const rows = diffBackends(
      [
        { version: "v1", weight: 90 },
        { version: "v2", weight: 10 },
      ],
      [
        { version: "v1", weight: 80 },
        { version: "v3", weight: 20 },
      ],
    );
    expect(rows).toEqual([
      { version: "v1", before: 90, after: 80, isChanged: true },
      { version: "v3", before: null, after: 20, isChanged: true },
      { version: "v2", before: 10, after: null, isChanged: true },
    ]);
    expect(describeDiff(rows)).toBe("v1 90 → 80, v3 20, v2 10 → removed");
  });

  it("marks unchanged versions, and a declaration (no old weights) as all new", () => {
    const same = diffBackends(orders.backends, orders.backends);
    expect(same.every((row) => !row.isChanged)).toBe(true);
    expect(describeDiff(same)).toBe("v1 90, v2 10");
    expect(diffBackends(null, orders.backends)[0]).toEqual({ version: "v1", before: null, after: 90, isChanged: true });
  });
});
