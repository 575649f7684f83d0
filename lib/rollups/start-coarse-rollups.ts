/**
 * The coarse rollups' maintenance timer (ingest roles, started by lib/server/main.ts beside
 * partition maintenance): a sealCoarseRollups pass at start, every `intervalMs`, and soon
 * after this process commits rows of a period that may already be sealed
 * (noteCommittedRollupMinutes). Passes never overlap; one that fails is logged and the next
 * one tries again. With several ingest processes on one database the passes' advisory lock
 * lets one of them do the work.
 */
import type pg from "pg";
import type { Logger } from "@/lib/server/logger";
import { onLateRollupPeriod } from "./note-committed-rollup-minutes";
import { sealCoarseRollups } from "./seal-coarse-rollups";

/** Default pass interval: sealed_until then trails now by 2.5–7.5 min (grace + period + this). */
export const COARSE_ROLLUP_INTERVAL_MS = 30_000;

/** How long after a late row is noted its pass starts (rows of one delivery come in several batches). */
const LATE_ROW_DELAY_MS = 1_000;

export type CoarseRollups = {
  /** Resolves when the first pass finished (successfully or not). */
  firstRun: Promise<void>;
  /** Runs one pass now (after a running one). */
  runNow(): Promise<void>;
  /** Stops the timer and waits for a running pass (which stops at its next chunk). */
  stop(): Promise<void>;
};

export function startCoarseRollups(deps: { pool: pg.Pool; log: Logger; intervalMs?: number }): CoarseRollups {
  let running: Promise<void> = Promise.resolve();
  /** Passes started or queued and not finished: timer ticks during a long catch-up are skipped. */
  let queued = 0;
  let stopped = false;
  let soon: NodeJS.Timeout | undefined;

  const pass = async () => {
    if (stopped) return;
    const started = performance.now();
    try {
      const result = await sealCoarseRollups(deps.pool, { shouldStop: () => stopped });
      const fields = {
        ms: Math.round(performance.now() - started),
        periods: result.periods,
        sealedUntil: result.sealedUntilMs === null ? undefined : new Date(result.sealedUntilMs).toISOString(),
        completed: result.completed,
      };
      // A long catch-up (first start on existing data, or after a stop) is worth a line.
      if (result.periods > 12) deps.log.info("coarse rollups recomputed", fields);
      else deps.log.debug("coarse rollups", fields);
    } catch (error) {
      deps.log.warn("coarse rollups failed", { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const runNow = () => {
    queued++;
    running = running.then(pass).finally(() => {
      queued--;
    });
    return running;
  };
  const tick = () => {
    if (queued === 0) void runNow();
  };

  onLateRollupPeriod(deps.pool, () => {
    if (stopped || soon !== undefined) return;
    soon = setTimeout(() => {
      soon = undefined;
      // A pass already queued takes the dirty periods when it starts; one running now may
      // have taken them before they were noted, so queue one after it.
      if (queued <= 1) void runNow();
    }, LATE_ROW_DELAY_MS);
    soon.unref();
  });

  const firstRun = runNow();
  const timer = setInterval(tick, deps.intervalMs ?? COARSE_ROLLUP_INTERVAL_MS);
  timer.unref();

  return {
    firstRun,
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(soon);
      onLateRollupPeriod(deps.pool, undefined);
      await running;
    },
  };
}
