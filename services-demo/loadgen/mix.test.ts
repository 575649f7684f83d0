import { describe, expect, it } from "vitest";
import { LOAD_ACTIONS, LOAD_MIX, type LoadAction, nextGapMs, pickAction, pickOrderItems } from "./mix";

describe("pickAction", () => {
  it("follows the mix: 60 % browse, 20 % detail, 15 % place order, 5 % get order", () => {
    const counts: Record<LoadAction, number> = { browse: 0, detail: 0, placeOrder: 0, getOrder: 0 };
    const draws = 10_000;
    for (let i = 0; i < draws; i++) counts[pickAction(i / draws, true)]++;
    for (const action of LOAD_ACTIONS) expect(counts[action]).toBe((LOAD_MIX[action] * draws) / 100);
  });

  it("browses instead of reading an order when none has been placed", () => {
    expect(pickAction(0.99, false)).toBe("browse");
    expect(pickAction(0.99, true)).toBe("getOrder");
  });

  it("maps the edges of the range", () => {
    expect(pickAction(0, true)).toBe("browse");
    expect(pickAction(0.6, true)).toBe("detail");
    expect(pickAction(0.8, true)).toBe("placeOrder");
    expect(pickAction(0.999_999, true)).toBe("getOrder");
  });
});

describe("nextGapMs", () => {
  it("averages 1000/rate ms", () => {
    const draws = 100_000;
    let sum = 0;
    for (let i = 0; i < draws; i++) sum += nextGapMs(20, (i + 0.5) / draws);
    // The cap at 5× the mean trims the exponential's far tail a little (e^-5 ≈ 0.7 %).
    expect(sum / draws).toBeGreaterThan(48);
    expect(sum / draws).toBeLessThanOrEqual(50);
  });

  it("never exceeds five means", () => {
    expect(nextGapMs(10, 0.999_999_9)).toBe(500);
    expect(nextGapMs(10, 0)).toBe(0);
  });
});

describe("pickOrderItems", () => {
  it("picks 1 to 3 distinct products with quantities 1 or 2", () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return (seed - 1) / 2_147_483_646;
    };
    for (let i = 0; i < 500; i++) {
      const items = pickOrderItems(["a", "b", "c", "d"], random);
      expect(items.length).toBeGreaterThanOrEqual(1);
      expect(items.length).toBeLessThanOrEqual(3);
      expect(new Set(items.map((item) => item.sku)).size).toBe(items.length);
      for (const item of items) expect([1, 2]).toContain(item.quantity);
    }
  });

  it("never asks for more products than there are", () => {
    expect(pickOrderItems(["only"], () => 0.99)).toEqual([{ sku: "only", quantity: 2 }]);
  });
});
