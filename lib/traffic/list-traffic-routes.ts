import type pg from "pg";
import { ROUTE_COLUMNS, toRouteRecord } from "@/lib/control/declare-route";
import { getPool } from "@/lib/db/pool";
import type { RouteList } from "./contract";
import { deriveApplyStatus } from "./derive-apply-status";
import { listRouteGateways, toRouteGateway } from "./list-route-gateways";

/**
 * GET /api/v1/routes: every route (optionally of one service), by id, with its apply status
 * and the gateways that reported it (routeListSchema). Gateways read it too (machine token),
 * so it stays two small queries; the observed split is only in the detail.
 */
export async function listTrafficRoutes(options: { service?: string } = {}, pool: pg.Pool = getPool()): Promise<RouteList> {
  const { rows } = await pool.query<Parameters<typeof toRouteRecord>[0]>(
    `SELECT ${ROUTE_COLUMNS} FROM routes WHERE $1::text IS NULL OR service = $1 ORDER BY id COLLATE "C"`,
    [options.service ?? null],
  );
  const gatewaysByRoute = await listRouteGateways(
    pool,
    rows.map((row) => row.id),
  );
  return {
    routes: rows.map((row) => {
      const route = toRouteRecord(row);
      const gateways = gatewaysByRoute.get(route.id) ?? [];
      return { ...route, status: deriveApplyStatus(route, gateways), gateways: gateways.map(toRouteGateway) };
    }),
  };
}
