/**
 * Late rollup rows, for the coarse rollups: the span writer (and the edge flush) note the
 * minutes of the rollup rows they committed, after COMMIT, outside the span transaction (a
 * loop over the batch's few hundred rows). A minute whose 5-minute period may already be
 * sealed (it ended more than SEAL_GRACE_MS ago) makes that period (and so its quarter) dirty,
 * and wakes the
 * coarse maintenance of the same database (startCoarseRollups), which recomputes it. Periods
 * not yet sealable are not noted: every pass recomputes the recent periods anyway.
 *
 * In memory, per process and database ("owner": the object that stands for the database,
 * as for the partition cache — the pool). A late row written by another process, or noted
 * but not recomputed before a restart, reaches the coarse rows only while its period is
 * within RECOMPUTE_HORIZON_MS (the documented limitation).
 */
import { COARSE_PERIOD_MS, SEAL_GRACE_MS, floorToPeriod } from "./rollup-levels";

/** More distinct dirty periods than this (a year of them) are not remembered. */
const MAX_DIRTY_PERIODS = 100_000;

type DirtyPeriods = { periods: Set<number>; onLatePeriod: (() => void) | undefined };

const dirtyByOwner = new WeakMap<object, DirtyPeriods>();

function entryOf(owner: object): DirtyPeriods {
  let entry = dirtyByOwner.get(owner);
  if (entry === undefined) {
    entry = { periods: new Set(), onLatePeriod: undefined };
    dirtyByOwner.set(owner, entry);
  }
  return entry;
}

/** Called after COMMIT with the minutes (epoch ms) of the rollup rows just written. */
export function noteCommittedRollupMinutes(owner: object, minutesMs: Iterable<number>, nowMs: number = Date.now()): void {
  // A period starting after this has not ended a grace time ago: no pass has sealed it.
  const latestSealable = nowMs - SEAL_GRACE_MS - COARSE_PERIOD_MS;
  let late = false;
  let entry: DirtyPeriods | undefined;
  for (const minuteMs of minutesMs) {
    const period = floorToPeriod(minuteMs);
    if (period > latestSealable) continue;
    entry ??= entryOf(owner);
    if (entry.periods.size < MAX_DIRTY_PERIODS || entry.periods.has(period)) {
      entry.periods.add(period);
      late = true;
    }
  }
  if (late) entry?.onLatePeriod?.();
}

/** Takes (and forgets) the owner's dirty periods, ascending. */
export function takeDirtyPeriods(owner: object): number[] {
  const entry = dirtyByOwner.get(owner);
  if (entry === undefined || entry.periods.size === 0) return [];
  const periods = [...entry.periods].sort((a, b) => a - b);
  entry.periods.clear();
  return periods;
}

/** Gives back periods taken but not recomputed (a failed or interrupted pass). */
export function restoreDirtyPeriods(owner: object, periods: Iterable<number>): void {
  const entry = entryOf(owner);
  for (const period of periods) if (entry.periods.size < MAX_DIRTY_PERIODS) entry.periods.add(period);
}

/** Calls `listener` whenever a possibly sealed period of the owner is noted (undefined: stop). */
export function onLateRollupPeriod(owner: object, listener: (() => void) | undefined): void {
  entryOf(owner).onLatePeriod = listener;
}
