import type pg from "pg";
import { compactClosedPartitions } from "@/lib/db/compact-partitions";
import { ensureUpcomingPartitions, runRetention } from "@/lib/db/partitions";
import { type PruneCataloguesResult, pruneCatalogues } from "@/lib/db/prune-catalogues";
import type { Env } from "@/lib/env";
import type { Logger } from "./logger";

/**
 * Partition maintenance for the ingest role: make sure the partitions for the current and
 * next hours exist before spans arrive (the writer creates missing ones too, but doing it
 * ahead keeps DDL off the ingest path), then drop what retention says is old, then remove
 * services and operations not seen within the span retention (their spans are gone), then
 * rebuild the indexes of up to 2 closed hours (compactClosedPartitions: packed indexes take
 * ~150 B/span less; last, since a rebuild of a large hour takes a while and is never urgent).
 * Runs once at start and every BREAKWATER_MAINTENANCE_INTERVAL_S; runs never overlap.
 */

export type MaintenanceEnv = Pick<
  Env,
  | "BREAKWATER_MAINTENANCE_INTERVAL_S"
  | "BREAKWATER_SPAN_RETENTION_HOURS"
  | "BREAKWATER_ROLLUP_RETENTION_DAYS"
  | "BREAKWATER_SPAN_STORAGE_LIMIT"
>;

export type Maintenance = {
  /** Resolves when the first run finished (successfully or not). */
  firstRun: Promise<void>;
  /** Runs one pass now (waits for a running one first). */
  runNow(): Promise<void>;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
};

export type MaintenancePassResult = {
  /** Partitions dropped. */
  dropped: string[];
  /** Catalogue rows removed. */
  pruned: PruneCataloguesResult;
  /** Closed partitions whose indexes were rebuilt (bounded per pass). */
  compacted: string[];
};

/** Each rebuild reads a whole hour; a few per pass catch up a backlog without long passes. */
const COMPACTIONS_PER_PASS = 2;

export async function runMaintenancePass(pool: pg.Pool, env: MaintenanceEnv, nowMs = Date.now()): Promise<MaintenancePassResult> {
  await ensureUpcomingPartitions(pool, nowMs);
  const { dropped } = await runRetention(pool, {
    spanRetentionHours: env.BREAKWATER_SPAN_RETENTION_HOURS,
    rollupRetentionDays: env.BREAKWATER_ROLLUP_RETENTION_DAYS,
    spanStorageLimitBytes: env.BREAKWATER_SPAN_STORAGE_LIMIT,
    nowMs,
  });
  // After retention: by age, a service last seen before the oldest kept hour has no spans left.
  const pruned = await pruneCatalogues(pool, { spanRetentionHours: env.BREAKWATER_SPAN_RETENTION_HOURS, nowMs });
  // After retention, so nothing it just dropped (or is dropping) is rebuilt.
  const { compacted } = await compactClosedPartitions(pool, { nowMs, max: COMPACTIONS_PER_PASS });
  return { dropped, pruned, compacted: compacted.map((p) => p.name) };
}

export function startMaintenance(deps: { pool: pg.Pool; env: MaintenanceEnv; log: Logger }): Maintenance {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const pass = async () => {
    const started = performance.now();
    try {
      const { dropped, pruned, compacted } = await runMaintenancePass(deps.pool, deps.env);
      const fields = {
        ms: Math.round(performance.now() - started),
        dropped: dropped.length > 0 ? dropped.join(",") : undefined,
        prunedServices: pruned.services > 0 ? pruned.services : undefined,
        prunedOperations: pruned.operations > 0 ? pruned.operations : undefined,
        compacted: compacted.length > 0 ? compacted.join(",") : undefined,
      };
      if (dropped.length > 0 || pruned.services > 0 || pruned.operations > 0 || compacted.length > 0) {
        deps.log.info("partition maintenance removed old data or compacted closed hours", fields);
      } else deps.log.debug("partition maintenance", fields);
    } catch (error) {
      // The database may be down for a while; the next pass tries again.
      deps.log.warn("partition maintenance failed", { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const runNow = () => {
    running = running.then(pass);
    return running;
  };

  const firstRun = runNow();
  const timer = setInterval(() => {
    if (!stopped) void runNow();
  }, deps.env.BREAKWATER_MAINTENANCE_INTERVAL_S * 1000);
  timer.unref();

  return {
    firstRun,
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
