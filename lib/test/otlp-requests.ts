/**
 * Builders for OTLP trace export requests in tests: OTLP/JSON objects (as an SDK would send
 * them) and their binary protobuf encoding, plus decoders for the receivers' answers.
 */
import { randomBytes } from "node:crypto";
import { ExportTraceServiceRequest, ExportTraceServiceResponse, RpcStatus } from "@/lib/otlp/protobuf";

export type JsonAnyValue =
  | { stringValue: string }
  | { intValue: string | number }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { bytesValue: string }
  | { arrayValue: { values: JsonAnyValue[] } }
  | { kvlistValue: { values: JsonKeyValue[] } };
export type JsonKeyValue = { key: string; value: JsonAnyValue };

export type JsonSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: JsonKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: JsonKeyValue[] }[];
  status?: { code?: number; message?: string };
  [unknownField: string]: unknown;
};

export const randomTraceId = () => randomBytes(16).toString("hex");
export const randomSpanId = () => randomBytes(8).toString("hex");

/** Nanoseconds since the epoch as a decimal string, `offsetMs` from now. */
export function nanosFromNow(offsetMs = 0): string {
  return ((BigInt(Date.now()) + BigInt(Math.round(offsetMs))) * 1_000_000n).toString();
}

export function makeSpan(overrides: Partial<JsonSpan> = {}): JsonSpan {
  return {
    traceId: randomTraceId(),
    spanId: randomSpanId(),
    name: "GET /things",
    kind: 2,
    startTimeUnixNano: nanosFromNow(-1000),
    endTimeUnixNano: nanosFromNow(-900),
    attributes: [{ key: "http.request.method", value: { stringValue: "GET" } }],
    ...overrides,
  };
}

export function makeJsonRequest(spans: JsonSpan[], serviceName = "checkout") {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: serviceName } }] },
        scopeSpans: [{ scope: { name: "test-scope", version: "1.0.0" }, spans }],
      },
    ],
  };
}

export function jsonBody(spans: JsonSpan[], serviceName?: string): Buffer {
  return Buffer.from(JSON.stringify(makeJsonRequest(spans, serviceName)));
}

function hexToBase64(hex: string | undefined): string | undefined {
  return hex === undefined ? undefined : Buffer.from(hex, "hex").toString("base64");
}

/** The same request as binary protobuf (ids are bytes; protobufjs' fromObject takes base64). */
export function protobufBody(spans: JsonSpan[], serviceName?: string): Buffer {
  const request = makeJsonRequest(spans, serviceName);
  const object = {
    resourceSpans: request.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((span) => ({
          ...span,
          traceId: hexToBase64(span.traceId),
          spanId: hexToBase64(span.spanId),
          parentSpanId: hexToBase64(span.parentSpanId),
        })),
      })),
    })),
  };
  const message = ExportTraceServiceRequest.fromObject(object);
  const bytes = ExportTraceServiceRequest.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeExportResponse(body: Buffer): { rejectedSpans: number; errorMessage: string } | undefined {
  const response = ExportTraceServiceResponse.decode(body);
  const partial = response.partialSuccess;
  if (!partial) return undefined;
  return { rejectedSpans: Number(partial.rejectedSpans ?? 0), errorMessage: partial.errorMessage ?? "" };
}

export function decodeRpcStatus(body: Buffer): { code: number; message: string } {
  const status = RpcStatus.decode(body);
  return { code: status.code ?? 0, message: status.message ?? "" };
}

/** Deterministic pseudo-random bytes (xorshift32) so a "random body" test is reproducible. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
