import type { TraceSpan } from "@/lib/queries/load-trace-spans";
import type { TraceSpanDto } from "@/lib/query-client/traces-schemas";

/** Nanoseconds (decimal string) → µs as a number, keeping the sub-µs part as a fraction. */
function nanosToMicros(nanos: string): number {
  const value = BigInt(nanos);
  return Number(value / 1_000n) + Number(value % 1_000n) / 1_000;
}

/** A stored span as GET /api/v1/traces/{traceId} sends it: plain JSON numbers, flat resource. */
export function toTraceSpanDto(span: TraceSpan): TraceSpanDto {
  return {
    spanId: span.spanId,
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    name: span.name,
    kind: span.kind,
    serviceName: span.serviceName,
    startTimeUs: Number(span.startTimeUs),
    durationNs: Number(span.durationNs),
    statusCode: span.statusCode,
    ...(span.statusMessage === undefined ? {} : { statusMessage: span.statusMessage }),
    ...(span.traceState === undefined ? {} : { traceState: span.traceState }),
    attributes: span.attributes,
    events: span.events.map((event) => ({
      timeUs: nanosToMicros(event.timeUnixNano),
      name: event.name,
      attributes: event.attributes ?? {},
    })),
    links: span.links.map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      ...(link.traceState === undefined ? {} : { traceState: link.traceState }),
      attributes: link.attributes ?? {},
    })),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    resourceAttributes: span.resource.attributes,
    ...(span.scope === undefined
      ? {}
      : { scope: { name: span.scope.name, ...(span.scope.version === undefined ? {} : { version: span.scope.version }) } }),
  };
}
