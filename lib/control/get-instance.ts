import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { NotFoundError } from "@/lib/http/errors";
import type { InstanceStatus } from "./contract";
import { INSTANCE_COLUMNS, type InstanceRow, type InstanceSummary, toInstanceSummary } from "./list-instances";

export type InstanceStatusChange = {
  fromStatus: InstanceStatus | null;
  toStatus: InstanceStatus;
  /** ISO 8601. */
  at: string;
  reason: string;
};

export type InstanceDetail = InstanceSummary & {
  /** Most recent first. */
  statusChanges: InstanceStatusChange[];
};

/** One instance with its most recent status changes; NotFoundError when it is not registered. */
export async function getInstance(
  instanceId: string,
  options: { changes?: number } = {},
  pool: pg.Pool = getPool(),
): Promise<InstanceDetail> {
  const { rows } = await pool.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM instances i WHERE i.instance_id = $1`, [
    instanceId,
  ]);
  const row = rows[0];
  if (row === undefined) throw new NotFoundError(`instance "${instanceId}" is not registered`);
  const changes = await pool.query<{ from_status: InstanceStatus | null; to_status: InstanceStatus; at: Date; reason: string }>(
    `SELECT from_status, to_status, at, reason FROM instance_status_changes
      WHERE instance_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [instanceId, options.changes ?? 50],
  );
  return {
    ...toInstanceSummary(row),
    statusChanges: changes.rows.map((change) => ({
      fromStatus: change.from_status,
      toStatus: change.to_status,
      at: change.at.toISOString(),
      reason: change.reason,
    })),
  };
}
