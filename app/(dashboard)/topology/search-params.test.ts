import { describe, expect, it } from "vitest";
import { parseTopologyView, serializeTopologyView } from "./search-params";

const parse = (query: string) => parseTopologyView(new URLSearchParams(query));

describe("parseTopologyView", () => {
  it("has no focus and no selection by default, one hop", () => {
    expect(parse("")).toEqual({ focus: null, hops: 1, selection: null });
  });

  it("reads the focus with its hops, clamped to 1–5", () => {
    expect(parse("focus=orders&hops=2")).toEqual({ focus: "orders", hops: 2, selection: null });
    expect(parse("focus=orders&hops=9").hops).toBe(5);
    expect(parse("focus=orders&hops=0").hops).toBe(1);
    expect(parse("focus=orders&hops=two").hops).toBe(1);
  });

  it("reads a node or an edge selection; an edge needs both ends", () => {
    expect(parse("node=orders").selection).toEqual({ kind: "node", id: "orders" });
    expect(parse("caller=gateway&callee=orders").selection).toEqual({ kind: "edge", source: "gateway", target: "orders" });
    expect(parse("caller=gateway").selection).toBeNull();
  });
});

describe("serializeTopologyView", () => {
  it("writes changes and removes defaults", () => {
    expect(serializeTopologyView({ focus: "orders", hops: 2 })).toEqual({ focus: "orders", hops: "2" });
    expect(serializeTopologyView({ focus: null, hops: 1 })).toEqual({ focus: null, hops: null });
    expect(serializeTopologyView({ selection: { kind: "edge", source: "a", target: "b" } })).toEqual({
      node: null,
      caller: "a",
      callee: "b",
    });
    expect(serializeTopologyView({ selection: null })).toEqual({ node: null, caller: null, callee: null });
  });

  it("round-trips", () => {
    const view = { focus: "payments", hops: 3, selection: { kind: "node" as const, id: "card-network" } };
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(serializeTopologyView(view))) if (value !== null) params.set(key, value!);
    expect(parseTopologyView(params)).toEqual(view);
  });
});
