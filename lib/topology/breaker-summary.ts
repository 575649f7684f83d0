/**
 * One edge's breakers at a glance. Breakers are kept per owner instance → target instance
 * (orders-v1-1 → payments-2); an edge between two services aggregates all of them, and the
 * most urgent state wins (open before half-open before forced open before closed before
 * disabled, as on the Breakers page): "open 1/4" says one breaker of four is open.
 */
import type { BreakerState } from "@/lib/control/contract";
import { STATE_URGENCY } from "@/lib/breakers/summarize-breakers";
import type { BreakerStateCount } from "@/lib/query-client/topology-schemas";

export type EdgeBreakerSummary = {
  /** The most urgent state among the edge's breakers. */
  state: BreakerState;
  /** How many breakers are in that state. */
  count: number;
  /** How many breakers the edge has. */
  total: number;
  /** e.g. "open 1/2", "closed 4/4". */
  label: string;
  /** Calls are being refused on at least one instance pair (open or forced open). */
  isRefusing: boolean;
};

/** Short state names for edge labels. */
export const BREAKER_STATE_SHORT: Record<BreakerState, string> = {
  closed: "closed",
  open: "open",
  half_open: "half-open",
  forced_open: "forced open",
  disabled: "disabled",
};

/** null when the edge has no (live) breakers. */
export function summarizeEdgeBreakers(counts: readonly BreakerStateCount[]): EdgeBreakerSummary | null {
  let worst: BreakerStateCount | undefined;
  let total = 0;
  let isRefusing = false;
  for (const entry of counts) {
    if (entry.count <= 0) continue;
    total += entry.count;
    if (entry.state === "open" || entry.state === "forced_open") isRefusing = true;
    if (worst === undefined || STATE_URGENCY[entry.state] < STATE_URGENCY[worst.state]) worst = { ...entry };
    else if (entry.state === worst.state) worst.count += entry.count;
  }
  if (worst === undefined) return null;
  return {
    state: worst.state,
    count: worst.count,
    total,
    label: `${BREAKER_STATE_SHORT[worst.state]} ${worst.count}/${total}`,
    isRefusing,
  };
}
