import { describe, expect, it } from "vitest";
import { summarizeEdgeBreakers } from "@/lib/breakers/summarize-edge-breakers";
import type { TopologyEdge, TopologyNode, TrafficStats } from "@/lib/query-client/topology-schemas";
import { ZERO_TRAFFIC } from "./assemble-topology";
import { buildFlowElements, describeEdge, describeNode } from "./build-flow-elements";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from "./layout-graph";

const stats = (calls: number, errors: number, p95Ms = 42): TrafficStats => ({
  calls,
  errors,
  rps: calls / 60,
  errorRate: errors / calls,
  p50Ms: 10,
  p95Ms,
  p99Ms: 80,
});
const none = { healthy: 0, degraded: 0, unhealthy: 0 };

const nodes: TopologyNode[] = [
  { id: "gateway", isVirtual: false, stats: stats(600, 0), instances: { healthy: 1, degraded: 0, unhealthy: 0 } },
  { id: "orders", isVirtual: false, stats: stats(300, 30), instances: none },
  { id: "postgresql", isVirtual: true, stats: stats(120, 1), instances: none },
  { id: "notifier", isVirtual: false, stats: ZERO_TRAFFIC, instances: none },
];
const edges: TopologyEdge[] = [
  {
    source: "gateway",
    target: "orders",
    isVirtual: false,
    stats: stats(300, 30),
    breakers: [
      { state: "closed", isStale: false, count: 1 },
      { state: "open", isStale: false, count: 1 },
    ],
  },
  { source: "orders", target: "postgresql", isVirtual: true, stats: stats(120, 1), breakers: [] },
];
const layout = layoutGraph(
  nodes.map((node) => node.id),
  edges,
);
const quiet = { selection: null, matches: new Set<string>(), isSearching: false, focusId: null };

describe("buildFlowElements", () => {
  it("places every node with its health and every edge with its route, health and breakers", () => {
    const flow = buildFlowElements({ nodes, edges }, layout, quiet);
    expect(flow.nodes.every((node) => node.width === NODE_WIDTH && node.height === NODE_HEIGHT)).toBe(true);
    expect(flow.nodes.map((node) => [node.id, node.data.health, node.position])).toEqual([
      ["gateway", "healthy", layout.nodes.get("gateway")],
      ["orders", "failing", layout.nodes.get("orders")],
      ["postgresql", "degraded", layout.nodes.get("postgresql")],
      ["notifier", "no_traffic", layout.nodes.get("notifier")],
    ]);
    const [toOrders, toDatabase] = flow.edges;
    expect(toOrders).toMatchObject({
      id: '["gateway","orders"]',
      type: "traffic",
      source: "gateway",
      target: "orders",
      zIndex: 1,
      data: { health: "failing", breaker: { state: "open", label: "open 1/2", isRefusing: true } },
    });
    expect(toOrders.data!.points).toEqual(layout.edges.get('["gateway","orders"]')!.points);
    expect(toDatabase).toMatchObject({ zIndex: 0, data: { health: "degraded", breaker: null } });
  });

  it("marks the selection, the focus and search matches, dimming the rest while searching", () => {
    const flow = buildFlowElements({ nodes, edges }, layout, {
      selection: { kind: "edge", source: "orders", target: "postgresql" },
      matches: new Set(["postgresql"]),
      isSearching: true,
      focusId: "orders",
    });
    expect(flow.nodes.map((node) => [node.id, node.data.isMatch, node.data.isDimmed, node.data.isFocus, node.selected])).toEqual([
      ["gateway", false, true, false, false],
      ["orders", false, true, true, false],
      ["postgresql", true, false, false, false],
      ["notifier", false, true, false, false],
    ]);
    expect(flow.edges.map((edge) => [edge.source, edge.selected, edge.data!.isDimmed])).toEqual([
      ["gateway", false, true],
      ["orders", true, false],
    ]);
    const selectedNode = buildFlowElements({ nodes, edges }, layout, { ...quiet, selection: { kind: "node", id: "orders" } });
    expect(selectedNode.nodes.filter((node) => node.selected).map((node) => node.id)).toEqual(["orders"]);
  });

  it("leaves out what the layout has no place for", () => {
    const partial = layoutGraph(["gateway", "orders"], edges);
    const flow = buildFlowElements({ nodes, edges }, partial, quiet);
    expect(flow.nodes.map((node) => node.id)).toEqual(["gateway", "orders"]);
    expect(flow.edges.map((edge) => edge.target)).toEqual(["orders"]);
  });
});

describe("text alternatives", () => {
  it("says what a node and an edge show", () => {
    expect(describeNode(nodes[1], "failing")).toBe("orders, service, failing: 5 req/s, 10 % errors, p95 42 ms");
    expect(describeNode(nodes[2], "degraded")).toBe(
      "postgresql, uninstrumented peer, degraded: 2 req/s, 0.83 % errors, p95 42 ms",
    );
    expect(describeNode(nodes[3], "no_traffic")).toBe("notifier, service, no traffic");
    expect(describeEdge(edges[0], summarizeEdgeBreakers(edges[0].breakers))).toBe(
      "gateway calls orders: 5 req/s, 10 % errors, p95 42 ms, breakers open 1/2",
    );
    expect(describeEdge({ ...edges[1], stats: ZERO_TRAFFIC }, null)).toBe("orders calls postgresql: no calls");
  });
});
