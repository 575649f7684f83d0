/**
 * Rollup levels: the minute tables the span writer writes, and the coarse tables summing them
 * per 5-minute period and per quarter hour, so that long windows merge one histogram per
 * period instead of one per minute (a 24 h chart in 15-minute buckets: one quarter row per
 * bucket instead of 15 minute rows). Periods are aligned to multiples of their length since
 * the epoch, like the charts' buckets (lib/ui/time-range), so a period lies inside one bucket
 * of any bucket size that is a multiple of it, and inside one UTC day (the partitions).
 *
 * Maintenance (sealCoarseRollups) writes the coarse tables; reads (lib/queries/
 * rollup-window-ranges) take a sealed period from the coarsest level that fits and every
 * other minute of a window from the minute tables.
 */

export type RollupLevel = "minute" | "five_minute" | "quarter";

export const LEVEL_PERIOD_MS: Readonly<Record<RollupLevel, number>> = {
  minute: 60_000,
  five_minute: 5 * 60_000,
  quarter: 15 * 60_000,
};

/** The coarse levels, coarsest first. */
export const COARSE_LEVELS: readonly Exclude<RollupLevel, "minute">[] = ["quarter", "five_minute"];

/** The sealing step: sealed_until is a multiple of it, and every coarse period is too. */
export const COARSE_PERIOD_MS = LEVEL_PERIOD_MS.five_minute;

/** rollup_progress.rollup of the coarse levels (one watermark for both). */
export const COARSE_ROLLUP = "coarse";

/**
 * How long after a period ends it is sealed (its coarse rows computed and used by reads).
 * SDKs export every few seconds and the writer flushes unpaired client edges 30–40 s after
 * their span; rows arriving later are handled as late (see sealCoarseRollups).
 */
export const SEAL_GRACE_MS = 2 * 60_000;

/**
 * Every pass recomputes the periods that ended within this time (not only the newly sealed
 * ones), so rows of a sealed period arriving up to ~13 minutes late are picked up whichever
 * process wrote them.
 */
export const RECOMPUTE_HORIZON_MS = 15 * 60_000;

/** A family of rollup tables: one per level, with the key columns besides "minute". */
export type RollupFamily = { tables: Readonly<Record<RollupLevel, string>>; keys: readonly string[] };

export const SERVICE_TOTALS: RollupFamily = {
  tables: { minute: "service_minute_totals", five_minute: "service_five_minute_totals", quarter: "service_quarter_totals" },
  keys: ["service_name", "span_kind"],
};

export const SERVICE_STATS: RollupFamily = {
  tables: { minute: "service_minute_stats", five_minute: "service_five_minute_stats", quarter: "service_quarter_stats" },
  keys: ["service_name", "operation", "span_kind"],
};

export const EDGE_STATS: RollupFamily = {
  tables: { minute: "edge_minute_stats", five_minute: "edge_five_minute_stats", quarter: "edge_quarter_stats" },
  keys: ["caller_service", "callee", "is_virtual"],
};

export const ROLLUP_FAMILIES: readonly RollupFamily[] = [SERVICE_TOTALS, SERVICE_STATS, EDGE_STATS];

/** Every coarse table. */
export const COARSE_TABLES: readonly string[] = ROLLUP_FAMILIES.flatMap((family) =>
  COARSE_LEVELS.map((level) => family.tables[level]),
);

/** Start of the period of `periodMs` holding `ms`. */
export function floorToPeriod(ms: number, periodMs: number = COARSE_PERIOD_MS): number {
  return Math.floor(ms / periodMs) * periodMs;
}

/** The first period start (of `periodMs`) at or after `ms`. */
export function ceilToPeriod(ms: number, periodMs: number = COARSE_PERIOD_MS): number {
  return Math.ceil(ms / periodMs) * periodMs;
}
