/**
 * Writes the virtual edges of pending clients whose TTL ran out (and pairs completed in memory
 * at a commit, see EdgePairingCache pairsInDatabase), in a transaction of its own. Each span
 * batch does this too (computeRollups takes those entries), so this only
 * matters when no batch arrives for a while: call it from a timer (e.g. every 10 s, with the
 * partition maintenance) so a quiet system's virtual edges still appear about one TTL late.
 */
import type pg from "pg";
import { computeRollups } from "@/lib/rollups/compute-rollups";
import type { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { ensureRollupPartitions } from "@/lib/rollups/ensure-rollup-partitions";
import { writeBatchRollups } from "@/lib/rollups/write-batch-rollups";

export type FlushExpiredEdgesOptions = {
  nowMs?: number;
  /** Owner of the known-partitions cache (the pool by default). */
  partitionCacheOwner?: object;
};

/** Resolves to the number of expired clients and completed pairs handled (0: nothing to do). */
export async function flushExpiredEdges(
  pool: pg.Pool,
  cache: EdgePairingCache,
  options: FlushExpiredEdgesOptions = {},
): Promise<number> {
  const plan = computeRollups([], cache, { nowMs: options.nowMs });
  const handled = plan.childLookups.length + plan.readyEdgeCount;
  if (handled === 0) {
    plan.commit();
    return 0;
  }
  let client: pg.PoolClient | undefined;
  let failed: Error | undefined;
  try {
    await ensureRollupPartitions(pool, plan.dayStartsMs, options.partitionCacheOwner ?? pool);
    client = await pool.connect();
    await client.query("BEGIN");
    await writeBatchRollups(client, plan);
    await client.query("COMMIT");
  } catch (error) {
    failed = error as Error;
    if (client !== undefined) await client.query("ROLLBACK").catch(() => undefined);
    plan.abort();
    throw error;
  } finally {
    client?.release(failed);
  }
  plan.commit();
  return handled;
}
