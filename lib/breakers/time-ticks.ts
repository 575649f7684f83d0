const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export type TimeTick = {
  /** Position from the left edge, 0..1. */
  offset: number;
  /** "45 min ago", "now". Relative, so it reads the same in every time zone and on the server. */
  label: string;
};

// Steps that divide the page's ranges (5 m … 24 h) into 4–6 parts.
const STEPS_MS = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS, 4 * HOUR_MS, 6 * HOUR_MS];
const MAX_TICKS = 7;

function ago(ms: number): string {
  if (ms === 0) return "now";
  if (ms < HOUR_MS) return `${ms / MINUTE_MS} min ago`;
  return `${ms / HOUR_MS} h ago`;
}

/**
 * Axis ticks for a window ending now, at whole steps back from its right edge ("now"), so
 * the labels stay put while the window slides.
 */
export function buildTimeTicks(rangeMs: number): TimeTick[] {
  if (rangeMs <= 0) return [];
  const step = STEPS_MS.find((candidate) => rangeMs / candidate <= MAX_TICKS - 1) ?? STEPS_MS[STEPS_MS.length - 1];
  const ticks: TimeTick[] = [];
  for (let back = Math.floor(rangeMs / step) * step; back >= 0; back -= step) {
    ticks.push({ offset: 1 - back / rangeMs, label: ago(back) });
  }
  return ticks;
}
