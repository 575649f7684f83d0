import $protobuf from "protobufjs/minimal.js";
import { google, opentelemetry } from "./generated/otlp.js";

// protobufjs decodes int64/fixed64 as Long only when it found the `long` package; without it
// they become doubles and nanosecond timestamps silently lose precision. Refuse to run so.
if (!$protobuf.util.Long) {
  throw new Error("protobufjs was loaded without long.js: 64-bit fields would lose precision");
}

export const ExportTraceServiceRequest = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
export const ExportTraceServiceResponse = opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
export const RpcStatus = google.rpc.Status;
