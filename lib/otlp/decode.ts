import { isUtf8 } from "node:buffer";
import { OtlpDecodeError } from "./errors";
import { fastDecodeTraceRequest, WireFormatError } from "./fast-decode";
import type { SpanBatch } from "./model";
import { normalizeTraceRequest, type NormalizeOptions } from "./normalize-trace-request";
import { jsonInt64Precision, traceRequestJsonSchema } from "./otlp-json-schema";
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

/** The OTLP/JSON fields of ExportTraceServiceRequest that are int64 / fixed64. */
const INT64_FIELDS = new Set(["intValue", "startTimeUnixNano", "endTimeUnixNano", "timeUnixNano"]);
const DIGITS_RE = /^-?\d+$/;
const JSON_WHITESPACE_RE = /^[ \t\n\r]*$/;

/**
 * JSON.parse reviver (V8 source text access, Node ≥ 21: the third argument carries a
 * primitive's source text): keeps an int64 field's digits as a decimal string when the number
 * is not a safe integer, so 1763700000123456999 is not rounded to 1763700000123457024. Other
 * numbers pass through.
 */
function keepExactInt64(key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || Number.isSafeInteger(value) || !INT64_FIELDS.has(key)) return value;
  const source = context?.source;
  return source !== undefined && DIGITS_RE.test(source) ? source : value;
}

const START_TIME_KEY = '"startTimeUnixNano"';

/**
 * Whether the first `"startTimeUnixNano"` in the text is followed by a number of 16 or more
 * digits. A guess that costs one indexOf near the start of the body: a wrong answer only
 * costs time, as validation still catches every inexact number.
 */
function hasNumberStartTime(text: string): boolean {
  const at = text.indexOf(START_TIME_KEY);
  if (at === -1) return false;
  let i = at + START_TIME_KEY.length;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // whitespace and the colon
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x3a) break;
  }
  let digits = 0;
  while (digits < 16 && i + digits < text.length) {
    const code = text.charCodeAt(i + digits);
    if (code < 0x30 || code > 0x39) break;
    digits++;
  }
  return digits === 16;
}

function decodeJson(body: Uint8Array): RawTraceRequest {
  const buffer = asBuffer(body);
  if (!isUtf8(buffer)) throw new OtlpDecodeError("invalid OTLP/JSON: the body is not valid UTF-8");
  let text = buffer.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // An empty request SHOULD succeed (OTLP spec); a zero-byte protobuf body already is one.
  if (JSON_WHITESPACE_RE.test(text)) return {};
  // A reviver makes JSON.parse about 5x slower, so it runs only for requests that send int64
  // values as numbers beyond 2^53 (SDKs send strings): at once when the first span's start
  // time is such a number (a sender that uses numbers uses them throughout), otherwise only
  // when validation met one, by parsing and validating again.
  const exact = hasNumberStartTime(text);
  jsonInt64Precision.lost = false;
  let result = validateJson(parseJson(text, exact ? keepExactInt64 : undefined));
  if (jsonInt64Precision.lost && !exact) result = validateJson(parseJson(text, keepExactInt64));
  if (result.success) return result.data;
  const issues = result.error.issues;
  const lines = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > MAX_REPORTED_ISSUES) lines.push(`and ${issues.length - MAX_REPORTED_ISSUES} more`);
  throw new OtlpDecodeError(`invalid OTLP/JSON ExportTraceServiceRequest: ${lines.join("; ")}`);
}

function parseJson(text: string, reviver?: typeof keepExactInt64): unknown {
  try {
    return JSON.parse(text, reviver);
  } catch (error) {
    throw new OtlpDecodeError(`invalid OTLP/JSON: ${errorMessage(error)}`, { cause: error });
  }
}

function validateJson(parsed: unknown): ReturnType<typeof traceRequestJsonSchema.safeParse> {
  try {
    return traceRequestJsonSchema.safeParse(parsed);
  } catch (error) {
    // Only a pathological nesting depth gets here (the recursive schema overflows the stack).
    throw new OtlpDecodeError(`invalid OTLP/JSON: ${errorMessage(error)}`, { cause: error });
  }
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
