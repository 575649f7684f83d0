import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { ValidationError } from "@/lib/http/errors";
import {
  type Heartbeat,
  HEARTBEAT_MAX_AGE_MS,
  HEARTBEAT_MAX_FUTURE_MS,
  type HeartbeatResponse,
  heartbeatSchema,
  type InstanceStatus,
  type ReportedStatus,
} from "./contract";
import { NOTIFY_DISCOVERY_SQL } from "./discovery-changes";
import { withTransaction } from "@/lib/db/with-transaction";

const INT4_MAX = 2_147_483_647;

/**
 * heartbeatSchema plus what the tables need: counters that fit their integer columns, so an
 * absurd number is a 400 naming the field rather than a database error.
 */
export const heartbeatRequestSchema = heartbeatSchema.superRefine((beat, ctx) => {
  const atMost = (value: number, path: (string | number)[]) => {
    if (value > INT4_MAX) ctx.addIssue({ code: "custom", path, message: `must be at most ${INT4_MAX}` });
  };
  beat.breakers.forEach((breaker, index) => {
    for (const key of ["calls", "failedCalls", "slowCalls", "notPermittedCalls"] as const) {
      atMost(breaker[key], ["breakers", index, key]);
    }
  });
  beat.lbCounts.forEach((count, index) => atMost(count.requests, ["lbCounts", index, "requests"]));
  beat.appliedConfig?.routes.forEach((route, index) => atMost(route.version, ["appliedConfig", "routes", index, "version"]));
});

/**
 * Refuses a beat whose sentAt is too far from Breakwater's clock (400 naming sentAt): more
 * than HEARTBEAT_MAX_FUTURE_MS ahead (a wrong clock would make its beats win every ordering
 * comparison) or HEARTBEAT_MAX_AGE_MS behind (it says nothing about now).
 */
export function checkSentAt(sentAt: string, nowMs: number): void {
  const sentMs = Date.parse(sentAt);
  if (Number.isNaN(sentMs)) throw new ValidationError(`sentAt: ${sentAt} is not a timestamp`, { param: "sentAt" });
  if (sentMs - nowMs > HEARTBEAT_MAX_FUTURE_MS) {
    throw new ValidationError(
      `sentAt: ${sentAt} is ${sentMs - nowMs} ms ahead of Breakwater's clock; at most ${HEARTBEAT_MAX_FUTURE_MS} ms is allowed (check the instance's clock)`,
      { param: "sentAt" },
    );
  }
  if (nowMs - sentMs > HEARTBEAT_MAX_AGE_MS) {
    throw new ValidationError(
      `sentAt: ${sentAt} is ${nowMs - sentMs} ms old; beats older than ${HEARTBEAT_MAX_AGE_MS} ms are refused`,
      { param: "sentAt" },
    );
  }
}

/** The health-history reason for a status change caused by a heartbeat. */
export function describeStatusChange(
  previous: { status: InstanceStatus; reportedStatus: ReportedStatus } | undefined,
  reported: ReportedStatus,
): string {
  if (previous === undefined) return `registered, reported ${reported}`;
  if (previous.status === "deregistered") return `re-registered, reported ${reported}`;
  // Unhealthy although it last said otherwise: the registry expired it (TTL); it is back.
  if (previous.status === "unhealthy" && previous.reportedStatus !== "unhealthy")
    return `heartbeats resumed, reported ${reported}`;
  return `reported ${reported}`;
}

type StoredInstance = {
  service: string;
  version: string;
  address: string;
  status: InstanceStatus;
  reported_status: ReportedStatus;
  /** (sentAt, sequence) of this beat > the stored (last_heartbeat_at, last_sequence). */
  is_newer: boolean;
};

/**
 * Applies one validated heartbeat, all in one transaction: the instance row (registry status
 * = the reported status), a health-history row when the status changes (registration
 * included), the owner's breakers (the beat lists all of them: others are removed) and their
 * transitions (a re-sent one is stored once), load-balancer counts added into 10 s buckets,
 * the route versions the instance applied (only ever forward), and a discovery notification
 * when status, address, version or service changed.
 *
 * Not accepted, changing nothing (200 with accepted: false):
 * - "out of order": (sentAt, sequence) is not newer than the last accepted beat's;
 * - "stale": sentAt is older than the beat's own TTL on arrival — the instance may have died
 *   since, so such a beat never registers or revives an instance.
 */
export async function recordHeartbeat(
  beat: Heartbeat,
  options: { pool?: pg.Pool; nowMs?: number } = {},
): Promise<HeartbeatResponse> {
  const nowMs = options.nowMs ?? Date.now();
  checkSentAt(beat.sentAt, nowMs);
  const isStale = nowMs - Date.parse(beat.sentAt) > beat.ttlMs;
  // Nothing was written for a beat that is not accepted; ROLLBACK also releases the row lock.
  return withTransaction(options.pool ?? getPool(), (client) => applyHeartbeat(client, beat, isStale), {
    commitIf: (result) => result.accepted,
  });
}

async function applyHeartbeat(client: pg.PoolClient, beat: Heartbeat, isStale: boolean): Promise<HeartbeatResponse> {
  const selectForUpdate = async () =>
    (
      await client.query<StoredInstance>(
        `SELECT service, version, address, status, reported_status,
                ($2::timestamptz, $3::bigint) > (last_heartbeat_at, last_sequence) AS is_newer
           FROM instances WHERE instance_id = $1 FOR UPDATE`,
        [beat.instanceId, beat.sentAt, beat.sequence],
      )
    ).rows[0] as StoredInstance | undefined;

  const rowValues = [
    beat.instanceId,
    beat.service,
    beat.version,
    beat.address,
    beat.status,
    JSON.stringify(beat.checks),
    beat.ttlMs,
    beat.sentAt,
    beat.sequence,
    beat.appliedConfig === undefined ? null : JSON.stringify(beat.appliedConfig),
    beat.appliedConfig?.configAgeMs ?? null,
  ];

  let stored = await selectForUpdate();
  let registered = false;
  if (stored === undefined) {
    if (isStale) return { accepted: false, status: "unhealthy", reason: "stale" };
    const inserted = await client.query(
      `INSERT INTO instances (instance_id, service, version, address, status, reported_status, checks, ttl_ms,
                              last_heartbeat_at, last_sequence, applied_config, config_age_ms,
                              first_seen, last_received_at, status_since)
       VALUES ($1, $2, $3, $4, $5, $5, $6::jsonb, $7, $8::timestamptz, $9, $10::jsonb, $11, now(), now(), now())
       ON CONFLICT (instance_id) DO NOTHING`,
      rowValues,
    );
    registered = inserted.rowCount === 1;
    if (!registered) {
      // A concurrent first beat of the same instance inserted it first: continue as an update.
      stored = await selectForUpdate();
      // …unless pruning removed it again in between; the instance's next beat registers it.
      if (stored === undefined) throw new Error(`instance ${beat.instanceId} was inserted and removed concurrently`);
    }
  }

  if (stored !== undefined) {
    if (!stored.is_newer) return { accepted: false, status: stored.status, reason: "out of order" };
    if (isStale) return { accepted: false, status: stored.status, reason: "stale" };
    await client.query(
      `UPDATE instances
          SET service = $2, version = $3, address = $4, status = $5, reported_status = $5, checks = $6::jsonb,
              ttl_ms = $7, last_heartbeat_at = $8::timestamptz, last_sequence = $9, applied_config = $10::jsonb,
              config_age_ms = $11, last_received_at = now(),
              status_since = CASE WHEN status = $5 THEN status_since ELSE now() END
        WHERE instance_id = $1`,
      rowValues,
    );
  }

  const previous = stored === undefined ? undefined : { status: stored.status, reportedStatus: stored.reported_status };
  if (previous?.status !== beat.status) {
    await client.query(
      `INSERT INTO instance_status_changes (instance_id, service, from_status, to_status, at, reason)
       VALUES ($1, $2, $3, $4, now(), $5)`,
      [beat.instanceId, beat.service, previous?.status ?? null, beat.status, describeStatusChange(previous, beat.status)],
    );
  }
  const changedServices = new Set<string>();
  if (
    stored === undefined ||
    stored.status !== beat.status ||
    stored.address !== beat.address ||
    stored.version !== beat.version ||
    stored.service !== beat.service
  ) {
    changedServices.add(beat.service);
    if (stored !== undefined) changedServices.add(stored.service);
  }
  for (const service of changedServices) await client.query(NOTIFY_DISCOVERY_SQL, [service]);

  await writeBreakers(client, beat);
  await writeLbCounts(client, beat);
  await writeRouteApplied(client, beat);
  return { accepted: true, status: beat.status };
}

async function writeBreakers(client: pg.PoolClient, beat: Heartbeat): Promise<void> {
  // One row per target; if a target is listed twice, the last entry wins.
  const byTarget = new Map(beat.breakers.map((breaker) => [breaker.targetInstanceId, breaker]));
  const breakers = [...byTarget.values()].map((b) => ({
    target_instance_id: b.targetInstanceId,
    target_service: b.targetService,
    target_version: b.targetVersion ?? null,
    state: b.state,
    state_since: b.stateSince,
    calls: b.calls,
    failed_calls: b.failedCalls,
    slow_calls: b.slowCalls,
    failure_rate: b.failureRate,
    slow_call_rate: b.slowCallRate,
    not_permitted_calls: b.notPermittedCalls,
    config: b.config,
  }));
  // The beat lists every breaker the instance owns: breakers it no longer reports are gone.
  await client.query(
    `WITH incoming AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS b(
         target_instance_id text, target_service text, target_version text, state text, state_since timestamptz,
         calls int, failed_calls int, slow_calls int, failure_rate float8, slow_call_rate float8,
         not_permitted_calls int, config jsonb)
     ), removed AS (
       DELETE FROM breakers
        WHERE owner_instance_id = $1 AND target_instance_id NOT IN (SELECT target_instance_id FROM incoming)
     )
     INSERT INTO breakers (owner_instance_id, target_instance_id, owner_service, target_service, target_version, state,
                           state_since, calls, failed_calls, slow_calls, failure_rate, slow_call_rate,
                           not_permitted_calls, config, updated_at)
     SELECT $1, target_instance_id, $2, target_service, target_version, state, state_since, calls, failed_calls,
            slow_calls, failure_rate, slow_call_rate, not_permitted_calls, config, now()
       FROM incoming
     ON CONFLICT (owner_instance_id, target_instance_id) DO UPDATE
        SET owner_service = EXCLUDED.owner_service, target_service = EXCLUDED.target_service,
            target_version = EXCLUDED.target_version, state = EXCLUDED.state, state_since = EXCLUDED.state_since,
            calls = EXCLUDED.calls, failed_calls = EXCLUDED.failed_calls, slow_calls = EXCLUDED.slow_calls,
            failure_rate = EXCLUDED.failure_rate, slow_call_rate = EXCLUDED.slow_call_rate,
            not_permitted_calls = EXCLUDED.not_permitted_calls, config = EXCLUDED.config, updated_at = EXCLUDED.updated_at`,
    [beat.instanceId, beat.service, JSON.stringify(breakers)],
  );

  const transitions = beat.breakers.flatMap((b) =>
    b.transitions.map((t) => ({
      target_instance_id: b.targetInstanceId,
      target_service: b.targetService,
      from_state: t.from,
      to_state: t.to,
      at: t.at,
      reason: t.reason ?? null,
    })),
  );
  if (transitions.length === 0) return;
  // The owner re-sends transitions until a beat carrying them is acknowledged: store each once.
  await client.query(
    `INSERT INTO breaker_transitions (owner_instance_id, owner_service, target_instance_id, target_service,
                                      from_state, to_state, at, reason)
     SELECT $1, $2, target_instance_id, target_service, from_state, to_state, at, reason
       FROM jsonb_to_recordset($3::jsonb) AS t(target_instance_id text, target_service text, from_state text,
                                               to_state text, at timestamptz, reason text)
     ON CONFLICT (owner_instance_id, target_instance_id, at, to_state) DO NOTHING`,
    [beat.instanceId, beat.service, JSON.stringify(transitions)],
  );
}

async function writeLbCounts(client: pg.PoolClient, beat: Heartbeat): Promise<void> {
  // Summed per (route, backend, upstream, route version) first: one upsert may not touch a row twice.
  const sums = new Map<
    string,
    { route_id: string; backend: string; upstream_instance_id: string; route_version: number; requests: number }
  >();
  for (const count of beat.lbCounts) {
    if (count.requests === 0) continue;
    const routeVersion = count.routeVersion ?? 0;
    const key = JSON.stringify([count.route, count.backend, count.instanceId, routeVersion]);
    const entry = sums.get(key);
    if (entry) entry.requests += count.requests;
    else
      sums.set(key, {
        route_id: count.route,
        backend: count.backend,
        upstream_instance_id: count.instanceId,
        route_version: routeVersion,
        requests: count.requests,
      });
  }
  if (sums.size === 0) return;
  // Bucketed by arrival on the database clock: one time base for every gateway.
  await client.query(
    `INSERT INTO lb_counts (gateway_instance_id, route_id, backend, upstream_instance_id, bucket_start, route_version, requests)
     SELECT $1, route_id, backend, upstream_instance_id, date_bin('10 seconds', now(), timestamptz 'epoch'), route_version, requests
       FROM jsonb_to_recordset($2::jsonb)
            AS c(route_id text, backend text, upstream_instance_id text, route_version int, requests bigint)
     ON CONFLICT (gateway_instance_id, route_id, backend, upstream_instance_id, bucket_start, route_version)
     DO UPDATE SET requests = lb_counts.requests + EXCLUDED.requests`,
    [beat.instanceId, JSON.stringify([...sums.values()])],
  );
}

async function writeRouteApplied(client: pg.PoolClient, beat: Heartbeat): Promise<void> {
  const applied = beat.appliedConfig;
  if (applied === undefined || applied.routes.length === 0) return;
  const versions = new Map<string, number>();
  for (const route of applied.routes) versions.set(route.id, Math.max(route.version, versions.get(route.id) ?? 0));
  await client.query(
    `INSERT INTO route_applied (route_id, gateway_instance_id, version, applied_at)
     SELECT id, $1, version, $2::timestamptz FROM jsonb_to_recordset($3::jsonb) AS r(id text, version int)
     ON CONFLICT (route_id, gateway_instance_id) DO UPDATE
        SET version = EXCLUDED.version, applied_at = EXCLUDED.applied_at
      WHERE route_applied.version < EXCLUDED.version`,
    [beat.instanceId, applied.appliedAt ?? beat.sentAt, JSON.stringify([...versions].map(([id, version]) => ({ id, version })))],
  );
}
