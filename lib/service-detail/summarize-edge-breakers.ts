import { BREAKER_STATES, type BreakerState } from "@/lib/control/contract";

export type EdgeBreakerInput = { state: BreakerState };

export type EdgeBreakerSummary = {
  /** The state that matters most for the edge's calls (open first), or null without breakers. */
  worstState: BreakerState | null;
  /** Breakers per state, every state present (0 included). */
  countByState: Record<BreakerState, number>;
  total: number;
};

/** Most alarming first: refused calls, then probing, then the normal and the bypassed. */
export const BREAKER_STATE_SEVERITY: readonly BreakerState[] = ["open", "forced_open", "half_open", "closed", "disabled"];

/** The breakers on one edge (one per caller instance → callee instance), summarized for a table cell. */
export function summarizeEdgeBreakers(breakers: readonly EdgeBreakerInput[]): EdgeBreakerSummary {
  const countByState = Object.fromEntries(BREAKER_STATES.map((state) => [state, 0])) as Record<BreakerState, number>;
  for (const breaker of breakers) countByState[breaker.state]++;
  const worstState = BREAKER_STATE_SEVERITY.find((state) => countByState[state] > 0) ?? null;
  return { worstState, countByState, total: breakers.length };
}
