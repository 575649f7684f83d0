/**
 * Positions for the graph, from dagre (a layered layout: callers before the services they
 * call). Edge labels are laid out as well, so the label of every edge gets its own room and
 * the edges are routed through dagre's points rather than across nodes. Both directions are
 * tried, left to right and top to bottom, and the one that fills a canvas of the page's
 * proportions better wins: a long call chain reads larger top to bottom, a wide fan-out left
 * to right.
 *
 * The layout depends only on the set of nodes and edges (layoutKey), never on their numbers,
 * so a refresh with the same graph keeps every node where it was; callers memoize on the key.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from "@dagrejs/dagre";

export const NODE_WIDTH = 176;
export const NODE_HEIGHT = 64;
/** Room for an edge label (rate; errors · p95; a breaker line). */
export const EDGE_LABEL_WIDTH = 136;
export const EDGE_LABEL_HEIGHT = 52;
/** Width ÷ height of the canvas the direction is chosen for (the page's graph area at 1280–1920 px). */
export const CANVAS_ASPECT = 1.8;

export type LayoutDirection = "LR" | "TB";

export type Point = { x: number; y: number };

export type GraphLayout = {
  /** Top-left corner of each node (React Flow's node position). */
  nodes: Map<string, Point>;
  /** Per edgeKey: the route from the source's border to the target's, and the label's centre. */
  edges: Map<string, { points: Point[]; label: Point }>;
  width: number;
  height: number;
  direction: LayoutDirection;
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

/** The node ids and edges a layoutKey was made from (so a memo keyed on it can lay it out). */
export function parseLayoutKey(key: string): { nodeIds: string[]; edges: LayoutEdge[] } {
  const [nodeIds, edgeKeys] = JSON.parse(key) as [string[], string[]];
  return {
    nodeIds,
    edges: edgeKeys.map((edgeKey) => {
      const [source, target] = JSON.parse(edgeKey) as [string, string];
      return { source, target };
    }),
  };
}

/**
 * Lays out the graph in the direction that shows it largest on a canvas of `aspect` (width ÷
 * height); input order does not matter (both lists are sorted first).
 */
export function layoutGraph(nodeIds: readonly string[], edges: readonly LayoutEdge[], aspect = CANVAS_ASPECT): GraphLayout {
  const across = layoutInDirection(nodeIds, edges, "LR");
  const down = layoutInDirection(nodeIds, edges, "TB");
  // The zoom that fits a layout into a canvas of height 1 and width `aspect`.
  const fit = (layout: GraphLayout) => Math.min(aspect / Math.max(layout.width, 1), 1 / Math.max(layout.height, 1));
  return fit(down) > fit(across) * 1.05 ? down : across;
}

export function layoutInDirection(
  nodeIds: readonly string[],
  edges: readonly LayoutEdge[],
  direction: LayoutDirection,
): GraphLayout {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  graph.setGraph({
    rankdir: direction,
    nodesep: direction === "LR" ? 24 : 32,
    ranksep: direction === "LR" ? 48 : 40,
    edgesep: 12,
    marginx: 16,
    marginy: 16,
  });
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
  return { nodes, edges: laidOutEdges, width, height, direction };
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
