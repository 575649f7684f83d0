import type pg from "pg";

const DAY_MS = 86_400_000;
/** Deregistered instances, and breakers nobody reported, stay visible this long. */
export const DEREGISTERED_RETENTION_MS = DAY_MS;
/**
 * Refusals and failed sign-ins kept in auth_events (newest first). Anyone who can reach the
 * server can make them, one row per request, so retention by age alone would not bound them.
 */
export const AUTH_REFUSALS_KEPT = 100_000;

export type PruneControlPlaneResult = {
  instances: number;
  breakers: number;
  routeApplied: number;
  statusChanges: number;
  transitions: number;
  lbCounts: number;
  authEvents: number;
};

/**
 * Removes control-plane rows that no longer say anything: instances deregistered for more
 * than a day, breakers not reported for a day or whose owner is gone, route_applied rows of
 * gateways that are gone, and history/counters (status changes, breaker transitions,
 * lb_counts, auth_events) older than BREAKWATER_ROLLUP_RETENTION_DAYS, and refusals beyond the
 * newest AUTH_REFUSALS_KEPT (sign-ins and sign-outs, which need a password or a session, are
 * kept for the whole retention). Each DELETE is its own statement; a
 * heartbeat that revives an instance in between simply registers it again.
 */
export async function pruneControlPlane(
  pool: pg.Pool,
  options: { retentionDays: number; nowMs?: number; authRefusalsKept?: number },
): Promise<PruneControlPlaneResult> {
  const nowMs = options.nowMs ?? Date.now();
  const dayAgo = new Date(nowMs - DEREGISTERED_RETENTION_MS);
  const historyCutoff = new Date(nowMs - options.retentionDays * DAY_MS);
  const count = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rowCount ?? 0;

  const instances = await count(`DELETE FROM instances WHERE status = 'deregistered' AND status_since < $1`, [dayAgo]);
  const breakers = await count(
    `DELETE FROM breakers b
      WHERE b.updated_at < $1
         OR NOT EXISTS (SELECT 1 FROM instances i WHERE i.instance_id = b.owner_instance_id)`,
    [dayAgo],
  );
  const routeApplied = await count(
    `DELETE FROM route_applied a WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.instance_id = a.gateway_instance_id)`,
    [],
  );
  const statusChanges = await count(`DELETE FROM instance_status_changes WHERE at < $1`, [historyCutoff]);
  const transitions = await count(`DELETE FROM breaker_transitions WHERE at < $1`, [historyCutoff]);
  const lbCounts = await count(`DELETE FROM lb_counts WHERE bucket_start < $1`, [historyCutoff]);
  const authEvents =
    (await count(`DELETE FROM auth_events WHERE at < $1`, [historyCutoff])) +
    (await count(
      `DELETE FROM auth_events
        WHERE kind IN ('denied', 'login_failed')
          AND id <= (SELECT id FROM auth_events WHERE kind IN ('denied', 'login_failed') ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [options.authRefusalsKept ?? AUTH_REFUSALS_KEPT],
    ));
  return { instances, breakers, routeApplied, statusChanges, transitions, lbCounts, authEvents };
}
