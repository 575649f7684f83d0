import type { OtlpFormat } from "./decode";
import { ExportTraceServiceResponse, RpcStatus } from "./protobuf";

export type ExportResult = { rejectedSpans: number; errorMessage?: string };

/**
 * ExportTraceServiceResponse in protobuf or OTLP/JSON. `partial_success` is present only when
 * spans were rejected or there is a message (a message alone is a warning, per the OTLP spec);
 * a full success is the empty message (`{}` in JSON).
 */
export function encodeExportResponse(format: OtlpFormat, result: ExportResult): Buffer {
  const rejectedSpans = Math.max(0, Math.trunc(result.rejectedSpans));
  const errorMessage = result.errorMessage ?? "";
  const hasPartialSuccess = rejectedSpans > 0 || errorMessage !== "";
  if (format === "json") {
    if (!hasPartialSuccess) return Buffer.from("{}");
    // proto3 JSON: int64 as a decimal string; fields at their default value are omitted.
    const partialSuccess: { rejectedSpans?: string; errorMessage?: string } = {};
    if (rejectedSpans > 0) partialSuccess.rejectedSpans = String(rejectedSpans);
    if (errorMessage !== "") partialSuccess.errorMessage = errorMessage;
    return Buffer.from(JSON.stringify({ partialSuccess }));
  }
  // fromObject turns the number into an exact int64 Long.
  const message = ExportTraceServiceResponse.fromObject(
    hasPartialSuccess ? { partialSuccess: { rejectedSpans, errorMessage } } : {},
  );
  return toBuffer(ExportTraceServiceResponse.encode(message).finish());
}

/**
 * google.rpc.Status (code is a gRPC status code) in protobuf or JSON, e.g.
 * `{"code":3,"message":"..."}`: the body of OTLP/HTTP error responses.
 */
export function encodeRpcStatus(format: OtlpFormat, code: number, message: string): Buffer {
  if (format === "json") return Buffer.from(JSON.stringify({ code, message }));
  return toBuffer(RpcStatus.encode({ code, message }).finish());
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
