/**
 * The graph on screen as a JSON document for download: the window, the focus, and every
 * node and edge with the numbers the page shows (as the API gave them) and their health.
 */
import type { TopologyEdge, TopologyNode } from "@/lib/query-client/topology-schemas";
import { summarizeEdgeBreakers } from "@/lib/breakers/summarize-edge-breakers";
import { classifyHealth } from "@/lib/ui/health";

export type GraphExport = {
  format: "breakwater-topology";
  version: 1;
  window: { from: string; to: string };
  focus: { node: string; hops: number } | null;
  nodes: (TopologyNode & { health: string })[];
  edges: (TopologyEdge & { health: string; breakerSummary: string | null })[];
};

export function buildGraphExport(
  graph: { fromMs: number; toMs: number; nodes: readonly TopologyNode[]; edges: readonly TopologyEdge[] },
  focus: { node: string; hops: number } | null,
): GraphExport {
  return {
    format: "breakwater-topology",
    version: 1,
    window: { from: new Date(graph.fromMs).toISOString(), to: new Date(graph.toMs).toISOString() },
    focus,
    nodes: graph.nodes.map((node) => ({ ...node, health: classifyHealth(node.stats) })),
    edges: graph.edges.map((edge) => ({
      ...edge,
      health: classifyHealth(edge.stats),
      breakerSummary: summarizeEdgeBreakers(edge.breakers)?.label ?? null,
    })),
  };
}

/** "breakwater-topology-2026-11-21T10-05-00Z.png": sortable, and safe in every file system. */
export function exportFileName(extension: "png" | "svg" | "json", atMs: number): string {
  const stamp = new Date(atMs).toISOString().slice(0, 19).replaceAll(":", "-");
  return `breakwater-topology-${stamp}Z.${extension}`;
}
