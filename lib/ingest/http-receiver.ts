import type { IncomingMessage, ServerResponse } from "node:http";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { OtlpDecodeError } from "@/lib/otlp/decode";
import { encodeExportResponse, encodeRpcStatus } from "@/lib/otlp/response";
import { bearerChallenge, createIngestAuthorizer } from "./auth";
import { DatabaseUnavailableError, QueueFullError } from "./errors";
import {
  decodeIngestRequest,
  EARLY_REFUSAL_RETRY_AFTER_S,
  isWriterQueueFull,
  submitDecodedRequest,
  type DecodedTraceRequest,
  type OtlpReceiverDeps,
} from "./ingest-trace-request";
import { BodyReadError, discardBody, getSharedBodyBudget, readBody } from "./read-body";

/**
 * OTLP/HTTP receiver (OTLP spec, "OTLP/HTTP"): a plain node:http handler for POST /v1/traces,
 * mounted on the OTLP/HTTP port and in front of Next.js on the web port.
 *
 * Answers 200 only after the writer's submit() resolved, i.e. after COMMIT. Every 4xx/5xx
 * carries a google.rpc.Status in the request's encoding (protobuf when it is unknown).
 *
 * Overload: a request is refused with 429 + Retry-After before its body is read when the
 * writer's queue is (nearly) full or the body budget (BREAKWATER_MAX_INFLIGHT_BODY_SIZE) has
 * no room, and while reading when its bytes would pass that budget; so a burst of large
 * requests cannot buffer and decode without bound exactly when the writer is refusing them.
 */

export type OtlpFormat = "protobuf" | "json";

export type OtlpHttpDeps = OtlpReceiverDeps;

export type OtlpHttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const OTLP_TRACES_PATH = "/v1/traces";

/** Retry-After when the body budget is full: bodies are decoded within about a second. */
const OVERLOADED_RETRY_AFTER_S = 1;

const CONTENT_TYPE: Record<OtlpFormat, string> = { protobuf: "application/x-protobuf", json: "application/json" };

/** The OTLP encoding named by a Content-Type (parameters such as charset are ignored). */
export function parseOtlpContentType(header: string | undefined): OtlpFormat | undefined {
  if (!header) return undefined;
  const mediaType = header.split(";")[0].trim().toLowerCase();
  if (mediaType === "application/x-protobuf" || mediaType === "application/protobuf") return "protobuf";
  if (mediaType === "application/json") return "json";
  return undefined;
}

/** The gRPC code put in Status.code for each HTTP status we send (clients only log it). */
const RPC_CODE_FOR_HTTP: Record<number, number> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  404: GrpcStatus.NOT_FOUND,
  405: GrpcStatus.UNIMPLEMENTED,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  415: GrpcStatus.INVALID_ARGUMENT,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  500: GrpcStatus.INTERNAL,
  503: GrpcStatus.UNAVAILABLE,
};

type Outcome = {
  status: number;
  /** Shown in the log line (never the Authorization header or a token). */
  detail?: string;
  spans?: number;
  rejected?: number;
  duplicates?: number;
  bytes?: number;
};

export function createOtlpHttpHandler(deps: OtlpHttpDeps): OtlpHttpHandler {
  const authorizer = createIngestAuthorizer(deps.env.BREAKWATER_INGEST_TOKENS);
  const limitBytes = deps.env.BREAKWATER_MAX_BODY_SIZE;
  const budget = deps.bodyBudget ?? getSharedBodyBudget(deps.env.BREAKWATER_MAX_INFLIGHT_BODY_SIZE);

  const send = (res: ServerResponse, status: number, format: OtlpFormat, body: Buffer, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...headers, "content-type": CONTENT_TYPE[format], "content-length": String(body.length) });
    res.end(body);
  };
  const sendStatus = (
    res: ServerResponse,
    status: number,
    format: OtlpFormat,
    message: string,
    headers?: Record<string, string>,
  ) => send(res, status, format, encodeRpcStatus(format, RPC_CODE_FOR_HTTP[status] ?? GrpcStatus.UNKNOWN, message), headers);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<Outcome> {
    const path = (req.url ?? "/").split("?")[0];
    const contentFormat = parseOtlpContentType(req.headers["content-type"]);
    // Errors are answered in the request's encoding when we can tell it.
    const replyFormat = contentFormat ?? "protobuf";

    if (path !== OTLP_TRACES_PATH) {
      discardBody(req);
      sendStatus(res, 404, replyFormat, `unknown OTLP path ${path}; traces go to ${OTLP_TRACES_PATH}`);
      return { status: 404 };
    }
    if (req.method !== "POST") {
      discardBody(req);
      sendStatus(res, 405, replyFormat, `method ${req.method} not allowed; use POST`, { allow: "POST" });
      return { status: 405 };
    }
    const auth = authorizer.check(req.headers.authorization);
    if (auth !== "ok") {
      discardBody(req);
      const message = auth === "missing" ? "missing ingest token (Authorization: Bearer <token>)" : "invalid ingest token";
      sendStatus(res, 401, replyFormat, message, { "www-authenticate": bearerChallenge(auth) });
      return { status: 401, detail: auth };
    }
    if (!contentFormat) {
      discardBody(req);
      const message = `unsupported Content-Type "${req.headers["content-type"] ?? ""}"; use application/x-protobuf or application/json`;
      sendStatus(res, 415, replyFormat, message);
      return { status: 415 };
    }

    // Refused before reading: the answer does not wait for the body (discarded, bounded).
    const overload = isWriterQueueFull(deps.writer)
      ? "ingest queue is full"
      : budget.isExhausted()
        ? "too many request bytes in flight"
        : undefined;
    if (overload !== undefined) {
      discardBody(req);
      const retryAfter = String(EARLY_REFUSAL_RETRY_AFTER_S);
      sendStatus(res, 429, contentFormat, `${overload}; retry later`, { "retry-after": retryAfter });
      return { status: 429, detail: `${overload} (refused before reading the body)` };
    }

    // The body counts against the budget from its first byte until it is decoded; after
    // that only the batch is held, and the writer's queue bounds those.
    const lease = budget.lease();
    let batch: DecodedTraceRequest;
    let bytes: number;
    try {
      const body = await readBody(req, { limitBytes, lease });
      bytes = body.length;
      batch = decodeIngestRequest(body, contentFormat, deps.env, deps.writer.attributeKeys);
    } catch (error) {
      if (error instanceof BodyReadError) {
        if (error.code === "CLIENT_ABORTED") return { status: 499, detail: error.message };
        const headers = error.code === "OVERLOADED" ? { "retry-after": String(OVERLOADED_RETRY_AFTER_S) } : undefined;
        sendStatus(res, error.httpStatus, contentFormat, error.message, headers);
        return { status: error.httpStatus, detail: error.message };
      }
      if (error instanceof OtlpDecodeError) {
        sendStatus(res, 400, contentFormat, error.message);
        return { status: 400, bytes: lease.bytes, detail: error.message };
      }
      throw error;
    } finally {
      lease.release();
    }

    try {
      const result = await submitDecodedRequest(batch, deps.writer);
      send(res, 200, contentFormat, encodeExportResponse(contentFormat, result));
      return {
        status: 200,
        bytes,
        spans: result.acceptedSpans,
        rejected: result.rejectedSpans,
        duplicates: result.duplicates,
      };
    } catch (error) {
      if (error instanceof QueueFullError) {
        const retryAfter = String(error.retryAfterSeconds);
        sendStatus(res, 429, contentFormat, "ingest queue is full; retry later", { "retry-after": retryAfter });
        return { status: 429, bytes, detail: error.message };
      }
      if (error instanceof DatabaseUnavailableError) {
        const retryAfter = String(error.retryAfterSeconds);
        sendStatus(res, 503, contentFormat, "storage is temporarily unavailable; retry later", { "retry-after": retryAfter });
        return { status: 503, bytes, detail: error.message };
      }
      throw error;
    }
  }

  return (req, res) => {
    const started = performance.now();
    const finish = (outcome: Outcome) => {
      const fields = {
        method: req.method,
        path: (req.url ?? "/").split("?")[0],
        status: outcome.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        bytes: outcome.bytes,
        spans: outcome.spans,
        rejected: outcome.rejected || undefined,
        duplicates: outcome.duplicates || undefined,
        remote: req.socket.remoteAddress,
        detail: outcome.detail,
      };
      if (outcome.status >= 400) deps.log.warn("otlp/http request failed", fields);
      else deps.log.debug("otlp/http request", fields);
    };
    handle(req, res).then(finish, (error: unknown) => {
      // Internals go to the log, never to the client.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const format = parseOtlpContentType(req.headers["content-type"]) ?? "protobuf";
      discardBody(req);
      sendStatus(res, 500, format, "internal error while storing spans");
      finish({ status: 500, detail: message });
    });
  };
}
