/**
 * Writes the edges of pending clients whose TTL ran out, in a transaction of its own: to the
 * server child the database holds (written by another process), else to a virtual node; and
 * pairs completed in memory at a commit that no batch has written yet. Span batches never
 * take expired clients, so their transactions never wait on that lookup: the span writer
 * calls this from a timer (every 10 s), and an expired client's edge appears at most about
 * TTL + 10 s after its span.
 */
import type pg from "pg";
import { computeRollups } from "@/lib/rollups/compute-rollups";
import type { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { ensureRollupPartitions } from "@/lib/rollups/ensure-rollup-partitions";
import { noteCommittedRollupMinutes } from "@/lib/rollups/note-committed-rollup-minutes";
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
  const plan = computeRollups([], cache, { nowMs: options.nowMs, takeExpired: true });
  const handled = plan.expiredClients.length + plan.readyEdgeCount;
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
  noteCommittedRollupMinutes(options.partitionCacheOwner ?? pool, plan.minutesMs());
  return handled;
}
