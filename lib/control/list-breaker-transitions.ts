import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { BreakerState } from "./contract";

/** One stored transition, with the breaker (owner instance → target instance) it belongs to. */
export type BreakerTransitionEvent = {
  ownerInstanceId: string;
  ownerService: string;
  targetInstanceId: string;
  targetService: string;
  fromState: BreakerState;
  toState: BreakerState;
  /** ISO 8601. */
  at: string;
  reason: string | null;
};

/** The state a current breaker was in when the window opened: its last transition before `from`. */
export type BreakerPriorState = {
  ownerInstanceId: string;
  targetInstanceId: string;
  state: BreakerState;
  /** ISO 8601: when it entered `state`. */
  since: string;
};

export type BreakerTransitionsResult = {
  /** ISO 8601, the window asked for. */
  from: string;
  to: string;
  /** Transitions with from ≤ at ≤ to, most recent first, at most `limit`. */
  transitions: BreakerTransitionEvent[];
  /** True when the window held more than `limit` transitions (the oldest are left out). */
  isTruncated: boolean;
  /** For every current breaker that matches the filters and had a transition before `from`. */
  priorStates: BreakerPriorState[];
};

export type ListBreakerTransitionsOptions = {
  from: Date;
  to: Date;
  /** Breakers whose owner or target belongs to this service. */
  service?: string;
  ownerInstanceId?: string;
  targetInstanceId?: string;
  limit?: number;
};

export const DEFAULT_TRANSITIONS_LIMIT = 2_000;

type TransitionRow = {
  owner_instance_id: string;
  owner_service: string;
  target_instance_id: string;
  target_service: string;
  from_state: BreakerState;
  to_state: BreakerState;
  at: Date;
  reason: string | null;
};

type PriorRow = { owner_instance_id: string; target_instance_id: string; state: BreakerState; since: Date };

// The same filter for both statements; $1..$3 are service, owner and target.
const FILTER = `($1::text IS NULL OR {t}.owner_service = $1 OR {t}.target_service = $1)
            AND ($2::text IS NULL OR {t}.owner_instance_id = $2)
            AND ($3::text IS NULL OR {t}.target_instance_id = $3)`;
const filterOn = (alias: string) => FILTER.replaceAll("{t}", alias);

/**
 * Breaker transitions in a time window (for timelines), plus the state each current breaker
 * was in when the window opened, so a timeline can be drawn from its left edge even when
 * nothing happened inside the window.
 */
export async function listBreakerTransitions(
  options: ListBreakerTransitionsOptions,
  pool: pg.Pool = getPool(),
): Promise<BreakerTransitionsResult> {
  const limit = options.limit ?? DEFAULT_TRANSITIONS_LIMIT;
  const filters = [options.service ?? null, options.ownerInstanceId ?? null, options.targetInstanceId ?? null];
  const [transitions, prior] = await Promise.all([
    pool.query<TransitionRow>(
      `SELECT owner_instance_id, owner_service, target_instance_id, target_service, from_state, to_state, at, reason
         FROM breaker_transitions bt
        WHERE bt.at >= $4 AND bt.at <= $5 AND ${filterOn("bt")}
        ORDER BY bt.at DESC, bt.id DESC
        LIMIT $6`,
      [...filters, options.from, options.to, limit + 1],
    ),
    // One index probe per current breaker (the dedup key starts with owner, target, at),
    // rather than scanning all history before `from`.
    pool.query<PriorRow>(
      `SELECT b.owner_instance_id, b.target_instance_id, p.to_state AS state, p.at AS since
         FROM breakers b
         JOIN LATERAL (
           SELECT bt.to_state, bt.at FROM breaker_transitions bt
            WHERE bt.owner_instance_id = b.owner_instance_id AND bt.target_instance_id = b.target_instance_id
              AND bt.at < $4
            ORDER BY bt.at DESC, bt.id DESC LIMIT 1
         ) p ON true
        WHERE ${filterOn("b")}
        ORDER BY b.owner_instance_id COLLATE "C", b.target_instance_id COLLATE "C"`,
      [...filters, options.from],
    ),
  ]);
  return {
    from: options.from.toISOString(),
    to: options.to.toISOString(),
    transitions: transitions.rows.slice(0, limit).map((row) => ({
      ownerInstanceId: row.owner_instance_id,
      ownerService: row.owner_service,
      targetInstanceId: row.target_instance_id,
      targetService: row.target_service,
      fromState: row.from_state,
      toState: row.to_state,
      at: row.at.toISOString(),
      reason: row.reason,
    })),
    isTruncated: transitions.rows.length > limit,
    priorStates: prior.rows.map((row) => ({
      ownerInstanceId: row.owner_instance_id,
      targetInstanceId: row.target_instance_id,
      state: row.state,
      since: row.since.toISOString(),
    })),
  };
}
