import { describe, expect, it } from "vitest";
import { focusGraph, nodesWithinHops } from "./focus-graph";

// loadgen → gateway → catalog; gateway → orders → inventory → postgresql; orders → payments → card-network
const names = ["card-network", "catalog", "gateway", "inventory", "loadgen", "orders", "payments", "postgresql", "lonely"];
const nodes = names.map((id) => ({ id }));
const edges = [
  ["loadgen", "gateway"],
  ["gateway", "catalog"],
  ["gateway", "orders"],
  ["orders", "inventory"],
  ["inventory", "postgresql"],
  ["orders", "payments"],
  ["payments", "card-network"],
].map(([source, target]) => ({ source, target }));

const ids = (list: { id: string }[]) => list.map((node) => node.id).sort();
const pairs = (list: { source: string; target: string }[]) => list.map((edge) => `${edge.source}→${edge.target}`).sort();

describe("focusGraph", () => {
  it("keeps callers and callees one hop away, and the edges among them", () => {
    const focused = focusGraph(nodes, edges, "orders", 1);
    expect(ids(focused.nodes)).toEqual(["gateway", "inventory", "orders", "payments"]);
    expect(pairs(focused.edges)).toEqual(["gateway→orders", "orders→inventory", "orders→payments"]);
    expect(focused.isFocusFound).toBe(true);
  });

  it("walks further with more hops, in both directions", () => {
    expect(ids(focusGraph(nodes, edges, "orders", 2).nodes)).toEqual([
      "card-network",
      "catalog",
      "gateway",
      "inventory",
      "loadgen",
      "orders",
      "payments",
      "postgresql",
    ]);
    expect(ids(focusGraph(nodes, edges, "postgresql", 2).nodes)).toEqual(["inventory", "orders", "postgresql"]);
  });

  it("keeps an edge between two kept nodes even when it is not on a shortest path", () => {
    const withShortcut = [...edges, { source: "gateway", target: "payments" }];
    expect(pairs(focusGraph(nodes, withShortcut, "orders", 1).edges)).toContain("gateway→payments");
  });

  it("returns the whole graph for no focus, and says when the focus node is unknown", () => {
    expect(focusGraph(nodes, edges, null, 1)).toMatchObject({ isFocusFound: true });
    expect(focusGraph(nodes, edges, null, 1).nodes).toHaveLength(nodes.length);
    const missing = focusGraph(nodes, edges, "nope", 1);
    expect(missing.isFocusFound).toBe(false);
    expect(missing.nodes).toHaveLength(nodes.length);
  });

  it("reports distances", () => {
    expect(Object.fromEntries(nodesWithinHops(edges, "inventory", 2))).toEqual({
      inventory: 0,
      orders: 1,
      postgresql: 1,
      gateway: 2,
      payments: 2,
    });
  });
});
