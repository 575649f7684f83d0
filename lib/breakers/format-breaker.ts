/** Number formats for breaker figures. Fixed locale, pure: server and client render alike. */

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Time in a state, two units at most: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatElapsed(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < MINUTE_MS) return `${Math.floor(clamped / SECOND_MS)} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
  if (clamped < HOUR_MS) return pair(Math.floor(clamped / MINUTE_MS), "min", Math.floor((clamped % MINUTE_MS) / SECOND_MS), "s");
  if (clamped < DAY_MS) return pair(Math.floor(clamped / HOUR_MS), "h", Math.floor((clamped % HOUR_MS) / MINUTE_MS), "min");
  return pair(Math.floor(clamped / DAY_MS), "d", Math.floor((clamped % DAY_MS) / HOUR_MS), "h");
}

const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** Configured durations: "800 ms", "1.5 s", "10 s", "2 min", "1.5 min". */
export function formatDurationMs(ms: number): string {
  if (ms < SECOND_MS) return `${oneDecimal.format(ms)} ms`;
  if (ms < MINUTE_MS) return `${oneDecimal.format(ms / SECOND_MS)} s`;
  return `${oneDecimal.format(ms / MINUTE_MS)} min`;
}

/** "0 %", "12.5 %", "100 %". */
export function formatPercent(value: number): string {
  return `${oneDecimal.format(value)} %`;
}
