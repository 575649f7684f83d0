import { describe, expect, it } from "vitest";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan } from "@/lib/otlp/model";
import { peerAttributesOf, summarizeSpan } from "@/lib/rollups/span-summary";

const base: NormalizedSpan = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  parentSpanId: "00f067aa0ba902b7",
  name: "SELECT orders",
  kind: SPAN_KIND.CLIENT,
  startTimeUnixNano: 1_795_000_000_123_456_789n,
  durationNs: 2_500_000n,
  serviceName: "orders",
  resourceId: "1",
  statusCode: STATUS_CODE.ERROR,
};

describe("summarizeSpan", () => {
  it("keeps what the rollups need, start in µs and duration in ns", () => {
    const summary = summarizeSpan({ ...base, attributes: { "db.system.name": "postgresql", "server.address": "db", other: 1 } });
    expect(summary).toEqual({
      traceId: base.traceId,
      spanId: base.spanId,
      parentSpanId: base.parentSpanId,
      serviceName: "orders",
      name: "SELECT orders",
      kind: SPAN_KIND.CLIENT,
      statusCode: STATUS_CODE.ERROR,
      startUs: 1_795_000_000_123_456,
      durationNs: 2_500_000,
      peer: { dbSystem: "postgresql", serverAddress: "db" },
    });
  });

  it("reads the peer attributes of client-side spans only, current names before older ones", () => {
    expect(peerAttributesOf(SPAN_KIND.CLIENT, { "db.system": "mysql", "db.system.name": "postgresql" })).toEqual({
      dbSystem: "postgresql",
    });
    expect(peerAttributesOf(SPAN_KIND.CLIENT, { "db.system": "mysql" })).toEqual({ dbSystem: "mysql" });
    expect(peerAttributesOf(SPAN_KIND.CLIENT, { "net.peer.name": "old", "peer.service": "fraud" })).toEqual({
      serverAddress: "old",
      peerService: "fraud",
    });
    expect(peerAttributesOf(SPAN_KIND.PRODUCER, { "messaging.system": "kafka", "server.address": "" })).toEqual({
      messagingSystem: "kafka",
    });
    expect(peerAttributesOf(SPAN_KIND.CONSUMER, { "messaging.system": "kafka", "peer.service": "x" })).toEqual({
      messagingSystem: "kafka",
    });
    expect(peerAttributesOf(SPAN_KIND.SERVER, { "server.address": "me" })).toBeUndefined();
    expect(peerAttributesOf(SPAN_KIND.CLIENT, { "http.method": "GET" })).toBeUndefined();
    expect(peerAttributesOf(SPAN_KIND.CLIENT, undefined)).toBeUndefined();
  });
});
