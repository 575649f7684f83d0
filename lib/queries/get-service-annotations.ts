/**
 * What changed around a service in a window, for annotations on its charts: route weight
 * changes (the `route_changes` audit of the routes that serve this service's versions) and
 * circuit-breaker transitions on its edges (breakers this service's instances own, and
 * breakers other services own towards its instances), most recent first — with the state each
 * of those breakers was in when the window opened, so a spell that began earlier is shaded
 * from the axis start (listBreakerTransitions reads both).
 */
import type pg from "pg";
import {
  type BreakerPriorState,
  type BreakerTransitionEvent,
  listBreakerTransitions,
} from "@/lib/control/list-breaker-transitions";
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

export type BreakerTransitionAnnotation = BreakerTransitionEvent;

export type ServiceAnnotations = {
  service: string;
  /** ISO 8601, the window asked for. */
  from: string;
  to: string;
  /** from ≤ at ≤ to, most recent first, at most `limit` each. */
  routeChanges: RouteChangeAnnotation[];
  breakerTransitions: BreakerTransitionAnnotation[];
  /** Each of the service's current breakers that had a transition before `from`: its state then. */
  breakerPriorStates: BreakerPriorState[];
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
    listBreakerTransitions({ service: input.service, from: input.from, to: input.to, limit }, pool),
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
    breakerTransitions: transitions.transitions,
    breakerPriorStates: transitions.priorStates,
    isTruncated: routeChanges.rows.length > limit || transitions.isTruncated,
  };
}
