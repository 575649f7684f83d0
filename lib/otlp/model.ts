/**
 * The normalized span model: what the OTLP receivers hand to the batch writer, and the
 * contract between decoding (lib/otlp) and storage (lib/ingest).
 *
 * Everything here is already validated and normalized (see README "Normalization rules"):
 * ids are lowercase hex of the right length and not all zero, strings carry no NUL bytes,
 * attribute values are capped, and end >= start.
 */

/** OTLP Span.SpanKind as stored (integer enum). */
export const SPAN_KIND = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SPAN_KIND)[keyof typeof SPAN_KIND];

/** OTLP Status.StatusCode as stored (integer enum). */
export const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof STATUS_CODE)[keyof typeof STATUS_CODE];

/**
 * An attribute value after normalization. OTLP AnyValue maps to plain JSON:
 * string → string, bool → boolean, int → number (or a decimal string when outside
 * ±2^53), double → number (NaN/±Infinity → the strings "NaN"/"Infinity"/"-Infinity"),
 * bytes → base64 string, array → array, kvlist → object, empty → null.
 */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export type SpanEvent = {
  /** Nanoseconds since the Unix epoch, as a decimal string (int64 does not fit a double). */
  timeUnixNano: string;
  name: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
};

export type SpanLink = {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
};

/** A distinct resource, stored once (table `resources`) and referenced by id. */
export type ResourceRecord = {
  /** Stable 63-bit id derived from a hash of the canonical attributes, as a decimal string. */
  id: string;
  serviceName: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl?: string;
};

/** A distinct instrumentation scope, stored once (table `scopes`). */
export type ScopeRecord = {
  id: string;
  name: string;
  version?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
  schemaUrl?: string;
};

export type NormalizedSpan = {
  /** 32 lowercase hex chars, not all zero. */
  traceId: string;
  /** 16 lowercase hex chars, not all zero. */
  spanId: string;
  /** 16 lowercase hex chars, or undefined for a root span. */
  parentSpanId?: string;
  traceState?: string;
  /** W3C trace flags from Span.flags (low 8 bits) when set. */
  flags?: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  /** end - start in nanoseconds, never negative. */
  durationNs: bigint;
  serviceName: string;
  resourceId: string;
  scopeId?: string;
  statusCode: StatusCode;
  statusMessage?: string;
  attributes?: Attributes;
  events?: SpanEvent[];
  links?: SpanLink[];
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
};

/** One export request after decoding and normalization. */
export type SpanBatch = {
  resources: ResourceRecord[];
  scopes: ScopeRecord[];
  spans: NormalizedSpan[];
  /** Spans refused individually (bad ids, …): reported as OTLP partial_success. */
  rejectedSpans: number;
  /** Human-readable reasons for the rejections (deduplicated, capped). */
  rejectionReasons: string[];
};
