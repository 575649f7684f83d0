import { isUtf8 } from "node:buffer";
import type { Attributes, AttributeValue, NormalizedSpan, ScopeRecord, SpanBatch, SpanEvent, SpanLink } from "./model";
import {
  assembleSpan,
  bytesToBase64,
  createEvent,
  createLink,
  createNormalizeContext,
  createResourceRecord,
  createScopeRecord,
  doubleToAttribute,
  int64BitsToAttribute,
  NORMALIZE_LIMITS,
  type NormalizeContext,
  type NormalizeOptions,
  recordRejection,
  setEntry,
  uint64BitsToBigInt,
} from "./normalize-trace-request";
import { sanitizeString, sanitizeValueString } from "./sanitize-string";

/**
 * A specialized decoder for ExportTraceServiceRequest: reads the protobuf wire format straight
 * into a normalized SpanBatch, without protobufjs message objects, Longs or KeyValue/AnyValue
 * wrappers. It is a drop-in for protobufjs + normalizeTraceRequest and must stay exactly
 * equivalent to it (the tests compare both on fixtures and fuzzed inputs), so it copies
 * protobufjs 8's reader rules one for one: the varint readers and their limits, strict UTF-8,
 * wrong wire types treated as unknown fields, group skipping, the recursion limit of 100, and
 * merge semantics (a repeated singular message merges; in AnyValue the member set last wins and
 * setting one clears the others, so only back-to-back array/kvlist repeats accumulate).
 */

/** The wire format is broken; decodeTraceRequest turns this into an OtlpDecodeError. */
export class WireFormatError extends Error {}

/** protobufjs's Reader.recursionLimit. */
const RECURSION_LIMIT = 100;
const VALUE_DEPTH = NORMALIZE_LIMITS.valueDepth;
/** ASCII strings up to this many bytes go through stringCache. */
const SHORT_STRING = 64;
/** Process-wide, bounded (4096 short strings): only ever holds strings decoded before. */
const STRING_CACHE_MASK = 4095;
const stringCache: (string | undefined)[] = new Array<string | undefined>(STRING_CACHE_MASK + 1).fill(undefined);
const NO_RESOURCE = { serviceName: "", id: "" };

const KIND_NONE = 0;
export const KIND_STRING = 1;
const KIND_BOOL = 2;
export const KIND_INT = 3;
const KIND_DOUBLE = 4;
const KIND_ARRAY = 5;
const KIND_KVLIST = 6;
const KIND_BYTES = 7;

export function outOfRange(): WireFormatError {
  return new WireFormatError("index out of range");
}

function tooDeep(): WireFormatError {
  return new WireFormatError("max depth exceeded");
}

/** One AnyValue being decoded: repeats of KeyValue.value merge into the same state. */
export class ValueState {
  kind = KIND_NONE;
  text = "";
  /** Bytes of `text` in the request (for KIND_STRING), so a writer can copy them as they are. */
  textStart = 0;
  textEnd = 0;
  /** `text` is not made yet (lazyStringValues): finish() decodes it from textStart / textEnd. */
  textPending = false;
  flag = false;
  low = 0;
  high = 0;
  number = 0;
  bytesStart = 0;
  bytesEnd = 0;
  array: AttributeValue[] | undefined = undefined;
  object: Attributes | undefined = undefined;

  reset(): void {
    this.kind = KIND_NONE;
    this.array = undefined;
    this.object = undefined;
  }

  /** Marks `kind` as the oneof member set; like protobufjs's oneof setter, drops the others. */
  set(kind: number): void {
    this.kind = kind;
    if (kind !== KIND_ARRAY) this.array = undefined;
    if (kind !== KIND_KVLIST) this.object = undefined;
  }
}

/** Collects a repeated KeyValue field with the normalizer's rules (cap, last key wins). */
export class AttributeSink {
  out: Attributes | undefined = undefined;
  count = 0;
  capDropped = 0;
  wireDropped = 0;

  reset(): void {
    this.out = undefined;
    this.count = 0;
    this.capDropped = 0;
    this.wireDropped = 0;
  }

  add(rawKey: string, value: AttributeValue): void {
    const key = sanitizeString(rawKey);
    let out = this.out;
    if (out === undefined) out = this.out = {};
    if (!Object.hasOwn(out, key)) {
      if (this.count >= NORMALIZE_LIMITS.attributes) {
        this.capDropped++;
        return;
      }
      this.count++;
    }
    setEntry(out, key, value);
  }

  result(): Attributes | undefined {
    return this.count > 0 ? this.out : undefined;
  }

  dropped(): number {
    return this.wireDropped + this.capDropped;
  }
}

type ScopeGroup = { spans: NormalizedSpan[]; scope: ScopeRecord | undefined };

export class TraceRequestDecoder {
  protected pos = 0;
  /** Out-parameters of int64() / fixed64(). */
  protected low = 0;
  protected high = 0;
  protected readonly states: ValueState[] = Array.from({ length: VALUE_DEPTH + 1 }, () => new ValueState());
  protected readonly resourceSink = new AttributeSink();
  protected readonly scopeSink = new AttributeSink();
  protected readonly spanSink = new AttributeSink();
  protected readonly eventSink = new AttributeSink();
  protected readonly linkSink = new AttributeSink();
  /**
   * String values are validated but made into strings only when finish() needs them (a
   * writer that copies their bytes does not): set by a subclass.
   */
  protected lazyStringValues = false;
  /** Byte range of the last string() / stringBytes() read. */
  protected stringStart = 0;
  protected stringEnd = 0;
  protected scopeName = "";
  protected scopeVersion = "";
  protected statusMessage = "";
  protected statusCode = 0;

  constructor(
    protected readonly buf: Buffer,
    protected readonly ctx: NormalizeContext,
  ) {}

  // ---- messages ---------------------------------------------------------------------------

  decodeRequest(): void {
    const end = this.buf.length;
    let r = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      if (field === 1 && wireType === 2) {
        this.resourceSpans(this.size(end), end, 1, r++);
        continue;
      }
      this.skipType(wireType, 0, field, end);
    }
  }

  protected open(length: number, limit: number, depth: number): number {
    if (depth > RECURSION_LIMIT) throw tooDeep();
    const end = this.pos + length;
    if (end > limit) throw outOfRange();
    return end;
  }

  protected close(end: number): void {
    if (this.pos !== end) throw outOfRange();
  }

  protected resourceSpans(length: number, limit: number, depth: number, r: number): void {
    const end = this.open(length, limit, depth);
    const sink = this.resourceSink;
    sink.reset();
    let schemaUrl = "";
    const groups: ScopeGroup[] = [];
    let c = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.resource(this.size(end), end, depth + 1);
          continue;
        case 2:
          if (wireType !== 2) break;
          groups.push(this.scopeSpans(this.size(end), end, depth + 1, r, c++));
          continue;
        case 3:
          if (wireType !== 2) break;
          schemaUrl = this.string(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);

    const ctx = this.ctx;
    const resource = createResourceRecord(sink.result(), sink.dropped(), schemaUrl, ctx);
    for (const group of groups) {
      const spans = group.spans;
      if (spans.length === 0) continue;
      for (let i = 0; i < spans.length; i++) {
        spans[i].serviceName = resource.serviceName;
        spans[i].resourceId = resource.id;
      }
      if (!ctx.emitted.has(resource)) {
        ctx.emitted.add(resource);
        ctx.batch.resources.push(resource);
      }
      const scope = group.scope;
      if (scope && !ctx.emitted.has(scope)) {
        ctx.emitted.add(scope);
        ctx.batch.scopes.push(scope);
      }
    }
  }

  protected resource(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.attribute(this.size(end), end, depth + 1, this.resourceSink);
          continue;
        case 2:
          if (wireType !== 0) break;
          this.resourceSink.wireDropped = this.uint32(end);
          continue;
        case 3:
          if (wireType !== 2) break;
          this.skipEntityRef(this.size(end), end, depth + 1);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected scopeSpans(length: number, limit: number, depth: number, r: number, c: number): ScopeGroup {
    const end = this.open(length, limit, depth);
    const sink = this.scopeSink;
    sink.reset();
    this.scopeName = "";
    this.scopeVersion = "";
    let schemaUrl = "";
    const group: ScopeGroup = { spans: [], scope: undefined };
    let s = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.scope(this.size(end), end, depth + 1);
          continue;
        case 2:
          if (wireType !== 2) break;
          this.span(this.size(end), end, depth + 1, r, c, s++, group);
          continue;
        case 3:
          if (wireType !== 2) break;
          schemaUrl = this.string(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
    const scope = createScopeRecord(this.scopeName, this.scopeVersion, sink.result(), sink.dropped(), schemaUrl, this.ctx);
    group.scope = scope;
    if (scope) for (const span of group.spans) span.scopeId = scope.id;
    return group;
  }

  protected scope(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.scopeName = this.string(end);
          continue;
        case 2:
          if (wireType !== 2) break;
          this.scopeVersion = this.string(end);
          continue;
        case 3:
          if (wireType !== 2) break;
          this.attribute(this.size(end), end, depth + 1, this.scopeSink);
          continue;
        case 4:
          if (wireType !== 0) break;
          this.scopeSink.wireDropped = this.uint32(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected span(length: number, limit: number, depth: number, r: number, c: number, s: number, group: ScopeGroup): void {
    const end = this.open(length, limit, depth);
    const sink = this.spanSink;
    sink.reset();
    this.statusMessage = "";
    this.statusCode = 0;
    let traceId: Buffer | undefined;
    let spanId: Buffer | undefined;
    let parentSpanId: Buffer | undefined;
    let traceState = "";
    let flags = 0;
    let name = "";
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
          traceId = this.bytes(end);
          continue;
        case 2:
          if (wireType !== 2) break;
          spanId = this.bytes(end);
          continue;
        case 3:
          if (wireType !== 2) break;
          traceState = this.string(end);
          continue;
        case 4:
          if (wireType !== 2) break;
          parentSpanId = this.bytes(end);
          continue;
        case 5:
          if (wireType !== 2) break;
          name = this.string(end);
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
          this.attribute(this.size(end), end, depth + 1, sink);
          continue;
        case 10:
          if (wireType !== 0) break;
          sink.wireDropped = this.uint32(end);
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

    const span = assembleSpan(
      {
        traceId,
        spanId,
        parentSpanId,
        traceState,
        flags,
        name,
        kind,
        start: uint64BitsToBigInt(startLow, startHigh),
        end: uint64BitsToBigInt(endLow, endHigh),
        statusCode: this.statusCode,
        statusMessage: this.statusMessage,
        attributes: sink.result(),
        droppedAttributesCount: sink.dropped(),
        events,
        droppedEventsCount: wireDroppedEvents + extraEvents,
        links: links !== undefined && links.length > 0 ? links : undefined,
        droppedLinksCount: wireDroppedLinks + droppedLinks,
      },
      this.ctx,
      NO_RESOURCE,
      undefined,
    );
    if (typeof span === "string") {
      recordRejection(this.ctx, r, c, s, span);
      return;
    }
    this.ctx.batch.spans.push(span);
    group.spans.push(span);
  }

  protected event(length: number, limit: number, depth: number): SpanEvent {
    const end = this.open(length, limit, depth);
    const sink = this.eventSink;
    sink.reset();
    let timeLow = 0;
    let timeHigh = 0;
    let name = "";
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 1) break;
          this.fixed64(end);
          timeLow = this.low;
          timeHigh = this.high;
          continue;
        case 2:
          if (wireType !== 2) break;
          name = this.string(end);
          continue;
        case 3:
          if (wireType !== 2) break;
          this.attribute(this.size(end), end, depth + 1, sink);
          continue;
        case 4:
          if (wireType !== 0) break;
          sink.wireDropped = this.uint32(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
    return createEvent(uint64BitsToBigInt(timeLow, timeHigh), name, sink.result(), sink.dropped());
  }

  /** The normalized link, or undefined when its ids are invalid. */
  protected link(length: number, limit: number, depth: number): SpanLink | undefined {
    const end = this.open(length, limit, depth);
    const sink = this.linkSink;
    sink.reset();
    let traceId: Buffer | undefined;
    let spanId: Buffer | undefined;
    let traceState = "";
    let flags = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          traceId = this.bytes(end);
          continue;
        case 2:
          if (wireType !== 2) break;
          spanId = this.bytes(end);
          continue;
        case 3:
          if (wireType !== 2) break;
          traceState = this.string(end);
          continue;
        case 4:
          if (wireType !== 2) break;
          this.attribute(this.size(end), end, depth + 1, sink);
          continue;
        case 5:
          if (wireType !== 0) break;
          sink.wireDropped = this.uint32(end);
          continue;
        case 6:
          if (wireType !== 5) break;
          flags = this.fixed32(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
    return createLink(traceId, spanId, traceState, sink.result(), sink.dropped(), flags, this.ctx);
  }

  protected status(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 2:
          if (wireType !== 2) break;
          this.statusMessage = this.string(end);
          continue;
        case 3:
          if (wireType !== 0) break;
          this.statusCode = this.uint32(end) | 0;
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  /** A KeyValue of a top-level attribute list. */
  protected attribute(length: number, limit: number, depth: number, sink: AttributeSink): void {
    const state = this.states[0];
    const key = this.keyValue(length, limit, depth, state, 0);
    sink.add(key, this.finish(state, 0));
  }

  /** Decodes a KeyValue into `state` (at normalization depth `level`); returns the raw key. */
  protected keyValue(length: number, limit: number, depth: number, state: ValueState, level: number): string {
    const end = this.open(length, limit, depth);
    state.reset();
    let key = "";
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          key = this.string(end);
          continue;
        case 2:
          if (wireType !== 2) break;
          this.anyValue(this.size(end), end, depth + 1, state, level);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
    return key;
  }

  protected anyValue(length: number, limit: number, depth: number, state: ValueState, level: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case KIND_STRING:
          if (wireType !== 2) break;
          if (this.lazyStringValues) {
            this.stringBytes(end);
            state.textPending = true;
          } else {
            state.text = this.string(end);
            state.textPending = false;
          }
          state.textStart = this.stringStart;
          state.textEnd = this.stringEnd;
          state.set(KIND_STRING);
          continue;
        case KIND_BOOL:
          if (wireType !== 0) break;
          state.flag = this.bool(end);
          state.set(KIND_BOOL);
          continue;
        case KIND_INT:
          if (wireType !== 0) break;
          this.int64(end);
          state.low = this.low;
          state.high = this.high;
          state.set(KIND_INT);
          continue;
        case KIND_DOUBLE:
          if (wireType !== 1) break;
          state.number = this.double(end);
          state.set(KIND_DOUBLE);
          continue;
        case KIND_ARRAY: {
          if (wireType !== 2) break;
          const size = this.size(end);
          if (level >= VALUE_DEPTH) this.skipArrayValue(size, end, depth + 1);
          else this.arrayValue(size, end, depth + 1, state, level);
          state.set(KIND_ARRAY);
          continue;
        }
        case KIND_KVLIST: {
          if (wireType !== 2) break;
          const size = this.size(end);
          if (level >= VALUE_DEPTH) this.skipKeyValueList(size, end, depth + 1);
          else this.keyValueList(size, end, depth + 1, state, level);
          state.set(KIND_KVLIST);
          continue;
        }
        case KIND_BYTES: {
          if (wireType !== 2) break;
          const size = this.size(end);
          const start = this.pos;
          if (start + size > end) throw outOfRange();
          this.pos = start + size;
          state.bytesStart = start;
          state.bytesEnd = start + size;
          state.set(KIND_BYTES);
          continue;
        }
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected arrayValue(length: number, limit: number, depth: number, state: ValueState, level: number): void {
    const end = this.open(length, limit, depth);
    const values = (state.array ??= []);
    const child = this.states[level + 1];
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      if (field === 1 && wireType === 2) {
        child.reset();
        this.anyValue(this.size(end), end, depth + 1, child, level + 1);
        values.push(this.finish(child, level + 1));
        continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected keyValueList(length: number, limit: number, depth: number, state: ValueState, level: number): void {
    const end = this.open(length, limit, depth);
    const object = (state.object ??= {});
    const child = this.states[level + 1];
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      if (field === 1 && wireType === 2) {
        const key = this.keyValue(this.size(end), end, depth + 1, child, level + 1);
        setEntry(object, sanitizeString(key), this.finish(child, level + 1));
        continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  /** The normalized AttributeValue of a decoded AnyValue at normalization depth `level`. */
  protected finish(state: ValueState, level: number): AttributeValue {
    switch (state.kind) {
      case KIND_STRING:
        if (state.textPending) {
          state.text = this.decodeString(state.textStart, state.textEnd);
          state.textPending = false;
        }
        return sanitizeValueString(state.text, this.ctx.maxValueLength);
      case KIND_BOOL:
        return state.flag;
      case KIND_INT:
        return int64BitsToAttribute(state.low, state.high);
      case KIND_DOUBLE:
        return doubleToAttribute(state.number);
      case KIND_BYTES:
        return sanitizeValueString(bytesToBase64(this.buf.subarray(state.bytesStart, state.bytesEnd)), this.ctx.maxValueLength);
      case KIND_ARRAY:
        return level >= VALUE_DEPTH ? null : (state.array ?? []);
      case KIND_KVLIST:
        return level >= VALUE_DEPTH ? null : (state.object ?? {});
      default:
        return null;
    }
  }

  // ---- validation-only decoding (values nested past the depth cap, entity refs) -------------

  protected skipAnyValue(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case KIND_STRING:
          if (wireType !== 2) break;
          this.checkString(end);
          continue;
        case KIND_BOOL:
          if (wireType !== 0) break;
          this.bool(end);
          continue;
        case KIND_INT:
          if (wireType !== 0) break;
          this.int64(end);
          continue;
        case KIND_DOUBLE:
          if (wireType !== 1) break;
          this.double(end);
          continue;
        case KIND_ARRAY:
          if (wireType !== 2) break;
          this.skipArrayValue(this.size(end), end, depth + 1);
          continue;
        case KIND_KVLIST:
          if (wireType !== 2) break;
          this.skipKeyValueList(this.size(end), end, depth + 1);
          continue;
        case KIND_BYTES:
          if (wireType !== 2) break;
          this.bytes(end);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected skipArrayValue(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      if (field === 1 && wireType === 2) {
        this.skipAnyValue(this.size(end), end, depth + 1);
        continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected skipKeyValueList(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      if (field === 1 && wireType === 2) {
        this.skipKeyValue(this.size(end), end, depth + 1);
        continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected skipKeyValue(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      switch (field) {
        case 1:
          if (wireType !== 2) break;
          this.checkString(end);
          continue;
        case 2:
          if (wireType !== 2) break;
          this.skipAnyValue(this.size(end), end, depth + 1);
          continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  protected skipEntityRef(length: number, limit: number, depth: number): void {
    const end = this.open(length, limit, depth);
    while (this.pos < end) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      const field = tag >>> 3;
      // schema_url, type, id_keys, description_keys: all strings.
      if (field >= 1 && field <= 4 && wireType === 2) {
        this.checkString(end);
        continue;
      }
      this.skipType(wireType, depth, field, end);
    }
    this.close(end);
  }

  // ---- wire primitives (protobufjs 8 Reader semantics, `limit` = its reader.len) ------------

  protected varint32NearEnd(limit: number): number {
    const buf = this.buf;
    let value = 0;
    for (let i = 0; i < 4; ++i) {
      if (this.pos >= limit) throw outOfRange();
      const b = buf[this.pos++];
      value = (value | ((b & 127) << (i * 7))) >>> 0;
      if (b < 128) return value;
    }
    throw outOfRange();
  }

  protected tag(limit: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (limit - pos < 5) {
      if (pos >= limit) throw outOfRange();
      if (buf[pos] >= 128) return this.varint32NearEnd(limit);
    }
    let b = buf[pos++];
    let value = b & 127;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 7;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 14;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 21;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos];
    value = (value | ((b & 15) << 28)) >>> 0;
    this.pos = pos + 1;
    if (b < 128 && (b & 112) === 0) return value;
    throw new WireFormatError("invalid tag encoding");
  }

  /** A length prefix (< 2^31). */
  protected size(limit: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (limit - pos < 5) {
      if (pos >= limit) throw outOfRange();
      if (buf[pos] >= 128) return this.varint32NearEnd(limit);
    }
    let b = buf[pos++];
    let value = b & 127;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 7;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 14;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 21;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos];
    this.pos = pos + 1;
    if (b > 7) throw new WireFormatError("invalid length encoding");
    return (value | (b << 28)) >>> 0;
  }

  protected uint32(limit: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (limit - pos < 5) {
      if (pos >= limit) throw outOfRange();
      if (buf[pos] >= 128) return this.varint32NearEnd(limit);
    }
    let b = buf[pos++];
    let value = b & 127;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 7;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 14;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 127) << 21;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value = (value | ((b & 15) << 28)) >>> 0;
    if (b < 128) {
      this.pos = pos;
      return value;
    }
    for (let i = 0; i < 5; ++i) {
      if (pos >= limit) {
        this.pos = pos;
        throw outOfRange();
      }
      if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
      }
    }
    this.pos = pos;
    throw new WireFormatError("invalid varint encoding");
  }

  /** Reads a varint int64 into this.low / this.high (protobufjs readLongVarint). */
  protected int64(limit: number): void {
    const buf = this.buf;
    let low = 0;
    let high = 0;
    let i = 0;
    let b: number;
    if (limit - this.pos > 4) {
      for (; i < 4; ++i) {
        b = buf[this.pos++];
        low = (low | ((b & 127) << (i * 7))) >>> 0;
        if (b < 128) return this.setLong(low, high);
      }
      b = buf[this.pos++];
      low = (low | ((b & 127) << 28)) >>> 0;
      high = (high | ((b & 127) >> 4)) >>> 0;
      if (b < 128) return this.setLong(low, high);
      i = 0;
    } else {
      for (; i < 4; ++i) {
        if (this.pos >= limit) throw outOfRange();
        b = buf[this.pos++];
        low = (low | ((b & 127) << (i * 7))) >>> 0;
        if (b < 128) return this.setLong(low, high);
      }
      throw outOfRange();
    }
    if (limit - this.pos > 4) {
      for (; i < 5; ++i) {
        b = buf[this.pos++];
        high = (high | ((b & 127) << (i * 7 + 3))) >>> 0;
        if (b < 128) return this.setLong(low, high);
      }
    } else {
      for (; i < 5; ++i) {
        if (this.pos >= limit) throw outOfRange();
        b = buf[this.pos++];
        high = (high | ((b & 127) << (i * 7 + 3))) >>> 0;
        if (b < 128) return this.setLong(low, high);
      }
    }
    throw new WireFormatError("invalid varint encoding");
  }

  protected setLong(low: number, high: number): void {
    this.low = low;
    this.high = high;
  }

  protected bool(limit: number): boolean {
    let value = false;
    for (let i = 0; i < 10; ++i) {
      if (this.pos >= limit) throw outOfRange();
      const b = this.buf[this.pos++];
      if (b & 127) value = true;
      if (b < 128) return value;
    }
    throw new WireFormatError("invalid varint encoding");
  }

  protected fixed32(limit: number): number {
    const pos = this.pos;
    if (pos + 4 > limit) throw outOfRange();
    const buf = this.buf;
    this.pos = pos + 4;
    return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
  }

  /** Reads fixed64 into this.low / this.high. */
  protected fixed64(limit: number): void {
    const pos = this.pos;
    if (pos + 8 > limit) throw outOfRange();
    const buf = this.buf;
    this.low = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
    this.high = (buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24)) >>> 0;
    this.pos = pos + 8;
  }

  protected double(limit: number): number {
    const pos = this.pos;
    if (pos + 8 > limit) throw outOfRange();
    this.pos = pos + 8;
    return this.buf.readDoubleLE(pos);
  }

  protected bytes(limit: number): Buffer {
    const length = this.size(limit);
    const start = this.pos;
    const end = start + length;
    if (end > limit) throw outOfRange();
    this.pos = end;
    return this.buf.subarray(start, end);
  }

  /** A string field; invalid UTF-8 is an error (protobufjs stringVerify). */
  protected string(limit: number): string {
    const length = this.size(limit);
    const start = this.pos;
    const end = start + length;
    if (end > limit) throw outOfRange();
    this.pos = end;
    this.stringStart = start;
    this.stringEnd = end;
    return this.decodeString(start, end);
  }

  /** The string of bytes [start, end) of the body; throws on invalid UTF-8. */
  protected decodeString(start: number, end: number): string {
    const length = end - start;
    if (length > SHORT_STRING) return this.utf8(start, end);
    if (length === 0) return "";
    // Short ASCII strings (attribute keys, methods, routes, names) repeat across spans and
    // requests: look them up in a small table, by length and a few sampled bytes, instead of
    // asking the Buffer binding for a new string each time. A hit is verified byte by byte.
    const buf = this.buf;
    const last = end - 1;
    let hash = Math.imul(length, 0x9e3779b1) ^ buf[start];
    hash = Math.imul(hash, 0x01000193) ^ buf[last];
    hash = Math.imul(hash, 0x01000193) ^ buf[start + (length >>> 1)];
    hash = Math.imul(hash, 0x01000193) ^ buf[last - 1 > start ? last - 1 : start];
    const slot = (hash ^ (hash >>> 16)) & STRING_CACHE_MASK;
    const cached = stringCache[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) return cached;
    }
    for (let i = start; i < end; i++) if (buf[i] & 0x80) return this.utf8(start, end);
    const text = buf.toString("latin1", start, end);
    stringCache[slot] = text;
    return text;
  }

  protected utf8(start: number, end: number): string {
    const buf = this.buf;
    for (let i = start; i < end; i++) {
      if (buf[i] >= 128) {
        if (!isUtf8(buf.subarray(start, end))) throw new WireFormatError("invalid UTF-8");
        return buf.toString("utf8", start, end);
      }
    }
    return buf.toString("latin1", start, end);
  }

  /**
   * A string field whose text may never be needed: validated like string() (invalid UTF-8
   * throws), its bytes recorded in stringStart / stringEnd, no string made.
   */
  protected stringBytes(limit: number): void {
    const length = this.size(limit);
    const start = this.pos;
    const end = start + length;
    if (end > limit) throw outOfRange();
    this.pos = end;
    this.stringStart = start;
    this.stringEnd = end;
    const buf = this.buf;
    for (let i = start; i < end; i++) {
      if (buf[i] >= 128) {
        if (!isUtf8(buf.subarray(start, end))) throw new WireFormatError("invalid UTF-8");
        return;
      }
    }
  }

  protected checkString(limit: number): void {
    const length = this.size(limit);
    const start = this.pos;
    const end = start + length;
    if (end > limit) throw outOfRange();
    this.pos = end;
    if (!isUtf8(this.buf.subarray(start, end))) throw new WireFormatError("invalid UTF-8");
  }

  protected skipBytes(length: number, limit: number): void {
    if (this.pos + length > limit) throw outOfRange();
    this.pos += length;
  }

  protected skipVarint(limit: number): void {
    do {
      if (this.pos >= limit) throw outOfRange();
    } while (this.buf[this.pos++] & 128);
  }

  protected skipType(wireType: number, depth: number, field: number, limit: number): void {
    if (depth > RECURSION_LIMIT) throw tooDeep();
    if (field === 0) throw new WireFormatError("illegal tag: field number 0");
    switch (wireType) {
      case 0:
        this.skipVarint(limit);
        break;
      case 1:
        this.skipBytes(8, limit);
        break;
      case 2:
        this.skipBytes(this.size(limit), limit);
        break;
      case 3:
        for (;;) {
          const tag = this.tag(limit);
          const nestedField = tag >>> 3;
          const nestedWireType = tag & 7;
          if (nestedField === 0) throw new WireFormatError("illegal tag: field number 0");
          if (nestedWireType === 4) {
            if (nestedField !== field) throw new WireFormatError("invalid end group tag");
            break;
          }
          this.skipType(nestedWireType, depth + 1, nestedField, limit);
        }
        break;
      case 5:
        this.skipBytes(4, limit);
        break;
      default:
        throw new WireFormatError(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

/**
 * Decodes a protobuf ExportTraceServiceRequest straight into a normalized SpanBatch.
 * Throws WireFormatError for a body protobufjs would refuse.
 */
export function fastDecodeTraceRequest(body: Buffer, options: NormalizeOptions): SpanBatch {
  const ctx = createNormalizeContext(options, "protobuf");
  new TraceRequestDecoder(body, ctx).decodeRequest();
  return ctx.batch;
}
