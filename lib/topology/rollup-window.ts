/**
 * The window a rollup read covers. Rollups are per minute, so a read takes whole minutes:
 * [floor(from), ceil(to)) to the minute. Rates divide by the time that window can hold data
 * for — up to `now` at most, since the current minute is still filling — so a live "last
 * 5 minutes" at 10:00:30 (09:55:00 … now, 5.5 min of data) is not under-counted.
 */

const MINUTE_MS = 60_000;

export type RollupWindow = {
  /** First minute read (inclusive), epoch ms. */
  fromMinuteMs: number;
  /** End of the last minute read (exclusive), epoch ms. */
  toMinuteMs: number;
  /** Where the covered time ends: toMinuteMs, or now when that is earlier. */
  coveredToMs: number;
  /** Seconds of covered time, the divisor of rates; 0 for an empty window. */
  coveredSeconds: number;
};

export function resolveRollupWindow(fromMs: number, toMs: number, nowMs: number): RollupWindow {
  const fromMinuteMs = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  const toMinuteMs = Math.max(fromMinuteMs, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
  const coveredToMs = Math.max(fromMinuteMs, Math.min(toMinuteMs, nowMs));
  return { fromMinuteMs, toMinuteMs, coveredToMs, coveredSeconds: (coveredToMs - fromMinuteMs) / 1000 };
}
