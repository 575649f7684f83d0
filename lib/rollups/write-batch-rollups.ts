/**
 * The in-transaction part of the rollups, in one call: look up the children of expired
 * clients (only the flush's plans have any; a span batch's plan asks the database nothing),
 * then upsert the rows (writeRollups). The span writer calls it last before COMMIT, after
 * the catalogue upserts, in every writer in the same place, so row locks are always taken in
 * one order.
 */
import type pg from "pg";
import type { RollupPlan } from "@/lib/rollups/compute-rollups";
import { lookUpExpiredChildren, type LookUpExpiredChildrenOptions } from "@/lib/rollups/look-up-expired-children";
import { writeRollups } from "@/lib/rollups/write-rollups";

export async function writeBatchRollups(
  client: pg.PoolClient,
  plan: RollupPlan,
  options: LookUpExpiredChildrenOptions = {},
): Promise<void> {
  await lookUpExpiredChildren(client, plan, options);
  await writeRollups(client, plan.rows());
}
