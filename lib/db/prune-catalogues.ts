import type pg from "pg";
import { floorToUnit } from "@/lib/db/partitions";

const HOUR_MS = 3_600_000;

export type PruneCataloguesResult = { services: number; operations: number };

/**
 * Removes services and operations not seen since the start of the oldest span partition
 * retention keeps (hourly partitions are dropped whole, so spans back to that hour may still
 * be stored). Without this, a service whose spans retention dropped stayed listed forever.
 *
 * Plain DELETE is right here: these are small catalogue tables, not the partitioned spans.
 * Rows are locked in key order, as the span writer's upserts lock them, so the two cannot
 * deadlock; a writer that refreshed a row first wins (its newer last_seen fails the check).
 */
export async function pruneCatalogues(
  pool: pg.Pool,
  opts: { spanRetentionHours: number; nowMs?: number },
): Promise<PruneCataloguesResult> {
  const nowMs = opts.nowMs ?? Date.now();
  const cutoff = new Date(floorToUnit(nowMs - opts.spanRetentionHours * HOUR_MS, "hour"));
  // Two statements, each its own transaction, in the writer's order (services, then operations).
  const services = await pool.query(
    `DELETE FROM services WHERE last_seen < $1
        AND name IN (SELECT name FROM services WHERE last_seen < $1 ORDER BY name FOR UPDATE)`,
    [cutoff],
  );
  const operations = await pool.query(
    `DELETE FROM operations WHERE last_seen < $1
        AND (service_name, name, span_kind) IN (
          SELECT service_name, name, span_kind FROM operations WHERE last_seen < $1
           ORDER BY service_name, name, span_kind FOR UPDATE)`,
    [cutoff],
  );
  return { services: services.rowCount ?? 0, operations: operations.rowCount ?? 0 };
}
