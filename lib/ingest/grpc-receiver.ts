import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/minimal.js";
import type { Env } from "@/lib/env";
import { OtlpDecodeError } from "@/lib/otlp/decode";
import { encodeExportResponse } from "@/lib/otlp/response";
import type { Logger } from "@/lib/server/logger";
import { createIngestAuthorizer } from "./auth";
import { DatabaseUnavailableError, QueueFullError } from "./errors";
import { ingestTraceRequest, type SpanSubmitter } from "./ingest-trace-request";

/**
 * OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export.
 *
 * The method is defined with identity (de)serializers, so grpc-js hands us the raw message
 * bytes (already gunzipped when the client sent `grpc-encoding: gzip`, and limited by
 * `grpc.max_receive_message_length` after decompression) and decode errors become
 * INVALID_ARGUMENT instead of grpc-js's generic INTERNAL.
 */

export type OtlpGrpcDeps = {
  writer: SpanSubmitter;
  env: Pick<Env, "BREAKWATER_MAX_BODY_SIZE" | "BREAKWATER_INGEST_TOKENS" | "BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH" | "BREAKWATER_SPAN_RETENTION_HOURS">;
  log: Logger;
};

export const TRACE_EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

const identity = (bytes: Buffer): Buffer => bytes;

export const traceServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: "export",
  },
};

/**
 * google.rpc.Status { code, message, details: [Any(google.rpc.RetryInfo { retry_delay })] },
 * sent as `grpc-status-details-bin` so clients that read it know when to retry.
 */
export function encodeRetryStatusDetails(code: number, message: string, retryAfterSeconds: number): Buffer {
  const duration = protobuf.Writer.create().uint32(8).int64(retryAfterSeconds).finish();
  const retryInfo = protobuf.Writer.create().uint32(10).bytes(duration).finish();
  const any = protobuf.Writer.create()
    .uint32(10)
    .string("type.googleapis.com/google.rpc.RetryInfo")
    .uint32(18)
    .bytes(retryInfo)
    .finish();
  const status = protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish();
  return Buffer.from(status.buffer, status.byteOffset, status.byteLength);
}

function retryableError(code: grpc.status, message: string, retryAfterSeconds: number): grpc.ServerErrorResponse {
  const metadata = new grpc.Metadata();
  metadata.set("grpc-status-details-bin", encodeRetryStatusDetails(code, message, retryAfterSeconds));
  return Object.assign(new Error(message), { code, details: message, metadata });
}

function plainError(code: grpc.status, message: string): grpc.ServerErrorResponse {
  return Object.assign(new Error(message), { code, details: message });
}

export function createTraceExportHandler(deps: OtlpGrpcDeps): grpc.handleUnaryCall<Buffer, Buffer> {
  const authorizer = createIngestAuthorizer(deps.env.BREAKWATER_INGEST_TOKENS);

  return (call, callback) => {
    const started = performance.now();
    const peer = call.getPeer();
    const done = (error: grpc.ServerErrorResponse | null, response: Buffer | null, fields: Record<string, unknown> = {}) => {
      callback(error, response);
      const line = { code: grpc.status[error?.code ?? grpc.status.OK], ms: Math.round((performance.now() - started) * 10) / 10, peer, ...fields };
      if (error) deps.log.warn("otlp/grpc export failed", { ...line, detail: error.details });
      else deps.log.debug("otlp/grpc export", line);
    };

    if (authorizer.isRequired) {
      const values = call.metadata.get("authorization");
      const header = typeof values[0] === "string" ? values[0] : undefined;
      const auth = authorizer.check(header);
      if (auth !== "ok") {
        const message = auth === "missing" ? "missing ingest token (authorization: Bearer <token>)" : "invalid ingest token";
        return done(plainError(grpc.status.UNAUTHENTICATED, message), null);
      }
    }

    const body = call.request;
    ingestTraceRequest(body, "protobuf", deps).then(
      (result) => {
        done(null, encodeExportResponse("protobuf", result), {
          bytes: body.length,
          spans: result.acceptedSpans,
          rejected: result.rejectedSpans || undefined,
          duplicates: result.duplicates || undefined,
        });
      },
      (error: unknown) => {
        if (error instanceof OtlpDecodeError) {
          return done(plainError(grpc.status.INVALID_ARGUMENT, error.message), null, { bytes: body.length });
        }
        if (error instanceof QueueFullError) {
          const response = retryableError(grpc.status.UNAVAILABLE, "ingest queue is full; retry later", error.retryAfterSeconds);
          return done(response, null, { bytes: body.length, cause: error.message });
        }
        if (error instanceof DatabaseUnavailableError) {
          const message = "storage is temporarily unavailable; retry later";
          return done(retryableError(grpc.status.UNAVAILABLE, message, error.retryAfterSeconds), null, {
            bytes: body.length,
            cause: error.message,
          });
        }
        // Internals go to the log, never to the client.
        const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        done(plainError(grpc.status.INTERNAL, "internal error while storing spans"), null, { bytes: body.length, cause });
      },
    );
  };
}

export type OtlpGrpcReceiver = {
  server: grpc.Server;
  /** The bound port (useful when 0 was asked for). */
  port: number;
  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cancels the rest. */
  close(graceMs?: number): Promise<void>;
};

export function createOtlpGrpcServer(deps: OtlpGrpcDeps): grpc.Server {
  const server = new grpc.Server({
    // Applies to the message after grpc-encoding decompression (grpc-js checks the inflated
    // size as it inflates), so it is the same limit as OTLP/HTTP's. Over it → RESOURCE_EXHAUSTED.
    "grpc.max_receive_message_length": deps.env.BREAKWATER_MAX_BODY_SIZE,
  });
  server.addService(traceServiceDefinition, { Export: createTraceExportHandler(deps) });
  return server;
}

/** `host:port` for grpc-js, with IPv6 literals bracketed. */
export function grpcAddress(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

export class GrpcBindError extends Error {
  constructor(
    message: string,
    readonly isAddressInUse: boolean,
  ) {
    super(message);
    this.name = "GrpcBindError";
  }
}

export async function startOtlpGrpcReceiver(deps: OtlpGrpcDeps, listen: { host: string; port: number }): Promise<OtlpGrpcReceiver> {
  // grpc-js prints its own errors to stderr ("E No address added …" next to our one-line
  // port-in-use message); everything it reports is also reported by us, so keep it at debug.
  grpc.setLogger({ error: (...args: unknown[]) => deps.log.debug(`grpc-js: ${args.map(String).join(" ")}`) });
  const server = createOtlpGrpcServer(deps);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(grpcAddress(listen.host, listen.port), grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error) {
        server.forceShutdown();
        reject(new GrpcBindError(error.message, /EADDRINUSE|address already in use/i.test(error.message)));
      }
      else resolve(boundPort);
    });
  });
  const close = (graceMs = 5_000) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { server, port, close };
}
