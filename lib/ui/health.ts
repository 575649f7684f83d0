/**
 * Health from an error rate — the one rule for colouring error rates on every page (Overview,
 * Topology, a service's page): Kiali's default thresholds, degraded from 0.1 % of calls
 * failing, failing from 10 % (≥; Kiali's own failing rule is > 10 %). For a service the calls
 * are its SERVER and CONSUMER spans (errors: status ERROR); for an edge or a virtual node, the
 * callers' CLIENT spans. No calls in the window is its own state, drawn neutral, not green.
 */
import type { TrafficStats } from "@/lib/query-client/topology-schemas";

export const HEALTH_STATES = ["no_traffic", "healthy", "degraded", "failing"] as const;
export type Health = (typeof HEALTH_STATES)[number];

/** Error rate (0..1) from which a node or edge is degraded. */
export const DEGRADED_ERROR_RATE = 0.001;
/** Error rate (0..1) from which a node or edge is failing. */
export const FAILING_ERROR_RATE = 0.1;

export function classifyHealth(stats: Pick<TrafficStats, "calls" | "errorRate">): Health {
  if (stats.calls === 0 || stats.errorRate === null) return "no_traffic";
  if (stats.errorRate >= FAILING_ERROR_RATE) return "failing";
  if (stats.errorRate >= DEGRADED_ERROR_RATE) return "degraded";
  return "healthy";
}

/** The same rule from counts (tables that have errors and calls rather than a rate). */
export function classifyErrors(errors: number, calls: number): Health {
  return classifyHealth({ calls, errorRate: calls === 0 ? null : errors / calls });
}
