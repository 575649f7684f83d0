/**
 * Which rollup rows a read of a window takes (lib/rollups/rollup-levels): the quarter-hour rows
 * for the sealed quarters that lie wholly inside the window, the 5-minute rows for sealed
 * periods wholly inside what is left, and the minute rows for every other minute — partial
 * periods at either end and the unsealed tail up to now. For a time series, only levels whose
 * period divides the bucket are used, so every coarse row lies inside one bucket. A coarse
 * row is the sum of its minute rows (sums, and the histogram merged bucket by bucket), so the
 * merged totals and histograms, and every number computed from them, are the same as from
 * minute rows only: a 24 h window reads ~100 rows instead of 1,440.
 */
import {
  COARSE_LEVELS,
  COARSE_ROLLUP,
  LEVEL_PERIOD_MS,
  type RollupFamily,
  type RollupLevel,
  ceilToPeriod,
  floorToPeriod,
} from "@/lib/rollups/rollup-levels";

/** Minutes [fromMs, toMs) read from one level's table. */
export type RollupPart = { level: RollupLevel; fromMs: number; toMs: number };

/** rollup_progress.sealed_until in epoch ms (no row: no result row). */
export const SEALED_UNTIL_SQL = `SELECT (extract(epoch FROM sealed_until) * 1000)::int8 AS sealed_until_ms FROM rollup_progress WHERE rollup = '${COARSE_ROLLUP}'`;

/** The coarse levels, coarsest first, whose periods fit a bucket of `bucketMs` (all when undefined). */
function fittingLevels(bucketMs: number | undefined): RollupLevel[] {
  return COARSE_LEVELS.filter((level) => bucketMs === undefined || bucketMs % LEVEL_PERIOD_MS[level] === 0);
}

/** Whether some coarse period that fits lies wholly inside the window (sealed or not). */
export function mayUseCoarseRows(fromMinuteMs: number, toMinuteMs: number, bucketMs?: number): boolean {
  return fittingLevels(bucketMs).some((level) => {
    const periodMs = LEVEL_PERIOD_MS[level];
    return floorToPeriod(toMinuteMs, periodMs) > ceilToPeriod(fromMinuteMs, periodMs);
  });
}

/**
 * Splits the window's minutes [fromMinuteMs, toMinuteMs) between the levels, oldest first,
 * given sealed_until (null: nothing sealed, minute rows only): the coarsest fitting level
 * takes the sealed periods wholly inside, the next one what is left at either side, and so on.
 */
export function splitRollupWindow(
  fromMinuteMs: number,
  toMinuteMs: number,
  sealedUntilMs: number | null,
  bucketMs?: number,
): RollupPart[] {
  const levels = sealedUntilMs === null ? [] : fittingLevels(bucketMs);
  const parts: RollupPart[] = [];
  const split = (fromMs: number, toMs: number, index: number) => {
    if (toMs <= fromMs) return;
    if (index === levels.length || sealedUntilMs === null) {
      parts.push({ level: "minute", fromMs, toMs });
      return;
    }
    const periodMs = LEVEL_PERIOD_MS[levels[index]];
    const coarseFromMs = ceilToPeriod(fromMs, periodMs);
    // Only periods that end by sealed_until.
    const coarseToMs = Math.min(floorToPeriod(toMs, periodMs), floorToPeriod(sealedUntilMs, periodMs));
    if (coarseToMs <= coarseFromMs) {
      split(fromMs, toMs, index + 1);
      return;
    }
    split(fromMs, coarseFromMs, index + 1);
    parts.push({ level: levels[index], fromMs: coarseFromMs, toMs: coarseToMs });
    split(coarseToMs, toMs, index + 1);
  };
  split(fromMinuteMs, toMinuteMs, 0);
  return parts;
}

/** Rows read per bucket of `bucketMs`, on average over the parts (1: each bucket is one row). */
export function rowsPerBucket(parts: readonly RollupPart[], bucketMs: number): number {
  let rows = 0;
  let spanMs = 0;
  for (const part of parts) {
    rows += (part.toMs - part.fromMs) / LEVEL_PERIOD_MS[part.level];
    spanMs += part.toMs - part.fromMs;
  }
  return spanMs === 0 ? 0 : rows / (spanMs / bucketMs);
}

/**
 * `SELECT <select> FROM <table> WHERE <where> AND minute >= $i AND minute < $j`, one per
 * part (on that part's level's table of `family`), joined by UNION ALL: each an index range
 * scan pruned to its days' partitions. The bounds are appended to `params` as ISO strings.
 * `select` and `where` name columns every level's table has; `where` may use earlier
 * parameters. A coarse row's "minute" is its period's first minute.
 */
export function rollupRowsSql(
  family: RollupFamily,
  parts: readonly RollupPart[],
  select: string,
  where: string,
  params: unknown[],
): string {
  return parts
    .map((part) => {
      params.push(new Date(part.fromMs).toISOString(), new Date(part.toMs).toISOString());
      return `SELECT ${select} FROM ${family.tables[part.level]} WHERE ${where} AND minute >= $${params.length - 1} AND minute < $${params.length}`;
    })
    .join("\n    UNION ALL\n    ");
}
