import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/minimal.js";
import { OtlpDecodeError } from "@/lib/otlp/decode";
import { encodeExportResponse } from "@/lib/otlp/response";
import type { Logger } from "@/lib/server/logger";
import { createIngestAuthorizer } from "./auth";
import { DatabaseUnavailableError, QueueFullError } from "./errors";
import {
  decodeIngestRequest,
  EARLY_REFUSAL_RETRY_AFTER_S,
  isWriterQueueFull,
  submitDecodedRequest,
  type DecodedTraceRequest,
  type OtlpReceiverDeps,
} from "./ingest-trace-request";
import { getSharedBodyBudget, type BodyBudget } from "./read-body";

/**
 * OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export.
 *
 * The method is defined with identity (de)serializers, so grpc-js hands us the raw message
 * bytes (already gunzipped when the client sent `grpc-encoding: gzip`, and limited by
 * `grpc.max_receive_message_length` after decompression) and decode errors become
 * INVALID_ARGUMENT instead of grpc-js's generic INTERNAL.
 *
 * Admission runs in a server interceptor when the call's metadata arrives, before grpc-js
 * reads the message: a missing/wrong token (UNAUTHENTICATED), a (nearly) full writer queue
 * or a body budget with no room left (UNAVAILABLE + RetryInfo, retryable) refuse the call
 * without buffering its message. The budget (BREAKWATER_MAX_INFLIGHT_BODY_SIZE, shared with
 * OTLP/HTTP) then counts the message from when grpc-js hands it over until it is decoded.
 */

export type OtlpGrpcDeps = OtlpReceiverDeps;

/** RetryInfo delay when the body budget is full: messages are decoded within about a second. */
const OVERLOADED_RETRY_AFTER_S = 1;

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

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function logRefusal(log: Logger, error: grpc.ServerErrorResponse, fields: Record<string, unknown>): void {
  log.warn("otlp/grpc export failed", { code: grpc.status[error.code ?? grpc.status.UNKNOWN], ...fields, detail: error.details });
}

/**
 * Checks each call when its metadata arrives, before the message is read: ingest token, then
 * writer queue and body budget. A refused call ends with that status and is never handed to
 * the Export handler, so its message is not buffered.
 */
function createAdmissionInterceptor(deps: OtlpGrpcDeps, budget: BodyBudget): grpc.ServerInterceptor {
  const authorizer = createIngestAuthorizer(deps.env.BREAKWATER_INGEST_TOKENS);

  const admit = (metadata: grpc.Metadata): grpc.ServerErrorResponse | undefined => {
    if (authorizer.isRequired) {
      const values = metadata.get("authorization");
      const auth = authorizer.check(typeof values[0] === "string" ? values[0] : undefined);
      if (auth !== "ok") {
        const message = auth === "missing" ? "missing ingest token (authorization: Bearer <token>)" : "invalid ingest token";
        return plainError(grpc.status.UNAUTHENTICATED, message);
      }
    }
    if (isWriterQueueFull(deps.writer)) {
      return retryableError(grpc.status.UNAVAILABLE, "ingest queue is full; retry later", EARLY_REFUSAL_RETRY_AFTER_S);
    }
    if (budget.isExhausted()) {
      return retryableError(
        grpc.status.UNAVAILABLE,
        "too many request bytes in flight; retry later",
        EARLY_REFUSAL_RETRY_AFTER_S,
      );
    }
    return undefined;
  };

  return (_method, call) => {
    const started = performance.now();
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const refusal = admit(metadata);
        if (refusal === undefined) return next(metadata);
        call.sendStatus({
          code: refusal.code ?? grpc.status.UNKNOWN,
          details: refusal.details ?? refusal.message,
          metadata: refusal.metadata,
        });
        logRefusal(deps.log, refusal, { ms: elapsedMs(started), peer: call.getPeer(), stage: "before reading the message" });
      })
      .build();
    return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
  };
}

function createTraceExportHandler(deps: OtlpGrpcDeps, budget: BodyBudget): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const started = performance.now();
    const peer = call.getPeer();
    const body = call.request;
    const bytes = body.length;
    const done = (error: grpc.ServerErrorResponse | null, response: Buffer | null, fields: Record<string, unknown> = {}) => {
      callback(error, response);
      if (error) logRefusal(deps.log, error, { ms: elapsedMs(started), peer, bytes, ...fields });
      else deps.log.debug("otlp/grpc export", { code: "OK", ms: elapsedMs(started), peer, bytes, ...fields });
    };

    // grpc-js has already buffered the message; counting it now still keeps it from being
    // decoded (several times its size in objects) while other bodies fill the budget.
    const lease = budget.lease();
    if (!lease.growTo(bytes)) {
      const message = "too many request bytes in flight; retry later";
      return done(retryableError(grpc.status.UNAVAILABLE, message, OVERLOADED_RETRY_AFTER_S), null);
    }
    let batch: DecodedTraceRequest;
    try {
      batch = decodeIngestRequest(body, "protobuf", deps.env, deps.writer.attributeKeys);
    } catch (error) {
      if (error instanceof OtlpDecodeError) return done(plainError(grpc.status.INVALID_ARGUMENT, error.message), null);
      const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return done(plainError(grpc.status.INTERNAL, "internal error while decoding spans"), null, { cause });
    } finally {
      lease.release();
    }

    submitDecodedRequest(batch, deps.writer).then(
      (result) => {
        done(null, encodeExportResponse("protobuf", result), {
          spans: result.acceptedSpans,
          rejected: result.rejectedSpans || undefined,
          duplicates: result.duplicates || undefined,
        });
      },
      (error: unknown) => {
        if (error instanceof QueueFullError) {
          const response = retryableError(grpc.status.UNAVAILABLE, "ingest queue is full; retry later", error.retryAfterSeconds);
          return done(response, null, { cause: error.message });
        }
        if (error instanceof DatabaseUnavailableError) {
          const message = "storage is temporarily unavailable; retry later";
          return done(retryableError(grpc.status.UNAVAILABLE, message, error.retryAfterSeconds), null, { cause: error.message });
        }
        // Internals go to the log, never to the client.
        const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        done(plainError(grpc.status.INTERNAL, "internal error while storing spans"), null, { cause });
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
  const budget = deps.bodyBudget ?? getSharedBodyBudget(deps.env.BREAKWATER_MAX_INFLIGHT_BODY_SIZE);
  const server = new grpc.Server({
    // Applies to the message after grpc-encoding decompression (grpc-js checks the inflated
    // size as it inflates), so it is the same limit as OTLP/HTTP's. Over it → RESOURCE_EXHAUSTED.
    "grpc.max_receive_message_length": deps.env.BREAKWATER_MAX_BODY_SIZE,
    interceptors: [createAdmissionInterceptor(deps, budget)],
  });
  server.addService(traceServiceDefinition, { Export: createTraceExportHandler(deps, budget) });
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

export async function startOtlpGrpcReceiver(
  deps: OtlpGrpcDeps,
  listen: { host: string; port: number },
): Promise<OtlpGrpcReceiver> {
  // grpc-js prints its own errors to stderr ("E No address added …" next to our one-line
  // port-in-use message); everything it reports is also reported by us, so keep it at debug.
  grpc.setLogger({ error: (...args: unknown[]) => deps.log.debug(`grpc-js: ${args.map(String).join(" ")}`) });
  const server = createOtlpGrpcServer(deps);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(grpcAddress(listen.host, listen.port), grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error) {
        server.forceShutdown();
        reject(new GrpcBindError(error.message, /EADDRINUSE|address already in use/i.test(error.message)));
      } else resolve(boundPort);
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
