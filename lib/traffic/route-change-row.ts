import type { RouteBackends } from "@/lib/control/route-weights";
import type { RouteChange } from "./contract";

/** route_changes columns as the traffic API reads them (id and revert_of are bigint: strings from pg). */
export const ROUTE_CHANGE_COLUMNS =
  "id, route_id, route_version, old_backends, new_backends, actor, source, reason, at, revert_of";

export type RouteChangeRow = {
  id: string;
  route_id: string;
  route_version: number;
  old_backends: RouteBackends | null;
  new_backends: RouteBackends;
  actor: string;
  source: string;
  reason: string | null;
  at: Date;
  revert_of: string | null;
};

/** One audit row as the API returns it (routeChangeSchema). Ids stay far below 2^53. */
export function toRouteChange(row: RouteChangeRow): RouteChange {
  return {
    id: Number(row.id),
    routeId: row.route_id,
    routeVersion: row.route_version,
    oldBackends: row.old_backends,
    newBackends: row.new_backends,
    actor: row.actor,
    source: row.source,
    reason: row.reason,
    at: row.at.toISOString(),
    revertOf: row.revert_of === null ? null : Number(row.revert_of),
  };
}
