/**
 * The window a service-detail query reads, in whole rollup minutes: rollups are per minute,
 * so [fromMs, toMs) becomes [floor(fromMs), ceil(toMs)) to the minute. Rates divide by the
 * time the data covers: from the first minute read to `toMs` itself (the live edge), never
 * by time that has not happened yet.
 */

export const MINUTE_MS = 60_000;

/** Shortest time a rate is divided by: a window a few milliseconds old would turn 3 calls into 3,000/s. */
export const MIN_RATE_DIVISOR_MS = 1_000;

export type ServiceWindow = {
  /** Inclusive, on a minute boundary. */
  fromMinuteMs: number;
  /** Exclusive, on a minute boundary (the minute holding toMs included). */
  toMinuteMs: number;
  /** The window's real end (now, for a live window): rates divide by time up to here. */
  toMs: number;
};

export function toServiceWindow(fromMs: number, toMs: number): ServiceWindow {
  const fromMinuteMs = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  const toMinuteMs = Math.max(fromMinuteMs + MINUTE_MS, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
  return { fromMinuteMs, toMinuteMs, toMs: Math.max(toMs, fromMinuteMs) };
}

/** Milliseconds a whole-window rate divides by. */
export function windowRateDivisorMs(window: ServiceWindow): number {
  return Math.max(MIN_RATE_DIVISOR_MS, window.toMs - window.fromMinuteMs);
}
