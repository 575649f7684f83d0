/**
 * The time range of a topology API request (`range`, `from`, `to` as lib/ui/time-range reads
 * them), resolved against the server's clock, with the limits every topology route applies.
 */
import { ValidationError } from "@/lib/http/errors";
import { parseTimeRange, resolveTimeRange, type ParamReader } from "@/lib/ui/time-range";

const DAY_MS = 86_400_000;
/** Longer windows merge too many minutes for a live graph (rollups are kept 30 days). */
export const MAX_TOPOLOGY_WINDOW_MS = 7 * DAY_MS;

export function resolveRequestWindow(params: ParamReader, nowMs: number): { startMs: number; endMs: number } {
  const { range, error } = parseTimeRange(params);
  if (error !== null) throw new ValidationError(`${error.param}: ${error.message}`, { param: error.param });
  const { startMs, endMs } = resolveTimeRange(range, nowMs);
  if (endMs - startMs > MAX_TOPOLOGY_WINDOW_MS) {
    throw new ValidationError(`from: the range must be at most ${MAX_TOPOLOGY_WINDOW_MS / DAY_MS} days`, { param: "from" });
  }
  if (startMs < 0) throw new ValidationError("from: the range must start after 1970", { param: "from" });
  return { startMs, endMs };
}
