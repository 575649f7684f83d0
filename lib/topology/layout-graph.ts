/**
 * Positions for the graph, from dagre (a layered layout, left to right: callers before the
 * services they call). Edge labels are laid out as well, so the label of every edge gets its
 * own room and the edges are routed through dagre's points rather than across nodes.
 *
 * The layout depends only on the set of nodes and edges (layoutKey), never on their numbers,
 * so a refresh with the same graph keeps every node where it was; callers memoize on the key.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from "@dagrejs/dagre";

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 68;
/** Room for an edge label (rate · errors · p95, and a breaker line). */
export const EDGE_LABEL_WIDTH = 196;
export const EDGE_LABEL_HEIGHT = 44;

export type Point = { x: number; y: number };

export type GraphLayout = {
  /** Top-left corner of each node (React Flow's node position). */
  nodes: Map<string, Point>;
  /** Per edgeKey: the route from the source's border to the target's, and the label's centre. */
  edges: Map<string, { points: Point[]; label: Point }>;
  width: number;
  height: number;
};

type LayoutEdge = { source: string; target: string };

/** A key for a caller → callee pair that no pair of names can share (as assemble-topology's). */
const keyOf = (edge: LayoutEdge) => JSON.stringify([edge.source, edge.target]);

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The identity of a graph's shape: its node ids and edge pairs, sorted. Equal keys mean the
 * same layout; stats, selection and order of the input do not change it.
 */
export function layoutKey(nodeIds: readonly string[], edges: readonly LayoutEdge[]): string {
  return JSON.stringify([[...nodeIds].sort(byCodePoint), edges.map(keyOf).sort(byCodePoint)]);
}

/** Lays out the graph; input order does not matter (both lists are sorted first). */
export function layoutGraph(nodeIds: readonly string[], edges: readonly LayoutEdge[]): GraphLayout {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  graph.setGraph({ rankdir: "LR", nodesep: 28, ranksep: 56, edgesep: 16, marginx: 24, marginy: 24 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodeIds);
  for (const id of [...ids].sort(byCodePoint)) graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const sortedEdges = edges
    .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
    .sort((a, b) => byCodePoint(a.source, b.source) || byCodePoint(a.target, b.target));
  for (const edge of sortedEdges) {
    graph.setEdge(edge.source, edge.target, {
      width: EDGE_LABEL_WIDTH,
      height: EDGE_LABEL_HEIGHT,
      labelpos: "c",
      minlen: 1,
    });
  }
  dagre.layout(graph);

  const nodes = new Map<string, Point>();
  for (const id of ids) {
    const node = graph.node(id);
    nodes.set(id, { x: (node.x ?? 0) - NODE_WIDTH / 2, y: (node.y ?? 0) - NODE_HEIGHT / 2 });
  }
  const laidOutEdges: GraphLayout["edges"] = new Map();
  for (const edge of sortedEdges) {
    const label = graph.edge(edge.source, edge.target);
    const points = (label.points ?? []).map(({ x, y }) => ({ x, y }));
    laidOutEdges.set(keyOf(edge), {
      points,
      label: { x: label.x ?? points[Math.floor(points.length / 2)]?.x ?? 0, y: label.y ?? points[0]?.y ?? 0 },
    });
  }
  const { width = 0, height = 0 } = graph.graph();
  return { nodes, edges: laidOutEdges, width, height };
}

/**
 * An SVG path through the route's points: straight from the first point, then a quadratic
 * curve around each inner point (corners rounded half-way to the neighbours), straight into
 * the last one.
 */
export function routePath(points: readonly Point[]): string {
  if (points.length === 0) return "";
  const fmt = (p: Point) => `${round(p.x)},${round(p.y)}`;
  if (points.length <= 2) return points.map((p, i) => `${i === 0 ? "M" : "L"}${fmt(p)}`).join(" ");
  const mid = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  let d = `M${fmt(points[0])} L${fmt(mid(points[0], points[1]))}`;
  for (let i = 1; i < points.length - 1; i++) d += ` Q${fmt(points[i])} ${fmt(mid(points[i], points[i + 1]))}`;
  return `${d} L${fmt(points[points.length - 1])}`;
}

const round = (value: number) => Math.round(value * 10) / 10;
