/**
 * The live-refresh setting lives in the URL (`?refresh=off`, `?refresh=10s`) so a paused
 * or slowed view can be shared and survives reloads. No parameter means live at the default.
 */

export const REFRESH_PARAM = "refresh";
export const DEFAULT_REFRESH_INTERVAL_MS = 2_000;
/** Faster polling than this would load the database for no visible gain. */
export const MIN_REFRESH_INTERVAL_MS = 1_000;
const PAUSED_VALUE = "off";

/** What TanStack Query's `refetchInterval` takes: milliseconds, or false when paused. */
export type RefreshInterval = number | false;

const DURATION_PATTERN = /^(\d+)(ms|s|m)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000 };

export function parseRefreshParam(value: string | null | undefined): RefreshInterval {
  if (value === null || value === undefined || value === "") return DEFAULT_REFRESH_INTERVAL_MS;
  if (value === PAUSED_VALUE) return false;
  const match = DURATION_PATTERN.exec(value);
  if (!match) return DEFAULT_REFRESH_INTERVAL_MS;
  return Math.max(MIN_REFRESH_INTERVAL_MS, Number(match[1]) * UNIT_MS[match[2]]);
}

/** The URL value for a setting; null means "leave the parameter out" (the default). */
export function serializeRefreshParam(interval: RefreshInterval): string | null {
  if (interval === false) return PAUSED_VALUE;
  if (interval === DEFAULT_REFRESH_INTERVAL_MS) return null;
  return interval % 60_000 === 0 ? `${interval / 60_000}m` : interval % 1_000 === 0 ? `${interval / 1_000}s` : `${interval}ms`;
}

/** "2s", "1m" — for the live indicator. */
export function formatRefreshInterval(intervalMs: number): string {
  return serializeRefreshParam(intervalMs) ?? `${DEFAULT_REFRESH_INTERVAL_MS / 1_000}s`;
}
