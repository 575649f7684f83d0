import { z } from "zod";
import { getPool } from "@/lib/db/pool";
import { loadTraceSpans, type StartTimeBounds, type TraceSpan } from "./load-trace-spans";

export type { TraceSpan } from "./load-trace-spans";

/** A trace id as stored: 32 lowercase hex chars, not all zero. */
const traceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters")
  .refine((id) => !/^0+$/.test(id), "must not be all zeros");

const boundsSchema = z
  .object({ startUs: z.bigint().nonnegative().optional(), endUs: z.bigint().nonnegative().optional() })
  .refine((b) => b.startUs === undefined || b.endUs === undefined || b.startUs <= b.endUs, "startUs must not be after endUs");

/**
 * Every span of one trace with its resource and scope, ordered by start time; null when no
 * span of the trace is stored. Optional start-time bounds (µs) skip partitions outside them.
 */
export async function getTraceById(traceIdHex: string, bounds: StartTimeBounds = {}): Promise<TraceSpan[] | null> {
  const traceId = traceIdSchema.parse(traceIdHex);
  const checkedBounds = boundsSchema.parse(bounds);
  const spans = await loadTraceSpans(getPool(), [traceId], checkedBounds);
  return spans.length === 0 ? null : spans;
}
