/**
 * React Flow nodes and edges for the graph on screen: the (focused) topology, placed by the
 * layout, with what each element needs to draw itself — its health, its breakers, whether
 * it is selected, a search match or dimmed — and a text alternative for screen readers.
 */
import type { Edge, Node } from "@xyflow/react";
import type { TopologyEdge, TopologyNode } from "@/lib/query-client/topology-schemas";
import { type EdgeBreakerSummary, summarizeEdgeBreakers } from "@/lib/breakers/summarize-edge-breakers";
import { classifyHealth, type Health } from "@/lib/ui/health";
import { formatErrorRate, formatMs, formatRps } from "./format-traffic";
import { type GraphLayout, NODE_HEIGHT, NODE_WIDTH, type Point } from "./layout-graph";
import { edgeKey } from "./assemble-topology";

export type TopologySelection = { kind: "node"; id: string } | { kind: "edge"; source: string; target: string };

export type ServiceNodeData = {
  node: TopologyNode;
  health: Health;
  /** Matches the search (drawn highlighted). */
  isMatch: boolean;
  /** A search is active and this node does not match it. */
  isDimmed: boolean;
  /** The node the view is focused on. */
  isFocus: boolean;
};

export type TrafficEdgeData = {
  edge: TopologyEdge;
  health: Health;
  breaker: EdgeBreakerSummary | null;
  /** Route from the layout (absolute flow coordinates) and the label's centre. */
  points: Point[];
  label: Point;
  isDimmed: boolean;
};

export type ServiceFlowNode = Node<ServiceNodeData, "service">;
export type TrafficFlowEdge = Edge<TrafficEdgeData, "traffic">;

export const HEALTH_LABEL: Record<Health, string> = {
  no_traffic: "no traffic",
  healthy: "healthy",
  degraded: "degraded",
  failing: "failing",
};

export function isSelectedNode(selection: TopologySelection | null, id: string): boolean {
  return selection?.kind === "node" && selection.id === id;
}

export function isSelectedEdge(selection: TopologySelection | null, edge: { source: string; target: string }): boolean {
  return selection?.kind === "edge" && selection.source === edge.source && selection.target === edge.target;
}

/** What a screen reader says for a node: name, kind, health and numbers. */
export function describeNode(node: TopologyNode, health: Health): string {
  const kind = node.isVirtual ? "uninstrumented peer" : "service";
  if (node.stats.calls === 0) return `${node.id}, ${kind}, no traffic`;
  return `${node.id}, ${kind}, ${HEALTH_LABEL[health]}: ${formatRps(node.stats.rps)}, ${formatErrorRate(node.stats.errorRate)} errors, p95 ${formatMs(node.stats.p95Ms)}`;
}

/** What a screen reader says for an edge: its ends, numbers and breakers. */
export function describeEdge(edge: TopologyEdge, breaker: EdgeBreakerSummary | null): string {
  const traffic =
    edge.stats.calls === 0
      ? "no calls"
      : `${formatRps(edge.stats.rps)}, ${formatErrorRate(edge.stats.errorRate)} errors, p95 ${formatMs(edge.stats.p95Ms)}`;
  const breakers = breaker === null ? "" : `, breakers ${breaker.label}`;
  return `${edge.source} calls ${edge.target}: ${traffic}${breakers}`;
}

export function buildFlowElements(
  graph: { nodes: readonly TopologyNode[]; edges: readonly TopologyEdge[] },
  layout: GraphLayout,
  view: { selection: TopologySelection | null; matches: ReadonlySet<string>; isSearching: boolean; focusId: string | null },
): { nodes: ServiceFlowNode[]; edges: TrafficFlowEdge[] } {
  const nodes: ServiceFlowNode[] = [];
  for (const node of graph.nodes) {
    const position = layout.nodes.get(node.id);
    if (position === undefined) continue;
    const health = classifyHealth(node.stats);
    const isMatch = view.matches.has(node.id);
    nodes.push({
      id: node.id,
      type: "service",
      position,
      // Fixed size (the layout's): bounds, fitting and exports know it before React Flow measures.
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      data: { node, health, isMatch, isDimmed: view.isSearching && !isMatch, isFocus: view.focusId === node.id },
      selected: isSelectedNode(view.selection, node.id),
      ariaLabel: describeNode(node, health),
      draggable: false,
      connectable: false,
    });
  }
  const edges: TrafficFlowEdge[] = [];
  for (const edge of graph.edges) {
    const key = edgeKey(edge.source, edge.target);
    const route = layout.edges.get(key);
    if (route === undefined) continue;
    const breaker = summarizeEdgeBreakers(edge.breakers);
    edges.push({
      id: key,
      type: "traffic",
      source: edge.source,
      target: edge.target,
      data: {
        edge,
        health: classifyHealth(edge.stats),
        breaker,
        points: route.points,
        label: route.label,
        isDimmed: view.isSearching && !(view.matches.has(edge.source) || view.matches.has(edge.target)),
      },
      selected: isSelectedEdge(view.selection, edge),
      ariaLabel: describeEdge(edge, breaker),
      // Open breakers above the rest, so their red is never under another edge.
      zIndex: breaker?.isRefusing === true ? 1 : 0,
    });
  }
  return { nodes, edges };
}
