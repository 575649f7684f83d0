/**
 * Focus on one node: the nodes within `hops` calls of it, in either direction (its callers,
 * its callees, theirs, …), and the edges between them.
 */

export const MIN_FOCUS_HOPS = 1;
export const MAX_FOCUS_HOPS = 5;
export const DEFAULT_FOCUS_HOPS = 1;

type GraphEdge = { source: string; target: string };

export type FocusedGraph<N, E> = {
  nodes: N[];
  edges: E[];
  /** Whether the focus node exists; when not, the graph is returned whole. */
  isFocusFound: boolean;
};

/** Node ids within `hops` of `focusId` (breadth-first over edges in both directions), with their distance. */
export function nodesWithinHops(edges: readonly GraphEdge[], focusId: string, hops: number): Map<string, number> {
  const neighbours = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const list = neighbours.get(from);
    if (list === undefined) neighbours.set(from, [to]);
    else list.push(to);
  };
  for (const edge of edges) {
    link(edge.source, edge.target);
    link(edge.target, edge.source);
  }
  const distance = new Map<string, number>([[focusId, 0]]);
  let frontier = [focusId];
  for (let hop = 1; hop <= hops && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const neighbour of neighbours.get(id) ?? []) {
        if (distance.has(neighbour)) continue;
        distance.set(neighbour, hop);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return distance;
}

export function focusGraph<N extends { id: string }, E extends GraphEdge>(
  nodes: readonly N[],
  edges: readonly E[],
  focusId: string | null,
  hops: number,
): FocusedGraph<N, E> {
  if (focusId === null || !nodes.some((node) => node.id === focusId)) {
    return { nodes: [...nodes], edges: [...edges], isFocusFound: focusId === null };
  }
  const kept = nodesWithinHops(edges, focusId, hops);
  return {
    nodes: nodes.filter((node) => kept.has(node.id)),
    edges: edges.filter((edge) => kept.has(edge.source) && kept.has(edge.target)),
    isFocusFound: true,
  };
}
