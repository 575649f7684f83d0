import type pg from "pg";
import { DISCOVERY_CHANNEL } from "./discovery-changes";

export type SweptInstance = { instanceId: string; service: string; fromStatus: string };

export type SweepRegistryResult = {
  /** healthy/degraded → unhealthy: no heartbeat within their TTL. */
  expired: SweptInstance[];
  /** unhealthy → deregistered: no heartbeat for deregisterAfterS. */
  deregistered: SweptInstance[];
};

/**
 * The registry's clock-driven transitions, each ONE statement that picks, updates, records
 * the health-history rows and notifies discovery together:
 * - healthy/degraded with last_received_at + ttl_ms in the past → unhealthy
 *   ("no heartbeat for <ttl> ms");
 * - unhealthy with no heartbeat for `deregisterAfterS` → deregistered.
 *
 * Safe with several Breakwater processes sweeping at once: rows are picked FOR UPDATE SKIP
 * LOCKED, so each row is changed by one sweeper, and a row a heartbeat is updating right now
 * is skipped (that beat refreshes it anyway). Times are the database's clock, the same clock
 * heartbeats stamp last_received_at with; `now` overrides it (tests).
 *
 * `graceFrom` (the sweeper's start) counts a TTL from no earlier than that moment: a Breakwater
 * that was down refused every beat meanwhile, so right after it starts every instance looks
 * expired although none missed a beat it could have delivered. Without the grace the first
 * sweep marked them all unhealthy and discovery briefly offered gateways no instances.
 */
export async function sweepRegistry(
  pool: pg.Pool,
  options: { deregisterAfterS: number; now?: Date; graceFrom?: Date },
): Promise<SweepRegistryResult> {
  const now = options.now ?? null;
  const expired = await pool.query<{ instance_id: string; service: string; from_status: string }>(
    `WITH clock AS (SELECT coalesce($1::timestamptz, now()) AS now),
     picked AS (
       SELECT i.instance_id, i.status
         FROM instances i, clock
        WHERE i.status IN ('healthy', 'degraded')
          AND greatest(i.last_received_at, $2::timestamptz) + i.ttl_ms * interval '1 millisecond' < clock.now
        ORDER BY i.instance_id
          FOR UPDATE OF i SKIP LOCKED
     ), changed AS (
       UPDATE instances i SET status = 'unhealthy', status_since = clock.now
         FROM picked, clock
        WHERE i.instance_id = picked.instance_id
       RETURNING i.instance_id, i.service, i.ttl_ms, picked.status AS from_status, clock.now AS at
     ), history AS (
       INSERT INTO instance_status_changes (instance_id, service, from_status, to_status, at, reason)
       SELECT instance_id, service, from_status, 'unhealthy', at, 'no heartbeat for ' || ttl_ms || ' ms' FROM changed
     )
     SELECT instance_id, service, from_status, pg_notify('${DISCOVERY_CHANNEL}', service) FROM changed`,
    [now, options.graceFrom ?? null],
  );
  const deregistered = await pool.query<{ instance_id: string; service: string; from_status: string }>(
    `WITH clock AS (SELECT coalesce($1::timestamptz, now()) AS now),
     picked AS (
       SELECT i.instance_id, i.status
         FROM instances i, clock
        WHERE i.status = 'unhealthy'
          AND i.last_received_at < clock.now - $2::int * interval '1 second'
        ORDER BY i.instance_id
          FOR UPDATE OF i SKIP LOCKED
     ), changed AS (
       UPDATE instances i SET status = 'deregistered', status_since = clock.now
         FROM picked, clock
        WHERE i.instance_id = picked.instance_id
       RETURNING i.instance_id, i.service, picked.status AS from_status, clock.now AS at
     ), history AS (
       INSERT INTO instance_status_changes (instance_id, service, from_status, to_status, at, reason)
       SELECT instance_id, service, from_status, 'deregistered', at, 'no heartbeat for ' || $2::int || ' s' FROM changed
     )
     SELECT instance_id, service, from_status, pg_notify('${DISCOVERY_CHANNEL}', service) FROM changed`,
    [now, options.deregisterAfterS],
  );
  const toSwept = (row: { instance_id: string; service: string; from_status: string }): SweptInstance => ({
    instanceId: row.instance_id,
    service: row.service,
    fromStatus: row.from_status,
  });
  return { expired: expired.rows.map(toSwept), deregistered: deregistered.rows.map(toSwept) };
}
