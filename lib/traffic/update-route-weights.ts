import type pg from "pg";
import { type RouteRecord, ROUTE_COLUMNS, toRouteRecord } from "@/lib/control/declare-route";
import { NOTIFY_DISCOVERY_SQL } from "@/lib/control/discovery-changes";
import type { RouteBackends } from "@/lib/control/route-weights";
import { getPool } from "@/lib/db/pool";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/http/errors";
import type { UpdateRouteWeights, UpdateRouteWeightsResponse } from "./contract";
import { ROUTE_CHANGE_COLUMNS, type RouteChangeRow, toRouteChange } from "./route-change-row";
import { withTransaction } from "@/lib/db/with-transaction";

type LockedRoute = Parameters<typeof toRouteRecord>[0];

/** Who changes the weights, for the route row and the audit row. */
export type WeightChangeAudit = {
  /** "user:<username>". */
  actor: string;
  /** The client's address. */
  source: string;
};

/**
 * Changes a route's weights (already checked by updateRouteWeightsSchema), all in one
 * transaction: the route row is locked, its version compared with the one the edit was made
 * against (stale → ConflictError carrying the current route, nothing written), the backends
 * checked against what is known for the route's service, the route written at version + 1, its
 * audit row written, and discovery notified (delivered at COMMIT, so a watching gateway gets
 * the change only if it was stored). Either all of it happens or none.
 *
 * Known backends: every version is one the route already has, or the version of a registered
 * (not deregistered) instance of the route's service — so a typo cannot silently send traffic
 * nowhere, while a freshly started v3 can be given weight. Listed instances must be registered
 * (not deregistered) instances of that service and that version.
 */
export async function updateRouteWeights(
  routeId: string,
  update: UpdateRouteWeights,
  audit: WeightChangeAudit,
  pool: pg.Pool = getPool(),
): Promise<UpdateRouteWeightsResponse> {
  return withTransaction(pool, (client) => applyUpdate(client, routeId, update, audit));
}

async function applyUpdate(
  client: pg.PoolClient,
  routeId: string,
  update: UpdateRouteWeights,
  audit: WeightChangeAudit,
): Promise<UpdateRouteWeightsResponse> {
  // Concurrent editors queue here; the second one then sees the first one's version and gets 409.
  const locked = await client.query<LockedRoute>(`SELECT ${ROUTE_COLUMNS} FROM routes WHERE id = $1 FOR UPDATE`, [routeId]);
  const row = locked.rows[0];
  if (row === undefined) throw new NotFoundError(`route ${routeId} not found`);
  const current = toRouteRecord(row);
  if (current.version !== update.version) {
    throw new ConflictError(
      `route ${routeId} is at version ${current.version}, but the change was made against version ${update.version}; ` +
        "review the current weights and save again",
      { current },
    );
  }
  await checkKnownBackends(client, current, update.backends);
  const reason = await resolveReason(client, routeId, update);

  const backends = JSON.stringify(update.backends);
  const updated = await client.query<LockedRoute>(
    `UPDATE routes SET version = version + 1, backends = $2::jsonb, updated_at = now(), updated_by = $3
      WHERE id = $1
      RETURNING ${ROUTE_COLUMNS}`,
    [routeId, backends, audit.actor],
  );
  const route = toRouteRecord(updated.rows[0]);
  const change = await client.query<RouteChangeRow>(
    `INSERT INTO route_changes (route_id, route_version, old_backends, new_backends, actor, source, reason, at, revert_of)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, now(), $8)
     RETURNING ${ROUTE_CHANGE_COLUMNS}`,
    [
      routeId,
      route.version,
      JSON.stringify(current.backends),
      backends,
      audit.actor,
      audit.source,
      reason,
      update.revertOf ?? null,
    ],
  );
  await client.query(NOTIFY_DISCOVERY_SQL, [route.service]);
  return { route, change: toRouteChange(change.rows[0]) };
}

async function checkKnownBackends(client: pg.PoolClient, route: RouteRecord, backends: RouteBackends): Promise<void> {
  const { rows } = await client.query<{ instance_id: string; version: string }>(
    `SELECT instance_id, version FROM instances WHERE service = $1 AND status <> 'deregistered'`,
    [route.service],
  );
  const registeredVersions = new Set(rows.map((r) => r.version));
  const versionOfInstance = new Map(rows.map((r) => [r.instance_id, r.version]));
  const routeVersions = new Set(route.backends.map((b) => b.version));
  backends.forEach((backend, index) => {
    if (!routeVersions.has(backend.version) && !registeredVersions.has(backend.version)) {
      throw new ValidationError(
        `backends.${index}.version: "${backend.version}" is neither a backend of route ${route.id} nor the version of a registered ${route.service} instance`,
        { param: `backends.${index}.version` },
      );
    }
    backend.instances?.forEach((instance, position) => {
      const version = versionOfInstance.get(instance.instanceId);
      if (version === backend.version) return;
      const param = `backends.${index}.instances.${position}.instanceId`;
      throw new ValidationError(
        version === undefined
          ? `${param}: "${instance.instanceId}" is not a registered ${route.service} instance`
          : `${param}: "${instance.instanceId}" runs version ${version}, not ${backend.version}`,
        { param },
      );
    });
  });
}

/** The audit reason: the given one, or for a revert "revert to weights of change #N". */
async function resolveReason(client: pg.PoolClient, routeId: string, update: UpdateRouteWeights): Promise<string | null> {
  const given = update.reason === undefined || update.reason === "" ? null : update.reason;
  if (update.revertOf === undefined) return given;
  const { rows } = await client.query(`SELECT 1 FROM route_changes WHERE id = $1 AND route_id = $2`, [update.revertOf, routeId]);
  if (rows.length === 0) {
    throw new ValidationError(`revertOf: change #${update.revertOf} is not in the history of route ${routeId}`, {
      param: "revertOf",
    });
  }
  return given ?? `revert to weights of change #${update.revertOf}`;
}
