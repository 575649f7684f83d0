import { type AttributeKeyDictionary, encodeAttributeKeys, encodeAttributesJson } from "@/lib/db/attribute-keys";
import type { Attributes, NormalizedSpan, SpanEvent, SpanLink } from "@/lib/otlp/model";
import { toStorableString } from "@/lib/otlp/sanitize-string";

/**
 * PostgreSQL COPY text format for the `spans` table: one line per span, columns separated by
 * tabs, NULL as \N, and backslash, tab, newline and carriage return backslash-escaped inside
 * values. This runs for every span ingested, so it builds strings directly and skips work
 * (escaping, JSON fix-ups) whenever a quick test shows it is not needed.
 *
 * Storage choices made here (they keep rows small; readers must treat NULL as the default):
 * - empty attributes / events / links, empty status message and trace state → NULL;
 * - dropped_*_count of 0 → NULL;
 * - jsonb columns hold the model's JSON (attributes object, SpanEvent[], SpanLink[]) with the
 *   attribute keys of the span, its events and its links dictionary-encoded when a
 *   KeyEncoding is given (lib/db/attribute-keys; the writer always gives one).
 */

/** The dictionary to encode attribute keys with, and where keys it does not know are collected. */
export type KeyEncoding = { dictionary: AttributeKeyDictionary; missing: Set<string> };

/** Column order of every row `encodeSpanCopyRows` produces; use it in the COPY statement. */
export const SPAN_COPY_COLUMNS = [
  "start_time",
  "duration_ns",
  "resource_id",
  "scope_id",
  "trace_id",
  "kind",
  "status_code",
  "flags",
  "dropped_attributes_count",
  "dropped_events_count",
  "dropped_links_count",
  "span_id",
  "parent_span_id",
  "service_name",
  "name",
  "status_message",
  "trace_state",
  "attributes",
  "events",
  "links",
] as const;

/** `"start_time", "duration_ns", …` for SQL. */
export const SPAN_COPY_COLUMN_LIST = SPAN_COPY_COLUMNS.map((column) => `"${column}"`).join(", ");

const NULL = "\\N";

/** Start time of a span in microseconds since the epoch (floored; exact within ±2^53 µs). */
export function spanStartMicros(startTimeUnixNano: bigint): number {
  let micros = startTimeUnixNano / 1000n;
  // BigInt division truncates toward zero; floor instead so pre-1970 times stay ordered.
  if (startTimeUnixNano < 0n && micros * 1000n !== startTimeUnixNano) micros -= 1n;
  return Number(micros);
}

// Spans of one batch mostly start within the same few seconds, so the formatted
// "YYYY-MM-DD HH:MM:SS." prefix of the last second seen is cached.
let cachedSecond = Number.NaN;
let cachedSecondPrefix = "";

// Microseconds since the epoch are exact in a double only within ±2^53 (years 1685–2255),
// which is far wider than any span normalization lets through.
const MAX_SECOND = Math.floor(Number.MAX_SAFE_INTEGER / 1_000_000) - 1;
const MIN_SECOND = -MAX_SECOND;

/** "2026-11-21 10:00:00.123456+00" — UTC timestamptz input with microseconds. */
export function formatTimestampMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== cachedSecond) {
    if (!(second >= MIN_SECOND && second <= MAX_SECOND)) {
      throw new RangeError(`span start time ${micros} µs is outside years 1685–2255`);
    }
    const iso = new Date(second * 1000).toISOString(); // "2026-11-21T10:00:00.000Z"
    cachedSecondPrefix = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.`;
    cachedSecond = second;
  }
  const fraction = micros - second * 1_000_000;
  return `${cachedSecondPrefix}${String(1_000_000 + fraction).slice(1)}+00`;
}

const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r\0]/g;

function escapeCopyChar(char: string): string {
  switch (char) {
    case "\\":
      return "\\\\";
    case "\t":
      return "\\t";
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    default:
      // NUL cannot be stored in PostgreSQL text; normalization removes it, this is a backstop.
      return "\uFFFD";
  }
}

/** A text value escaped for COPY text format. */
export function escapeCopyText(value: string): string {
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIAL_ALL, escapeCopyChar) : value;
}

// JSON.stringify escapes every control character, so its output never holds a raw tab,
// newline or CR: only backslashes need doubling for COPY. It does emit \u0000 for NUL and
// \udXXX for lone surrogates, both of which jsonb refuses; such values are rare and get
// cleaned (→ U+FFFD) before encoding. This test may match a harmless literal "\\u0000"
// too, which only costs the slow path.
const JSON_UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;
function cleanJsonValue(value: unknown): unknown {
  if (typeof value === "string") return toStorableString(value);
  if (Array.isArray(value)) return value.map(cleanJsonValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[toStorableString(key)] = cleanJsonValue(inner);
    return out;
  }
  return value;
}

/** A value as JSON text that jsonb accepts (for a query parameter). */
export function toStorableJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json.indexOf("\\") === -1 || !JSON_UNSTORABLE_ESCAPE.test(json)) return json;
  return JSON.stringify(cleanJsonValue(value));
}

/** A text value storable in PostgreSQL (NUL → U+FFFD), for query parameters. */
export function toStorableText(value: string): string {
  return value.indexOf("\0") === -1 ? value : value.replaceAll("\0", "\uFFFD");
}

/** A value as JSON text that jsonb accepts, escaped for COPY text format. */
export function encodeJsonForCopy(value: unknown): string {
  let json = JSON.stringify(value);
  if (json.indexOf("\\") === -1) return json;
  if (JSON_UNSTORABLE_ESCAPE.test(json)) json = JSON.stringify(cleanJsonValue(value));
  return json.replaceAll("\\", "\\\\");
}

/** Span attributes as JSON text for COPY, keys encoded when `keys` is given. */
function encodeAttributesForCopy(attributes: Attributes, keys: KeyEncoding | undefined): string {
  if (keys === undefined) return encodeJsonForCopy(attributes);
  const json = encodeAttributesJson(keys.dictionary, attributes, keys.missing);
  if (json.indexOf("\\") === -1) return json;
  if (JSON_UNSTORABLE_ESCAPE.test(json)) {
    return encodeJsonForCopy(encodeAttributeKeys(keys.dictionary, attributes, keys.missing));
  }
  return json.replaceAll("\\", "\\\\");
}

/**
 * JSON text for COPY (backslashes doubled), or undefined when it holds an escape jsonb
 * refuses (or looks like one): the caller then takes the path that re-encodes from values.
 */
export function jsonTextForCopy(json: string): string | undefined {
  if (json.indexOf("\\") === -1) return json;
  if (JSON_UNSTORABLE_ESCAPE.test(json)) return undefined;
  return json.replaceAll("\\", "\\\\");
}

/** Events or links as JSON text for COPY, the keys of their attributes encoded when `keys` is given. */
export function encodeNestedForCopy(items: readonly (SpanEvent | SpanLink)[], keys: KeyEncoding | undefined): string {
  if (keys === undefined) return encodeJsonForCopy(items);
  return encodeJsonForCopy(
    items.map((item) =>
      item.attributes === undefined
        ? item
        : { ...item, attributes: encodeAttributeKeys(keys.dictionary, item.attributes, keys.missing) },
    ),
  );
}

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

function optionalText(value: string | undefined): string {
  return value === undefined || value === "" ? NULL : escapeCopyText(value);
}

function optionalCount(value: number | undefined): string {
  return value === undefined || value === 0 ? NULL : String(value);
}

/**
 * One span as a COPY text line, including the trailing newline. `startMicros` is
 * spanStartMicros(span.startTimeUnixNano) when the caller has it already (BigInt division
 * per span is not free). Without `keys`, attribute keys are written as they are (plain JSON).
 */
export function encodeSpanCopyRow(span: NormalizedSpan, startMicros?: number, keys?: KeyEncoding): string {
  const attributes = span.attributes;
  const events = span.events;
  const links = span.links;
  return (
    formatTimestampMicros(startMicros ?? spanStartMicros(span.startTimeUnixNano)) +
    "\t" +
    span.durationNs +
    "\t" +
    span.resourceId +
    "\t" +
    (span.scopeId ?? NULL) +
    "\t" +
    // 32 hex digits without dashes are valid uuid input.
    span.traceId +
    "\t" +
    span.kind +
    "\t" +
    span.statusCode +
    "\t" +
    (span.flags === undefined ? NULL : span.flags) +
    "\t" +
    optionalCount(span.droppedAttributesCount) +
    "\t" +
    optionalCount(span.droppedEventsCount) +
    "\t" +
    optionalCount(span.droppedLinksCount) +
    // bytea hex input is \x…; the backslash itself is doubled for COPY.
    "\t\\\\x" +
    span.spanId +
    "\t" +
    (span.parentSpanId === undefined ? NULL : "\\\\x" + span.parentSpanId) +
    "\t" +
    escapeCopyText(span.serviceName) +
    "\t" +
    escapeCopyText(span.name) +
    "\t" +
    optionalText(span.statusMessage) +
    "\t" +
    optionalText(span.traceState) +
    "\t" +
    (attributes === undefined || !hasKeys(attributes) ? NULL : encodeAttributesForCopy(attributes, keys)) +
    "\t" +
    (events === undefined || events.length === 0 ? NULL : encodeNestedForCopy(events, keys)) +
    "\t" +
    (links === undefined || links.length === 0 ? NULL : encodeNestedForCopy(links, keys)) +
    "\n"
  );
}

/** Many spans as COPY text (one line each, in order). */
export function encodeSpanCopyRows(spans: readonly NormalizedSpan[]): string {
  let out = "";
  for (let i = 0; i < spans.length; i++) out += encodeSpanCopyRow(spans[i]);
  return out;
}

const DEFAULT_CHUNK_CHARS = 64 * 1024;

/**
 * Many spans as UTF-8 COPY text split at line boundaries into chunks of about `chunkChars`,
 * ready to stream. Converting a few megabytes of concatenated string in one Buffer.from
 * costs as much as encoding the rows (V8 flattens the whole rope first); 64 KiB pieces
 * convert at a fraction of that. `startMicros[i]`, when given, is spanStartMicros of spans[i].
 * With `keys`, the chunks are only usable when `keys.missing` is still empty afterwards.
 */
export function encodeSpanCopyChunks(
  spans: readonly NormalizedSpan[],
  chunkChars = DEFAULT_CHUNK_CHARS,
  startMicros?: Float64Array,
  keys?: KeyEncoding,
): Buffer[] {
  const chunks: Buffer[] = [];
  let text = "";
  for (let i = 0; i < spans.length; i++) {
    text += encodeSpanCopyRow(spans[i], startMicros?.[i], keys);
    if (text.length >= chunkChars) {
      chunks.push(Buffer.from(text, "utf8"));
      text = "";
    }
  }
  if (text.length > 0) chunks.push(Buffer.from(text, "utf8"));
  return chunks;
}
