import { z } from "zod";

/**
 * Normalizes a trace id as Jaeger accepts it: 1–32 hex digits, any case; shorter (64-bit)
 * ids are zero-padded on the left to the 32-digit form we store. Undefined when malformed
 * or all zeros (not a valid trace id).
 */
export function normalizeTraceId(text: string): string | undefined {
  if (!/^[0-9a-fA-F]{1,32}$/.test(text)) return undefined;
  const id = text.toLowerCase().padStart(32, "0");
  return /^0+$/.test(id) ? undefined : id;
}

/** A `traceId` route parameter: normalized by normalizeTraceId, else a 400 naming the value. */
export const traceIdParamSchema = z.string().transform((raw, ctx) => {
  const id = normalizeTraceId(raw);
  if (id === undefined) {
    ctx.addIssue({ code: "custom", message: `"${raw}" is not a trace id (1–32 hex digits, not all zero)` });
    return z.NEVER;
  }
  return id;
});
