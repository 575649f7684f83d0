import { DEFAULT_FOCUS_HOPS, MAX_FOCUS_HOPS, MIN_FOCUS_HOPS } from "@/lib/topology/focus-graph";
import type { TopologySelection } from "@/lib/topology/build-flow-elements";

/**
 * The Topology page's view state in the URL (besides the shared `range`/`from`/`to` and
 * `refresh`): `?focus=orders&hops=2` shows only what is within 2 calls of orders;
 * `?node=orders` or `?caller=gateway&callee=orders` opens a node's or an edge's panel.
 * Defaults are left out of the URL.
 */
export const FOCUS_PARAM = "focus";
export const HOPS_PARAM = "hops";
export const NODE_PARAM = "node";
export const CALLER_PARAM = "caller";
export const CALLEE_PARAM = "callee";
export const TOPOLOGY_PARAMS = [FOCUS_PARAM, HOPS_PARAM, NODE_PARAM, CALLER_PARAM, CALLEE_PARAM] as const;
type TopologyParam = (typeof TOPOLOGY_PARAMS)[number];

export type TopologyView = {
  focus: string | null;
  hops: number;
  selection: TopologySelection | null;
};

type ParamReader = { get(name: string): string | null };

const nonEmpty = (value: string | null) => (value === null || value.trim() === "" ? null : value);

export function parseTopologyView(params: ParamReader): TopologyView {
  const hopsText = params.get(HOPS_PARAM);
  const hops = hopsText !== null && /^\d+$/.test(hopsText) ? Number(hopsText) : DEFAULT_FOCUS_HOPS;
  const node = nonEmpty(params.get(NODE_PARAM));
  const caller = nonEmpty(params.get(CALLER_PARAM));
  const callee = nonEmpty(params.get(CALLEE_PARAM));
  let selection: TopologySelection | null = null;
  if (caller !== null && callee !== null) selection = { kind: "edge", source: caller, target: callee };
  else if (node !== null) selection = { kind: "node", id: node };
  return {
    focus: nonEmpty(params.get(FOCUS_PARAM)),
    hops: Math.min(MAX_FOCUS_HOPS, Math.max(MIN_FOCUS_HOPS, hops)),
    selection,
  };
}

/** URL parameter values for a (partial) view change; null removes a parameter (the default). */
export function serializeTopologyView(view: Partial<TopologyView>): Partial<Record<TopologyParam, string | null>> {
  const changes: Partial<Record<TopologyParam, string | null>> = {};
  if (view.focus !== undefined) changes[FOCUS_PARAM] = view.focus;
  if (view.hops !== undefined) changes[HOPS_PARAM] = view.hops === DEFAULT_FOCUS_HOPS ? null : String(view.hops);
  if (view.selection !== undefined) {
    const selection = view.selection;
    changes[NODE_PARAM] = selection?.kind === "node" ? selection.id : null;
    changes[CALLER_PARAM] = selection?.kind === "edge" ? selection.source : null;
    changes[CALLEE_PARAM] = selection?.kind === "edge" ? selection.target : null;
  }
  return changes;
}
