/**
 * Test data for the service detail queries (integration tests only): control-plane rows
 * (instances with their status history, breakers and their transitions, routes and their
 * audit) as plain SQL inserts, as the heartbeat and route code would leave them.
 */
import type pg from "pg";
import type { BreakerState, InstanceStatus } from "@/lib/control/contract";

export async function insertInstance(
  pool: pg.Pool,
  row: { instanceId: string; service: string; version: string; status: InstanceStatus; receivedAgoMs: number; firstSeen: Date },
): Promise<void> {
  const reported = row.status === "deregistered" ? "unhealthy" : row.status;
  await pool.query(
    `INSERT INTO instances (instance_id, service, version, address, status, reported_status, checks, ttl_ms, first_seen,
                            last_heartbeat_at, last_received_at, last_sequence, status_since)
     VALUES ($1, $2, $3, 'http://127.0.0.1:9', $4, $5, '[]', 3000, $6,
             now() - $7::int * interval '1 millisecond', now() - $7::int * interval '1 millisecond', 1, $6)`,
    [row.instanceId, row.service, row.version, row.status, reported, row.firstSeen, row.receivedAgoMs],
  );
}

export async function insertStatusChange(
  pool: pg.Pool,
  row: {
    instanceId: string;
    service: string;
    fromStatus: InstanceStatus | null;
    toStatus: InstanceStatus;
    at: Date;
    reason: string;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO instance_status_changes (instance_id, service, from_status, to_status, at, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.instanceId, row.service, row.fromStatus, row.toStatus, row.at, row.reason],
  );
}

export async function insertBreaker(
  pool: pg.Pool,
  row: {
    ownerInstanceId: string;
    ownerService: string;
    targetInstanceId: string;
    targetService: string;
    state: BreakerState;
    stateSince: Date;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO breakers (owner_instance_id, target_instance_id, owner_service, target_service, target_version, state,
                           state_since, calls, failed_calls, slow_calls, failure_rate, slow_call_rate, not_permitted_calls,
                           config, updated_at)
     VALUES ($1, $2, $3, $4, 'v1', $5, $6, 10, 1, 0, 10, 0, 0, '{}', now())`,
    [row.ownerInstanceId, row.targetInstanceId, row.ownerService, row.targetService, row.state, row.stateSince],
  );
}

export async function insertBreakerTransition(
  pool: pg.Pool,
  row: {
    ownerInstanceId: string;
    ownerService: string;
    targetInstanceId: string;
    targetService: string;
    fromState: BreakerState;
    toState: BreakerState;
    at: Date;
    reason?: string;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO breaker_transitions (owner_instance_id, owner_service, target_instance_id, target_service, from_state,
                                      to_state, at, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      row.ownerInstanceId,
      row.ownerService,
      row.targetInstanceId,
      row.targetService,
      row.fromState,
      row.toState,
      row.at,
      row.reason ?? null,
    ],
  );
}

type Backends = { version: string; weight: number }[];

export async function insertRoute(pool: pg.Pool, row: { id: string; service: string; backends: Backends }): Promise<void> {
  await pool.query(
    `INSERT INTO routes (id, service, version, backends, created_at, updated_at, updated_by)
     VALUES ($1, $2, 1, $3::jsonb, now(), now(), 'test')`,
    [row.id, row.service, JSON.stringify(row.backends)],
  );
}

export async function insertRouteChange(
  pool: pg.Pool,
  row: { routeId: string; version: number; oldBackends: Backends | null; newBackends: Backends; at: Date; reason?: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO route_changes (route_id, route_version, old_backends, new_backends, actor, source, reason, at)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, 'operator', '127.0.0.1', $5, $6)`,
    [
      row.routeId,
      row.version,
      row.oldBackends === null ? null : JSON.stringify(row.oldBackends),
      JSON.stringify(row.newBackends),
      row.reason ?? null,
      row.at,
    ],
  );
}
