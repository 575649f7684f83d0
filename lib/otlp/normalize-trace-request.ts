import { OtlpDecodeError } from "./errors";
import type {
  Attributes,
  AttributeValue,
  NormalizedSpan,
  ResourceRecord,
  ScopeRecord,
  SpanBatch,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
} from "./model";
import type {
  RawAnyValue,
  RawCount,
  RawEvent,
  RawId,
  RawInt64,
  RawKeyValue,
  RawLink,
  RawSpan,
  RawTraceRequest,
} from "./raw-request";
import { sanitizeNameString, sanitizeString, sanitizeValueString } from "./sanitize-string";
import { canonicalJson, stableId } from "./stable-id";

export type NormalizeOptions = {
  /** Cap, in UTF-16 code units, for string attribute values (and base64 of bytes values). */
  maxAttributeValueLength: number;
  /** "Now" for the start-time window; defaults to Date.now(). */
  nowMs?: number;
  /** Spans starting earlier than now - maxAgeMs are rejected (no limit when unset). */
  maxAgeMs?: number;
  /** Spans starting later than now + maxFutureMs are rejected (no limit when unset). */
  maxFutureMs?: number;
};

export const NORMALIZE_LIMITS = {
  attributes: 128,
  events: 128,
  links: 128,
  valueDepth: 8,
  rejectionReasons: 10,
  /**
   * UTF-8 bytes of a span name, service name, scope name or version. Names are btree keys
   * (operations_pkey holds service + span name) and PostgreSQL refuses index rows over 2704
   * bytes; 1024 ASCII characters fit, while 1024 CJK characters (3072 bytes) did not (measured).
   */
  nameBytes: 1024,
} as const;

const UNKNOWN_SERVICE = "unknown_service";
const UNNAMED_SPAN = "<unnamed>";
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);
const TWO_POW_32 = 4294967296;

/** Per-request state shared by the normalizer and the specialized protobuf decoder. */
export type NormalizeContext = {
  maxValueLength: number;
  /** protobufjs messages carry the oneof discriminator; JSON objects are inspected. */
  fromProtobuf: boolean;
  minStartNs: bigint | undefined;
  maxStartNs: bigint | undefined;
  /** Out-parameter of normalizeAttributes: attributes dropped by the cap. */
  dropped: number;
  /** Out-parameter of idToHex: why the id was refused. */
  idError: string;
  /** The top-level attribute being normalized, for error messages. */
  attributeKey: string;
  batch: SpanBatch;
  resourcesByKey: Map<string, ResourceRecord>;
  scopesByKey: Map<string, ScopeRecord>;
  /** Resources and scopes already in batch.resources / batch.scopes. */
  emitted: Set<ResourceRecord | ScopeRecord>;
};

/*
 * Normalization rules (README "Normalization rules"; each line is one rule):
 * - A resource without a non-empty string service.name gets serviceName "unknown_service".
 * - NUL bytes are removed from every string: names, keys, values, status message, trace_state, schema URLs.
 * - Lone UTF-16 surrogates are replaced by U+FFFD (String.prototype.toWellFormed); PostgreSQL jsonb rejects them.
 * - String attribute values (and the base64 text of bytes values) longer than maxAttributeValueLength UTF-16 code units are cut to that length, never splitting a surrogate pair.
 * - Span names, service names, scope names and scope versions are cut to 1024 UTF-8 bytes (so at most 1024 characters; they are index keys), never splitting a surrogate pair; no other string is length-capped.
 * - At most 128 attributes per span, event, link, resource and scope; extra ones are added to that item's droppedAttributesCount.
 * - At most 128 events and 128 links per span; extra ones are added to droppedEventsCount / droppedLinksCount.
 * - Array/kvlist attribute values nested more than 8 levels deep are replaced by null.
 * - Duplicate attribute keys: the last value wins (it keeps the first key's position).
 * - AnyValue maps to JSON: string, bool, int (number, or decimal string outside ±2^53), double (NaN/±Infinity as "NaN"/"Infinity"/"-Infinity"), bytes as base64, array, kvlist as object, empty as null.
 * - A span whose end is before its start (or whose end is 0) gets duration 0.
 * - An empty span name becomes "<unnamed>".
 * - A span is rejected (counted in rejectedSpans, with a reason) when its trace_id is not 16 bytes or is all zero, or its span_id is not 8 bytes or is all zero.
 * - An empty or all-zero parent_span_id makes a root span; a parent_span_id of another length rejects the span.
 * - A span whose kind is not 0-5, or whose status code is not 0-2, is rejected.
 * - With maxAgeMs / maxFutureMs set, a span starting before now - maxAgeMs or after now + maxFutureMs is rejected.
 * - A link whose trace_id or span_id is invalid (as for spans) is dropped and counted in droppedLinksCount.
 * - (OTLP/JSON) An AnyValue object with more than one member of the oneof set is a decode error.
 * - Span.flags and Link.flags keep only the W3C trace flags (low 8 bits), and only when the field is non-zero.
 * - Resources and scopes are deduplicated within a request; each gets a stable 63-bit id (SHA-1 of its canonical, key-sorted JSON) as a decimal string.
 * - Only resources and scopes referenced by an accepted span are returned; a scope with no name, version, attributes or schema URL is no scope (scopeId unset).
 * - Resource entity_refs are ignored.
 */

/** Turns a decoded export request (protobuf or validated JSON) into a normalized SpanBatch. */
export function normalizeTraceRequest(
  request: RawTraceRequest,
  options: NormalizeOptions,
  source: "protobuf" | "json",
): SpanBatch {
  const ctx = createNormalizeContext(options, source);
  const { batch, emitted } = ctx;

  const resourceSpansList = request.resourceSpans ?? [];
  for (let r = 0; r < resourceSpansList.length; r++) {
    const resourceSpans = resourceSpansList[r];
    const rawResource = resourceSpans.resource;
    const resourceAttributes = normalizeAttributes(rawResource?.attributes, ctx);
    const resource = createResourceRecord(
      resourceAttributes,
      toCount(rawResource?.droppedAttributesCount) + ctx.dropped,
      resourceSpans.schemaUrl,
      ctx,
    );
    const scopeSpansList = resourceSpans.scopeSpans ?? [];
    for (let c = 0; c < scopeSpansList.length; c++) {
      const scopeSpans = scopeSpansList[c];
      const rawScope = scopeSpans.scope;
      const scopeAttributes = normalizeAttributes(rawScope?.attributes, ctx);
      const scope = createScopeRecord(
        rawScope?.name,
        rawScope?.version,
        scopeAttributes,
        toCount(rawScope?.droppedAttributesCount) + ctx.dropped,
        scopeSpans.schemaUrl,
        ctx,
      );
      const spans = scopeSpans.spans ?? [];
      for (let s = 0; s < spans.length; s++) {
        const span = normalizeSpan(spans[s], ctx, resource, scope?.id);
        if (typeof span === "string") {
          recordRejection(ctx, r, c, s, span);
          continue;
        }
        batch.spans.push(span);
        if (!emitted.has(resource)) {
          emitted.add(resource);
          batch.resources.push(resource);
        }
        if (scope && !emitted.has(scope)) {
          emitted.add(scope);
          batch.scopes.push(scope);
        }
      }
    }
  }
  return batch;
}

function msToNs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

export function createNormalizeContext(options: NormalizeOptions, source: "protobuf" | "json"): NormalizeContext {
  const nowMs = options.nowMs ?? Date.now();
  return {
    maxValueLength: options.maxAttributeValueLength,
    fromProtobuf: source === "protobuf",
    minStartNs: options.maxAgeMs === undefined ? undefined : msToNs(nowMs - options.maxAgeMs),
    maxStartNs: options.maxFutureMs === undefined ? undefined : msToNs(nowMs + options.maxFutureMs),
    dropped: 0,
    idError: "",
    attributeKey: "",
    batch: { resources: [], scopes: [], spans: [], rejectedSpans: 0, rejectionReasons: [] },
    resourcesByKey: new Map(),
    scopesByKey: new Map(),
    emitted: new Set(),
  };
}

export function recordRejection(ctx: NormalizeContext, r: number, c: number, s: number, reason: string): void {
  const batch = ctx.batch;
  batch.rejectedSpans++;
  if (batch.rejectionReasons.length < NORMALIZE_LIMITS.rejectionReasons) {
    batch.rejectionReasons.push(`span ${s} of scope ${c} of resource ${r}: ${reason}`);
  }
}

/** The (deduplicated) record of a resource whose attributes are already normalized. */
export function createResourceRecord(
  normalizedAttributes: Attributes | undefined,
  droppedAttributesCount: number,
  rawSchemaUrl: string | null | undefined,
  ctx: NormalizeContext,
): ResourceRecord {
  const attributes = normalizedAttributes ?? {};
  const schemaUrl = optionalString(rawSchemaUrl);
  const key = canonicalJson({ attributes, droppedAttributesCount, schemaUrl: schemaUrl ?? null });
  const existing = ctx.resourcesByKey.get(key);
  if (existing) return existing;
  const serviceName = attributes["service.name"];
  const record: ResourceRecord = {
    id: stableId(`resource\n${key}`),
    serviceName:
      typeof serviceName === "string" && serviceName.length > 0
        ? sanitizeNameString(serviceName, NORMALIZE_LIMITS.nameBytes)
        : UNKNOWN_SERVICE,
    attributes,
    droppedAttributesCount,
    schemaUrl,
  };
  ctx.resourcesByKey.set(key, record);
  return record;
}

/** The (deduplicated) record of a scope, or undefined for an empty scope. */
export function createScopeRecord(
  rawName: string | null | undefined,
  rawVersion: string | null | undefined,
  attributes: Attributes | undefined,
  dropped: number,
  rawSchemaUrl: string | null | undefined,
  ctx: NormalizeContext,
): ScopeRecord | undefined {
  const name = sanitizeNameString(rawName ?? "", NORMALIZE_LIMITS.nameBytes);
  const version = optionalName(rawVersion);
  const schemaUrl = optionalString(rawSchemaUrl);
  if (name === "" && version === undefined && attributes === undefined && dropped === 0 && schemaUrl === undefined) {
    return undefined;
  }
  const key = canonicalJson({
    name,
    version: version ?? null,
    attributes: attributes ?? {},
    droppedAttributesCount: dropped,
    schemaUrl: schemaUrl ?? null,
  });
  const existing = ctx.scopesByKey.get(key);
  if (existing) return existing;
  const record: ScopeRecord = {
    id: stableId(`scope\n${key}`),
    name,
    version,
    attributes,
    droppedAttributesCount: dropped > 0 ? dropped : undefined,
    schemaUrl,
  };
  ctx.scopesByKey.set(key, record);
  return record;
}

/** A span's fields with attributes, events and links already normalized. */
export type SpanParts = {
  traceId: RawId | null | undefined;
  spanId: RawId | null | undefined;
  parentSpanId: RawId | null | undefined;
  traceState: string | null | undefined;
  flags: number;
  name: string | null | undefined;
  kind: number;
  start: bigint;
  end: bigint;
  statusCode: number;
  statusMessage: string | null | undefined;
  attributes: Attributes | undefined;
  droppedAttributesCount: number;
  events: SpanEvent[] | undefined;
  droppedEventsCount: number;
  links: SpanLink[] | undefined;
  droppedLinksCount: number;
};

function normalizeSpan(
  raw: RawSpan,
  ctx: NormalizeContext,
  resource: ResourceRecord,
  scopeId: string | undefined,
): NormalizedSpan | string {
  const attributes = normalizeAttributes(raw.attributes, ctx);
  const droppedAttributesCount = toCount(raw.droppedAttributesCount) + ctx.dropped;

  let droppedEventsCount = toCount(raw.droppedEventsCount);
  let events: SpanEvent[] | undefined;
  const rawEvents = raw.events;
  if (rawEvents != null && rawEvents.length > 0) {
    const kept = Math.min(rawEvents.length, NORMALIZE_LIMITS.events);
    droppedEventsCount += rawEvents.length - kept;
    events = new Array<SpanEvent>(kept);
    for (let i = 0; i < kept; i++) events[i] = normalizeEvent(rawEvents[i], ctx);
  }

  let droppedLinksCount = toCount(raw.droppedLinksCount);
  let links: SpanLink[] | undefined;
  const rawLinks = raw.links;
  if (rawLinks != null && rawLinks.length > 0) {
    links = [];
    for (let i = 0; i < rawLinks.length; i++) {
      const link = links.length < NORMALIZE_LIMITS.links ? normalizeLink(rawLinks[i], ctx) : undefined;
      if (link === undefined) droppedLinksCount++;
      else links.push(link);
    }
    if (links.length === 0) links = undefined;
  }

  const status = raw.status;
  return assembleSpan(
    {
      traceId: raw.traceId,
      spanId: raw.spanId,
      parentSpanId: raw.parentSpanId,
      traceState: raw.traceState,
      flags: toCount(raw.flags),
      name: raw.name,
      kind: raw.kind ?? 0,
      start: raw.startTimeUnixNano == null ? 0n : uint64ToBigInt(raw.startTimeUnixNano),
      end: raw.endTimeUnixNano == null ? 0n : uint64ToBigInt(raw.endTimeUnixNano),
      statusCode: status?.code ?? 0,
      statusMessage: status?.message,
      attributes,
      droppedAttributesCount,
      events,
      droppedEventsCount,
      links,
      droppedLinksCount,
    },
    ctx,
    resource,
    scopeId,
  );
}

/**
 * Validates the span (ids, kind, status, start-time window) and builds the NormalizedSpan, or
 * returns the reason it is rejected. `resource` may be a placeholder the caller patches.
 */
export function assembleSpan(
  parts: SpanParts,
  ctx: NormalizeContext,
  resource: { serviceName: string; id: string },
  scopeId: string | undefined,
): NormalizedSpan | string {
  const traceId = idToHex(parts.traceId, 16, ZERO_TRACE_ID, ctx);
  if (traceId === undefined) return `invalid trace_id (${ctx.idError})`;
  const spanId = idToHex(parts.spanId, 8, ZERO_SPAN_ID, ctx);
  if (spanId === undefined) return `invalid span_id (${ctx.idError})`;

  let parentSpanId: string | undefined;
  const rawParent = parts.parentSpanId;
  if (rawParent != null && rawParent.length > 0) {
    parentSpanId = idToHex(rawParent, 8, ZERO_SPAN_ID, ctx);
    if (parentSpanId === undefined && ctx.idError !== "all zero") return `invalid parent_span_id (${ctx.idError})`;
  }

  const kind = parts.kind;
  if (!(kind >= 0 && kind <= 5)) return `invalid kind ${kind}`;
  const statusCode = parts.statusCode;
  if (!(statusCode >= 0 && statusCode <= 2)) return `invalid status code ${statusCode}`;

  const start = parts.start;
  if (ctx.minStartNs !== undefined && start < ctx.minStartNs) return `start time ${start} ns is older than the accepted age`;
  if (ctx.maxStartNs !== undefined && start > ctx.maxStartNs) return `start time ${start} ns is too far in the future`;
  const end = parts.end;

  const name = sanitizeNameString(parts.name ?? "", NORMALIZE_LIMITS.nameBytes);
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: optionalString(parts.traceState),
    flags: parts.flags !== 0 ? parts.flags & 0xff : undefined,
    name: name.length > 0 ? name : UNNAMED_SPAN,
    kind: kind as SpanKind,
    startTimeUnixNano: start,
    durationNs: end > start ? end - start : 0n,
    serviceName: resource.serviceName,
    resourceId: resource.id,
    scopeId,
    statusCode: statusCode as StatusCode,
    statusMessage: optionalString(parts.statusMessage),
    attributes: parts.attributes,
    events: parts.events,
    links: parts.links,
    droppedAttributesCount: parts.droppedAttributesCount > 0 ? parts.droppedAttributesCount : undefined,
    droppedEventsCount: parts.droppedEventsCount > 0 ? parts.droppedEventsCount : undefined,
    droppedLinksCount: parts.droppedLinksCount > 0 ? parts.droppedLinksCount : undefined,
  };
}

function normalizeEvent(raw: RawEvent, ctx: NormalizeContext): SpanEvent {
  const attributes = normalizeAttributes(raw.attributes, ctx);
  const dropped = toCount(raw.droppedAttributesCount) + ctx.dropped;
  return createEvent(raw.timeUnixNano == null ? 0n : uint64ToBigInt(raw.timeUnixNano), raw.name, attributes, dropped);
}

export function createEvent(
  time: bigint,
  rawName: string | null | undefined,
  attributes: Attributes | undefined,
  dropped: number,
): SpanEvent {
  return {
    timeUnixNano: time.toString(),
    name: sanitizeString(rawName ?? ""),
    attributes,
    droppedAttributesCount: dropped > 0 ? dropped : undefined,
  };
}

function normalizeLink(raw: RawLink, ctx: NormalizeContext): SpanLink | undefined {
  const attributes = normalizeAttributes(raw.attributes, ctx);
  const dropped = toCount(raw.droppedAttributesCount) + ctx.dropped;
  return createLink(raw.traceId, raw.spanId, raw.traceState, attributes, dropped, toCount(raw.flags), ctx);
}

/** Returns undefined when the link's ids are invalid (the caller counts it as dropped). */
export function createLink(
  rawTraceId: RawId | null | undefined,
  rawSpanId: RawId | null | undefined,
  rawTraceState: string | null | undefined,
  attributes: Attributes | undefined,
  dropped: number,
  rawFlags: number,
  ctx: NormalizeContext,
): SpanLink | undefined {
  const traceId = idToHex(rawTraceId, 16, ZERO_TRACE_ID, ctx);
  if (traceId === undefined) return undefined;
  const spanId = idToHex(rawSpanId, 8, ZERO_SPAN_ID, ctx);
  if (spanId === undefined) return undefined;
  return {
    traceId,
    spanId,
    traceState: optionalString(rawTraceState),
    attributes,
    droppedAttributesCount: dropped > 0 ? dropped : undefined,
    flags: rawFlags !== 0 ? rawFlags & 0xff : undefined,
  };
}

/**
 * Lowercase hex of an id of `bytes` bytes, or undefined (reason in ctx.idError) when it is
 * empty, of another length, or all zero. JSON ids arrive as validated hex strings.
 */
function idToHex(raw: RawId | null | undefined, bytes: number, zero: string, ctx: NormalizeContext): string | undefined {
  if (raw == null || raw.length === 0) {
    ctx.idError = "empty";
    return undefined;
  }
  let hex: string;
  if (typeof raw === "string") {
    if (raw.length !== bytes * 2) {
      ctx.idError = `${raw.length / 2} bytes, expected ${bytes}`;
      return undefined;
    }
    hex = raw.toLowerCase();
  } else {
    if (raw.length !== bytes) {
      ctx.idError = `${raw.length} bytes, expected ${bytes}`;
      return undefined;
    }
    hex = asBuffer(raw).toString("hex");
  }
  if (hex === zero) {
    ctx.idError = "all zero";
    return undefined;
  }
  return hex;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toCount(raw: RawCount | null | undefined): number {
  if (raw == null) return 0;
  return typeof raw === "number" ? raw : Number(raw);
}

function optionalString(raw: string | null | undefined): string | undefined {
  if (raw == null || raw.length === 0) return undefined;
  const text = sanitizeString(raw);
  return text.length > 0 ? text : undefined;
}

function optionalName(raw: string | null | undefined): string | undefined {
  if (raw == null || raw.length === 0) return undefined;
  const text = sanitizeNameString(raw, NORMALIZE_LIMITS.nameBytes);
  return text.length > 0 ? text : undefined;
}

function uint64ToBigInt(raw: RawInt64): bigint {
  if (typeof raw === "object") return uint64BitsToBigInt(raw.low, raw.high);
  return BigInt(raw);
}

/** A signed int64 given as two 32-bit halves → number when safe, else exact decimal string. */
export function int64BitsToAttribute(low: number, high: number): number | string {
  const approx = (high | 0) * TWO_POW_32 + (low >>> 0);
  if (Number.isSafeInteger(approx)) return approx;
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
}

export function uint64BitsToBigInt(low: number, high: number): bigint {
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}

/** int64 → number when it is a safe integer, else its exact decimal string. */
function int64ToAttribute(raw: RawInt64): number | string {
  if (typeof raw === "object") {
    if (raw.unsigned) return int64ToAttribute(uint64BitsToBigInt(raw.low, raw.high).toString());
    return int64BitsToAttribute(raw.low, raw.high);
  }
  const approx = typeof raw === "number" ? raw : Number(raw);
  // `approx + 0` turns -0 into 0.
  if (Number.isSafeInteger(approx)) return approx + 0;
  return BigInt(raw).toString();
}

export function doubleToAttribute(raw: number | string): number | string {
  const value = typeof raw === "number" ? raw : Number(raw);
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

export function bytesToBase64(raw: Uint8Array | string): string {
  // JSON sends base64 (standard or URL-safe, padded or not): re-encode to one canonical form.
  return typeof raw === "string" ? Buffer.from(raw, "base64").toString("base64") : asBuffer(raw).toString("base64");
}

/**
 * Attributes as a plain object, or undefined when there are none. Sets ctx.dropped to the
 * number of attributes refused by the count cap.
 */
function normalizeAttributes(list: RawKeyValue[] | null | undefined, ctx: NormalizeContext): Attributes | undefined {
  ctx.dropped = 0;
  if (list == null || list.length === 0) return undefined;
  const out: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    const key = sanitizeString(entry.key ?? "");
    if (!Object.hasOwn(out, key)) {
      if (count >= NORMALIZE_LIMITS.attributes) {
        dropped++;
        continue;
      }
      count++;
    }
    ctx.attributeKey = key;
    setEntry(out, key, normalizeValue(entry.value, 0, ctx));
  }
  ctx.dropped = dropped;
  return count > 0 ? out : undefined;
}

export function setEntry(target: Attributes, key: string, value: AttributeValue): void {
  // A plain assignment to "__proto__" would change the object's prototype instead.
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

const ONEOF_MEMBERS = ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"] as const;

function valueKind(raw: RawAnyValue, ctx: NormalizeContext): string | undefined {
  if (ctx.fromProtobuf) return raw.value;
  let kind: string | undefined;
  for (const member of ONEOF_MEMBERS) {
    if (raw[member] == null) continue;
    if (kind !== undefined) {
      throw new OtlpDecodeError(
        `invalid OTLP/JSON ExportTraceServiceRequest: the value of attribute ${JSON.stringify(ctx.attributeKey)} sets both ${kind} and ${member}; an AnyValue holds at most one of ${ONEOF_MEMBERS.join(", ")}`,
      );
    }
    kind = member;
  }
  return kind;
}

function normalizeValue(raw: RawAnyValue | null | undefined, depth: number, ctx: NormalizeContext): AttributeValue {
  if (raw == null) return null;
  switch (valueKind(raw, ctx)) {
    case "stringValue":
      return sanitizeValueString(raw.stringValue ?? "", ctx.maxValueLength);
    case "intValue":
      return raw.intValue == null ? 0 : int64ToAttribute(raw.intValue);
    case "boolValue":
      return raw.boolValue === true;
    case "doubleValue":
      return raw.doubleValue == null ? 0 : doubleToAttribute(raw.doubleValue);
    case "bytesValue":
      return raw.bytesValue == null ? "" : sanitizeValueString(bytesToBase64(raw.bytesValue), ctx.maxValueLength);
    case "arrayValue": {
      if (depth >= NORMALIZE_LIMITS.valueDepth) return null;
      const values = raw.arrayValue?.values ?? [];
      const out = new Array<AttributeValue>(values.length);
      for (let i = 0; i < values.length; i++) out[i] = normalizeValue(values[i], depth + 1, ctx);
      return out;
    }
    case "kvlistValue": {
      if (depth >= NORMALIZE_LIMITS.valueDepth) return null;
      const entries = raw.kvlistValue?.values ?? [];
      const out: Attributes = {};
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        setEntry(out, sanitizeString(entry.key ?? ""), normalizeValue(entry.value, depth + 1, ctx));
      }
      return out;
    }
    default:
      return null;
  }
}
