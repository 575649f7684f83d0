import type pg from "pg";
import { ROUTE_COLUMNS, toRouteRecord } from "@/lib/control/declare-route";
import { getPool } from "@/lib/db/pool";
import { NotFoundError } from "@/lib/http/errors";
import type { RouteDetail } from "./contract";
import { countRouteLbRequests, countRouteSpanRequests } from "./count-route-requests";
import { deriveApplyStatus } from "./derive-apply-status";
import { listRouteGateways, toRouteGateway } from "./list-route-gateways";
import { summarizeSplit, sumByVersion } from "./summarize-split";

/** The observed split of the configured version looks back at most this far. */
export const CURRENT_SPLIT_MAX_MS = 15 * 60_000;
/** "Recent" = the last minute. */
export const RECENT_SPLIT_MS = 60_000;
/** lb_counts buckets (lib/control/record-heartbeat). */
const LB_BUCKET_MS = 10_000;

/**
 * GET /api/v1/routes/{id}: the route, the gateways that reported it and whether the configured
 * version is applied, and the observed split — from the LB counters, of requests sent under
 * the configured version since it was saved (at most the last 15 min) and of the last minute,
 * and from the gateways' CLIENT spans of the last minute. NotFoundError for an unknown route.
 */
export async function getRouteDetail(
  routeId: string,
  nowMs: number = Date.now(),
  pool: pg.Pool = getPool(),
): Promise<RouteDetail> {
  const { rows } = await pool.query<Parameters<typeof toRouteRecord>[0]>(`SELECT ${ROUTE_COLUMNS} FROM routes WHERE id = $1`, [
    routeId,
  ]);
  if (rows[0] === undefined) throw new NotFoundError(`route ${routeId} not found`);
  const route = toRouteRecord(rows[0]);
  const configured = route.backends.map((backend) => backend.version);

  // LB buckets are stamped with their start: the one holding the save starts up to 10 s before it.
  const currentFromMs = Math.max(Date.parse(route.updatedAt), nowMs - CURRENT_SPLIT_MAX_MS);
  const current = { fromMs: Math.floor(currentFromMs / LB_BUCKET_MS) * LB_BUCKET_MS, toMs: nowMs + 1 };
  const recent = { fromMs: nowMs - RECENT_SPLIT_MS, toMs: nowMs + 1 };
  const whole = (window: { fromMs: number; toMs: number }) => ({ ...window, stepMs: window.toMs - window.fromMs });

  const [gatewaysByRoute, lbCurrent, lbRecent, spansRecent] = await Promise.all([
    listRouteGateways(pool, [routeId]),
    countRouteLbRequests(pool, routeId, { ...whole(current), routeVersion: route.version }),
    countRouteLbRequests(pool, routeId, whole(recent)),
    countRouteSpanRequests(pool, routeId, whole(recent)),
  ]);
  const gateways = gatewaysByRoute.get(routeId) ?? [];
  const split = (window: { fromMs: number; toMs: number }, counts: Parameters<typeof sumByVersion>[0]) =>
    summarizeSplit({ fromMs: window.fromMs, toMs: nowMs }, sumByVersion(counts), configured);
  return {
    route,
    status: deriveApplyStatus(route, gateways),
    gateways: gateways.map(toRouteGateway),
    observed: {
      lb: { current: split(current, lbCurrent), recent: split(recent, lbRecent) },
      spans: { recent: split(recent, spansRecent) },
    },
  };
}
