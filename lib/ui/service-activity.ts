/** How recently a service sent spans, for the status dot and the "active" count. */
export type ServiceActivity = "active" | "idle" | "silent";

/** Sent a span within the last minute: it is running and instrumented right now. */
export const ACTIVE_WITHIN_MS = 60_000;
/** Nothing for an hour: probably stopped, renamed or no longer exporting. */
export const SILENT_AFTER_MS = 60 * 60_000;

export function classifyActivity(lastSeenMs: number, nowMs: number): ServiceActivity {
  const ageMs = nowMs - lastSeenMs;
  if (ageMs <= ACTIVE_WITHIN_MS) return "active";
  if (ageMs <= SILENT_AFTER_MS) return "idle";
  return "silent";
}
