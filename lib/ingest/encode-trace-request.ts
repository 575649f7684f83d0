import type { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import { KIND_INT, KIND_STRING, TraceRequestDecoder, type ValueState } from "@/lib/otlp/fast-decode";
import type {
  AttributeValue,
  Attributes,
  ResourceRecord,
  ScopeRecord,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
} from "@/lib/otlp/model";
import {
  createNormalizeContext,
  createResourceRecord,
  createScopeRecord,
  NORMALIZE_LIMITS,
  type NormalizeContext,
  type NormalizeOptions,
  uint64BitsToBigInt,
} from "@/lib/otlp/normalize-trace-request";
import { sanitizeNameString, sanitizeString } from "@/lib/otlp/sanitize-string";
import { PEER_ATTRIBUTE_KEYS, peerAttributesOf, type SpanSummary } from "@/lib/rollups/span-summary";
import { encodeNestedForCopy, escapeCopyText, formatTimestampMicros, jsonTextForCopy, type KeyEncoding } from "./copy-encode";

/**
 * The ingest hot path for OTLP protobuf: reads an ExportTraceServiceRequest and writes each
 * span's COPY text row (lib/ingest/copy-encode) straight from the protobuf bytes, without a
 * NormalizedSpan, an attributes object or per-value strings in between. Ids become hex and
 * plain string values are copied byte for byte into the row; only what the catalogues need
 * (resources, scopes, and per span its service, name, kind and start) is kept as values.
 *
 * It covers the common case only. Whenever a request holds anything else — a span the
 * normalizer would reject, an attribute key the dictionary does not know yet, a duplicate or
 * numeric attribute key, more than 128 attributes, a value that needs cutting or escaping
 * beyond the simple cases, a wire-format error — it gives up (returns undefined) and the
 * caller decodes the request with decodeTraceRequest, the general path, whose results and
 * errors are the reference: the tests require both paths to produce the same rows and
 * catalogue entries whenever this one answers.
 */

/** A request encoded for COPY: what SpanWriter.submit takes instead of a SpanBatch. */
export type EncodedSpanBatch = {
  resources: ResourceRecord[];
  scopes: ScopeRecord[];
  spanCount: number;
  /** COPY text, one line per span, attribute keys encoded with `attributeKeys`. */
  copyText: Buffer;
  /** Per span: spanStartMicros of its start, its service, (normalized) name and kind. */
  startMicros: Float64Array;
  serviceNames: string[];
  names: string[];
  kinds: Uint8Array;
  /** The dictionary the rows were encoded with; the writer must use the same one. */
  attributeKeys: AttributeKeyDictionary;
  /** Per span, the rollup input (lib/rollups/span-summary): what summarizeSpan gives on the general path. */
  summaries: SpanSummary[];
  /** Always 0 / empty: a request with rejected spans takes the general path. */
  rejectedSpans: number;
  rejectionReasons: string[];
};

/** Thrown (one instance, no stack captured per throw) to leave a request to the general path. */
class NotEncodable extends Error {}
const NOT_ENCODABLE = new NotEncodable("left to the general path");

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");
const NULL_TEXT = "\\N";
const UNNAMED_SPAN = "<unnamed>";
const TWO_POW_32 = 4294967296;
/**
 * Upper bound of a row's columns before service_name: timestamp 29, duration ≤ 20, two ids
 * ≤ 19 each, trace id 32, kind and status 1 each, flags ≤ 3, three counts ≤ 10 each, span
 * and parent ids 3 + 16 each, 14 tabs.
 */
const FIXED_COLUMNS_MAX_BYTES = 256;
/** "-9007199254740991" */
const MAX_INTEGER_BYTES = 17;
/** Copies shorter than this are a loop: Buffer.copy costs more than the bytes for a few of them. */
const NATIVE_COPY_MIN = 48;

/** A growable byte buffer written from the front. */
class ByteSink {
  buf: Buffer;
  length = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + bytes));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  /** COPY's NULL, \N. */
  nullValue(): void {
    this.reserve(2);
    this.length = putNull(this.buf, this.length);
  }

  byte(code: number): void {
    this.reserve(1);
    this.buf[this.length++] = code;
  }

  /** Any string, as UTF-8; a loop for ASCII (most of these are ids, tokens, short names). */
  text(text: string): void {
    this.reserve(text.length * 3);
    const buf = this.buf;
    const start = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.length = start + buf.write(text, start, "utf8");
        return;
      }
      buf[start + i] = code;
    }
    this.length = start + text.length;
  }

  copy(source: Buffer, start: number, end: number): void {
    const length = end - start;
    this.reserve(length);
    if (length >= NATIVE_COPY_MIN) {
      source.copy(this.buf, this.length, start, end);
      this.length += length;
      return;
    }
    const buf = this.buf;
    let at = this.length;
    for (let i = start; i < end; i++) buf[at++] = source[i];
    this.length = at;
  }
}

/** A span attribute key as sent (its bytes), sanitized, and its `"id":` in one dictionary. */
type KeyEntry = {
  readonly bytes: Buffer;
  readonly key: string;
  readonly tokenBytes: Buffer;
  readonly dictionary: AttributeKeyDictionary;
  /** Index of the key in PEER_KEYS (its value feeds the rollups' peer), or -1. */
  readonly peerSlot: number;
};
/** The attribute keys summarizeSpan reads for a span's peer (lib/rollups/span-summary). */
const PEER_KEYS: readonly string[] = Object.values(PEER_ATTRIBUTE_KEYS);
const CLIENT_KIND = 3;
const KEY_CACHE_MASK = 1023;
/** Process-wide, bounded: keys of span attributes seen before, by a hash of their bytes. */
const keyCache: (KeyEntry | undefined)[] = new Array<KeyEntry | undefined>(KEY_CACHE_MASK + 1).fill(undefined);

/** Rows of one request are written here, then copied out at their exact size. */
let scratchRows = new ByteSink(256 * 1024);
/** A scratch buffer grown past this by a huge request is not kept for the next one. */
const SCRATCH_KEEP_BYTES = 16 * 1024 * 1024;

function isZero(buf: Buffer, start: number, length: number): boolean {
  let bits = 0;
  for (let i = start; i < start + length; i++) bits |= buf[i];
  return bits === 0;
}

/** Bytes that can go into a JSON string as they are: no control character, quote or backslash. */
function isPlainJsonText(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b === QUOTE || b === BACKSLASH) return false;
  }
  return true;
}

/** Bytes that can go into a COPY text column as they are: no control character or backslash. */
function isPlainCopyText(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b === BACKSLASH) return false;
  }
  return true;
}

/** normalize-trace-request's optionalString then copy-encode's optionalText, in one. */
function optionalCopyText(raw: string): string {
  if (raw.length === 0) return NULL_TEXT;
  const text = sanitizeString(raw);
  return text.length === 0 ? NULL_TEXT : escapeCopyText(text);
}

class SpanRowEncoder extends TraceRequestDecoder {
  private readonly rows: ByteSink;
  /** The attributes column of the span being decoded (it comes after columns read later). */
  private readonly attributes = new ByteSink(1024);
  /** Sanitized keys of the span's attributes so far. */
  private readonly spanKeys: string[] = [];
  private spanKeyCount = 0;
  private readonly keys: KeyEncoding;
  /** Start-time window in microseconds (see checkWindow); NaN when unbounded. */
  private readonly minMicros: number;
  private readonly maxMicros: number;
  private cachedSecond = Number.NaN;
  private readonly secondPrefix = Buffer.alloc(20);
  /** Values of the span's peer attributes (by PEER_KEYS slot); peerCount of them set. */
  private readonly peerValues: (AttributeValue | undefined)[] = new Array<AttributeValue | undefined>(PEER_KEYS.length);
  private peerCount = 0;
  readonly summaries: SpanSummary[] = [];

  spanCount = 0;
  readonly startMicros: Float64Array;
  readonly kinds: Uint8Array;
  readonly serviceNames: string[] = [];
  readonly names: string[] = [];

  constructor(
    body: Buffer,
    ctx: NormalizeContext,
    private readonly dictionary: AttributeKeyDictionary,
    rows: ByteSink,
  ) {
    super(body, ctx);
    this.lazyStringValues = true;
    this.rows = rows;
    this.keys = { dictionary, missing: new Set() };
    // A span takes at least 30 bytes (a trace id and a span id with their tags, in a Span
    // message), so this many spans at most fit the body.
    const maxSpans = Math.floor(body.length / 30) + 1;
    this.startMicros = new Float64Array(maxSpans);
    this.kinds = new Uint8Array(maxSpans);
    this.minMicros = ctx.minStartNs === undefined ? Number.NaN : Number(ctx.minStartNs / 1000n);
    this.maxMicros = ctx.maxStartNs === undefined ? Number.NaN : Number(ctx.maxStartNs / 1000n);
  }

  // ResourceSpans and ScopeSpans are read in two steps: first their own fields (the resource
  // or scope, schema URL; protobuf writers put schema_url after the spans), skipping the
  // nested messages; then the nested messages, whose rows carry the resource and scope ids.
  // Every byte is still read by the same readers as in the general decoder.

  protected override resourceSpans(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    this.resourceSink.reset();
    let schemaUrl = "";
    const groups: number[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.resource(this.size(end), end, depth + 1);
          continue;
        case 2: {
          if (wireType !== 2) break;
          const size = this.size(end);
          groups.push(this.pos, size);
          this.skipBytes(size, end);
          continue;
        }
        case 3:
          if (wireType !== 2) break;
          schemaUrl = this.string(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
    const resource = createResourceRecord(this.resourceSink.result(), this.resourceSink.dropped(), schemaUrl, this.ctx);
    for (let g = 0; g < groups.length; g += 2) {
      this.pos = groups[g];
      this.scopeSpansRows(groups[g + 1], end, depth + 1, resource);
    }
    this.pos = end;
  }

  private scopeSpansRows(length: number, limit: number, depth: number, resource: ResourceRecord): void {
    const end = this.open(length, limit, depth);
    this.scopeSink.reset();
    this.scopeName = "";
    this.scopeVersion = "";
    let schemaUrl = "";
    const spans: number[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.scope(this.size(end), end, depth + 1);
          continue;
        case 2: {
          if (wireType !== 2) break;
          const size = this.size(end);
          spans.push(this.pos, size);
          this.skipBytes(size, end);
          continue;
        }
        case 3:
          if (wireType !== 2) break;
          schemaUrl = this.string(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
    const ctx = this.ctx;
    const scope = createScopeRecord(
      this.scopeName,
      this.scopeVersion,
      this.scopeSink.result(),
      this.scopeSink.dropped(),
      schemaUrl,
      ctx,
    );
    if (spans.length === 0) return;
    // The general decoder's order: per scope group with spans, the resource, then the scope.
    if (!ctx.emitted.has(resource)) {
      ctx.emitted.add(resource);
      ctx.batch.resources.push(resource);
    }
    if (scope && !ctx.emitted.has(scope)) {
      ctx.emitted.add(scope);
      ctx.batch.scopes.push(scope);
    }
    // Columns the group's rows share: "resource_id\tscope_id\t" and "service_name\t".
    const idColumns = Buffer.from(`${resource.id}\t${scope ? scope.id : NULL_TEXT}\t`, "latin1");
    const serviceColumn = Buffer.from(`${escapeCopyText(resource.serviceName)}\t`, "utf8");
    for (let i = 0; i < spans.length; i += 2) {
      this.pos = spans[i];
      this.spanRow(spans[i + 1], end, depth + 1, resource, idColumns, serviceColumn);
    }
    this.pos = end;
  }

  private spanRow(
    length: number,
    limit: number,
    depth: number,
    resource: ResourceRecord,
    idColumns: Buffer,
    serviceColumn: Buffer,
  ): void {
    const end = this.open(length, limit, depth);
    const buf = this.buf;
    this.statusMessage = "";
    this.statusCode = 0;
    this.attributes.length = 0;
    this.spanKeyCount = 0;
    if (this.peerCount > 0) {
      this.peerValues.fill(undefined);
      this.peerCount = 0;
    }
    let wireDroppedAttributes = 0;
    let traceStart = 0;
    let traceLength = -1;
    let spanStart = 0;
    let spanLength = -1;
    let parentStart = 0;
    let parentLength = 0;
    let traceState = "";
    let flags = 0;
    let name = "";
    let nameStart = 0;
    let nameEnd = 0;
    let kind = 0;
    let startLow = 0;
    let startHigh = 0;
    let endLow = 0;
    let endHigh = 0;
    let events: SpanEvent[] | undefined;
    let extraEvents = 0;
    let wireDroppedEvents = 0;
    let links: SpanLink[] | undefined;
    let droppedLinks = 0;
    let wireDroppedLinks = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          traceLength = this.size(end);
          traceStart = this.pos;
          this.skipBytes(traceLength, end);
          continue;
        case 2:
          if (wireType !== 2) break;
          spanLength = this.size(end);
          spanStart = this.pos;
          this.skipBytes(spanLength, end);
          continue;
        case 3:
          if (wireType !== 2) break;
          traceState = this.string(end);
          continue;
        case 4:
          if (wireType !== 2) break;
          parentLength = this.size(end);
          parentStart = this.pos;
          this.skipBytes(parentLength, end);
          continue;
        case 5:
          if (wireType !== 2) break;
          name = this.string(end);
          nameStart = this.stringStart;
          nameEnd = this.stringEnd;
          continue;
        case 6:
          if (wireType !== 0) break;
          kind = this.uint32(end) | 0;
          continue;
        case 7:
          if (wireType !== 1) break;
          this.fixed64(end);
          startLow = this.low;
          startHigh = this.high;
          continue;
        case 8:
          if (wireType !== 1) break;
          this.fixed64(end);
          endLow = this.low;
          endHigh = this.high;
          continue;
        case 9:
          if (wireType !== 2) break;
          this.spanAttribute(this.size(end), end, depth + 1);
          continue;
        case 10:
          if (wireType !== 0) break;
          wireDroppedAttributes = this.uint32(end);
          continue;
        case 11: {
          if (wireType !== 2) break;
          const event = this.event(this.size(end), end, depth + 1);
          if (events === undefined) events = [];
          if (events.length < NORMALIZE_LIMITS.events) events.push(event);
          else extraEvents++;
          continue;
        }
        case 12:
          if (wireType !== 0) break;
          wireDroppedEvents = this.uint32(end);
          continue;
        case 13: {
          if (wireType !== 2) break;
          const link = this.link(this.size(end), end, depth + 1);
          if (links === undefined) links = [];
          if (links.length < NORMALIZE_LIMITS.links && link !== undefined) links.push(link);
          else droppedLinks++;
          continue;
        }
        case 14:
          if (wireType !== 0) break;
          wireDroppedLinks = this.uint32(end);
          continue;
        case 15:
          if (wireType !== 2) break;
          this.status(this.size(end), end, depth + 1);
          continue;
        case 16:
          if (wireType !== 5) break;
          flags = this.fixed32(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);

    // What assembleSpan would reject goes to the general path, which reports it.
    if (traceLength !== 16 || isZero(buf, traceStart, 16)) throw NOT_ENCODABLE;
    if (spanLength !== 8 || isZero(buf, spanStart, 8)) throw NOT_ENCODABLE;
    if (parentLength !== 0 && parentLength !== 8) throw NOT_ENCODABLE;
    const hasParent = parentLength === 8 && !isZero(buf, parentStart, 8);
    if (!(kind >= 0 && kind <= 5)) throw NOT_ENCODABLE;
    const statusCode = this.statusCode;
    if (!(statusCode >= 0 && statusCode <= 2)) throw NOT_ENCODABLE;
    const micros = this.startMicrosOf(startLow, startHigh);

    // The fixed-width columns, up to the service name, are ASCII of bounded length: one
    // reserve, then plain stores.
    const row = this.rows;
    row.reserve(FIXED_COLUMNS_MAX_BYTES);
    const out = row.buf;
    let at = this.timestamp(out, row.length, micros);
    out[at++] = TAB;
    at = putDuration(out, at, startLow, startHigh, endLow, endHigh);
    out[at++] = TAB;
    for (let i = 0; i < idColumns.length; i++) out[at++] = idColumns[i];
    const traceHexAt = at;
    at = putHex(out, at, buf, traceStart, 16);
    out[at++] = TAB;
    out[at++] = 0x30 + kind;
    out[at++] = TAB;
    out[at++] = 0x30 + statusCode;
    out[at++] = TAB;
    at = putCount(out, at, flags !== 0 ? flags & 0xff : 0, flags !== 0);
    out[at++] = TAB;
    at = putCount(out, at, wireDroppedAttributes, false);
    out[at++] = TAB;
    at = putCount(out, at, wireDroppedEvents + extraEvents, false);
    out[at++] = TAB;
    at = putCount(out, at, wireDroppedLinks + droppedLinks, false);
    out[at++] = TAB;
    at = putByteaPrefix(out, at);
    const spanHexAt = at;
    at = putHex(out, at, buf, spanStart, 8);
    out[at++] = TAB;
    let parentHexAt = -1;
    if (hasParent) {
      at = putByteaPrefix(out, at);
      parentHexAt = at;
      at = putHex(out, at, buf, parentStart, 8);
    } else {
      at = putNull(out, at);
    }
    out[at++] = TAB;
    row.length = at;
    // The ids as lowercase hex, read back from the row just written (the ASCII columns).
    const traceId = out.toString("latin1", traceHexAt, traceHexAt + 32);
    const spanId = out.toString("latin1", spanHexAt, spanHexAt + 16);
    const parentSpanId = parentHexAt === -1 ? undefined : out.toString("latin1", parentHexAt, parentHexAt + 16);
    row.copy(serviceColumn, 0, serviceColumn.length);
    const nameLength = nameEnd - nameStart;
    if (nameLength > 0 && nameLength <= NORMALIZE_LIMITS.nameBytes && isPlainCopyText(buf, nameStart, nameEnd)) {
      // Valid UTF-8 without NUL, within the byte cap: the normalized name is the name as sent.
      row.copy(buf, nameStart, nameEnd);
    } else {
      const normalized = sanitizeNameString(name, NORMALIZE_LIMITS.nameBytes);
      name = normalized.length > 0 ? normalized : UNNAMED_SPAN;
      row.text(escapeCopyText(name));
    }
    row.byte(TAB);
    row.text(optionalCopyText(this.statusMessage));
    row.byte(TAB);
    row.text(optionalCopyText(traceState));
    row.byte(TAB);
    if (this.spanKeyCount === 0) {
      row.nullValue();
    } else {
      this.attributes.byte(0x7d); // }
      row.copy(this.attributes.buf, 0, this.attributes.length);
    }
    row.byte(TAB);
    if (events === undefined || events.length === 0) row.nullValue();
    else row.text(this.nestedText(events));
    row.byte(TAB);
    if (links === undefined || links.length === 0) row.nullValue();
    else row.text(this.nestedText(links));
    row.byte(NEWLINE);

    const index = this.spanCount++;
    this.startMicros[index] = micros;
    this.kinds[index] = kind;
    this.serviceNames.push(resource.serviceName);
    this.names.push(name);
    this.summaries.push({
      traceId,
      spanId,
      parentSpanId,
      serviceName: resource.serviceName,
      name,
      kind: kind as SpanKind,
      statusCode: statusCode as StatusCode,
      startUs: micros,
      durationNs: durationNanos(startLow, startHigh, endLow, endHigh),
      peer: this.peerCount > 0 && kind >= CLIENT_KIND ? this.peerOf(kind as SpanKind) : undefined,
    });
  }

  /** peerAttributesOf over the span's peer attributes only (the only ones it reads). */
  private peerOf(kind: SpanKind): SpanSummary["peer"] {
    const attributes: Attributes = {};
    for (let slot = 0; slot < PEER_KEYS.length; slot++) {
      const value = this.peerValues[slot];
      if (value !== undefined) attributes[PEER_KEYS[slot]] = value;
    }
    return peerAttributesOf(kind, attributes);
  }

  /** Keeps the value of a peer attribute (see KeyEntry.peerSlot) for the span's summary. */
  private setPeerValue(slot: number, value: AttributeValue): void {
    this.peerValues[slot] = value;
    this.peerCount++;
  }

  /** A top-level span attribute, appended to this.attributes as `"id":value` JSON. */
  private spanAttribute(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    if (this.plainAttribute(end)) return;
    // KeyValue as keyValue() reads it, but the key is looked up by its bytes.
    const state = this.states[0];
    state.reset();
    let keyStart = 0;
    let keyEnd = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.stringBytes(end);
          keyStart = this.stringStart;
          keyEnd = this.stringEnd;
          continue;
        case 2:
          if (wireType !== 2) break;
          this.anyValue(this.size(end), end, depth + 1, state, 0);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);

    const entry = this.keyEntry(keyStart, keyEnd);
    const out = this.appendKey(entry);
    if (entry.peerSlot !== -1) this.setPeerValue(entry.peerSlot, this.finish(state, 0));
    this.valueJson(state, out);
  }

  /**
   * The usual encoding of a string or int attribute, read without the general loop: key
   * (field 1), then value (field 2) holding only a string_value of plain ASCII (no control
   * character, quote or backslash) within the value cap, or an int_value that is a safe
   * integer; every length below 128. Returns false, position unchanged, for anything else.
   * The bytes read are the ones the general loop would read, with the same checks.
   */
  private plainAttribute(end: number): boolean {
    const buf = this.buf;
    const start = this.pos;
    if (end - start < 5 || buf[start] !== 0x0a) return false;
    const keyStart = start + 2;
    const keyEnd = keyStart + buf[start + 1];
    if (buf[start + 1] >= 128 || keyEnd + 3 > end || buf[keyEnd] !== 0x12) return false;
    const valueStart = keyEnd + 2;
    if (buf[keyEnd + 1] >= 128 || valueStart + buf[keyEnd + 1] !== end) return false;
    if (buf[valueStart] === 0x0a) {
      const textStart = valueStart + 2;
      if (textStart + buf[valueStart + 1] !== end || end - textStart > this.ctx.maxValueLength) return false;
      for (let i = textStart; i < end; i++) {
        const b = buf[i];
        if (b < 0x20 || b >= 0x80 || b === QUOTE || b === BACKSLASH) return false;
      }
      const entry = this.keyEntry(keyStart, keyEnd);
      const out = this.appendKey(entry);
      if (entry.peerSlot !== -1) this.setPeerValue(entry.peerSlot, buf.toString("latin1", textStart, end));
      out.byte(QUOTE);
      out.copy(buf, textStart, end);
      out.byte(QUOTE);
      this.pos = end;
      return true;
    }
    if (buf[valueStart] === 0x18) {
      this.pos = valueStart + 1;
      this.int64(end);
      const value = (this.high | 0) * TWO_POW_32 + (this.low >>> 0);
      if (this.pos !== end || !Number.isSafeInteger(value)) {
        this.pos = start;
        return false;
      }
      const entry = this.keyEntry(keyStart, keyEnd);
      const out = this.appendKey(entry);
      if (entry.peerSlot !== -1) this.setPeerValue(entry.peerSlot, value);
      out.reserve(MAX_INTEGER_BYTES);
      out.length = putInteger(out.buf, out.length, value);
      return true;
    }
    return false;
  }

  /** Adds `"id":` of a span attribute key to this.attributes, after the checks on keys. */
  private appendKey(entry: KeyEntry): ByteSink {
    const keys = this.spanKeys;
    // A repeated key (the last value wins at the first one's place) or one past the cap.
    for (let i = 0; i < this.spanKeyCount; i++) if (keys[i] === entry.key) throw NOT_ENCODABLE;
    if (this.spanKeyCount >= NORMALIZE_LIMITS.attributes) throw NOT_ENCODABLE;
    keys[this.spanKeyCount++] = entry.key;
    const out = this.attributes;
    out.byte(this.spanKeyCount === 1 ? 0x7b /* { */ : 0x2c /* , */);
    out.copy(entry.tokenBytes, 0, entry.tokenBytes.length);
    return out;
  }

  /**
   * The key whose bytes are [start, end) of the body, sanitized, with its dictionary token;
   * throws NOT_ENCODABLE for a key this path leaves to the general one. Keys repeat in every
   * span, so entries are cached by their bytes (verified byte by byte on a hit).
   */
  private keyEntry(start: number, end: number): KeyEntry {
    const buf = this.buf;
    const length = end - start;
    let hash = Math.imul(length, 0x9e3779b1);
    if (length > 0) {
      hash = Math.imul(hash ^ buf[start], 0x01000193) ^ buf[end - 1];
      hash = Math.imul(hash, 0x01000193) ^ buf[start + (length >>> 1)];
    }
    const slot = (hash ^ (hash >>> 16)) & KEY_CACHE_MASK;
    const cached = keyCache[slot];
    if (cached !== undefined && cached.dictionary === this.dictionary && cached.bytes.length === length) {
      const bytes = cached.bytes;
      let i = 0;
      while (i < length && bytes[i] === buf[start + i]) i++;
      if (i === length) return cached;
    }
    const key = sanitizeString(this.decodeString(start, end));
    // Integer-like keys ("7") come first in an object's key order, which the general path's
    // JSON follows.
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) throw NOT_ENCODABLE;
    const token = this.dictionary.token(key);
    if (token === undefined || token.indexOf("\\") !== -1) throw NOT_ENCODABLE;
    const entry: KeyEntry = {
      bytes: Buffer.from(buf.subarray(start, end)),
      key,
      tokenBytes: Buffer.from(`${token}:`, "utf8"),
      dictionary: this.dictionary,
      peerSlot: PEER_KEYS.indexOf(key),
    };
    // Only ids are cached: they never change, while a literal ("~key", dictionary full) can
    // become an id once the dictionary has forgotten it and another writer inserted the key.
    if (token.charCodeAt(1) !== 0x7e /* ~ */) keyCache[slot] = entry;
    return entry;
  }

  private valueJson(state: ValueState, out: ByteSink): void {
    if (state.kind === KIND_STRING) {
      const start = state.textStart;
      const end = state.textEnd;
      // UTF-8 bytes ≥ UTF-16 code units, so within the cap in bytes means no cut; valid UTF-8
      // holds no lone surrogate, and plain bytes hold no NUL and need no JSON escape.
      if (end - start <= this.ctx.maxValueLength && isPlainJsonText(this.buf, start, end)) {
        out.byte(QUOTE);
        out.copy(this.buf, start, end);
        out.byte(QUOTE);
        return;
      }
    }
    if (state.kind === KIND_INT) {
      // int64BitsToAttribute's number, when it is one (its JSON is its decimal digits).
      const value = (state.high | 0) * TWO_POW_32 + (state.low >>> 0);
      if (Number.isSafeInteger(value)) {
        out.reserve(MAX_INTEGER_BYTES);
        out.length = putInteger(out.buf, out.length, value);
        return;
      }
    }
    const json = jsonTextForCopy(JSON.stringify(this.finish(state, 0)));
    if (json === undefined) throw NOT_ENCODABLE;
    out.text(json);
  }

  private nestedText(items: readonly (SpanEvent | SpanLink)[]): string {
    const text = encodeNestedForCopy(items, this.keys);
    if (this.keys.missing.size > 0) throw NOT_ENCODABLE;
    return text;
  }

  /**
   * spanStartMicros of the unsigned 64-bit start, without BigInt, after the normalizer's
   * start-time window check (start < min or start > max in nanoseconds rejects the span).
   */
  private startMicrosOf(low: number, high: number): number {
    // Past 2^63 ns (year 2262) the halves below stop being exact; no such span is stored.
    if (high >= 0x80000000) throw NOT_ENCODABLE;
    // 2^32 = 4294967 * 1000 + 296, so ns / 1000 = high * 4294967 + (high * 296 + low) / 1000.
    const rest = high * 296 + low;
    const micros = high * 4294967 + Math.floor(rest / 1000);
    const nanos = rest % 1000;
    // The window's bounds are whole milliseconds, hence whole microseconds.
    if (micros < this.minMicros) throw NOT_ENCODABLE;
    if (micros > this.maxMicros || (micros === this.maxMicros && nanos > 0)) throw NOT_ENCODABLE;
    return micros;
  }

  /** formatTimestampMicros(micros), written as bytes at `at` (29 of them); returns the end. */
  private timestamp(out: Buffer, at: number, micros: number): number {
    const second = Math.floor(micros / 1_000_000);
    if (second !== this.cachedSecond) {
      let text: string;
      try {
        text = formatTimestampMicros(second * 1_000_000);
      } catch {
        throw NOT_ENCODABLE; // out of range: the general path fails the write as it should
      }
      this.secondPrefix.write(text.slice(0, 20), 0, "latin1");
      this.cachedSecond = second;
    }
    const prefix = this.secondPrefix;
    for (let i = 0; i < 20; i++) out[at + i] = prefix[i];
    at += 20;
    let fraction = micros - second * 1_000_000;
    for (let i = 5; i >= 0; i--) {
      out[at + i] = 0x30 + (fraction % 10);
      fraction = Math.floor(fraction / 10);
    }
    out[at + 6] = 0x2b; // +
    out[at + 7] = 0x30;
    out[at + 8] = 0x30;
    return at + 9;
  }

  result(): EncodedSpanBatch {
    const count = this.spanCount;
    const batch = this.ctx.batch;
    return {
      resources: batch.resources,
      scopes: batch.scopes,
      spanCount: count,
      copyText: Buffer.from(this.rows.buf.subarray(0, this.rows.length)),
      startMicros: this.startMicros.slice(0, count),
      serviceNames: this.serviceNames,
      names: this.names,
      kinds: this.kinds.slice(0, count),
      attributeKeys: this.dictionary,
      summaries: this.summaries,
      rejectedSpans: 0,
      rejectionReasons: [],
    };
  }
}

/**
 * Stores end - start in ns as decimal digits at `at`, 0 when end is not after start (as
 * assembleSpan and encodeSpanCopyRow); returns the end.
 */
function putDuration(out: Buffer, at: number, startLow: number, startHigh: number, endLow: number, endHigh: number): number {
  const highDiff = endHigh - startHigh;
  // Exact in a double while the high halves differ by less than 2^20 (about 52 days).
  if (highDiff > -0x100000 && highDiff < 0x100000) {
    const diff = highDiff * TWO_POW_32 + (endLow - startLow);
    return putInteger(out, at, diff > 0 ? diff : 0);
  }
  const start = uint64BitsToBigInt(startLow, startHigh);
  const end = uint64BitsToBigInt(endLow, endHigh);
  return putAscii(out, at, end > start ? (end - start).toString() : "0");
}

/** end - start in ns as a number (0 when end is not after start), as summarizeSpan's Number(durationNs). */
function durationNanos(startLow: number, startHigh: number, endLow: number, endHigh: number): number {
  const highDiff = endHigh - startHigh;
  if (highDiff > -0x100000 && highDiff < 0x100000) {
    const diff = highDiff * TWO_POW_32 + (endLow - startLow);
    return diff > 0 ? diff : 0;
  }
  const start = uint64BitsToBigInt(startLow, startHigh);
  const end = uint64BitsToBigInt(endLow, endHigh);
  return end > start ? Number(end - start) : 0;
}

/** Stores a safe integer's decimal digits (what String gives) at `at`; returns the end. */
function putInteger(out: Buffer, at: number, value: number): number {
  if (value < 0) {
    out[at++] = 0x2d; // -
    value = -value;
  }
  let digits = 1;
  for (let limit = 10; limit <= value; limit *= 10) digits++;
  const end = at + digits;
  for (let i = end - 1; i > at; i--) {
    const next = Math.floor(value / 10);
    out[i] = 0x30 + (value - next * 10);
    value = next;
  }
  out[at] = 0x30 + value;
  return end;
}

/** Stores an ASCII string at `at`; returns the end. */
function putAscii(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** Stores `length` bytes of `source` as lowercase hex at `at`; returns the end. */
function putHex(out: Buffer, at: number, source: Buffer, start: number, length: number): number {
  for (let i = start; i < start + length; i++) {
    const b = source[i];
    out[at++] = HEX_DIGITS[b >>> 4];
    out[at++] = HEX_DIGITS[b & 15];
  }
  return at;
}

/** Stores \N (COPY's NULL) at `at`; returns the end. */
function putNull(out: Buffer, at: number): number {
  out[at] = BACKSLASH;
  out[at + 1] = 0x4e; // N
  return at + 2;
}

/** A count column: its digits, or \N for 0 unless `zeroIsValue` (as encodeSpanCopyRow). */
function putCount(out: Buffer, at: number, count: number, zeroIsValue: boolean): number {
  return count === 0 && !zeroIsValue ? putNull(out, at) : putInteger(out, at, count);
}

/** bytea hex input is \x…; the backslash itself is doubled for COPY. */
function putByteaPrefix(out: Buffer, at: number): number {
  out[at] = BACKSLASH;
  out[at + 1] = BACKSLASH;
  out[at + 2] = 0x78; // x
  return at + 3;
}

/**
 * COPY rows and catalogue entries of a protobuf ExportTraceServiceRequest, with attribute
 * keys encoded by `dictionary`; undefined when the request is not one this path covers (see
 * above): decode it with decodeTraceRequest instead.
 */
export function encodeTraceRequest(
  body: Buffer,
  options: NormalizeOptions,
  dictionary: AttributeKeyDictionary,
): EncodedSpanBatch | undefined {
  const ctx = createNormalizeContext(options, "protobuf");
  // The window checks compare whole microseconds (always true for millisecond bounds).
  if ((ctx.minStartNs ?? 0n) % 1000n !== 0n || (ctx.maxStartNs ?? 0n) % 1000n !== 0n) return undefined;
  const rows = scratchRows;
  rows.length = 0;
  const encoder = new SpanRowEncoder(body, ctx, dictionary, rows);
  try {
    encoder.decodeRequest();
    return encoder.result();
  } catch {
    // Not encodable, or an error of any kind: the general path decides what it is.
    return undefined;
  } finally {
    if (rows.buf.length > SCRATCH_KEEP_BYTES) scratchRows = new ByteSink(256 * 1024);
  }
}
