import { ValidationError } from "@/lib/http/errors";
import { type ParamReader, parseTimeRange, resolveTimeRange } from "@/lib/ui/time-range";

/**
 * The window of a traffic chart or table from `range` (and `from`/`to` for custom), as every
 * dashboard endpoint reads it (lib/ui/time-range; default the last hour). An invalid range is
 * a 400 naming the parameter.
 */
export function parseTrafficWindow(params: ParamReader, nowMs: number): { fromMs: number; toMs: number } {
  const { range, error } = parseTimeRange(params);
  if (error !== null) throw new ValidationError(`${error.param}: ${error.message}`, { param: error.param });
  const { startMs, endMs } = resolveTimeRange(range, nowMs);
  return { fromMs: startMs, toMs: endMs };
}
