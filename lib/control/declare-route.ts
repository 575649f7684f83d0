import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { RouteDeclaration } from "./contract";
import { NOTIFY_DISCOVERY_SQL } from "./discovery-changes";
import type { RouteBackends } from "./route-weights";
import { withTransaction } from "@/lib/db/with-transaction";

export type RouteRecord = {
  id: string;
  service: string;
  version: number;
  backends: RouteBackends;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
};

type RouteRow = {
  id: string;
  service: string;
  version: number;
  backends: RouteBackends;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
};

export const ROUTE_COLUMNS = "id, service, version, backends, created_at, updated_at, updated_by";

export function toRouteRecord(row: RouteRow): RouteRecord {
  return {
    id: row.id,
    service: row.service,
    version: row.version,
    backends: row.backends,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

/**
 * A gateway declares a route it serves (backends already checked by routeBackendsSchema).
 * Creates it at version 1, with its audit row (reason "declared by gateway") and a discovery
 * notification, in one transaction. An existing route is returned unchanged: the gateway's
 * defaults never overwrite weights an operator set.
 */
export async function declareRoute(
  declaration: RouteDeclaration,
  audit: { actor: string; source: string },
  pool: pg.Pool = getPool(),
): Promise<{ created: boolean; route: RouteRecord }> {
  return withTransaction(pool, async (client) => {
    const backends = JSON.stringify(declaration.backends);
    const inserted = await client.query<RouteRow>(
      `INSERT INTO routes (id, service, version, backends, created_at, updated_at, updated_by)
       VALUES ($1, $2, 1, $3::jsonb, now(), now(), $4)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${ROUTE_COLUMNS}`,
      [declaration.id, declaration.service, backends, audit.actor],
    );
    const created = inserted.rows[0];
    if (created !== undefined) {
      await client.query(
        `INSERT INTO route_changes (route_id, route_version, old_backends, new_backends, actor, source, reason, at)
         VALUES ($1, 1, NULL, $2::jsonb, $3, $4, 'declared by gateway', now())`,
        [declaration.id, backends, audit.actor, audit.source],
      );
      await client.query(NOTIFY_DISCOVERY_SQL, [declaration.service]);
      return { created: true, route: toRouteRecord(created) };
    }
    const existing = await client.query<RouteRow>(`SELECT ${ROUTE_COLUMNS} FROM routes WHERE id = $1`, [declaration.id]);
    return { created: false, route: toRouteRecord(existing.rows[0]) };
  });
}
