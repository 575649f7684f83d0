/**
 * One edge's circuit breakers at a glance, the same on Topology and on a service's page.
 * Breakers are kept per owner instance → target instance (orders-v1-1 → payments-2); an edge
 * between two services aggregates them. Only breakers whose owner still reports count as the
 * edge's state now (isOwnerReporting, as on the Breakers page); the others are stale — their
 * last report — and are counted apart. The most urgent live state wins in STATE_URGENCY
 * order (the Breakers page's): "open 1/4" says one of four live breakers is open.
 */
import { BREAKER_STATES, type BreakerState, type InstanceStatus } from "@/lib/control/contract";
import { isOwnerReporting, STATE_URGENCY } from "./summarize-breakers";

/** Breakers of one state and owner liveness (Topology gets them counted by SQL). */
export type BreakerCount = { state: BreakerState; isStale: boolean; count: number };

export type EdgeBreakerSummary = {
  /** The most urgent state among live breakers; null when every breaker is stale. */
  state: BreakerState | null;
  /** Live breakers in that state. */
  count: number;
  /** Live breakers per state, every state present. */
  countByState: Record<BreakerState, number>;
  /** Breakers whose owner still reports. */
  liveCount: number;
  /** Live breakers refusing calls (open or forced open). */
  refusingCount: number;
  /** Calls are being refused on at least one instance pair now. */
  isRefusing: boolean;
  /** Breakers whose owner stopped reporting (or is gone): their state is the last reported. */
  staleCount: number;
  /** Live and stale. */
  total: number;
  /** e.g. "open 1/2", "closed 4/4 · 1 stale", "2 stale". */
  label: string;
};

/** Short state names for edge labels. */
export const BREAKER_STATE_SHORT: Record<BreakerState, string> = {
  closed: "closed",
  open: "open",
  half_open: "half-open",
  forced_open: "forced open",
  disabled: "disabled",
};

/** States most urgent first (STATE_URGENCY), for lists of counts. */
export const STATES_BY_URGENCY: readonly BreakerState[] = [...BREAKER_STATES].sort((a, b) => STATE_URGENCY[a] - STATE_URGENCY[b]);

/** Per-pair breakers (a service's edges from the API) as counts of one each. */
export function toBreakerCounts(
  breakers: readonly { state: BreakerState; ownerStatus: InstanceStatus | null }[],
): BreakerCount[] {
  return breakers.map((breaker) => ({ state: breaker.state, isStale: !isOwnerReporting(breaker.ownerStatus), count: 1 }));
}

/** null when the edge has no breakers at all. */
export function summarizeEdgeBreakers(counts: readonly BreakerCount[]): EdgeBreakerSummary | null {
  const countByState = Object.fromEntries(BREAKER_STATES.map((state) => [state, 0])) as Record<BreakerState, number>;
  let staleCount = 0;
  for (const entry of counts) {
    if (entry.count <= 0) continue;
    if (entry.isStale) staleCount += entry.count;
    else countByState[entry.state] += entry.count;
  }
  const liveCount = BREAKER_STATES.reduce((sum, state) => sum + countByState[state], 0);
  const total = liveCount + staleCount;
  if (total === 0) return null;
  const state = STATES_BY_URGENCY.find((candidate) => countByState[candidate] > 0) ?? null;
  const count = state === null ? 0 : countByState[state];
  const refusingCount = countByState.open + countByState.forced_open;
  const live = state === null ? null : `${BREAKER_STATE_SHORT[state]} ${count}/${liveCount}`;
  const stale = staleCount > 0 ? `${staleCount} stale` : null;
  return {
    state,
    count,
    countByState,
    liveCount,
    refusingCount,
    isRefusing: refusingCount > 0,
    staleCount,
    total,
    label: [live, stale].filter((part) => part !== null).join(" · "),
  };
}
