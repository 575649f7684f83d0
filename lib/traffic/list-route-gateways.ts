import type pg from "pg";
import type { RouteGateway } from "./contract";
import type { GatewayForStatus } from "./derive-apply-status";

/**
 * The gateways that reported applying each route (route_applied), with their registry status
 * and last heartbeat; `routeIds` null = every route. A gateway is live while it is not
 * deregistered and its last heartbeat is within its TTL (the sweeper marks expiry only on its
 * next pass). lastHeartbeatAt is when Breakwater received that beat (its own clock).
 */
export async function listRouteGateways(
  pool: pg.Pool | pg.PoolClient,
  routeIds: readonly string[] | null,
): Promise<Map<string, GatewayForStatus[]>> {
  const { rows } = await pool.query<{
    route_id: string;
    gateway_instance_id: string;
    version: number;
    applied_at: Date;
    status: string | null;
    last_received_at: Date | null;
    is_live: boolean;
  }>(
    `SELECT a.route_id, a.gateway_instance_id, a.version, a.applied_at, i.status, i.last_received_at,
            coalesce(i.status <> 'deregistered' AND i.last_received_at + i.ttl_ms * interval '1 millisecond' > now(), false)
              AS is_live
       FROM route_applied a
       LEFT JOIN instances i ON i.instance_id = a.gateway_instance_id
      WHERE $1::text[] IS NULL OR a.route_id = ANY($1::text[])
      ORDER BY a.route_id, a.gateway_instance_id COLLATE "C"`,
    [routeIds],
  );
  const byRoute = new Map<string, GatewayForStatus[]>();
  for (const row of rows) {
    const gateways = byRoute.get(row.route_id) ?? [];
    gateways.push({
      gatewayInstanceId: row.gateway_instance_id,
      appliedVersion: row.version,
      appliedAt: row.applied_at.toISOString(),
      status: row.status,
      lastHeartbeatAt: row.last_received_at?.toISOString() ?? null,
      isLive: row.is_live,
    });
    byRoute.set(row.route_id, gateways);
  }
  return byRoute;
}

/** A gateway as the API shows it (routeGatewaySchema): without the derived isLive. */
export function toRouteGateway(gateway: GatewayForStatus): RouteGateway {
  return {
    gatewayInstanceId: gateway.gatewayInstanceId,
    appliedVersion: gateway.appliedVersion,
    appliedAt: gateway.appliedAt,
    status: gateway.status,
    lastHeartbeatAt: gateway.lastHeartbeatAt,
  };
}
