/**
 * The decoded-but-not-yet-normalized shape of ExportTraceServiceRequest, loose enough to hold
 * both what protobufjs decodes (ids as bytes, 64-bit values as Long) and what OTLP/JSON parses
 * to after schema validation (ids as hex, 64-bit values as decimal strings or numbers).
 * Everything is optional or nullable: proto3 omits defaults, and JSON may send null.
 */

/** long.js's Long (what protobufjs returns for int64/fixed64). */
export type LongLike = { low: number; high: number; unsigned: boolean };

/** A 64-bit integer: Long (protobuf), decimal string or integer number (JSON, validated). */
export type RawInt64 = LongLike | string | number;

/** Raw bytes (protobuf) or, from JSON, lowercase/uppercase hex (ids, validated). */
export type RawId = Uint8Array | string;

export type RawAnyValue = {
  /** protobufjs's oneof discriminator: the field set last on the wire. Absent for JSON. */
  value?: string;
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: RawInt64 | null;
  /** A number, or from JSON also "NaN" / "Infinity" / "-Infinity" / a numeric string. */
  doubleValue?: number | string | null;
  arrayValue?: { values?: RawAnyValue[] | null } | null;
  kvlistValue?: { values?: RawKeyValue[] | null } | null;
  /** Bytes (protobuf) or base64 (JSON, validated). */
  bytesValue?: Uint8Array | string | null;
};

export type RawKeyValue = { key?: string | null; value?: RawAnyValue | null };

export type RawCount = number | string;

export type RawResource = {
  attributes?: RawKeyValue[] | null;
  droppedAttributesCount?: RawCount | null;
};

export type RawScope = {
  name?: string | null;
  version?: string | null;
  attributes?: RawKeyValue[] | null;
  droppedAttributesCount?: RawCount | null;
};

export type RawEvent = {
  timeUnixNano?: RawInt64 | null;
  name?: string | null;
  attributes?: RawKeyValue[] | null;
  droppedAttributesCount?: RawCount | null;
};

export type RawLink = {
  traceId?: RawId | null;
  spanId?: RawId | null;
  traceState?: string | null;
  attributes?: RawKeyValue[] | null;
  droppedAttributesCount?: RawCount | null;
  flags?: RawCount | null;
};

export type RawStatus = { message?: string | null; code?: number | null };

export type RawSpan = {
  traceId?: RawId | null;
  spanId?: RawId | null;
  traceState?: string | null;
  parentSpanId?: RawId | null;
  flags?: RawCount | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: RawInt64 | null;
  endTimeUnixNano?: RawInt64 | null;
  attributes?: RawKeyValue[] | null;
  droppedAttributesCount?: RawCount | null;
  events?: RawEvent[] | null;
  droppedEventsCount?: RawCount | null;
  links?: RawLink[] | null;
  droppedLinksCount?: RawCount | null;
  status?: RawStatus | null;
};

export type RawScopeSpans = {
  scope?: RawScope | null;
  spans?: RawSpan[] | null;
  schemaUrl?: string | null;
};

export type RawResourceSpans = {
  resource?: RawResource | null;
  scopeSpans?: RawScopeSpans[] | null;
  schemaUrl?: string | null;
};

export type RawTraceRequest = { resourceSpans?: RawResourceSpans[] | null };
