/**
 * A service's registered instances (deregistered ones too, until pruned) with their health
 * history over a window, from `instances` and `instance_status_changes`: the status changes
 * inside the window, plus the status each instance had when the window opened, so a timeline
 * can be drawn from its left edge even when nothing changed inside it.
 */
import type pg from "pg";
import type { InstanceStatus } from "@/lib/control/contract";
import { INSTANCE_COLUMNS, type InstanceRow, type InstanceSummary, toInstanceSummary } from "@/lib/control/list-instances";
import { getPool } from "@/lib/db/pool";

/** Most status changes returned for one window (the most recent kept). */
export const DEFAULT_STATUS_CHANGES_LIMIT = 2_000;

export type ServiceInstanceStatusChange = {
  fromStatus: InstanceStatus | null;
  toStatus: InstanceStatus;
  /** ISO 8601. */
  at: string;
  reason: string;
};

export type ServiceInstance = Pick<
  InstanceSummary,
  | "instanceId"
  | "version"
  | "address"
  | "status"
  | "reportedStatus"
  | "ttlMs"
  | "firstSeen"
  | "lastReceivedAt"
  | "heartbeatAgeMs"
  | "statusSince"
> & {
  /** The status at the window's start (its last change before it); null when it registered later. */
  statusAtFrom: InstanceStatus | null;
  /** Changes with from ≤ at ≤ to, oldest first. */
  changes: ServiceInstanceStatusChange[];
};

export type ServiceInstances = {
  service: string;
  /** ISO 8601, the window asked for. */
  from: string;
  to: string;
  /** By instance id. */
  instances: ServiceInstance[];
  /** True when the window held more changes than the limit (the oldest are left out). */
  isTruncated: boolean;
};

type ChangeRow = { instance_id: string; from_status: InstanceStatus | null; to_status: InstanceStatus; at: Date; reason: string };

export async function getServiceInstances(
  input: { service: string; from: Date; to: Date; limit?: number },
  pool: pg.Pool = getPool(),
): Promise<ServiceInstances> {
  const limit = input.limit ?? DEFAULT_STATUS_CHANGES_LIMIT;
  const [instances, changes] = await Promise.all([
    // The prior status: one probe of (instance_id, at DESC) per instance.
    pool.query<InstanceRow & { status_at_from: InstanceStatus | null }>(
      `SELECT ${INSTANCE_COLUMNS}, p.to_status AS status_at_from
         FROM instances i
         LEFT JOIN LATERAL (
           SELECT c.to_status FROM instance_status_changes c
            WHERE c.instance_id = i.instance_id AND c.at < $2
            ORDER BY c.at DESC, c.id DESC LIMIT 1
         ) p ON true
        WHERE i.service = $1
        ORDER BY i.instance_id COLLATE "C"`,
      [input.service, input.from],
    ),
    pool.query<ChangeRow>(
      `SELECT instance_id, from_status, to_status, at, reason
         FROM instance_status_changes
        WHERE service = $1 AND at >= $2 AND at <= $3
        ORDER BY at DESC, id DESC
        LIMIT $4`,
      [input.service, input.from, input.to, limit + 1],
    ),
  ]);
  const changesByInstance = new Map<string, ServiceInstanceStatusChange[]>();
  // Oldest first: the rows came newest first so that the limit keeps the most recent.
  for (const row of changes.rows.slice(0, limit).reverse()) {
    const list = changesByInstance.get(row.instance_id) ?? [];
    list.push({ fromStatus: row.from_status, toStatus: row.to_status, at: row.at.toISOString(), reason: row.reason });
    changesByInstance.set(row.instance_id, list);
  }
  return {
    service: input.service,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    instances: instances.rows.map((row) => {
      const summary = toInstanceSummary(row);
      return {
        instanceId: summary.instanceId,
        version: summary.version,
        address: summary.address,
        status: summary.status,
        reportedStatus: summary.reportedStatus,
        ttlMs: summary.ttlMs,
        firstSeen: summary.firstSeen,
        lastReceivedAt: summary.lastReceivedAt,
        heartbeatAgeMs: summary.heartbeatAgeMs,
        statusSince: summary.statusSince,
        statusAtFrom: row.status_at_from,
        changes: changesByInstance.get(summary.instanceId) ?? [],
      };
    }),
    isTruncated: changes.rows.length > limit,
  };
}
