import { describe, expect, it } from "vitest";
import type { TrafficStats } from "@/lib/query-client/topology-schemas";
import { assembleTopology, edgeKey, type TopologyRows, ZERO_TRAFFIC } from "./assemble-topology";

const stats = (calls: number, errors = 0): TrafficStats => ({
  calls,
  errors,
  rps: calls / 60,
  errorRate: calls === 0 ? null : errors / calls,
  p50Ms: 1,
  p95Ms: 2,
  p99Ms: 3,
});

const empty: TopologyRows = { services: [], edges: [], virtualNodes: [], instances: [], breakers: [] };

describe("assembleTopology", () => {
  it("makes nodes of services, edge ends and virtual peers, sorted, each with its own stats", () => {
    const { nodes, edges } = assembleTopology({
      ...empty,
      services: [
        { service: "orders", stats: stats(10, 1) },
        { service: "loadgen", stats: ZERO_TRAFFIC },
      ],
      edges: [
        { caller: "orders", callee: "postgresql", isVirtual: true, stats: stats(7) },
        { caller: "loadgen", callee: "orders", isVirtual: false, stats: stats(10) },
      ],
      virtualNodes: [{ callee: "postgresql", stats: stats(7) }],
    });
    expect(nodes).toEqual([
      { id: "loadgen", isVirtual: false, stats: ZERO_TRAFFIC, instances: { healthy: 0, degraded: 0, unhealthy: 0 } },
      { id: "orders", isVirtual: false, stats: stats(10, 1), instances: { healthy: 0, degraded: 0, unhealthy: 0 } },
      { id: "postgresql", isVirtual: true, stats: stats(7), instances: { healthy: 0, degraded: 0, unhealthy: 0 } },
    ]);
    expect(edges.map((edge) => [edge.source, edge.target, edge.isVirtual, edge.stats.calls])).toEqual([
      ["loadgen", "orders", false, 10],
      ["orders", "postgresql", true, 7],
    ]);
  });

  it("adds heartbeat-only services with their instance counts, and zero stats for nodes without rows", () => {
    const { nodes } = assembleTopology({
      ...empty,
      edges: [{ caller: "gateway", callee: "orders", isVirtual: false, stats: stats(4) }],
      instances: [{ service: "notifier", healthy: 2, degraded: 0, unhealthy: 1 }],
    });
    expect(nodes.map((node) => node.id)).toEqual(["gateway", "notifier", "orders"]);
    expect(nodes[1]).toEqual({
      id: "notifier",
      isVirtual: false,
      stats: ZERO_TRAFFIC,
      instances: { healthy: 2, degraded: 0, unhealthy: 1 },
    });
    expect(nodes[2].stats).toBe(ZERO_TRAFFIC);
  });

  it("attaches breakers to their edge, and makes an edge of breakers alone", () => {
    const { nodes, edges } = assembleTopology({
      ...empty,
      edges: [{ caller: "orders", callee: "payments", isVirtual: false, stats: stats(10, 3) }],
      // catalog sends heartbeats but no spans in the window.
      instances: [{ service: "catalog", healthy: 1, degraded: 0, unhealthy: 0 }],
      breakers: [
        { ownerService: "orders", targetService: "payments", state: "closed", isStale: false, count: 3 },
        { ownerService: "orders", targetService: "payments", state: "open", isStale: true, count: 2 },
        { ownerService: "orders", targetService: "payments", state: "open", isStale: false, count: 1 },
        { ownerService: "gateway", targetService: "catalog", state: "half_open", isStale: false, count: 1 },
      ],
    });
    expect(nodes.map((node) => [node.id, node.isVirtual])).toEqual([
      ["catalog", false],
      ["gateway", false],
      ["orders", false],
      ["payments", false],
    ]);
    expect(edges).toEqual([
      {
        source: "gateway",
        target: "catalog",
        isVirtual: false,
        stats: ZERO_TRAFFIC,
        breakers: [{ state: "half_open", isStale: false, count: 1 }],
      },
      {
        source: "orders",
        target: "payments",
        isVirtual: false,
        stats: stats(10, 3),
        // Live ones first, most urgent first; the stale open ones apart.
        breakers: [
          { state: "open", isStale: false, count: 1 },
          { state: "closed", isStale: false, count: 3 },
          { state: "open", isStale: true, count: 2 },
        ],
      },
    ]);
  });

  it("makes a name that a heartbeat proves to be a service a real node, even when an edge calls it virtual", () => {
    const { nodes, edges } = assembleTopology({
      ...empty,
      edges: [{ caller: "orders", callee: "payments", isVirtual: true, stats: stats(2, 2) }],
      virtualNodes: [{ callee: "payments", stats: stats(2, 2) }],
      instances: [{ service: "payments", healthy: 1, degraded: 0, unhealthy: 0 }],
    });
    expect(nodes.find((node) => node.id === "payments")).toMatchObject({ isVirtual: false, stats: ZERO_TRAFFIC });
    expect(edges[0].isVirtual).toBe(false);
  });

  it("keeps an uninstrumented peer with a breaker on it virtual: only the owner is proven a service", () => {
    const { nodes, edges } = assembleTopology({
      ...empty,
      services: [{ service: "gateway", stats: stats(50, 0) }],
      edges: [{ caller: "gateway", callee: "card-network", isVirtual: true, stats: stats(20, 4) }],
      virtualNodes: [{ callee: "card-network", stats: stats(20, 4) }],
      breakers: [
        { ownerService: "gateway", targetService: "card-network", state: "open", isStale: false, count: 1 },
        // A breaker on a peer nothing else names: a virtual node, and a virtual edge, without traffic.
        { ownerService: "notifier", targetService: "smtp.example.com", state: "closed", isStale: false, count: 1 },
      ],
    });
    expect(nodes.map((node) => [node.id, node.isVirtual, node.stats])).toEqual([
      ["card-network", true, stats(20, 4)],
      ["gateway", false, stats(50, 0)],
      ["notifier", false, ZERO_TRAFFIC],
      ["smtp.example.com", true, ZERO_TRAFFIC],
    ]);
    expect(edges.map((edge) => [edge.source, edge.target, edge.isVirtual, edge.stats.calls, edge.breakers.length])).toEqual([
      ["gateway", "card-network", true, 20, 1],
      ["notifier", "smtp.example.com", true, 0, 1],
    ]);
  });

  it("keys edges so that no two name pairs collide", () => {
    expect(edgeKey("a→b", "c")).not.toBe(edgeKey("a", "b→c"));
    expect(edgeKey('a","b', "c")).not.toBe(edgeKey("a", 'b","c'));
  });
});
