import { z } from "zod";
import type { RawAnyValue, RawKeyValue, RawTraceRequest } from "./raw-request";

/**
 * OTLP/JSON for ExportTraceServiceRequest: the proto3 JSON mapping as the OTLP spec restricts
 * it. Keys are lowerCamelCase; trace/span ids are hex (not base64); 64-bit integers are
 * decimal strings or numbers (numbers beyond ±2^53 are kept exact, see decodeJson); enums are integers only; bytes values are base64; null means
 * "not set"; unknown fields are ignored at every level (stripped by z.object).
 *
 * Leaf types are z.custom predicates: one function call per value, with a message that names
 * the expected encoding. Objects stay z.object (measured: no faster as looseObject).
 */

const TWO_POW_63 = 2 ** 63;
const TWO_POW_64 = 2 ** 64;
const INT_RE = /^-?\d+$/;
const UINT_RE = /^\d+$/;
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DOUBLE_STRING_RE = /^(?:NaN|-?Infinity|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Set when an int64/uint64 field held a JSON number that is not a safe integer: JSON.parse
 * rounded it to a double, so decodeJson parses the text again keeping those digits exact.
 * Validation is synchronous, so one module-level flag serves every request.
 */
export const jsonInt64Precision = { lost: false };

function isInt64(value: unknown): value is string | number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) jsonInt64Precision.lost = true;
    return Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63;
  }
  if (typeof value !== "string" || !INT_RE.test(value)) return false;
  if (value.length < 19) return true;
  const big = BigInt(value);
  return big >= INT64_MIN && big <= INT64_MAX;
}

function isUint64(value: unknown): value is string | number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) jsonInt64Precision.lost = true;
    return Number.isInteger(value) && value >= 0 && value < TWO_POW_64;
  }
  if (typeof value !== "string" || !UINT_RE.test(value)) return false;
  return value.length < 20 || BigInt(value) <= UINT64_MAX;
}

function isUint32(value: unknown): value is string | number {
  const number = typeof value === "string" && UINT_RE.test(value) ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number >= 0 && number <= 0xffff_ffff;
}

function isEnum(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff;
}

function isHex(value: unknown): value is string {
  return typeof value === "string" && HEX_RE.test(value);
}

function isBase64(value: unknown): value is string {
  if (typeof value !== "string" || !BASE64_RE.test(value)) return false;
  return value.replace(/=+$/, "").length % 4 !== 1;
}

function isDouble(value: unknown): value is number | string {
  return typeof value === "number" || (typeof value === "string" && DOUBLE_STRING_RE.test(value));
}

const int64 = z.custom<string | number>(isInt64, {
  error: "expected an int64 as a decimal string or an integer number",
});
const uint64 = z.custom<string | number>(isUint64, {
  error: "expected an unsigned 64-bit integer (nanoseconds) as a decimal string or an integer number",
});
const uint32 = z.custom<string | number>(isUint32, { error: "expected an unsigned 32-bit integer" });
const enumValue = z.custom<number>(isEnum, {
  error: "expected an integer enum value (OTLP/JSON does not accept enum names)",
});
const hexId = z.custom<string>(isHex, {
  error: "expected a hex string (OTLP/JSON encodes trace and span ids as hex, not base64)",
});
const base64 = z.custom<string>(isBase64, { error: "expected base64 bytes" });
const double = z.custom<number | string>(isDouble, {
  error: 'expected a number, a numeric string, "NaN", "Infinity" or "-Infinity"',
});
const string = z.string();

// Several members of the AnyValue oneof in one object are refused by the normalizer, not
// here: a refine on this schema doubled the cost of validating a request (measured).
const anyValue: z.ZodType<RawAnyValue> = z.object({
  stringValue: string.nullish(),
  boolValue: z.boolean().nullish(),
  intValue: int64.nullish(),
  doubleValue: double.nullish(),
  get arrayValue() {
    return z.object({ values: z.array(anyValue).nullish() }).nullish();
  },
  get kvlistValue() {
    return z.object({ values: z.array(keyValue).nullish() }).nullish();
  },
  bytesValue: base64.nullish(),
});

const keyValue: z.ZodType<RawKeyValue> = z.object({
  key: string.nullish(),
  get value() {
    return anyValue.nullish();
  },
});

const attributes = z.array(keyValue).nullish();

const resource = z.object({
  attributes,
  droppedAttributesCount: uint32.nullish(),
});

const scope = z.object({
  name: string.nullish(),
  version: string.nullish(),
  attributes,
  droppedAttributesCount: uint32.nullish(),
});

const event = z.object({
  timeUnixNano: uint64.nullish(),
  name: string.nullish(),
  attributes,
  droppedAttributesCount: uint32.nullish(),
});

const link = z.object({
  traceId: hexId.nullish(),
  spanId: hexId.nullish(),
  traceState: string.nullish(),
  attributes,
  droppedAttributesCount: uint32.nullish(),
  flags: uint32.nullish(),
});

const status = z.object({
  message: string.nullish(),
  code: enumValue.nullish(),
});

const span = z.object({
  traceId: hexId.nullish(),
  spanId: hexId.nullish(),
  traceState: string.nullish(),
  parentSpanId: hexId.nullish(),
  flags: uint32.nullish(),
  name: string.nullish(),
  kind: enumValue.nullish(),
  startTimeUnixNano: uint64.nullish(),
  endTimeUnixNano: uint64.nullish(),
  attributes,
  droppedAttributesCount: uint32.nullish(),
  events: z.array(event).nullish(),
  droppedEventsCount: uint32.nullish(),
  links: z.array(link).nullish(),
  droppedLinksCount: uint32.nullish(),
  status: status.nullish(),
});

const scopeSpans = z.object({
  scope: scope.nullish(),
  spans: z.array(span).nullish(),
  schemaUrl: string.nullish(),
});

const resourceSpans = z.object({
  resource: resource.nullish(),
  scopeSpans: z.array(scopeSpans).nullish(),
  schemaUrl: string.nullish(),
});

export const traceRequestJsonSchema: z.ZodType<RawTraceRequest> = z.object({
  resourceSpans: z.array(resourceSpans).nullish(),
});
