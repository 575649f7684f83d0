/**
 * Builds the service graph from what get-topology reads: services with rollup rows in the
 * window, edges and the virtual peers they reach, registered instances, and breakers.
 * Pure, so the rules below are unit-tested:
 *
 * - a node for every service that sent spans in the window, every caller and callee of an
 *   edge, every service with registered instances (heartbeats only, no spans yet), and both
 *   ends of every breaker;
 * - a node is a service when spans, heartbeats or owning a breaker prove it (the SQL folds
 *   those into an edge's isVirtual too); anything else — a callee only virtual edges name, or
 *   a breaker's target that nothing else names — is a virtual node. A breaker on an
 *   uninstrumented peer (a gateway's breaker on a third-party API) proves nothing about it;
 * - an edge for every caller → callee pair with traffic, and for every owner → target pair of
 *   breakers even without traffic in the window (an open breaker that refuses every call must
 *   still show), counted per state and owner liveness (stale: the owner stopped reporting).
 */
import { STATE_URGENCY } from "@/lib/breakers/summarize-breakers";
import type { BreakerState } from "@/lib/control/contract";
import type {
  BreakerStateCount,
  InstanceCounts,
  TopologyEdge,
  TopologyNode,
  TopologyResponse,
  TrafficStats,
} from "@/lib/query-client/topology-schemas";

export type TopologyRows = {
  /** Services with rollup rows in the window; stats over their SERVER/CONSUMER spans. */
  services: { service: string; stats: TrafficStats }[];
  /** Caller → callee pairs with traffic (one row per pair). */
  edges: { caller: string; callee: string; isVirtual: boolean; stats: TrafficStats }[];
  /** Each virtual callee over all its callers. */
  virtualNodes: { callee: string; stats: TrafficStats }[];
  /** Registered (not deregistered) instances per service. */
  instances: ({ service: string } & InstanceCounts)[];
  /** Breakers per owner service, target service, state and owner liveness. */
  breakers: { ownerService: string; targetService: string; state: BreakerState; isStale: boolean; count: number }[];
};

export const ZERO_TRAFFIC: TrafficStats = Object.freeze({
  calls: 0,
  errors: 0,
  rps: 0,
  errorRate: null,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
});

const NO_INSTANCES: InstanceCounts = Object.freeze({ healthy: 0, degraded: 0, unhealthy: 0 });

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A key for a caller → callee pair that no pair of names can share. */
export function edgeKey(source: string, target: string): string {
  return JSON.stringify([source, target]);
}

export function assembleTopology(rows: TopologyRows): Pick<TopologyResponse, "nodes" | "edges"> {
  const realNames = new Set<string>();
  const virtualNames = new Set<string>();
  for (const row of rows.services) realNames.add(row.service);
  for (const row of rows.instances) realNames.add(row.service);
  for (const row of rows.breakers) {
    realNames.add(row.ownerService);
    virtualNames.add(row.targetService);
  }
  for (const row of rows.edges) {
    realNames.add(row.caller);
    (row.isVirtual ? virtualNames : realNames).add(row.callee);
  }

  const serviceStats = new Map(rows.services.map((row) => [row.service, row.stats]));
  const virtualStats = new Map(rows.virtualNodes.map((row) => [row.callee, row.stats]));
  const instances = new Map(
    rows.instances.map(({ service, healthy, degraded, unhealthy }) => [service, { healthy, degraded, unhealthy }]),
  );

  const nodes: TopologyNode[] = [];
  for (const id of new Set([...realNames, ...virtualNames])) {
    const isVirtual = !realNames.has(id);
    nodes.push({
      id,
      isVirtual,
      stats: (isVirtual ? virtualStats.get(id) : serviceStats.get(id)) ?? ZERO_TRAFFIC,
      instances: instances.get(id) ?? NO_INSTANCES,
    });
  }
  nodes.sort((a, b) => byCodePoint(a.id, b.id));

  const edges = new Map<string, TopologyEdge>();
  for (const row of rows.edges) {
    edges.set(edgeKey(row.caller, row.callee), {
      source: row.caller,
      target: row.callee,
      isVirtual: !realNames.has(row.callee),
      stats: row.stats,
      breakers: [],
    });
  }
  for (const row of rows.breakers) {
    const key = edgeKey(row.ownerService, row.targetService);
    let edge = edges.get(key);
    if (edge === undefined) {
      edge = {
        source: row.ownerService,
        target: row.targetService,
        isVirtual: !realNames.has(row.targetService),
        stats: ZERO_TRAFFIC,
        breakers: [],
      };
      edges.set(key, edge);
    }
    const existing = edge.breakers.find((entry) => entry.state === row.state && entry.isStale === row.isStale);
    if (existing === undefined) edge.breakers.push({ state: row.state, isStale: row.isStale, count: row.count });
    else existing.count += row.count;
  }
  const sortedEdges = [...edges.values()].sort((a, b) => byCodePoint(a.source, b.source) || byCodePoint(a.target, b.target));
  for (const edge of sortedEdges) edge.breakers.sort(compareBreakerCounts);
  return { nodes, edges: sortedEdges };
}

function compareBreakerCounts(a: BreakerStateCount, b: BreakerStateCount): number {
  return Number(a.isStale) - Number(b.isStale) || STATE_URGENCY[a.state] - STATE_URGENCY[b.state];
}
