import type { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import type { Env } from "@/lib/env";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import type { SpanBatch } from "@/lib/otlp/model";
import { encodeTraceRequest, type EncodedSpanBatch } from "./encode-trace-request";
import type { Logger } from "@/lib/server/logger";
import type { BodyBudget } from "./read-body";
import type { SpanWriter } from "./span-writer";

/**
 * The part of an OTLP trace export both receivers share: decode + normalize the body, hand
 * the batch to the writer, and wait for COMMIT. Throws what the receivers map to their
 * protocol: OtlpDecodeError (bad body), QueueFullError, DatabaseUnavailableError, or
 * anything else (internal error).
 */

/**
 * What the receivers need of the writer: submit, its queue fill to refuse early, and (when it
 * has one) the attribute key dictionary protobuf requests are encoded with before submit.
 */
export type IngestWriter = Pick<SpanWriter, "submit" | "stats" | "queueMaxSpans"> & Partial<Pick<SpanWriter, "attributeKeys">>;

/** A decoded request: normalized spans, or (protobuf, common case) rows encoded for COPY. */
export type DecodedTraceRequest = SpanBatch | EncodedSpanBatch;

/**
 * Free queue room, as a share of the queue, below which receivers refuse a request before
 * reading its body (429 / UNAVAILABLE). Its span count is unknown until it is decoded, and
 * with the queue this full most requests would be refused by submit() after the work of
 * buffering and decoding them; requests in flight also still add to the queue.
 */
const EARLY_REFUSAL_ROOM = 0.05;
/** Retry-After for an early refusal (the writer's own QueueFullError estimates it instead). */
export const EARLY_REFUSAL_RETRY_AFTER_S = 2;

/** Whether the writer's queue is (nearly) full, so a request should be refused unread. */
export function isWriterQueueFull(writer: Pick<SpanWriter, "stats" | "queueMaxSpans">): boolean {
  const { queuedSpans } = writer.stats();
  if (queuedSpans === 0) return false;
  return writer.queueMaxSpans - queuedSpans < Math.max(1, writer.queueMaxSpans * EARLY_REFUSAL_ROOM);
}

/** The settings decoding a request depends on. */
type DecodeEnv = Pick<Env, "BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH" | "BREAKWATER_SPAN_RETENTION_HOURS">;

/** What the OTLP/HTTP and OTLP/gRPC receivers are built from. */
export type OtlpReceiverDeps = {
  writer: IngestWriter;
  env: Pick<
    Env,
    | "BREAKWATER_MAX_BODY_SIZE"
    | "BREAKWATER_MAX_INFLIGHT_BODY_SIZE"
    | "BREAKWATER_INGEST_TOKENS"
    | "BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH"
    | "BREAKWATER_SPAN_RETENTION_HOURS"
  >;
  log: Logger;
  /** Default: the process-wide budget for BREAKWATER_MAX_INFLIGHT_BODY_SIZE, shared by both receivers. */
  bodyBudget?: BodyBudget;
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

/**
 * Decodes and normalizes a request body (throws OtlpDecodeError). With the writer's attribute
 * key dictionary, a protobuf request is encoded straight to COPY rows when it can be
 * (encodeTraceRequest: the same rows, a fraction of the CPU); otherwise, and for anything that
 * path leaves out, the result is decodeTraceRequest's.
 */
export function decodeIngestRequest(
  body: Uint8Array,
  format: "protobuf" | "json",
  env: DecodeEnv,
  attributeKeys?: AttributeKeyDictionary,
): DecodedTraceRequest {
  const options = {
    maxAttributeValueLength: env.BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH,
    maxAgeMs: env.BREAKWATER_SPAN_RETENTION_HOURS * HOUR_MS,
    maxFutureMs: MAX_FUTURE_MS,
  };
  if (format === "protobuf" && attributeKeys !== undefined) {
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const encoded = encodeTraceRequest(buffer, options, attributeKeys);
    if (encoded !== undefined) return encoded;
  }
  return decodeTraceRequest(body, format, options);
}

/** Hands a decoded request to the writer and waits for COMMIT. */
export async function submitDecodedRequest(
  batch: DecodedTraceRequest,
  writer: Pick<SpanWriter, "submit">,
): Promise<IngestTraceResult> {
  let inserted = 0;
  let duplicates = 0;
  const spanCount = "spans" in batch ? batch.spans.length : batch.spanCount;
  // An empty request (or one whose every span was rejected) is answered without a write.
  if (spanCount > 0) {
    ({ inserted, duplicates } = await writer.submit(batch));
  }
  return {
    acceptedSpans: spanCount,
    inserted,
    duplicates,
    rejectedSpans: batch.rejectedSpans,
    errorMessage: describeRejections(batch.rejectedSpans, batch.rejectionReasons),
  };
}
