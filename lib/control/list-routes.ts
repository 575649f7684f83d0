import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { type RouteRecord, toRouteRecord } from "./declare-route";
import type { RouteBackends } from "./route-weights";

export type RouteApplication = {
  gatewayInstanceId: string;
  /** The route version the gateway reports it applied. */
  version: number;
  /** ISO 8601. */
  appliedAt: string;
};

export type RouteWithApplied = RouteRecord & {
  /** Gateways that reported this route, by instance id. */
  applied: RouteApplication[];
};

/** Every route (optionally of one service), by id, with the version each gateway applied. */
export async function listRoutes(options: { service?: string } = {}, pool: pg.Pool = getPool()): Promise<RouteWithApplied[]> {
  const { rows } = await pool.query<{
    id: string;
    service: string;
    version: number;
    backends: RouteBackends;
    created_at: Date;
    updated_at: Date;
    updated_by: string;
    applied: { gatewayInstanceId: string; version: number; appliedAt: string }[];
  }>(
    `SELECT r.id, r.service, r.version, r.backends, r.created_at, r.updated_at, r.updated_by,
            coalesce((SELECT json_agg(json_build_object('gatewayInstanceId', a.gateway_instance_id, 'version', a.version,
                                                        'appliedAt', a.applied_at) ORDER BY a.gateway_instance_id)
                        FROM route_applied a WHERE a.route_id = r.id), '[]') AS applied
       FROM routes r
      WHERE $1::text IS NULL OR r.service = $1
      ORDER BY r.id COLLATE "C"`,
    [options.service ?? null],
  );
  return rows.map((row) => ({
    ...toRouteRecord(row),
    // json_build_object renders timestamptz in the session's format; normalize to ISO 8601.
    applied: row.applied.map((a) => ({ ...a, appliedAt: new Date(a.appliedAt).toISOString() })),
  }));
}
