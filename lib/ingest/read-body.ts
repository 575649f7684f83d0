import type { IncomingMessage } from "node:http";
import zlib from "node:zlib";

/**
 * Reads a request body with a size limit that applies AFTER decompression (OTLP/HTTP:
 * "The server MUST limit the size of the request body when parsing it, including after
 * decompression"). gzip is inflated as a stream and counted as it inflates, so a gzip bomb
 * is stopped after `limitBytes` of output instead of being buffered whole.
 *
 * On any failure the rest of the request is discarded in the background (bounded), so the
 * client can still read the error response instead of seeing a connection reset.
 */

export type BodyErrorCode = "BODY_TOO_LARGE" | "OVERLOADED" | "UNSUPPORTED_ENCODING" | "MALFORMED_BODY" | "CLIENT_ABORTED";

const HTTP_STATUS: Record<BodyErrorCode, number> = {
  BODY_TOO_LARGE: 413,
  // Too many body bytes in memory across requests (BodyBudget): retry later.
  OVERLOADED: 429,
  UNSUPPORTED_ENCODING: 415,
  MALFORMED_BODY: 400,
  // Nobody is left to read an answer; 400 keeps logs meaningful.
  CLIENT_ABORTED: 400,
};

export class BodyReadError extends Error {
  readonly httpStatus: number;
  constructor(
    readonly code: BodyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BodyReadError";
    this.httpStatus = HTTP_STATUS[code];
  }
}

/**
 * Bytes of request bodies held in memory at once, across requests and receivers
 * (BREAKWATER_MAX_INFLIGHT_BODY_SIZE). Each request takes a lease that grows with the bytes
 * it has actually buffered (not with a declared Content-Length, which a slow client could
 * use to hold the budget without sending anything) and is released once the body is
 * decoded. Growing past the limit fails, and the request is refused with 429 / UNAVAILABLE
 * rather than adding to memory; a request alone is always allowed to grow, so a limit below
 * BREAKWATER_MAX_BODY_SIZE cannot refuse every large body.
 */
export type BodyBudget = {
  readonly limitBytes: number;
  /** Bytes held by all leases now. */
  usedBytes(): number;
  /** True when there is no room at all: refuse before reading anything. */
  isExhausted(): boolean;
  lease(): BodyLease;
};

export type BodyLease = {
  /** Bytes this lease holds. */
  readonly bytes: number;
  /** Grows the lease to `total` bytes; false (unchanged) when other leases leave no room. */
  growTo(total: number): boolean;
  /** Gives the bytes back; idempotent. */
  release(): void;
};

export function createBodyBudget(limitBytes: number): BodyBudget {
  let used = 0;
  return {
    limitBytes,
    usedBytes: () => used,
    isExhausted: () => used >= limitBytes,
    lease() {
      let bytes = 0;
      let released = false;
      return {
        get bytes() {
          return bytes;
        },
        growTo(total) {
          if (released) return false;
          if (total <= bytes) return true;
          const others = used - bytes;
          if (others > 0 && others + total > limitBytes) return false;
          used += total - bytes;
          bytes = total;
          return true;
        },
        release() {
          if (released) return;
          released = true;
          used -= bytes;
          bytes = 0;
        },
      };
    },
  };
}

const sharedBudgets = new Map<number, BodyBudget>();

/**
 * The process-wide budget for a limit: receivers built from the same configuration (the
 * OTLP/HTTP handler on both HTTP ports and the gRPC receiver) share one.
 */
export function getSharedBodyBudget(limitBytes: number): BodyBudget {
  let budget = sharedBudgets.get(limitBytes);
  if (budget === undefined) {
    budget = createBodyBudget(limitBytes);
    sharedBudgets.set(limitBytes, budget);
  }
  return budget;
}

export type ReadBodyOptions = {
  /** Maximum body size in bytes, counted after decompression (and before it, too). */
  limitBytes: number;
  /**
   * Counts the buffered bytes against a BodyBudget; when it cannot grow, reading stops with
   * BodyReadError OVERLOADED. The caller releases it (after decoding the body).
   */
  lease?: BodyLease;
  /** After a failure, how many more bytes to read and throw away before closing the connection. */
  discardLimitBytes?: number;
  /** After a failure, how long to keep discarding before closing the connection. */
  discardTimeoutMs?: number;
};

const DEFAULT_DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;
const DEFAULT_DISCARD_TIMEOUT_MS = 10_000;

type ContentEncoding = "identity" | "gzip";

/** `Content-Encoding` → what we can decode, or undefined for anything else (→ 415). */
export function parseContentEncoding(header: string | undefined): ContentEncoding | undefined {
  if (header === undefined) return "identity";
  const codings = header
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0 && part !== "identity");
  if (codings.length === 0) return "identity";
  if (codings.length === 1 && (codings[0] === "gzip" || codings[0] === "x-gzip")) return "gzip";
  return undefined;
}

/**
 * Reads and throws away the rest of a request so that an early answer (413, 401, …) reaches
 * the client instead of a TCP reset. Closes the connection once `maxBytes` more bytes have
 * arrived or `timeoutMs` passed, so a client that keeps sending cannot hold us forever.
 */
export function discardBody(req: IncomingMessage, options: { maxBytes?: number; timeoutMs?: number } = {}): void {
  if (req.complete || req.destroyed) return;
  const maxBytes = options.maxBytes ?? DEFAULT_DISCARD_LIMIT_BYTES;
  let discarded = 0;
  const timer = setTimeout(() => req.socket?.destroy(), options.timeoutMs ?? DEFAULT_DISCARD_TIMEOUT_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) {
      clearTimeout(timer);
      req.socket?.destroy();
    }
  });
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  req.once("error", () => clearTimeout(timer));
  req.resume();
}

export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const limit = options.limitBytes;
  const discard = () => discardBody(req, { maxBytes: options.discardLimitBytes, timeoutMs: options.discardTimeoutMs });
  const tooLarge = () => new BodyReadError("BODY_TOO_LARGE", `request body is larger than the limit of ${limit} bytes`);

  const encoding = parseContentEncoding(req.headers["content-encoding"]);
  if (encoding === undefined) {
    discard();
    return Promise.reject(
      new BodyReadError(
        "UNSUPPORTED_ENCODING",
        `unsupported Content-Encoding "${req.headers["content-encoding"]}"; use gzip or none`,
      ),
    );
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    discard();
    return Promise.reject(tooLarge());
  }

  const lease = options.lease;
  const overloaded = () =>
    new BodyReadError("OVERLOADED", "too many request bytes are being received and decoded right now; retry later");

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let rawSize = 0;
    let settled = false;
    const gunzip = encoding === "gzip" ? zlib.createGunzip() : undefined;

    const detach = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onClose);
    };
    const fail = (error: BodyReadError) => {
      if (settled) return;
      settled = true;
      detach();
      gunzip?.destroy();
      chunks.length = 0;
      if (error.code !== "CLIENT_ABORTED") discard();
      reject(error);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      detach();
      resolve(Buffer.concat(chunks, size));
    };
    const onOutput = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        return fail(
          gunzip
            ? new BodyReadError("BODY_TOO_LARGE", `request body inflates to more than the limit of ${limit} bytes`)
            : tooLarge(),
        );
      }
      if (lease && !lease.growTo(size)) return fail(overloaded());
      chunks.push(chunk);
    };
    function onData(chunk: Buffer) {
      if (settled) return;
      // The compressed size is limited too: a body that is over the limit before
      // inflating is almost certainly over it after.
      rawSize += chunk.length;
      if (rawSize > limit) return fail(tooLarge());
      if (!gunzip) return onOutput(chunk);
      if (!gunzip.write(chunk)) {
        req.pause();
        gunzip.once("drain", () => {
          if (!settled) req.resume();
        });
      }
    }
    function onEnd() {
      if (gunzip) gunzip.end();
      else finish();
    }
    function onAbort() {
      fail(new BodyReadError("CLIENT_ABORTED", "client closed the connection before the body was complete"));
    }
    function onClose() {
      if (!req.complete) onAbort();
    }

    if (gunzip) {
      gunzip.on("data", onOutput);
      gunzip.on("end", finish);
      gunzip.on("error", (error: Error) => fail(new BodyReadError("MALFORMED_BODY", `invalid gzip body: ${error.message}`)));
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onClose);
  });
}
