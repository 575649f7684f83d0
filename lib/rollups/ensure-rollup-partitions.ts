/**
 * Daily partitions of the rollup tables for the days a batch's rows fall in
 * (RollupPlan.dayStartsMs). Like ensureSpanPartitions it runs its own short transaction, so
 * the writer calls it before BEGIN; known partitions are cached per `cacheOwner` (use the
 * same owner as for the span partitions, e.g. the pool).
 */
import type pg from "pg";
import { ensurePartitions } from "@/lib/db/partitions";

export const ROLLUP_TABLES = ["service_minute_stats", "service_minute_totals", "edge_minute_stats"] as const;

export async function ensureRollupPartitions(
  client: pg.Pool | pg.PoolClient,
  dayStartsMs: Iterable<number>,
  cacheOwner: object = client,
): Promise<void> {
  const days = [...dayStartsMs];
  if (days.length === 0) return;
  for (const table of ROLLUP_TABLES) await ensurePartitions(client, table, "day", days, cacheOwner);
}
