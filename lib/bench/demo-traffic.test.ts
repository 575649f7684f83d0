import { describe, expect, it } from "vitest";
import { RESILIENCE_ATTRIBUTES } from "@/lib/control/contract";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan } from "@/lib/otlp/model";
import { DEMO_SERVICE_NAMES, buildTemplates, createRandom, stampRequest } from "./demo-traffic";

const SLICE_START_NS = BigInt(Date.UTC(2026, 10, 21, 10, 0, 0)) * 1_000_000n;
const SLICE_NS = 5e9;

function decode(body: Buffer): NormalizedSpan[] {
  const batch = decodeTraceRequest(body, "protobuf", { maxAttributeValueLength: 16_384 });
  expect(batch.rejectedSpans).toBe(0);
  return batch.spans;
}

describe("demo traffic", () => {
  const templates = buildTemplates(4, 11);

  it("builds the same requests from the same seed", () => {
    const again = buildTemplates(4, 11);
    again.forEach((template, i) => expect(template.body.equals(templates[i].body)).toBe(true));
    expect(stampRequest(again[1], 5, SLICE_START_NS, SLICE_NS, createRandom(3))).toEqual(
      stampRequest(templates[1], 5, SLICE_START_NS, SLICE_NS, createRandom(3)),
    );
  });

  it("stamps whole traces of the demo's services into the slice, children inside their parents", () => {
    const spans = decode(stampRequest(templates[0], 7, SLICE_START_NS, SLICE_NS, createRandom(1)));
    expect(spans).toHaveLength(templates[0].spanCount);
    expect(new Set(spans.map((s) => s.serviceName))).toEqual(new Set(DEMO_SERVICE_NAMES));
    const byId = new Map(spans.map((s) => [s.traceId + s.spanId, s]));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots).toHaveLength(templates[0].traceCount);
    for (const root of roots) {
      expect(root.serviceName).toBe("loadgen");
      expect(root.startTimeUnixNano).toBeGreaterThanOrEqual(SLICE_START_NS);
      expect(root.startTimeUnixNano).toBeLessThan(SLICE_START_NS + BigInt(SLICE_NS));
    }
    for (const span of spans) {
      expect(span.durationNs).toBeGreaterThan(0n);
      if (span.parentSpanId === undefined) continue;
      const parent = byId.get(span.traceId + span.parentSpanId);
      expect(parent).toBeDefined();
      expect(span.startTimeUnixNano).toBeGreaterThanOrEqual(parent!.startTimeUnixNano);
      // A timed-out attempt ends before its server does; every other call ends inside its parent.
      if (parent!.attributes?.[RESILIENCE_ATTRIBUTES.timeout] !== true) {
        expect(span.startTimeUnixNano + span.durationNs).toBeLessThanOrEqual(parent!.startTimeUnixNano + parent!.durationNs);
      }
    }
  });

  it("gives every request its own ids and fresh durations", () => {
    const first = decode(stampRequest(templates[1], 1, SLICE_START_NS, SLICE_NS, createRandom(1)));
    const second = decode(stampRequest(templates[1], 2, SLICE_START_NS, SLICE_NS, createRandom(2)));
    const ids = new Set([...first, ...second].map((s) => s.traceId + s.spanId));
    expect(ids.size).toBe(first.length + second.length);
    expect(new Set([...first, ...second].map((s) => s.spanId)).size).toBe(first.length + second.length);
    const sameDuration = first.filter((s, i) => s.durationNs === second[i].durationNs);
    expect(sameDuration.length).toBeLessThan(first.length / 100);
  });

  it("carries the resilience and HTTP attributes, and a few percent of errors", () => {
    const spans = templates.flatMap((t, i) => decode(stampRequest(t, i + 1, SLICE_START_NS, SLICE_NS, createRandom(i))));
    const attempts = spans.filter((s) => s.serviceName === "gateway" && s.kind === SPAN_KIND.CLIENT);
    expect(attempts.length).toBeGreaterThan(100);
    for (const attempt of attempts) {
      expect(attempt.attributes).toMatchObject({
        [RESILIENCE_ATTRIBUTES.route]: expect.any(String),
        [RESILIENCE_ATTRIBUTES.backendInstance]: expect.any(String),
        [RESILIENCE_ATTRIBUTES.retryAttempt]: expect.any(Number),
        [RESILIENCE_ATTRIBUTES.breakerState]: expect.any(String),
        "http.request.method": expect.any(String),
      });
    }
    const databaseCalls = spans.filter((s) => s.attributes?.["db.system.name"] === "postgresql");
    expect(databaseCalls.length).toBeGreaterThan(0);
    const errorShare = spans.filter((s) => s.statusCode === STATUS_CODE.ERROR).length / spans.length;
    expect(errorShare).toBeGreaterThan(0.005);
    expect(errorShare).toBeLessThan(0.06);
  });
});
