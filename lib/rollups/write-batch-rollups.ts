/**
 * The in-transaction part of the rollups for the span writer, in one call: pair what needs the
 * database (pairFromDatabase, after the spans are written), then upsert the rows
 * (writeRollups). Call it last before COMMIT, after the catalogue upserts, in every writer in
 * the same place, so row locks are always taken in one order.
 */
import type pg from "pg";
import type { RollupPlan } from "@/lib/rollups/compute-rollups";
import { pairFromDatabase, type PairFromDatabaseOptions } from "@/lib/rollups/pair-from-database";
import { writeRollups } from "@/lib/rollups/write-rollups";

export async function writeBatchRollups(
  client: pg.PoolClient,
  plan: RollupPlan,
  options: PairFromDatabaseOptions = {},
): Promise<void> {
  await pairFromDatabase(client, plan, options);
  await writeRollups(client, plan.rows());
}
