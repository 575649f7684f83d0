import { describe, expect, it } from "vitest";
import { SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import type { TraceSpan } from "@/lib/queries/load-trace-spans";
import { toJaegerTag, toJaegerTrace } from "./to-jaeger";

const TRACE = "0af7651916cd43dd8448eb211c80319c";

function span(overrides: Partial<TraceSpan> = {}): TraceSpan {
  return {
    traceId: TRACE,
    spanId: "b7ad6b7169203331",
    name: "GET /cart",
    kind: SPAN_KIND.SERVER,
    startTimeUs: 1_763_719_200_123_456n,
    durationNs: 12_345_678n,
    serviceName: "cart",
    statusCode: STATUS_CODE.UNSET,
    attributes: {},
    events: [],
    links: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: { id: "1", serviceName: "cart", attributes: { "service.name": "cart" }, droppedAttributesCount: 0 },
    ...overrides,
  };
}

describe("toJaegerTag", () => {
  it("maps attribute value types to Jaeger tag types", () => {
    expect(toJaegerTag("s", "x")).toEqual({ key: "s", type: "string", value: "x" });
    expect(toJaegerTag("b", false)).toEqual({ key: "b", type: "bool", value: false });
    expect(toJaegerTag("i", 200)).toEqual({ key: "i", type: "int64", value: 200 });
    expect(toJaegerTag("neg", -3)).toEqual({ key: "neg", type: "int64", value: -3 });
    expect(toJaegerTag("f", 0.25)).toEqual({ key: "f", type: "float64", value: 0.25 });
    // Beyond 2^53 a number is no longer an exact integer: float64.
    expect(toJaegerTag("big", 1e20)).toEqual({ key: "big", type: "float64", value: 1e20 });
    expect(toJaegerTag("arr", ["a", 1, true])).toEqual({ key: "arr", type: "string", value: '["a",1,true]' });
    expect(toJaegerTag("obj", { k: { n: 1 } })).toEqual({ key: "obj", type: "string", value: '{"k":{"n":1}}' });
    expect(toJaegerTag("empty", null)).toEqual({ key: "empty", type: "string", value: "" });
  });
});

describe("toJaegerTrace", () => {
  it("maps ids, name, µs start time and duration (truncated to µs)", () => {
    const trace = toJaegerTrace([span()]);
    expect(trace.traceID).toBe(TRACE);
    expect(trace.warnings).toBeNull();
    const [s] = trace.spans;
    expect(s.traceID).toBe(TRACE);
    expect(s.spanID).toBe("b7ad6b7169203331");
    expect(s.operationName).toBe("GET /cart");
    expect(s.startTime).toBe(1_763_719_200_123_456);
    expect(s.duration).toBe(12_345);
    expect(s.references).toEqual([]);
    expect(s.logs).toEqual([]);
    expect(s.warnings).toBeNull();
    expect(s.flags).toBeUndefined();
    expect(s.processID).toBe("p1");
  });

  it("adds span.kind for every kind but unspecified", () => {
    const kinds = [
      [SPAN_KIND.SERVER, "server"],
      [SPAN_KIND.CLIENT, "client"],
      [SPAN_KIND.PRODUCER, "producer"],
      [SPAN_KIND.CONSUMER, "consumer"],
      [SPAN_KIND.INTERNAL, "internal"],
    ] as const;
    for (const [kind, name] of kinds) {
      const tags = toJaegerTrace([span({ kind })]).spans[0].tags;
      expect(tags).toContainEqual({ key: "span.kind", type: "string", value: name });
    }
    const unspecified = toJaegerTrace([span({ kind: SPAN_KIND.UNSPECIFIED })]).spans[0].tags;
    expect(unspecified.find((tag) => tag.key === "span.kind")).toBeUndefined();
  });

  it("maps status ERROR to error=true, otel.status_code and otel.status_description, overriding an error attribute", () => {
    const tags = toJaegerTrace([
      span({
        statusCode: STATUS_CODE.ERROR,
        statusMessage: "connection refused",
        attributes: { error: "boom", "http.status_code": 503 },
      }),
    ]).spans[0].tags;
    expect(tags).toEqual([
      { key: "http.status_code", type: "int64", value: 503 },
      { key: "span.kind", type: "string", value: "server" },
      { key: "otel.status_code", type: "string", value: "ERROR" },
      { key: "error", type: "bool", value: true },
      { key: "otel.status_description", type: "string", value: "connection refused" },
    ]);
  });

  it("maps status OK to otel.status_code=OK without an error tag, and UNSET to nothing", () => {
    const ok = toJaegerTrace([span({ statusCode: STATUS_CODE.OK })]).spans[0].tags;
    expect(ok).toContainEqual({ key: "otel.status_code", type: "string", value: "OK" });
    expect(ok.find((tag) => tag.key === "error")).toBeUndefined();
    const unset = toJaegerTrace([span()]).spans[0].tags;
    expect(unset.find((tag) => tag.key === "otel.status_code")).toBeUndefined();
  });

  it("puts scope name/version first, then sorted attributes, trace state and dropped counts", () => {
    const tags = toJaegerTrace([
      span({
        kind: SPAN_KIND.UNSPECIFIED,
        scope: { id: "9", name: "@opentelemetry/instrumentation-http", version: "0.301.0" },
        attributes: { "z.last": "z", "a.first": true },
        traceState: "vendor=abc",
        droppedAttributesCount: 2,
        droppedEventsCount: 3,
        droppedLinksCount: 4,
      }),
    ]).spans[0].tags;
    expect(tags).toEqual([
      { key: "otel.scope.name", type: "string", value: "@opentelemetry/instrumentation-http" },
      { key: "otel.scope.version", type: "string", value: "0.301.0" },
      { key: "a.first", type: "bool", value: true },
      { key: "z.last", type: "string", value: "z" },
      { key: "w3c.tracestate", type: "string", value: "vendor=abc" },
      { key: "otel.dropped_attributes_count", type: "int64", value: 2 },
      { key: "otel.dropped_events_count", type: "int64", value: 3 },
      { key: "otel.dropped_links_count", type: "int64", value: 4 },
    ]);
  });

  it("references the parent as CHILD_OF first, then links as FOLLOWS_FROM (or CHILD_OF via opentracing.ref_type)", () => {
    const parent = span({ spanId: "1111111111111111", startTimeUs: 1n });
    const child = span({
      spanId: "2222222222222222",
      parentSpanId: "1111111111111111",
      startTimeUs: 2n,
      links: [
        { traceId: "ffffffffffffffffffffffffffffffff", spanId: "3333333333333333" },
        { traceId: TRACE, spanId: "4444444444444444", attributes: { "opentracing.ref_type": "child_of" } },
      ],
    });
    const refs = toJaegerTrace([child, parent]).spans[1].references;
    expect(refs).toEqual([
      { refType: "CHILD_OF", traceID: TRACE, spanID: "1111111111111111" },
      { refType: "FOLLOWS_FROM", traceID: "ffffffffffffffffffffffffffffffff", spanID: "3333333333333333" },
      { refType: "CHILD_OF", traceID: TRACE, spanID: "4444444444444444" },
    ]);
  });

  it("lets a link to the parent override the parent reference's type instead of adding a second one", () => {
    const s = span({
      parentSpanId: "1111111111111111",
      links: [{ traceId: TRACE, spanId: "1111111111111111" }],
    });
    expect(toJaegerTrace([s]).spans[0].references).toEqual([
      { refType: "FOLLOWS_FROM", traceID: TRACE, spanID: "1111111111111111" },
    ]);
  });

  it("maps events to logs: µs timestamp, event=name first, attributes as fields", () => {
    const s = span({
      events: [
        { timeUnixNano: "1763719200123456789", name: "exception", attributes: { "exception.type": "Error", attempt: 2 } },
        { timeUnixNano: "1763719200200000000", name: "ignored-name", attributes: { event: "explicit" } },
        { timeUnixNano: "1763719200300000999", name: "" },
      ],
    });
    expect(toJaegerTrace([s]).spans[0].logs).toEqual([
      {
        timestamp: 1_763_719_200_123_456,
        fields: [
          { key: "event", type: "string", value: "exception" },
          { key: "attempt", type: "int64", value: 2 },
          { key: "exception.type", type: "string", value: "Error" },
        ],
      },
      { timestamp: 1_763_719_200_200_000, fields: [{ key: "event", type: "string", value: "explicit" }] },
      { timestamp: 1_763_719_200_300_000, fields: [] },
    ]);
  });

  it("maps the resource to a process: service.name → serviceName, other attributes → tags", () => {
    const s = span({
      resource: {
        id: "7",
        serviceName: "cart",
        attributes: { "service.name": "cart", "host.name": "box-1", "process.pid": 42 },
        droppedAttributesCount: 0,
      },
    });
    expect(toJaegerTrace([s]).processes).toEqual({
      p1: {
        serviceName: "cart",
        tags: [
          { key: "host.name", type: "string", value: "box-1" },
          { key: "process.pid", type: "int64", value: 42 },
        ],
      },
    });
  });

  it("falls back to the stored service name when the resource has no service.name", () => {
    const s = span({ resource: { id: "7", serviceName: "unknown_service", attributes: {}, droppedAttributesCount: 0 } });
    expect(toJaegerTrace([s]).processes.p1).toEqual({ serviceName: "unknown_service", tags: [] });
  });

  it("deduplicates processes per trace and numbers them in order of first use", () => {
    const cart = { id: "1", serviceName: "cart", attributes: { "service.name": "cart" }, droppedAttributesCount: 0 };
    const web = { id: "2", serviceName: "web", attributes: { "service.name": "web" }, droppedAttributesCount: 0 };
    const trace = toJaegerTrace([
      span({ spanId: "0000000000000001", startTimeUs: 10n, resource: web }),
      span({ spanId: "0000000000000002", startTimeUs: 20n, resource: cart }),
      span({ spanId: "0000000000000003", startTimeUs: 30n, resource: web }),
    ]);
    expect(trace.spans.map((s) => s.processID)).toEqual(["p1", "p2", "p1"]);
    expect(Object.keys(trace.processes)).toEqual(["p1", "p2"]);
    expect(trace.processes.p1.serviceName).toBe("web");
    expect(trace.processes.p2.serviceName).toBe("cart");
  });

  it("orders spans by start time and warns about spans whose parent is missing", () => {
    const trace = toJaegerTrace([
      span({ spanId: "000000000000000b", startTimeUs: 200n, parentSpanId: "000000000000000a" }),
      span({ spanId: "000000000000000a", startTimeUs: 100n }),
      span({ spanId: "000000000000000c", startTimeUs: 300n, parentSpanId: "00000000000000ff" }),
    ]);
    expect(trace.spans.map((s) => s.spanID)).toEqual(["000000000000000a", "000000000000000b", "000000000000000c"]);
    expect(trace.spans[1].warnings).toBeNull();
    expect(trace.spans[2].warnings).toEqual([
      "parent span 00000000000000ff is not in this trace (not received yet, dropped, or expired)",
    ]);
    expect(trace.spans[2].references[0]).toEqual({ refType: "CHILD_OF", traceID: TRACE, spanID: "00000000000000ff" });
  });

  it("keeps non-zero trace flags", () => {
    expect(toJaegerTrace([span({ flags: 1 })]).spans[0].flags).toBe(1);
    expect(toJaegerTrace([span({ flags: 0 })]).spans[0].flags).toBeUndefined();
  });

  it("refuses an empty span list", () => {
    expect(() => toJaegerTrace([])).toThrow(/at least one span/);
  });
});
