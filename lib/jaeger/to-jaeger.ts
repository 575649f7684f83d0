import type { Attributes, AttributeValue, SpanLink } from "@/lib/otlp/model";
import { STATUS_CODE } from "@/lib/otlp/model";
import type { TraceSpan } from "@/lib/queries/load-trace-spans";
import { spanKindName } from "./span-kind";
import type { JaegerKeyValue, JaegerLog, JaegerProcess, JaegerReference, JaegerSpan, JaegerTrace } from "./types";

// The rules follow Jaeger's own OTLP → Jaeger translation (opentelemetry-collector-contrib
// pkg/translator/jaeger, used by jaeger-query for OTLP storage):
// - span tags: otel.scope.name/version, the attributes, span.kind, otel.status_code, error=true,
//   otel.status_description, w3c.tracestate, then the otel.dropped_*_count tags;
// - parent → CHILD_OF reference first; links → FOLLOWS_FROM (CHILD_OF when the link carries
//   opentracing.ref_type=child_of; a link to the parent only overrides the parent's type);
// - events → logs with field event=<name> unless the event has an "event" attribute;
// - resource → process: service.name → serviceName, the other attributes → process tags.

const SERVICE_NAME = "service.name";
const REF_TYPE_ATTRIBUTE = "opentracing.ref_type";

/** A Jaeger tag for an attribute value: integers → int64, other numbers → float64, arrays/maps → JSON text. */
export function toJaegerTag(key: string, value: AttributeValue): JaegerKeyValue {
  if (typeof value === "string") return { key, type: "string", value };
  if (typeof value === "boolean") return { key, type: "bool", value };
  if (typeof value === "number") {
    return Number.isSafeInteger(value) ? { key, type: "int64", value } : { key, type: "float64", value };
  }
  // An empty OTLP AnyValue is null here; Jaeger's translator turns it into an empty string tag.
  if (value === null) return { key, type: "string", value: "" };
  return { key, type: "string", value: JSON.stringify(value) };
}

/** Attributes as tags, sorted by key (JSONB does not keep insertion order, so sort for stability). */
export function toJaegerTags(attributes: Attributes, skip: ReadonlySet<string> = new Set()): JaegerKeyValue[] {
  return Object.keys(attributes)
    .filter((key) => !skip.has(key))
    .sort()
    .map((key) => toJaegerTag(key, attributes[key]));
}

function stringTag(key: string, value: string): JaegerKeyValue {
  return { key, type: "string", value };
}

function intTag(key: string, value: number): JaegerKeyValue {
  return { key, type: "int64", value };
}

export function toJaegerSpanTags(span: TraceSpan): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  if (span.scope !== undefined && span.scope.name !== "") tags.push(stringTag("otel.scope.name", span.scope.name));
  if (span.scope?.version !== undefined) tags.push(stringTag("otel.scope.version", span.scope.version));
  const isError = span.statusCode === STATUS_CODE.ERROR;
  // The synthesized error=true overrides an "error" attribute rather than duplicating the key.
  tags.push(...toJaegerTags(span.attributes, isError ? new Set(["error"]) : undefined));
  const kind = spanKindName(span.kind);
  if (kind !== "") tags.push(stringTag("span.kind", kind));
  if (span.statusCode === STATUS_CODE.OK) tags.push(stringTag("otel.status_code", "OK"));
  if (isError) {
    tags.push(stringTag("otel.status_code", "ERROR"));
    tags.push({ key: "error", type: "bool", value: true });
  }
  if (span.statusMessage !== undefined) tags.push(stringTag("otel.status_description", span.statusMessage));
  if (span.traceState !== undefined) tags.push(stringTag("w3c.tracestate", span.traceState));
  if (span.droppedAttributesCount > 0) tags.push(intTag("otel.dropped_attributes_count", span.droppedAttributesCount));
  if (span.droppedEventsCount > 0) tags.push(intTag("otel.dropped_events_count", span.droppedEventsCount));
  if (span.droppedLinksCount > 0) tags.push(intTag("otel.dropped_links_count", span.droppedLinksCount));
  return tags;
}

function linkRefType(link: SpanLink): JaegerReference["refType"] {
  return link.attributes?.[REF_TYPE_ATTRIBUTE] === "child_of" ? "CHILD_OF" : "FOLLOWS_FROM";
}

export function toJaegerReferences(span: TraceSpan): JaegerReference[] {
  const refs: JaegerReference[] = [];
  if (span.parentSpanId !== undefined) {
    refs.push({ refType: "CHILD_OF", traceID: span.traceId, spanID: span.parentSpanId });
  }
  for (const link of span.links) {
    if (span.parentSpanId !== undefined && link.traceId === span.traceId && link.spanId === span.parentSpanId) {
      refs[0].refType = linkRefType(link);
      continue;
    }
    refs.push({ refType: linkRefType(link), traceID: link.traceId, spanID: link.spanId });
  }
  return refs;
}

/** Nanoseconds (decimal string) → whole microseconds, truncated. */
function nanosToMicros(nanos: string): number {
  return Number(BigInt(nanos) / 1000n);
}

export function toJaegerLogs(span: TraceSpan): JaegerLog[] {
  return span.events.map((event) => {
    const attributes = event.attributes ?? {};
    const fields: JaegerKeyValue[] = [];
    if (event.name !== "" && !Object.hasOwn(attributes, "event")) fields.push(stringTag("event", event.name));
    fields.push(...toJaegerTags(attributes));
    return { timestamp: nanosToMicros(event.timeUnixNano), fields };
  });
}

export function toJaegerProcess(resource: TraceSpan["resource"]): JaegerProcess {
  const attributeName = resource.attributes[SERVICE_NAME];
  const serviceName = typeof attributeName === "string" && attributeName !== "" ? attributeName : resource.serviceName;
  return { serviceName, tags: toJaegerTags(resource.attributes, new Set([SERVICE_NAME])) };
}

/**
 * One trace in Jaeger's JSON model. Spans are ordered by start time; processes are
 * deduplicated per trace and numbered p1, p2, … in order of first use. A span whose parent
 * is not among `spans` keeps its CHILD_OF reference and gets a warning.
 */
export function toJaegerTrace(spans: readonly TraceSpan[]): JaegerTrace {
  if (spans.length === 0) throw new Error("toJaegerTrace needs at least one span");
  const ordered = [...spans].sort((a, b) =>
    a.startTimeUs === b.startTimeUs ? a.spanId.localeCompare(b.spanId) : a.startTimeUs < b.startTimeUs ? -1 : 1,
  );
  const spanIds = new Set(ordered.map((span) => span.spanId));
  const processes: Record<string, JaegerProcess> = {};
  const processIdByKey = new Map<string, string>();

  const jaegerSpans = ordered.map((span): JaegerSpan => {
    const process = toJaegerProcess(span.resource);
    const key = JSON.stringify(process);
    let processID = processIdByKey.get(key);
    if (processID === undefined) {
      processID = `p${processIdByKey.size + 1}`;
      processIdByKey.set(key, processID);
      processes[processID] = process;
    }
    const warnings: string[] = [];
    if (span.parentSpanId !== undefined && !spanIds.has(span.parentSpanId)) {
      warnings.push(`parent span ${span.parentSpanId} is not in this trace (not received yet, dropped, or expired)`);
    }
    const jaegerSpan: JaegerSpan = {
      traceID: span.traceId,
      spanID: span.spanId,
      operationName: span.name,
      references: toJaegerReferences(span),
      startTime: Number(span.startTimeUs),
      duration: Number(span.durationNs / 1000n),
      tags: toJaegerSpanTags(span),
      logs: toJaegerLogs(span),
      processID,
      warnings: warnings.length > 0 ? warnings : null,
    };
    if (span.flags !== undefined && span.flags !== 0) jaegerSpan.flags = span.flags;
    return jaegerSpan;
  });

  return { traceID: ordered[0].traceId, spans: jaegerSpans, processes, warnings: null };
}
