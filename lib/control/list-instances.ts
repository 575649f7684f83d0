import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { AppliedConfig, CheckStatus, InstanceStatus, ReportedStatus } from "./contract";

export type InstanceSummary = {
  instanceId: string;
  service: string;
  version: string;
  address: string;
  /** The registry's status. */
  status: InstanceStatus;
  /** What the instance itself last said. */
  reportedStatus: ReportedStatus;
  checks: { name: string; status: CheckStatus; detail?: string }[];
  ttlMs: number;
  /** ISO 8601 times. */
  firstSeen: string;
  /** sentAt of the last accepted heartbeat (the instance's clock). */
  lastHeartbeatAt: string;
  /** When Breakwater received it. */
  lastReceivedAt: string;
  /** Milliseconds since the last heartbeat was received. */
  heartbeatAgeMs: number;
  statusSince: string;
  appliedConfig: AppliedConfig | null;
  configAgeMs: number | null;
};

export type InstanceRow = {
  instance_id: string;
  service: string;
  version: string;
  address: string;
  status: InstanceStatus;
  reported_status: ReportedStatus;
  checks: InstanceSummary["checks"];
  ttl_ms: number;
  first_seen: Date;
  last_heartbeat_at: Date;
  last_received_at: Date;
  heartbeat_age_ms: number;
  status_since: Date;
  applied_config: AppliedConfig | null;
  config_age_ms: string | null;
};

/** Columns for toInstanceSummary (table alias i), the heartbeat age on the database clock. */
export const INSTANCE_COLUMNS = `i.instance_id, i.service, i.version, i.address, i.status, i.reported_status, i.checks,
  i.ttl_ms, i.first_seen, i.last_heartbeat_at, i.last_received_at, i.status_since, i.applied_config, i.config_age_ms,
  greatest(0, floor(extract(epoch FROM now() - i.last_received_at) * 1000))::float8 AS heartbeat_age_ms`;

export function toInstanceSummary(row: InstanceRow): InstanceSummary {
  return {
    instanceId: row.instance_id,
    service: row.service,
    version: row.version,
    address: row.address,
    status: row.status,
    reportedStatus: row.reported_status,
    checks: row.checks,
    ttlMs: row.ttl_ms,
    firstSeen: row.first_seen.toISOString(),
    lastHeartbeatAt: row.last_heartbeat_at.toISOString(),
    lastReceivedAt: row.last_received_at.toISOString(),
    heartbeatAgeMs: row.heartbeat_age_ms,
    statusSince: row.status_since.toISOString(),
    appliedConfig: row.applied_config,
    configAgeMs: row.config_age_ms === null ? null : Number(row.config_age_ms),
  };
}

/** Registered instances (deregistered ones included until pruned), by service then id. */
export async function listInstances(
  filter: { service?: string; status?: InstanceStatus } = {},
  pool: pg.Pool = getPool(),
): Promise<InstanceSummary[]> {
  const { rows } = await pool.query<InstanceRow>(
    `SELECT ${INSTANCE_COLUMNS}
       FROM instances i
      WHERE ($1::text IS NULL OR i.service = $1) AND ($2::text IS NULL OR i.status = $2)
      ORDER BY i.service COLLATE "C", i.instance_id COLLATE "C"`,
    [filter.service ?? null, filter.status ?? null],
  );
  return rows.map(toInstanceSummary);
}
