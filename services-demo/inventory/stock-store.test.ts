import { describe, expect, it } from "vitest";
import { INITIAL_STOCK, MemoryStock, RESTOCK_BELOW } from "./stock-store";

describe("MemoryStock", () => {
  it("reserves every item or none", () => {
    const stock = new MemoryStock(["a", "b"], 5);
    expect(
      stock.reserve("o1", [
        { sku: "a", quantity: 2 },
        { sku: "b", quantity: 9 },
      ]),
    ).toEqual({ ok: false, reason: "out_of_stock", sku: "b" });
    expect(stock.get("a")).toEqual({ sku: "a", available: 5, reserved: 0 });
    expect(stock.reserve("o2", [{ sku: "zzz", quantity: 1 }])).toEqual({ ok: false, reason: "unknown_sku", sku: "zzz" });
  });

  it("is idempotent per order: reserving again returns the first reservation", () => {
    const stock = new MemoryStock(["a"], 500);
    const first = stock.reserve("o1", [{ sku: "a", quantity: 2 }]);
    expect(first.ok).toBe(true);
    expect(stock.reserve("o1", [{ sku: "a", quantity: 2 }])).toEqual(first);
    expect(stock.get("a")).toEqual({ sku: "a", available: 498, reserved: 2 });
  });

  it("release puts the items back once", () => {
    const stock = new MemoryStock(["a"], 500);
    stock.reserve("o1", [{ sku: "a", quantity: 3 }]);
    expect(stock.release("o1")).toBe(true);
    expect(stock.release("o1")).toBe(false);
    expect(stock.get("a")).toEqual({ sku: "a", available: 500, reserved: 0 });
  });

  it("tops a SKU up when it runs low, so a long demo does not run dry", () => {
    const stock = new MemoryStock(["a"], RESTOCK_BELOW + 1);
    stock.reserve("o1", [{ sku: "a", quantity: 2 }]);
    expect(stock.get("a")?.available).toBe(RESTOCK_BELOW - 1 + INITIAL_STOCK);
  });
});
