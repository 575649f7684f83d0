/**
 * Time formatting for the UI. Pure functions of their inputs ("now" is a parameter), so the
 * server render, the hydrating client and tests all agree.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** How far apart two instants must be before we stop saying "just now". */
const JUST_NOW_MS = SECOND_MS;

function describeDuration(ms: number): string {
  if (ms < MINUTE_MS) return `${Math.floor(ms / SECOND_MS)} s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)} min`;
  // Up to two days, hours read better than "1 d" ("36 h ago").
  if (ms < 2 * DAY_MS) return `${Math.floor(ms / HOUR_MS)} h`;
  return `${Math.floor(ms / DAY_MS)} d`;
}

/**
 * "12 s ago", "5 min ago", "3 h ago", "4 d ago"; "just now" within a second; "in 8 s" for
 * instants ahead of `nowMs` (a sender's clock running fast).
 */
export function formatRelativeTime(thenMs: number, nowMs: number): string {
  const diffMs = nowMs - thenMs;
  if (Math.abs(diffMs) < JUST_NOW_MS) return "just now";
  if (diffMs < 0) return `in ${describeDuration(-diffMs)}`;
  return `${describeDuration(diffMs)} ago`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "2026-11-21 19:54:03 UTC": deterministic, so safe in server-rendered HTML. */
export function formatTimestampUtc(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC`
  );
}

/**
 * "2026-11-21 20:54:03 GMT+1" in the given (default: the browser's) time zone, same
 * layout as formatTimestampUtc so the two read alike.
 */
export function formatTimestamp(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")} ${get("timeZoneName")}`;
}

/** "10:42" (or "10:42:07") in the viewer's zone, 24-hour: chart tooltips, ticks and time lists on every page. */
export function formatClock(ms: number, withSeconds = false): string {
  return new Date(ms).toLocaleTimeString("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    ...(withSeconds ? { second: "2-digit" } : {}),
    hourCycle: "h23",
  });
}

/** The value of an `<input type="datetime-local">` (the browser's local time, no zone, to the minute) for an instant. */
export function toLocalDateTimeInput(ms: number): string {
  const local = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
