import type { Env } from "@/lib/env";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import type { SpanWriter } from "./span-writer";

/**
 * The part of an OTLP trace export both receivers share: decode + normalize the body, hand
 * the batch to the writer, and wait for COMMIT. Throws what the receivers map to their
 * protocol: OtlpDecodeError (bad body), QueueFullError, DatabaseUnavailableError, or
 * anything else (internal error).
 */

export type SpanSubmitter = Pick<SpanWriter, "submit">;

export type IngestTraceDeps = {
  writer: SpanSubmitter;
  env: Pick<Env, "BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH" | "BREAKWATER_SPAN_RETENTION_HOURS">;
};

const HOUR_MS = 3_600_000;
/**
 * Spans starting more than this far in the future are rejected (partial success): clock skew
 * of a day is tolerated, while a garbage timestamp cannot make the writer create partitions
 * years ahead. Spans older than the retention window are rejected for the same reason (and
 * retention would drop them at once anyway).
 */
const MAX_FUTURE_MS = 24 * HOUR_MS;

export type IngestTraceResult = {
  /** Spans handed to the writer (stored now, or already stored by an earlier delivery). */
  acceptedSpans: number;
  inserted: number;
  duplicates: number;
  /** Spans refused individually: reported to the client as partial_success. */
  rejectedSpans: number;
  /** For partial_success.error_message; undefined when nothing was rejected. */
  errorMessage?: string;
};

const MAX_ERROR_MESSAGE_LENGTH = 1024;

export function describeRejections(rejectedSpans: number, reasons: readonly string[]): string | undefined {
  if (rejectedSpans <= 0) return undefined;
  const head = `${rejectedSpans} span${rejectedSpans === 1 ? "" : "s"} rejected`;
  const message = reasons.length > 0 ? `${head}: ${reasons.join("; ")}` : head;
  return message.length > MAX_ERROR_MESSAGE_LENGTH ? `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : message;
}

export async function ingestTraceRequest(
  body: Uint8Array,
  format: "protobuf" | "json",
  deps: IngestTraceDeps,
): Promise<IngestTraceResult> {
  const batch = decodeTraceRequest(body, format, {
    maxAttributeValueLength: deps.env.BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH,
    maxAgeMs: deps.env.BREAKWATER_SPAN_RETENTION_HOURS * HOUR_MS,
    maxFutureMs: MAX_FUTURE_MS,
  });
  let inserted = 0;
  let duplicates = 0;
  // An empty request (or one whose every span was rejected) is answered without a write.
  if (batch.spans.length > 0) {
    ({ inserted, duplicates } = await deps.writer.submit(batch));
  }
  return {
    acceptedSpans: batch.spans.length,
    inserted,
    duplicates,
    rejectedSpans: batch.rejectedSpans,
    errorMessage: describeRejections(batch.rejectedSpans, batch.rejectionReasons),
  };
}
