import { describe, expect, it } from "vitest";
import { nextMatch, searchNodes } from "./search-nodes";

const nodes = ["catalog", "gateway", "orders", "payments", "postgresql"].map((id) => ({ id }));

describe("searchNodes", () => {
  it("matches substrings case-insensitively, all terms required", () => {
    expect(searchNodes(nodes, "PAY")).toEqual(["payments"]);
    expect(searchNodes(nodes, "a")).toEqual(["catalog", "gateway", "payments"]);
    expect(searchNodes(nodes, "g a")).toEqual(["catalog", "gateway"]);
    expect(searchNodes(nodes, "ord pay")).toEqual([]);
  });

  it("matches nothing for an empty query", () => {
    expect(searchNodes(nodes, "   ")).toEqual([]);
  });
});

describe("nextMatch", () => {
  it("steps through matches and wraps", () => {
    const matches = ["catalog", "gateway", "payments"];
    expect(nextMatch(matches, null)).toBe("catalog");
    expect(nextMatch(matches, "catalog")).toBe("gateway");
    expect(nextMatch(matches, "payments")).toBe("catalog");
    expect(nextMatch(matches, "catalog", -1)).toBe("payments");
    expect(nextMatch(matches, "orders")).toBe("catalog");
    expect(nextMatch([], "orders")).toBeNull();
  });
});
