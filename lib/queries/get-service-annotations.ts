/**
 * What changed around a service in a window, for annotations on its charts: route weight
 * changes (the `route_changes` audit of the routes that serve this service's versions) and
 * circuit-breaker transitions on its edges (breakers this service's instances own, and
 * breakers other services own towards its instances), most recent first.
 */
import type pg from "pg";
import type { BreakerState } from "@/lib/control/contract";
import type { RouteBackends } from "@/lib/control/route-weights";
import { getPool } from "@/lib/db/pool";

export const DEFAULT_ANNOTATIONS_LIMIT = 500;

export type RouteChangeAnnotation = {
  routeId: string;
  routeVersion: number;
  /** Null for the route's creation. */
  oldBackends: RouteBackends | null;
  newBackends: RouteBackends;
  actor: string;
  reason: string | null;
  /** ISO 8601. */
  at: string;
};

export type BreakerTransitionAnnotation = {
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

export type ServiceAnnotations = {
  service: string;
  /** ISO 8601, the window asked for. */
  from: string;
  to: string;
  /** from ≤ at ≤ to, most recent first, at most `limit` each. */
  routeChanges: RouteChangeAnnotation[];
  breakerTransitions: BreakerTransitionAnnotation[];
  /** True when either list had more than `limit` entries in the window (the oldest are left out). */
  isTruncated: boolean;
};

type RouteChangeRow = {
  route_id: string;
  route_version: number;
  old_backends: RouteBackends | null;
  new_backends: RouteBackends;
  actor: string;
  reason: string | null;
  at: Date;
};

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

export async function getServiceAnnotations(
  input: { service: string; from: Date; to: Date; limit?: number },
  pool: pg.Pool = getPool(),
): Promise<ServiceAnnotations> {
  const limit = input.limit ?? DEFAULT_ANNOTATIONS_LIMIT;
  const [routeChanges, transitions] = await Promise.all([
    pool.query<RouteChangeRow>(
      `SELECT rc.route_id, rc.route_version, rc.old_backends, rc.new_backends, rc.actor, rc.reason, rc.at
         FROM route_changes rc
         JOIN routes r ON r.id = rc.route_id
        WHERE r.service = $1 AND rc.at >= $2 AND rc.at <= $3
        ORDER BY rc.at DESC, rc.id DESC
        LIMIT $4`,
      [input.service, input.from, input.to, limit + 1],
    ),
    pool.query<TransitionRow>(
      `SELECT owner_instance_id, owner_service, target_instance_id, target_service, from_state, to_state, at, reason
         FROM breaker_transitions
        WHERE (owner_service = $1 OR target_service = $1) AND at >= $2 AND at <= $3
        ORDER BY at DESC, id DESC
        LIMIT $4`,
      [input.service, input.from, input.to, limit + 1],
    ),
  ]);
  return {
    service: input.service,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    routeChanges: routeChanges.rows.slice(0, limit).map((row) => ({
      routeId: row.route_id,
      routeVersion: row.route_version,
      oldBackends: row.old_backends,
      newBackends: row.new_backends,
      actor: row.actor,
      reason: row.reason,
      at: row.at.toISOString(),
    })),
    breakerTransitions: transitions.rows.slice(0, limit).map((row) => ({
      ownerInstanceId: row.owner_instance_id,
      ownerService: row.owner_service,
      targetInstanceId: row.target_instance_id,
      targetService: row.target_service,
      fromState: row.from_state,
      toState: row.to_state,
      at: row.at.toISOString(),
      reason: row.reason,
    })),
    isTruncated: routeChanges.rows.length > limit || transitions.rows.length > limit,
  };
}
