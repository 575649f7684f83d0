/**
 * Errors the span writer rejects a submit with. Receivers map them to their protocol:
 * QueueFullError → HTTP 429 / gRPC RESOURCE_EXHAUSTED, DatabaseUnavailableError → HTTP 503 /
 * gRPC UNAVAILABLE, both with Retry-After = retryAfterSeconds. Nothing of the request was
 * committed in either case, so the client may resend it unchanged.
 */

const MIN_RETRY_AFTER_S = 1;
const MAX_RETRY_AFTER_S = 5;

function clampRetryAfter(seconds: number): number {
  if (!Number.isFinite(seconds)) return MAX_RETRY_AFTER_S;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, Math.round(seconds)));
}

/** The writer's queue cannot take this request now (back-pressure). */
export class QueueFullError extends Error {
  readonly code = "QUEUE_FULL";
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.name = "QueueFullError";
    this.retryAfterSeconds = clampRetryAfter(retryAfterSeconds);
  }
}

export type DatabaseUnavailableCode = "DATABASE_UNAVAILABLE" | "WRITER_CLOSED";

/**
 * The database could not take the write (connection refused or lost, server shutting down,
 * pool exhausted), or the writer is shutting down. The transaction did not commit.
 */
export class DatabaseUnavailableError extends Error {
  readonly code: DatabaseUnavailableCode;
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { retryAfterSeconds?: number; code?: DatabaseUnavailableCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DatabaseUnavailableError";
    this.code = options.code ?? "DATABASE_UNAVAILABLE";
    this.retryAfterSeconds = clampRetryAfter(options.retryAfterSeconds ?? 2);
  }
}

// Connection-level failures: node socket errors, libpq-style messages from node-postgres.
const UNAVAILABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Connection closed|connection is closed/i;
// SQLSTATEs meaning "not now": admin/crash shutdown, starting up (57P01–57P03), connection
// exceptions (08xxx), insufficient resources such as too many connections or disk full (53xxx).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53...)$/;

/** Whether `error` means the database cannot be reached or cannot take writes right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (error === null || typeof error !== "object") return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === "string" && (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  // Node reports a failed dual-stack connect as an AggregateError of per-address errors.
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable)) return true;
  return typeof message === "string" && UNAVAILABLE_MESSAGE.test(message);
}

/**
 * SQLSTATEs of a database that is up but could not finish this write now: lock_not_available
 * (55P03, lock_timeout), query_canceled (57014, statement_timeout or a cancel), and — once the
 * writer's own retries are used up — serialization_failure (40001) and deadlock_detected
 * (40P01). None says anything about the request itself, so the client should retry later
 * (503 / UNAVAILABLE), not be told its request failed (500).
 */
const TEMPORARY_WRITE_SQLSTATES = new Set(["55P03", "57014", "40001", "40P01"]);

/** The `code` of an error (a SQLSTATE, or a Node error code such as ECONNREFUSED) when it is a string. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether a failed write should be answered "unavailable, retry later" (see TEMPORARY_WRITE_SQLSTATES). */
export function isTemporaryWriteFailure(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const code = errorCode(error);
  return code !== undefined && TEMPORARY_WRITE_SQLSTATES.has(code);
}
