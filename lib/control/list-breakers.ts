import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { BreakerConfig, BreakerState, InstanceStatus } from "./contract";

export type BreakerTransitionRecord = {
  fromState: BreakerState;
  toState: BreakerState;
  /** ISO 8601. */
  at: string;
  reason: string | null;
};

export type BreakerSummary = {
  ownerInstanceId: string;
  ownerService: string;
  /** The owner's registry status; null when the owner is no longer registered. */
  ownerStatus: InstanceStatus | null;
  targetInstanceId: string;
  targetService: string;
  targetVersion: string | null;
  state: BreakerState;
  /** ISO 8601 times. */
  stateSince: string;
  calls: number;
  failedCalls: number;
  slowCalls: number;
  failureRate: number;
  slowCallRate: number;
  notPermittedCalls: number;
  config: BreakerConfig;
  /** When the owner last reported this breaker. */
  updatedAt: string;
  /** The last `transitions` transitions, most recent first (empty unless asked for). */
  recentTransitions: BreakerTransitionRecord[];
};

type BreakerRow = {
  owner_instance_id: string;
  owner_service: string;
  owner_status: InstanceStatus | null;
  target_instance_id: string;
  target_service: string;
  target_version: string | null;
  state: BreakerState;
  state_since: Date;
  calls: number;
  failed_calls: number;
  slow_calls: number;
  failure_rate: number;
  slow_call_rate: number;
  not_permitted_calls: number;
  config: BreakerConfig;
  updated_at: Date;
  recent_transitions: { fromState: BreakerState; toState: BreakerState; at: string; reason: string | null }[];
};

/**
 * Current state of every breaker (owner instance → target instance), optionally only those
 * whose owner or target is `service`, each with its `transitions` most recent transitions.
 */
export async function listBreakers(
  options: { service?: string; transitions?: number } = {},
  pool: pg.Pool = getPool(),
): Promise<BreakerSummary[]> {
  const { rows } = await pool.query<BreakerRow>(
    `SELECT b.owner_instance_id, b.owner_service, i.status AS owner_status, b.target_instance_id, b.target_service,
            b.target_version, b.state, b.state_since, b.calls, b.failed_calls, b.slow_calls, b.failure_rate,
            b.slow_call_rate, b.not_permitted_calls, b.config, b.updated_at,
            coalesce(t.recent, '[]') AS recent_transitions
       FROM breakers b
       LEFT JOIN instances i ON i.instance_id = b.owner_instance_id
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object('fromState', x.from_state, 'toState', x.to_state, 'at', x.at, 'reason', x.reason)
                         ORDER BY x.at DESC, x.id DESC) AS recent
           FROM (SELECT from_state, to_state, at, reason, id FROM breaker_transitions bt
                  WHERE bt.owner_instance_id = b.owner_instance_id AND bt.target_instance_id = b.target_instance_id
                  ORDER BY bt.at DESC, bt.id DESC LIMIT $2) x
       ) t ON true
      WHERE $1::text IS NULL OR b.owner_service = $1 OR b.target_service = $1
      ORDER BY b.owner_service COLLATE "C", b.owner_instance_id COLLATE "C", b.target_instance_id COLLATE "C"`,
    [options.service ?? null, options.transitions ?? 0],
  );
  return rows.map((row) => ({
    ownerInstanceId: row.owner_instance_id,
    ownerService: row.owner_service,
    ownerStatus: row.owner_status,
    targetInstanceId: row.target_instance_id,
    targetService: row.target_service,
    targetVersion: row.target_version,
    state: row.state,
    stateSince: row.state_since.toISOString(),
    calls: row.calls,
    failedCalls: row.failed_calls,
    slowCalls: row.slow_calls,
    failureRate: row.failure_rate,
    slowCallRate: row.slow_call_rate,
    notPermittedCalls: row.not_permitted_calls,
    config: row.config,
    updatedAt: row.updated_at.toISOString(),
    recentTransitions: row.recent_transitions.map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
  }));
}
