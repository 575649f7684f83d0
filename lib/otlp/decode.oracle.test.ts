import { type HrTime, SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { decodeTraceRequest, decodeTraceRequestWithProtobufjs } from "./decode";
import type { NormalizedSpan, SpanBatch } from "./model";

/** Every attribute type the SDK sends, set on the root span and expected back unchanged. */
const ROOT_ATTRIBUTES = {
  "http.request.method": "GET",
  "http.response.status_code": 200,
  "server.duration.ratio": 0.375,
  "user.is_admin": false,
  "cart.items": ["apple", "pear"],
  "cart.prices": [1.5, 2.25],
  "cart.quantities": [3, 4],
  "cart.flags": [true, false],
  "big.int": 2 ** 40,
  "neg.int": -7,
};

// Oracle: spans built and serialized by the real OpenTelemetry JS SDK must decode, from both
// protobuf and OTLP/JSON, into identical batches that match what the SDK recorded.

const OPTIONS = { maxAttributeValueLength: 16_384 };
const BASE_SECONDS = 1_763_700_000;

function at(offsetMs: number, extraNs = 0): HrTime {
  const ns = offsetMs * 1_000_000 + extraNs;
  return [BASE_SECONDS + Math.floor(ns / 1e9), ns % 1e9];
}

function hrToNs(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": "checkout",
      "service.version": "1.2.3",
      "deployment.environment.name": "test",
      "host.cpu.count": 2,
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer("oracle-scope", "0.9.1");
  const other = provider.getTracer("other-scope");

  const root = tracer.startSpan("GET /cart", {
    kind: SpanKind.SERVER,
    startTime: at(0, 123),
    attributes: ROOT_ATTRIBUTES,
  });
  const rootContext = trace.setSpan(context.active(), root);

  const client = tracer.startSpan(
    "SELECT cart",
    { kind: SpanKind.CLIENT, startTime: at(1, 456), attributes: { "db.system.name": "postgresql" } },
    rootContext,
  );
  client.addEvent("query.start", { "db.rows": 12, note: "cold cache" }, at(2, 789));
  client.addEvent("query.end", undefined, at(5));
  client.setStatus({ code: SpanStatusCode.ERROR, message: "deadlock detected" });
  client.end(at(7, 1));

  const internal = tracer.startSpan("render", { kind: SpanKind.INTERNAL, startTime: at(8) }, rootContext);
  internal.setStatus({ code: SpanStatusCode.OK });
  internal.end(at(9, 999_999));

  const producer = other.startSpan(
    "publish cart.updated",
    {
      kind: SpanKind.PRODUCER,
      startTime: at(10),
      links: [{ context: client.spanContext(), attributes: { "link.reason": "caused-by", "link.weight": 2 } }],
    },
    rootContext,
  );
  producer.end(at(11));

  const consumer = other.startSpan("consume cart.updated", {
    kind: SpanKind.CONSUMER,
    startTime: at(20),
    root: true,
    links: [{ context: producer.spanContext() }],
  });
  consumer.end(at(21));

  root.end(at(30, 5));
  return exporter.getFinishedSpans();
}

function bySpanId(batch: SpanBatch): Map<string, NormalizedSpan> {
  return new Map(batch.spans.map((span) => [span.spanId, span]));
}

describe("decodeTraceRequest against the OpenTelemetry JS SDK", () => {
  const recorded = recordSpans();
  const protobufBody = ProtobufTraceSerializer.serializeRequest(recorded);
  const jsonBody = JsonTraceSerializer.serializeRequest(recorded);
  if (!protobufBody || !jsonBody) throw new Error("the SDK serializers returned nothing");
  const fromProtobuf = decodeTraceRequest(protobufBody, "protobuf", OPTIONS);
  const fromJson = decodeTraceRequest(jsonBody, "json", OPTIONS);

  it("decodes protobuf and OTLP/JSON into identical batches", () => {
    expect(recorded).toHaveLength(5);
    expect(fromProtobuf.spans).toHaveLength(5);
    expect(fromJson).toStrictEqual(fromProtobuf);
    expect(decodeTraceRequestWithProtobufjs(protobufBody, OPTIONS)).toStrictEqual(fromProtobuf);
    expect(fromProtobuf.rejectedSpans).toBe(0);
    expect(fromProtobuf.rejectionReasons).toEqual([]);
  });

  it("keeps the resource and both scopes, each once", () => {
    expect(fromProtobuf.resources).toHaveLength(1);
    const [resource] = fromProtobuf.resources;
    expect(resource.serviceName).toBe("checkout");
    expect(resource.attributes).toMatchObject({
      "service.name": "checkout",
      "service.version": "1.2.3",
      "deployment.environment.name": "test",
      "host.cpu.count": 2,
    });
    expect(resource.id).toMatch(/^\d+$/);
    expect(BigInt(resource.id)).toBeLessThan(2n ** 63n);

    const scopes = new Map(fromProtobuf.scopes.map((scope) => [scope.name, scope]));
    expect(scopes.size).toBe(2);
    expect(scopes.get("oracle-scope")?.version).toBe("0.9.1");
    expect(scopes.get("other-scope")?.version).toBeUndefined();
    for (const span of fromProtobuf.spans) expect(span.resourceId).toBe(resource.id);
  });

  it("matches every span the SDK recorded", () => {
    const decoded = bySpanId(fromProtobuf);
    const scopeIds = new Map(fromProtobuf.scopes.map((scope) => [scope.name, scope.id]));
    for (const sdkSpan of recorded) {
      const context = sdkSpan.spanContext();
      const span = decoded.get(context.spanId);
      expect(span, sdkSpan.name).toBeDefined();
      if (!span) continue;
      expect(span.traceId).toBe(context.traceId);
      expect(span.parentSpanId).toBe(sdkSpan.parentSpanContext?.spanId);
      expect(span.name).toBe(sdkSpan.name);
      expect(span.kind).toBe(sdkSpan.kind + 1);
      expect(span.flags).toBe(context.traceFlags);
      expect(span.startTimeUnixNano).toBe(hrToNs(sdkSpan.startTime));
      expect(span.durationNs).toBe(hrToNs(sdkSpan.endTime) - hrToNs(sdkSpan.startTime));
      expect(span.serviceName).toBe("checkout");
      expect(span.scopeId).toBe(scopeIds.get(sdkSpan.instrumentationScope.name));
      expect(span.statusCode).toBe(sdkSpan.status.code);
      expect(span.statusMessage).toBe(sdkSpan.status.message);
      expect(span.attributes ?? {}).toEqual(sdkSpan.attributes);
      expect(span.events ?? []).toEqual(
        sdkSpan.events.map((event) => ({
          timeUnixNano: hrToNs(event.time).toString(),
          name: event.name,
          attributes: event.attributes && Object.keys(event.attributes).length > 0 ? event.attributes : undefined,
          droppedAttributesCount: undefined,
        })),
      );
      expect(span.links ?? []).toEqual(
        sdkSpan.links.map((link) => ({
          traceId: link.context.traceId,
          spanId: link.context.spanId,
          traceState: undefined,
          attributes: link.attributes && Object.keys(link.attributes).length > 0 ? link.attributes : undefined,
          droppedAttributesCount: undefined,
          flags: link.context.traceFlags,
        })),
      );
    }
  });

  it("decodes the exact times and values of the root span", () => {
    const root = fromProtobuf.spans.find((span) => span.name === "GET /cart");
    expect(root).toMatchObject({
      parentSpanId: undefined,
      kind: 2,
      startTimeUnixNano: BigInt(BASE_SECONDS) * 1_000_000_000n + 123n,
      durationNs: 30_000_000n - 123n + 5n,
      attributes: ROOT_ATTRIBUTES,
    });
    const client = fromProtobuf.spans.find((span) => span.name === "SELECT cart");
    expect(client).toMatchObject({ kind: 3, statusCode: 2, statusMessage: "deadlock detected", parentSpanId: root?.spanId });
    expect(client?.events?.[0]).toEqual({
      timeUnixNano: (BigInt(BASE_SECONDS) * 1_000_000_000n + 2_000_789n).toString(),
      name: "query.start",
      attributes: { "db.rows": 12, note: "cold cache" },
      droppedAttributesCount: undefined,
    });
    expect(new Set(fromProtobuf.spans.map((span) => span.kind))).toEqual(new Set([1, 2, 3, 4, 5]));
  });
});
