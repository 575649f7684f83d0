import { isUtf8 } from "node:buffer";
import { OtlpDecodeError } from "./errors";
import { fastDecodeTraceRequest, WireFormatError } from "./fast-decode";
import type { SpanBatch } from "./model";
import { normalizeTraceRequest, type NormalizeOptions } from "./normalize-trace-request";
import { traceRequestJsonSchema } from "./otlp-json-schema";
import { ExportTraceServiceRequest } from "./protobuf";
import type { RawTraceRequest } from "./raw-request";

export { OtlpDecodeError } from "./errors";
export type { NormalizeOptions } from "./normalize-trace-request";

export type OtlpFormat = "protobuf" | "json";

/**
 * Decodes an OTLP ExportTraceServiceRequest body (binary protobuf or OTLP/JSON) and
 * normalizes it. Throws OtlpDecodeError when the body cannot be decoded; individual invalid
 * spans are not errors but counted in `rejectedSpans`.
 */
export function decodeTraceRequest(body: Uint8Array, format: OtlpFormat, options: NormalizeOptions): SpanBatch {
  if (format === "json") return normalizeTraceRequest(decodeJson(body), options, "json");
  try {
    return fastDecodeTraceRequest(asBuffer(body), options);
  } catch (error) {
    if (error instanceof WireFormatError) throw protobufError(error);
    throw error;
  }
}

/**
 * The reference protobuf path: protobufjs's generated decoder, then normalizeTraceRequest.
 * decodeTraceRequest uses the specialized decoder instead (fast-decode.ts, about twice as
 * fast in lib/bench/decode.ts); the tests hold the two to identical results.
 */
export function decodeTraceRequestWithProtobufjs(body: Uint8Array, options: NormalizeOptions): SpanBatch {
  let request: RawTraceRequest;
  try {
    // A Buffer makes protobufjs use its Buffer reader (bytes fields become zero-copy slices).
    request = ExportTraceServiceRequest.decode(asBuffer(body));
  } catch (error) {
    throw protobufError(error);
  }
  return normalizeTraceRequest(request, options, "protobuf");
}

function protobufError(error: unknown): OtlpDecodeError {
  return new OtlpDecodeError(`invalid protobuf ExportTraceServiceRequest: ${errorMessage(error)}`, { cause: error });
}

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

const MAX_REPORTED_ISSUES = 3;

function decodeJson(body: Uint8Array): RawTraceRequest {
  const buffer = asBuffer(body);
  if (!isUtf8(buffer)) throw new OtlpDecodeError("invalid OTLP/JSON: the body is not valid UTF-8");
  let text = buffer.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid OTLP/JSON: ${errorMessage(error)}`, { cause: error });
  }
  let result: ReturnType<typeof traceRequestJsonSchema.safeParse>;
  try {
    result = traceRequestJsonSchema.safeParse(parsed);
  } catch (error) {
    // Only a pathological nesting depth gets here (the recursive schema overflows the stack).
    throw new OtlpDecodeError(`invalid OTLP/JSON: ${errorMessage(error)}`, { cause: error });
  }
  if (result.success) return result.data;
  const issues = result.error.issues;
  const lines = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > MAX_REPORTED_ISSUES) lines.push(`and ${issues.length - MAX_REPORTED_ISSUES} more`);
  throw new OtlpDecodeError(`invalid OTLP/JSON ExportTraceServiceRequest: ${lines.join("; ")}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text === "" ? "(root)" : text;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
